/**
 * A count of the promise work V8 reports: a promise made, a promise settled (`v8.promiseHooks`,
 * in every context of the process, the SDK's vm contexts included). The drive loop reads it
 * around a timer callback: when the count has not moved, the callback queued no promise
 * reaction, so the microtask queue is as empty as the drive left it and the next timer can fire
 * at once (see `Scheduler`'s `quietFires`).
 *
 * Two ways to queue a microtask make no promise and settle none, and so are not counted:
 * `queueMicrotask`, and resolving a promise made earlier with another promise or a thenable (the
 * job that adopts it). Code that does either inside a timer callback calls {@link note} (the SDK
 * driver does when the SDK hands it a thenable) or runs with the `event-loop-turn` drain.
 *
 * Hooks cost about 20 ns a promise event, so they are on only while a drive loop reads them.
 */
import { promiseHooks } from 'node:v8';

export interface PromiseActivity {
  /** Promise events (made, settled, noted) so far; only its changes mean anything. */
  readonly count: number;
  /** Starts counting; the returned function ends this watch (hooks stay on while any is open). */
  watch(): () => void;
  /** Counts work the hooks cannot see (a thenable adopted, a `queueMicrotask`). */
  note(): void;
}

let events = 0;
let watchers = 0;
// @types/node types createHook's result as Function; it is the hook's stop function.
let stopHooks: (() => void) | undefined;

const count = (): void => {
  events++;
};

/** The process's promise activity (hooks are process-wide). */
export const promiseActivity: PromiseActivity = {
  get count(): number {
    return events;
  },
  watch(): () => void {
    if (watchers++ === 0) stopHooks = promiseHooks.createHook({ init: count, settled: count }) as () => void;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      if (--watchers === 0) {
        stopHooks?.();
        stopHooks = undefined;
      }
    };
  },
  note(): void {
    events++;
  },
};

/** True when resolving a promise with `value` queues a job to adopt it (hooks do not see that). */
export function adoptsThenable(value: unknown): boolean {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return false;
  try {
    return typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}
