/**
 * Where simulated code reads time and waits. The world gives a virtual clock; `serve` and
 * `explore` give the real one. Code under simulation never calls `Date.now()` or the global
 * timers itself.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: number;
}

/** Wall-clock time, for the real-HTTP front doors and interactive modes. */
export class RealClock implements Clock {
  private readonly timers = new Map<number, ReturnType<typeof globalThis.setTimeout>>();
  private nextId = 1;

  now(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(
      id,
      globalThis.setTimeout(() => {
        this.timers.delete(id);
        callback();
      }, ms),
    );
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = this.timers.get(handle.id);
    if (timer !== undefined) globalThis.clearTimeout(timer);
    this.timers.delete(handle.id);
  }
}

/** A clock that only moves when told to; handy in unit tests of code that reads time. */
export class ManualClock implements Clock {
  private readonly pending: { id: number; at: number; callback: () => void }[] = [];
  private nextId = 1;

  constructor(private time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time;
  }

  /** Moves time forward by `ms`, firing the timers that fall due, in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      this.pending.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.pending[0];
      if (next === undefined || next.at > target) break;
      this.pending.shift();
      this.time = next.at;
      next.callback();
    }
    this.time = target;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.pending.push({ id, at: this.time + Math.max(0, ms), callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const index = this.pending.findIndex((timer) => timer.id === handle.id);
    if (index >= 0) this.pending.splice(index, 1);
  }
}
