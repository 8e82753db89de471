/**
 * Driving a live world's virtual time the way the program runner does (`Scheduler.run` and
 * `Scheduler.advance`: drain microtasks, fire the next timer, drain again), with one difference:
 * while a conflict waits for the user, time stands still until the answer comes. Timers fire in
 * the same order, at the same moments, with the same budget and the same error messages as in
 * `syncwright run`, so a session saved as a scenario replays to the same history.
 */
import { drainMicrotasks, SchedulerStuckError, type Watchdog } from '../kernel/scheduler.js';
import type { VirtualClock } from '../kernel/virtual-clock.js';

/** Something simulated code may be waiting on that only the user can give (an answer to a conflict). */
export interface Gate {
  readonly waiting: boolean;
  /** Resolves once the user answered (or the wait was abandoned). */
  answered(): Promise<void>;
}

/** Timers one drive call may fire before the run counts as a livelock (the runner's default). */
export const DRIVE_MAX_STEPS = 5_000;

/** Extra macrotask turns before a deadlock is declared, as in the scheduler. */
const DEADLOCK_GRACE_TURNS = 3;

export class PausableDrive {
  constructor(
    private readonly clock: VirtualClock,
    private readonly gate: Gate,
    private readonly maxSteps: number = DRIVE_MAX_STEPS,
  ) {}

  /** Virtual ms since the start of the run. */
  get elapsed(): number {
    return this.clock.now() - this.clock.startTime;
  }

  /** Drives time until `outcome` settles (as `world.settle`, with the world's watchdog). */
  async settle(outcome: Promise<unknown>, what: string, watchdog?: Watchdog): Promise<void> {
    let settled = false;
    void outcome.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    let steps = 0;
    await this.drain();
    while (!settled) {
      if (this.clock.pending === 0) {
        for (let turn = 0; turn < DEADLOCK_GRACE_TURNS && !settled && this.clock.pending === 0; turn++)
          await this.drain();
        if (settled) break;
        if (this.clock.pending === 0)
          throw new SchedulerStuckError(
            'deadlock',
            `${what} is waiting, but no timer is armed: nothing can ever settle it`,
          );
      }
      this.checkSteps(++steps, what);
      const due = this.clock.nextDueAt();
      const stalled = watchdog === undefined || due === undefined ? undefined : watchdog(due);
      if (stalled !== undefined) throw new SchedulerStuckError('stalled', `${what}: ${stalled}`);
      this.clock.fireNext();
      await this.drain();
    }
  }

  /** Fires every timer due within `ms`, then moves the clock to `now + ms` (as `world.advance`). */
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + Math.max(0, ms);
    let steps = 0;
    await this.drain();
    for (;;) {
      const due = this.clock.nextDueAt();
      if (due === undefined || due > target) break;
      this.checkSteps(++steps, 'advance');
      this.clock.fireNext();
      await this.drain();
    }
    this.clock.advanceTo(target);
  }

  /**
   * Fires timers until none is armed and says how far the clock moved: `advance` by that much
   * fires the same timers in the same order, so the runner replays it as a `wait`. On a
   * livelock, `stuck` is the error that `wait` would end with, and `ms` reaches the timer at
   * which it would.
   */
  async runUntilIdle(): Promise<{ readonly ms: number; readonly fired: number; readonly stuck?: SchedulerStuckError }> {
    const start = this.clock.now();
    let steps = 0;
    await this.drain();
    for (;;) {
      const due = this.clock.nextDueAt();
      if (due === undefined) break;
      if (steps + 1 > this.maxSteps) {
        return {
          ms: due - start,
          fired: steps,
          stuck: new SchedulerStuckError('budget', `advance: gave up after ${this.maxSteps} timers (a livelock?)`),
        };
      }
      steps++;
      this.clock.fireNext();
      await this.drain();
    }
    return { ms: this.clock.now() - start, fired: steps };
  }

  /** Virtual ms until the next timer is due, if one is armed. */
  untilNext(): number | undefined {
    const due = this.clock.nextDueAt();
    return due === undefined ? undefined : Math.max(0, due - this.clock.now());
  }

  /** Lets microtasks run; while a conflict waits for the user, waits for the answer and drains again. */
  private async drain(): Promise<void> {
    await drainMicrotasks();
    while (this.gate.waiting) {
      await this.gate.answered();
      await drainMicrotasks();
    }
  }

  private checkSteps(steps: number, what: string): void {
    if (steps > this.maxSteps)
      throw new SchedulerStuckError('budget', `${what}: gave up after ${this.maxSteps} timers (a livelock?)`);
  }
}
