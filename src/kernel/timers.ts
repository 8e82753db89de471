/**
 * Global-shaped timer functions and a `Date` bound to virtual time, for code that reaches for
 * globals — the real SDK in a `vm` context, for instance. Install them as that context's
 * `setTimeout`, `setInterval`, `setImmediate`, `Date`… and its waits run on the world's clock.
 */
import type { VirtualClock } from './virtual-clock.js';

/** Handles are plain numbers, as in browsers (the SDK targets browsers and Cordova). */
export interface VirtualTimerFunctions {
  setTimeout(callback: unknown, ms?: unknown, ...args: unknown[]): number;
  clearTimeout(handle: unknown): void;
  setInterval(callback: unknown, ms?: unknown, ...args: unknown[]): number;
  clearInterval(handle: unknown): void;
  setImmediate(callback: unknown, ...args: unknown[]): number;
  clearImmediate(handle: unknown): void;
}

/** Timer functions whose timers run in `lane` of `clock`. */
export function createTimerFunctions(clock: VirtualClock, lane: string): VirtualTimerFunctions {
  const bind = (callback: unknown, args: unknown[]): (() => void) => {
    if (typeof callback !== 'function') {
      // Browsers eval a string here; a simulation has no business doing that.
      throw new TypeError('setTimeout/setInterval: the callback must be a function');
    }
    return () => void (callback as (...a: unknown[]) => unknown)(...args);
  };
  const cancel = (handle: unknown): void => {
    const id = typeof handle === 'number' ? handle : Number(handle);
    if (Number.isInteger(id)) clock.cancel(id);
  };
  return {
    setTimeout: (callback, ms, ...args) => clock.schedule(lane, bind(callback, args), Number(ms ?? 0)),
    clearTimeout: cancel,
    setInterval: (callback, ms, ...args) =>
      clock.schedule(lane, bind(callback, args), Number(ms ?? 0), Number(ms ?? 0)),
    clearInterval: cancel,
    setImmediate: (callback, ...args) => clock.schedule(lane, bind(callback, args), 0),
    clearImmediate: cancel,
  };
}

/**
 * A `Date` class whose `new Date()` and `Date.now()` read `clock`; every other use behaves as
 * the host's `Date` (and `instanceof Date` still holds).
 */
export function createVirtualDate(clock: { now(): number }): DateConstructor {
  const Host = Date;
  class VirtualDate extends Host {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(clock.now());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return clock.now();
    }
  }
  // Called as a function, Date returns the current time as a string.
  const callable = new Proxy(VirtualDate, {
    apply: () => new Host(clock.now()).toString(),
  });
  return callable as unknown as DateConstructor;
}
