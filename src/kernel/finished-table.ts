/**
 * Live entries by numeric id, for tables that thousands of short-lived entries pass through (a
 * run of the SDK arms about 2,400 timers). Deleting each entry as it finishes makes a Map shrink
 * and regrow its table over and over; here a finished entry stays until finished ones outnumber
 * live ones 4 to 1 (past a small floor), and then one pass keeps the live ones.
 *
 * The owner marks an entry finished itself (its own flag, read through `isFinished`) and then calls
 * {@link finished}; `get` may still return a finished entry, which the owner ignores.
 */
const SWEEP_FLOOR = 64;

export class FinishedTable<T> {
  private entries = new Map<number, T>();
  private live = 0;

  constructor(private readonly isFinished: (entry: T) => boolean) {}

  /** Entries not yet finished. */
  get size(): number {
    return this.live;
  }

  add(id: number, entry: T): void {
    this.entries.set(id, entry);
    this.live++;
  }

  /** The entry of `id`, finished or not; undefined once swept. */
  get(id: number): T | undefined {
    return this.entries.get(id);
  }

  /** One entry was just marked finished. */
  finished(): void {
    this.live--;
    const size = this.entries.size;
    if (size > SWEEP_FLOOR && size > 4 * this.live) {
      const kept = new Map<number, T>();
      for (const [id, entry] of this.entries) if (!this.isFinished(entry)) kept.set(id, entry);
      this.entries = kept;
    }
  }

  /** Every entry still held, finished ones included. */
  values(): IterableIterator<T> {
    return this.entries.values();
  }

  clear(): void {
    this.entries.clear();
    this.live = 0;
  }
}
