/**
 * The timers of one app instance, on the world's clock. The SDK's own promise library steps
 * through `setTimeout(…, 1)` and its task runners through `setTimeout(…, 0)`, so these carry
 * every step the SDK takes; on a virtual clock they cost no real time at all.
 *
 * Kept from the browser/WebView the SDK runs in: numeric handles; the HTML rule that timers
 * nested more than five deep wait at least 4 ms (optional); an exception in a callback is
 * reported (window.onerror) and does not stop other timers.
 *
 * Added for restarts: {@link dispose} cancels every timer and task of the instance, so nothing
 * of a killed app ever runs again.
 */
import type { Clock, TimerHandle } from '../kernel/clock.js';
import { FinishedTable } from '../kernel/finished-table.js';
import { liveObjects } from '../kernel/live-objects.js';

export interface AppTimersOptions {
  readonly clock: Clock;
  /** Apply the HTML nested-timer clamp (≥ 4 ms past five levels). Default true. */
  readonly clampNested?: boolean;
  /** Where exceptions thrown by callbacks go (the page's `window.onerror`). */
  readonly onError: (error: unknown) => void;
}

interface Entry {
  handle: TimerHandle | undefined;
  readonly interval: number | undefined;
  /** Ran for the last time or was cleared. */
  done: boolean;
}

const MAX_UNCLAMPED_NESTING = 5;
const CLAMPED_MS = 4;
const NO_ARGS: readonly unknown[] = [];

export class AppTimers {
  private readonly clock: Clock;
  private readonly clampNested: boolean;
  private readonly onError: (error: unknown) => void;
  private readonly live = new FinishedTable<Entry>((entry) => entry.done);
  private nextId = 1;
  /** Nesting level of the timer task running now; undefined outside timer tasks. */
  private currentLevel: number | undefined;
  private disposed = false;

  constructor(options: AppTimersOptions) {
    this.clock = options.clock;
    this.clampNested = options.clampNested ?? true;
    this.onError = options.onError;
  }

  /** Timers and tasks armed and not yet run. */
  get pending(): number {
    return this.live.size;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  setTimeout = (callback: unknown, ms?: unknown, ...args: unknown[]): number => this.arm(callback, ms, args, false);

  setInterval = (callback: unknown, ms?: unknown, ...args: unknown[]): number => this.arm(callback, ms, args, true);

  clearTimeout = (id: unknown): void => {
    const entry = this.live.get(Number(id));
    if (entry === undefined || entry.done) return;
    if (entry.handle !== undefined) this.clock.clearTimeout(entry.handle);
    this.finish(entry);
  };

  clearInterval = (id: unknown): void => this.clearTimeout(id);

  /**
   * Runs `task` as its own task, not a timer task (a native-bridge callback, a network event):
   * it starts with nesting level zero, as those do in a browser.
   */
  post(task: () => void): void {
    if (this.disposed) return;
    const entry: Entry = { handle: undefined, interval: undefined, done: false };
    this.add(this.nextId++, entry);
    entry.handle = this.clock.setTimeout(() => {
      this.finish(entry);
      if (!this.disposed) this.invoke(task, NO_ARGS, undefined);
    }, 0);
  }

  /** Cancels every timer and task; nothing armed before runs afterwards, nothing new is armed. */
  dispose(): void {
    this.disposed = true;
    for (const entry of this.live.values()) {
      if (!entry.done && entry.handle !== undefined) this.clock.clearTimeout(entry.handle);
    }
    liveObjects.adjust('app-timer', -this.live.size);
    this.live.clear();
  }

  private arm(callback: unknown, ms: unknown, args: unknown[], repeat: boolean): number {
    if (typeof callback !== 'function') {
      // Browsers would eval a string here; nothing in the SDK relies on that.
      throw new TypeError('setTimeout/setInterval: the callback must be a function');
    }
    const id = this.nextId++;
    if (this.disposed) return id;
    const parentLevel = this.currentLevel ?? 0;
    let delay = Number(ms);
    delay = Number.isFinite(delay) && delay > 0 ? Math.floor(delay) : 0;
    if (this.clampNested && parentLevel > MAX_UNCLAMPED_NESTING && delay < CLAMPED_MS) delay = CLAMPED_MS;
    const level = parentLevel + 1;
    const entry: Entry = { handle: undefined, interval: repeat ? Math.max(delay, 1) : undefined, done: false };
    const fire = (): void => {
      if (entry.done || this.disposed) return;
      if (entry.interval === undefined) {
        this.finish(entry);
      } else {
        entry.handle = this.clock.setTimeout(fire, entry.interval);
      }
      this.invoke(callback as (...a: unknown[]) => unknown, args, level);
    };
    this.add(id, entry);
    entry.handle = this.clock.setTimeout(fire, delay);
    return id;
  }

  private add(id: number, entry: Entry): void {
    this.live.add(id, entry);
    liveObjects.adjust('app-timer', 1);
  }

  private finish(entry: Entry): void {
    if (entry.done) return;
    entry.done = true;
    this.live.finished();
    liveObjects.adjust('app-timer', -1);
  }

  private invoke(task: (...args: unknown[]) => unknown, args: readonly unknown[], level: number | undefined): void {
    const outer = this.currentLevel;
    this.currentLevel = level;
    try {
      Reflect.apply(task, undefined, args);
    } catch (error) {
      this.onError(error);
    } finally {
      this.currentLevel = outer;
    }
  }
}
