/**
 * Answers of a pure function for its most recent inputs. A simulated run asks the same small
 * questions again within moments (a backend formats the same stored timestamps for every pull),
 * so the last few hundred answers catch nearly every repeat; a fixed number of entries keeps any
 * input, however hostile, from growing it. The oldest entry goes first; a hit does not refresh
 * it, which costs a few misses and saves a delete and a set per hit.
 *
 * Only for cheap keys: a Map hashes a new string key in full, which for text of a few hundred
 * characters costs more than most work worth remembering.
 */
export class RecentMemo<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(
    private readonly compute: (key: K) => V,
    private readonly capacity: number,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  get(key: K): V {
    const hit = this.entries.get(key);
    if (hit !== undefined || this.entries.has(key)) return hit as V;
    const value = this.compute(key);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, value);
    return value;
  }

  /** Entries held now (never more than the capacity). */
  get size(): number {
    return this.entries.size;
  }
}
