/**
 * Where a world's time comes from. Virtual (the default): a {@link VirtualClock} driven by a
 * {@link Scheduler}, deterministic and never sleeping. Real: wall-clock timers, for comparing
 * against real HTTP (the bench) and for live demos; histories are then not reproducible.
 */
import { RealClock, type Clock, type TimerHandle } from './clock.js';
import { promiseActivity } from './promise-activity.js';
import type { RandomSource } from './random.js';
import {
  Scheduler,
  drainMicrotasks,
  drainPromiseJobs,
  type DrainMode,
  type SchedulerLimits,
  type Watchdog,
} from './scheduler.js';
import type { TieBreakPolicy } from './tie-break.js';
import { VirtualClock } from './virtual-clock.js';

export interface WorldTime {
  readonly virtual: boolean;
  /** Epoch ms at the start of the run. */
  readonly startTime: number;
  now(): number;
  /** A clock whose timers run in `name`'s lane. */
  lane(name: string): Clock;
  /** Drives time until `promise` settles (virtual time: stopped early when the watchdog says so). */
  run<T>(promise: Promise<T>, what?: string, watchdog?: Watchdog): Promise<T>;
  /** Like `run`, but also lets real I/O finish (start-up: WASM, files). */
  runWithIo<T>(promise: Promise<T>): Promise<T>;
  step(): Promise<boolean>;
  advance(ms: number): Promise<void>;
  runUntilIdle(): Promise<void>;
  /** Timers armed and not yet fired. */
  readonly pending: number;
}

export class VirtualTime implements WorldTime {
  readonly virtual = true;
  readonly clock: VirtualClock;
  readonly scheduler: Scheduler;

  constructor(options: {
    startTime?: number;
    random: RandomSource;
    ties?: TieBreakPolicy;
    limits?: SchedulerLimits;
    drain?: DrainMode;
    /** Fire timers whose callbacks queued no promise work back to back (see `SchedulerOptions`). */
    quietFires?: boolean;
    onTimerError?: (lane: string, error: unknown) => void;
  }) {
    this.clock = new VirtualClock({
      random: options.random,
      ...(options.startTime !== undefined ? { startTime: options.startTime } : {}),
      ...(options.ties !== undefined ? { ties: options.ties } : {}),
      ...(options.onTimerError !== undefined ? { onTimerError: options.onTimerError } : {}),
    });
    this.scheduler = new Scheduler(this.clock, options.limits, {
      ...(options.drain === undefined ? {} : { drain: options.drain }),
      ...(options.quietFires === true ? { quietFires: promiseActivity } : {}),
    });
  }

  get startTime(): number {
    return this.clock.startTime;
  }

  get pending(): number {
    return this.clock.pending;
  }

  now(): number {
    return this.clock.now();
  }

  lane(name: string): Clock {
    return this.clock.lane(name);
  }

  run<T>(promise: Promise<T>, what?: string, watchdog?: Watchdog): Promise<T> {
    return this.scheduler.run(promise, what, watchdog);
  }

  async runWithIo<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    watched.catch(() => undefined);
    // Start-up of simulated code is promises alone most of the time; an event-loop turn only
    // when it is still waiting after those (WASM compilation, a file).
    await drainPromiseJobs();
    if (settled) return watched;
    await drainMicrotasks();
    while (!settled) {
      if (!this.clock.fireNext()) await new Promise((resolve) => globalThis.setTimeout(resolve, 0));
      await drainMicrotasks();
    }
    return watched;
  }

  step(): Promise<boolean> {
    return this.scheduler.step();
  }

  advance(ms: number): Promise<void> {
    return this.scheduler.advance(ms);
  }

  runUntilIdle(): Promise<void> {
    return this.scheduler.runUntilIdle();
  }
}

/** Real timers that remember how many are armed, so "until idle" can be answered. */
class CountingRealClock implements Clock {
  private readonly inner = new RealClock();
  private readonly armed = new Set<number>();

  get pending(): number {
    return this.armed.size;
  }

  now(): number {
    return this.inner.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = this.inner.setTimeout(() => {
      this.armed.delete(handle.id);
      callback();
    }, ms);
    this.armed.add(handle.id);
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.armed.delete(handle.id);
    this.inner.clearTimeout(handle);
  }
}

export class RealTime implements WorldTime {
  readonly virtual = false;
  readonly startTime: number;
  private readonly clock = new CountingRealClock();

  constructor() {
    this.startTime = this.clock.now();
  }

  get pending(): number {
    return this.clock.pending;
  }

  now(): number {
    return this.clock.now();
  }

  lane(): Clock {
    return this.clock;
  }

  run<T>(promise: Promise<T>): Promise<T> {
    return promise;
  }

  runWithIo<T>(promise: Promise<T>): Promise<T> {
    return promise;
  }

  step(): Promise<boolean> {
    return Promise.reject(new Error('step(): a world on real time cannot be stepped; use a virtual world'));
  }

  advance(ms: number): Promise<void> {
    return this.clock.sleep(ms);
  }

  async runUntilIdle(): Promise<void> {
    while (this.clock.pending > 0) await this.clock.sleep(1);
  }
}
