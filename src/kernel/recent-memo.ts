/**
 * Answers of a pure function for its most recent inputs. A simulated run asks the same small
 * questions again within moments (a backend formats the same stored timestamps for every pull),
 * so the last few hundred answers catch nearly every repeat; a fixed number of entries keeps any
 * input, however hostile, from growing it.
 *
 * Two generations rather than one Map evicting its oldest entry: a Map that deletes from its
 * front leaves holes there that finding the next-oldest key walks over, on every miss. Here a
 * full generation becomes the old one and the one before is dropped whole; a hit in the old
 * generation is carried into the new one, so what is still asked for stays.
 *
 * Only for cheap keys: a Map hashes a new string key in full, which for text of a few hundred
 * characters costs more than most work worth remembering.
 */
export class RecentMemo<K, V> {
  private readonly recent: RecentMap<K, V>;

  /** `capacity`: the most answers held at once (at least 2). */
  constructor(
    private readonly compute: (key: K) => V,
    capacity: number,
  ) {
    this.recent = new RecentMap(capacity);
  }

  get(key: K): V {
    const kept = this.recent.get(key);
    if (kept !== undefined || this.recent.has(key)) return kept as V;
    const value = this.compute(key);
    this.recent.set(key, value);
    return value;
  }

  /** Entries held now (never more than the capacity). */
  get size(): number {
    return this.recent.size;
  }

  clear(): void {
    this.recent.clear();
  }
}

/**
 * The store behind {@link RecentMemo}, for a cache that makes its values itself (a miss may need
 * more than the key): the last entries set, in two generations, a hit in the old one carried
 * into the new one.
 */
export class RecentMap<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();
  private readonly generation: number;

  /** `capacity`: the most entries held at once (at least 2). */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 2)
      throw new RangeError(`capacity must be an integer of at least 2, got ${capacity}`);
    this.generation = Math.floor(capacity / 2);
  }

  /** The value kept for `key`, or undefined (see {@link has} for a kept undefined). */
  get(key: K): V | undefined {
    const hit = this.current.get(key);
    if (hit !== undefined || this.current.has(key)) return hit;
    const old = this.previous.get(key);
    if (old !== undefined || this.previous.has(key)) this.set(key, old as V);
    return old;
  }

  has(key: K): boolean {
    return this.current.has(key) || this.previous.has(key);
  }

  set(key: K, value: V): void {
    if (this.current.size >= this.generation) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  /** Entries held now (never more than the capacity). */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  clear(): void {
    this.current = new Map();
    this.previous = new Map();
  }
}
