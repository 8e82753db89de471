/**
 * Live entries by numeric id, for tables that thousands of short-lived entries pass through (a
 * run of the SDK arms about 2,400 timers). Both owners hand out ids in order, and most entries
 * finish soon after they start, so the table is a window: an array whose first slot is the id
 * `base`, appended to as ids come. A Map per entry cost a hash insert each and, swept or
 * shrunk, regrew its table over and over (half a MB of garbage per SDK run).
 *
 * Finished entries stay in the window until finished ones outnumber live ones 4 to 1 (past a
 * small floor); then the window starts afresh after its last id, and the live entries it still
 * held — a long timer among short ones — move to a small map of stragglers. An id out of order
 * goes there at once, so any id works; only the common case is cheap.
 *
 * The owner marks an entry finished itself (its own flag, read through `isFinished`) and then calls
 * {@link finished}; `get` may still return a finished entry, which the owner ignores.
 */
const SWEEP_FLOOR = 64;

export class FinishedTable<T> {
  private window: T[] = [];
  /** The id of `window[0]`. */
  private base = 0;
  private readonly stragglers = new Map<number, T>();
  private live = 0;

  constructor(private readonly isFinished: (entry: T) => boolean) {}

  /** Entries not yet finished. */
  get size(): number {
    return this.live;
  }

  /** Ids must be unique (each owner counts them up). */
  add(id: number, entry: T): void {
    const window = this.window;
    // Ids are unique, so a window starting at any id never holds one a straggler has.
    if (window.length === 0) this.base = id;
    if (id === this.base + window.length) window.push(entry);
    else this.stragglers.set(id, entry);
    this.live++;
  }

  /** The entry of `id`, finished or not; undefined once swept. */
  get(id: number): T | undefined {
    const index = id - this.base;
    if (index >= 0 && index < this.window.length) return this.window[index];
    return this.stragglers.get(id);
  }

  /** One entry was just marked finished. */
  finished(): void {
    this.live--;
    const held = this.window.length + this.stragglers.size;
    if (held > SWEEP_FLOOR && held > 4 * this.live) this.sweep();
  }

  /** Every entry still held, finished ones included. */
  *values(): IterableIterator<T> {
    yield* this.window;
    yield* this.stragglers.values();
  }

  clear(): void {
    this.window = [];
    this.stragglers.clear();
    this.live = 0;
  }

  private sweep(): void {
    for (const [id, entry] of this.stragglers) if (this.isFinished(entry)) this.stragglers.delete(id);
    const window = this.window;
    for (let i = 0; i < window.length; i++) {
      const entry = window[i]!;
      if (!this.isFinished(entry)) this.stragglers.set(this.base + i, entry);
    }
    this.base += window.length;
    this.window = [];
  }
}
