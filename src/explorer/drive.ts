/**
 * Driving a live world's virtual time the way the program runner does — the same `Scheduler`
 * (drain microtasks, fire the next timer, drain again) with one difference: it is gated by the
 * conflict desk, so while a conflict waits for the user, time stands still until the answer
 * comes. Timers fire in the same order, at the same moments, with the same budget and the same
 * error messages as in `syncwright run`, so a session saved as a scenario replays to the same
 * history.
 */
import { Scheduler, SchedulerStuckError, type Gate, type Watchdog } from '../kernel/scheduler.js';
import type { VirtualClock } from '../kernel/virtual-clock.js';

/** Timers one drive call may fire before the run counts as a livelock (the runner's default). */
export const DRIVE_MAX_STEPS = 5_000;

export class PausableDrive {
  private readonly scheduler: Scheduler;

  constructor(
    private readonly clock: VirtualClock,
    gate: Gate,
    private readonly maxSteps: number = DRIVE_MAX_STEPS,
  ) {
    this.scheduler = new Scheduler(clock, { maxSteps }, { gate });
  }

  /** Virtual ms since the start of the run. */
  get elapsed(): number {
    return this.clock.now() - this.clock.startTime;
  }

  /** Drives time until `outcome` settles, whichever way (as `world.settle`, with the world's watchdog). */
  async settle(outcome: Promise<unknown>, what: string, watchdog?: Watchdog): Promise<void> {
    const settled = outcome.then(
      () => undefined,
      () => undefined,
    );
    await this.scheduler.run(settled, what, watchdog);
  }

  /** Fires every timer due within `ms`, then moves the clock to `now + ms` (as `world.advance`). */
  advance(ms: number): Promise<void> {
    return this.scheduler.advance(ms);
  }

  /**
   * Fires timers until none is armed and says how far the clock moved: `advance` by that much
   * fires the same timers in the same order, so the runner replays it as a `wait`. On a
   * livelock, `stuck` is the error that `wait` would end with, and `ms` reaches the timer at
   * which it would.
   */
  async runUntilIdle(): Promise<{ readonly ms: number; readonly fired: number; readonly stuck?: SchedulerStuckError }> {
    const start = this.clock.now();
    let fired = 0;
    for (;;) {
      const due = this.clock.nextDueAt();
      if (due === undefined) break;
      if (fired + 1 > this.maxSteps) {
        return {
          ms: due - start,
          fired,
          stuck: new SchedulerStuckError('budget', `advance: gave up after ${this.maxSteps} timers (a livelock?)`),
        };
      }
      fired++;
      await this.scheduler.step();
    }
    return { ms: this.clock.now() - start, fired };
  }

  /** Virtual ms until the next timer is due, if one is armed. */
  untilNext(): number | undefined {
    const due = this.clock.nextDueAt();
    return due === undefined ? undefined : Math.max(0, due - this.clock.now());
  }
}
