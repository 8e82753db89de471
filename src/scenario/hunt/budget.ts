/**
 * A hunt's budget and how it ends. The budget is runs (`--runs N`: deterministic) or a wall-clock
 * deadline (`--time 10m`): no run, shrink step or triage run starts after the deadline, and
 * whatever it cut short is marked partial. A stop flag in shared memory ends the hunt early
 * (SIGINT) in every thread at once, between two runs.
 */

export type HuntBudget =
  { readonly kind: 'runs'; readonly runs: number } | { readonly kind: 'time'; readonly ms: number };

/** What every task of a hunt checks between two runs; plain data, so it crosses to worker threads. */
export interface HuntControl {
  /** Epoch ms (see {@link wallNow}) after which nothing new starts; absent for a runs budget. */
  readonly deadline?: number;
  /** `[0]` becomes 1 when the hunt is to stop (SIGINT). Shared between threads. */
  readonly stop: Int32Array;
}

/** Why a hunt ended. */
export type HuntEnd = 'runs' | 'deadline' | 'interrupted';

/** Epoch ms that agree between threads (each thread's `performance.now()` has its own origin). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export function newControl(budget: HuntBudget, started = wallNow()): HuntControl {
  return {
    ...(budget.kind === 'time' ? { deadline: started + budget.ms } : {}),
    stop: new Int32Array(new SharedArrayBuffer(4)),
  };
}

export function requestStop(control: HuntControl): void {
  Atomics.store(control.stop, 0, 1);
}

export function interrupted(control: HuntControl): boolean {
  return Atomics.load(control.stop, 0) === 1;
}

/** Past the deadline or interrupted: start nothing new. */
export function outOfBudget(control: HuntControl): boolean {
  return interrupted(control) || (control.deadline !== undefined && wallNow() >= control.deadline);
}
