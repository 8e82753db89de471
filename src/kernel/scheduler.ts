/**
 * The drive loop of virtual time: let the microtasks of simulated code drain, fire the next due
 * timer, repeat. Simulated code does no real I/O, so once the microtask queue is empty the only
 * thing that can happen next is a timer — and time jumps straight to it. A run never sleeps.
 */
import type { PromiseActivity } from './promise-activity.js';
import type { VirtualClock } from './virtual-clock.js';

export interface SchedulerLimits {
  /** Timers fired by one drive call before it gives up (a livelock guard). Default 1,000,000. */
  readonly maxSteps?: number;
  /** Virtual ms one drive call may cover. Default: unlimited. */
  readonly maxVirtualMs?: number;
}

export type StuckReason =
  /** No timer is armed, yet what we wait for has not settled: it waits for nothing that will come. */
  | 'deadlock'
  /** The step or virtual-time budget ran out. */
  | 'budget'
  /** Timers still fire, but the watchdog saw no progress for its bound (see {@link Watchdog}). */
  | 'stalled';

/**
 * Asked before each timer fires, with the virtual time it is due at: a message when what is
 * awaited has made no progress for too long (the run stops with a `stalled` error), else
 * undefined. Progress is the caller's to define (the world: requests and store writes).
 */
export type Watchdog = (nextDueAt: number) => string | undefined;

/** The scheduler cannot make the awaited thing happen. */
export class SchedulerStuckError extends Error {
  override readonly name = 'SchedulerStuckError';
  constructor(
    readonly reason: StuckReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One macrotask turn: every microtask queued before it (and every one those queue) has run by
 * the time it resolves. `setImmediate` where it exists (Node), a MessageChannel in browsers.
 */
export const drainMicrotasks: () => Promise<void> = makeDrain();

function makeDrain(): () => Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') {
    return () => new Promise<void>((resolve) => void immediate(resolve));
  }
  return () =>
    new Promise<void>((resolve) => {
      const channel = new MessageChannel();
      // A browser (the explorer's page) has no setImmediate: a message is its macrotask turn.
      (channel.port1 as unknown as { onmessage: (() => void) | null }).onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
}

/**
 * How a drive call waits for simulated code to go quiet before it fires the next timer.
 *
 * - `event-loop-turn` (a Scheduler's default): one macrotask turn ({@link drainMicrotasks}). Everything
 *   queued before it has run, whatever simulated code waits on.
 * - `microtasks`: a `process.nextTick` (Node), which runs once the microtask queue is empty. A
 *   turn of the event loop costs several times more, and a run of the standard bench drains
 *   about 140 times (a fifth of its time on a 2-core VM). Exact only when simulated code — the
 *   clients, the backend, the push handlers — waits on promises and the virtual clock alone,
 *   never on `process.nextTick`, `setImmediate` or real I/O, which the reference client and the
 *   simulated backend never do. A World picks it by default when every driver factory declares
 *   `waitsOnlyOnPromises`. Without `process.nextTick` (browsers) it is an event-loop turn.
 */
export type DrainMode = 'event-loop-turn' | 'microtasks';

/** Resolves once the microtask queue is empty (Node); an event-loop turn elsewhere. */
export const drainPromiseJobs: () => Promise<void> = makeTickDrain();

function makeTickDrain(): () => Promise<void> {
  const tick = hostNextTick();
  if (tick === undefined) return drainMicrotasks;
  return () => new Promise<void>((resolve) => tick(resolve));
}

/** `process.nextTick` (Node), or undefined (browsers). */
function hostNextTick(): ((callback: () => void) => void) | undefined {
  const host = (globalThis as { process?: { nextTick?: unknown } }).process;
  if (host === undefined || typeof host.nextTick !== 'function') return undefined;
  const tasks = host as { nextTick(callback: () => void): void };
  return (callback) => tasks.nextTick(callback);
}

/**
 * Something outside simulated time that the drive must wait for before it fires the next timer
 * (the explorer's user answering a conflict): while it is waiting, time stands still.
 */
export interface Gate {
  readonly waiting: boolean;
  /** Resolves once the wait is over (answered or abandoned). */
  answered(): Promise<void>;
}

export interface SchedulerOptions {
  /** Default `event-loop-turn`. */
  readonly drain?: DrainMode;
  /** Held after each drain while it is waiting, then drained again. */
  readonly gate?: Gate;
  /**
   * In `microtasks` mode (Node, no gate): a timer whose callback made and settled no promise
   * queued no microtask, so the next timer fires at once, without a drain in between — the same
   * order, since that drain would have run nothing. The real SDK's promise library steps through
   * a timer per continuation, and about 94% of them are quiet. See `promise-activity.ts` for the
   * two ways to queue a microtask it cannot see.
   */
  readonly quietFires?: PromiseActivity;
}

/**
 * Extra macrotask turns granted before declaring a deadlock, for work that settles a few turns
 * late (an `await` on a native async API during start-up). Simulated code should need none.
 */
const DEADLOCK_GRACE_TURNS = 3;

/** What a drive loop does after a drain: fire the next timer, drain once more, or stop. */
type LoopStep = 'fire' | 'drain' | 'done';

type NextTick = (callback: () => void) => void;

const SETTLED: Promise<void> = Promise.resolve();

/**
 * The drive loop in `microtasks` mode, without an awaited drain per timer (a run of the SDK fires
 * about 2,500 timers, and each awaited drain cost a promise, a closure and an async resumption). It
 * keeps the awaiting loop's order exactly: the tick runs once the microtask queue is empty, and
 * the decision (and the timer) runs in a microtask queued from it, where the awaiting loop's
 * continuation would run — so whatever simulated code queued before the drive has run first, and
 * the next tick, queued from inside the microtask drain, waits for every microtask the timer's
 * callback queued. With `quiet`, a timer whose callback moved no promise is followed by the next
 * decision at once: its drain would have found the queue empty.
 */
function tickLoop(
  tick: NextTick,
  clock: VirtualClock,
  next: () => LoopStep,
  quiet: PromiseActivity | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const unwatch = quiet?.watch();
    const decide = (): void => {
      try {
        for (;;) {
          const step = next();
          if (step === 'done') {
            unwatch?.();
            resolve();
            return;
          }
          if (step === 'drain') break;
          const before = quiet?.count;
          clock.fireNext();
          if (quiet === undefined || quiet.count !== before) break;
        }
      } catch (error) {
        unwatch?.();
        reject(error);
        return;
      }
      tick(afterDrain);
    };
    // A reaction to a settled promise is queued at once, where queueMicrotask would queue it, and
    // costs less: Node's queueMicrotask makes an async resource and a bound function each call.
    const afterDrain = (): void => void SETTLED.then(decide);
    tick(afterDrain);
  });
}

export class Scheduler {
  private driving = false;
  private readonly maxSteps: number;
  private readonly maxVirtualMs: number;
  private readonly drain: () => Promise<void>;
  /** Set when drive loops can run on ticks (see {@link tickLoop}): `microtasks` mode, no gate, Node. */
  private readonly tick: NextTick | undefined;
  /** Read around each timer in a tick loop when it may skip the drain after a quiet one. */
  private readonly quietFires: PromiseActivity | undefined;
  /** How this scheduler waits for simulated code to go quiet. */
  readonly drainMode: DrainMode;

  constructor(
    readonly clock: VirtualClock,
    limits: SchedulerLimits = {},
    options: SchedulerOptions = {},
  ) {
    this.maxSteps = limits.maxSteps ?? 1_000_000;
    this.maxVirtualMs = limits.maxVirtualMs ?? Number.POSITIVE_INFINITY;
    this.drainMode = options.drain ?? 'event-loop-turn';
    const drain = this.drainMode === 'microtasks' ? drainPromiseJobs : drainMicrotasks;
    const gate = options.gate;
    this.drain =
      gate === undefined
        ? drain
        : async () => {
            await drain();
            while (gate.waiting) {
              await gate.answered();
              await drain();
            }
          };
    this.tick = this.drainMode === 'microtasks' && gate === undefined ? hostNextTick() : undefined;
    this.quietFires = this.tick === undefined ? undefined : options.quietFires;
  }

  /** True when a drive fires a timer whose callback queued no promise work without a drain after it. */
  get firesQuietTimersBackToBack(): boolean {
    return this.quietFires !== undefined;
  }

  /** True while a drive call is running (drive calls do not nest). */
  get busy(): boolean {
    return this.driving;
  }

  /** Drains microtasks, fires one timer if one is armed, drains again. True if one fired. */
  step(): Promise<boolean> {
    return this.exclusive('step', async () => {
      await this.drain();
      const fired = this.clock.fireNext();
      await this.drain();
      return fired;
    });
  }

  /** Fires every timer due within the next `ms` virtual ms, then sets the clock `ms` later. */
  advance(ms: number): Promise<void> {
    return this.exclusive('advance', async () => {
      const target = this.clock.now() + Math.max(0, ms);
      let steps = 0;
      await this.loop(() => {
        const due = this.clock.nextDueAt();
        if (due === undefined || due > target) return 'done';
        this.checkSteps(++steps, 'advance');
        return 'fire';
      });
      this.clock.advanceTo(target);
    });
  }

  /** Fires timers until none is armed. */
  runUntilIdle(): Promise<void> {
    return this.exclusive('runUntilIdle', () => {
      const start = this.clock.now();
      let steps = 0;
      return this.loop(() => {
        if (this.clock.pending === 0) return 'done';
        this.checkSteps(++steps, 'runUntilIdle');
        this.checkTime(start, this.clock.nextDueAt(), 'runUntilIdle');
        return 'fire';
      });
    });
  }

  /**
   * Drives time until `promise` settles and returns its result (or throws its error).
   * Throws {@link SchedulerStuckError} when it can never settle.
   */
  run<T>(promise: Promise<T>, what = 'the awaited promise', watchdog?: Watchdog): Promise<T> {
    return this.exclusive('run', async () => {
      let settled = false;
      const watched = promise.then(
        (value) => {
          settled = true;
          return value;
        },
        (error: unknown) => {
          settled = true;
          throw error;
        },
      );
      // The caller sees the error through the return value; this copy must not count as unhandled.
      watched.catch(() => undefined);
      const start = this.clock.now();
      let steps = 0;
      let grace = 0;
      await this.loop(() => {
        if (settled) return 'done';
        if (this.clock.pending === 0) {
          if (grace < DEADLOCK_GRACE_TURNS) {
            grace++;
            return 'drain';
          }
          throw new SchedulerStuckError(
            'deadlock',
            `${what} is waiting, but no timer is armed: nothing can ever settle it`,
          );
        }
        grace = 0;
        this.checkSteps(++steps, what);
        const due = this.clock.nextDueAt();
        this.checkTime(start, due, what);
        if (watchdog !== undefined) {
          const stalled = due === undefined ? undefined : watchdog(due);
          if (stalled !== undefined) throw new SchedulerStuckError('stalled', `${what}: ${stalled}`);
        }
        return 'fire';
      });
      return watched;
    });
  }

  /**
   * Drains, then asks `next` what to do — fire the next timer and drain again, only drain again,
   * or stop — until it says stop (or throws, which rejects the drive).
   */
  private loop(next: () => LoopStep): Promise<void> {
    return this.tick === undefined ? this.awaitingLoop(next) : tickLoop(this.tick, this.clock, next, this.quietFires);
  }

  private async awaitingLoop(next: () => LoopStep): Promise<void> {
    await this.drain();
    for (;;) {
      const step = next();
      if (step === 'done') return;
      if (step === 'fire') this.clock.fireNext();
      await this.drain();
    }
  }

  private checkSteps(steps: number, what: string): void {
    if (steps > this.maxSteps) {
      throw new SchedulerStuckError('budget', `${what}: gave up after ${this.maxSteps} timers (a livelock?)`);
    }
  }

  private checkTime(start: number, due: number | undefined, what: string): void {
    if (due !== undefined && due - start > this.maxVirtualMs) {
      throw new SchedulerStuckError('budget', `${what}: gave up after ${this.maxVirtualMs} virtual ms`);
    }
  }

  private async exclusive<T>(what: string, body: () => Promise<T>): Promise<T> {
    if (this.driving) {
      throw new Error(
        `${what}(): the scheduler is already driving time (drive calls do not nest; call it from the top level, not from simulated code)`,
      );
    }
    this.driving = true;
    try {
      return await body();
    } finally {
      this.driving = false;
    }
  }
}
