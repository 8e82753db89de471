/**
 * The bookkeeping the SDK's memo caches share: a map that stops growing at a bound (a long hunt
 * must not grow a process without end) and counts its hits and misses for the bench's breakdown.
 * What is kept and how a kept value is handed out again is each cache's own business.
 */
export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
}

export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();
  private hitCount = 0;
  private missCount = 0;

  constructor(private readonly maxEntries: number) {}

  get stats(): CacheStats {
    return { hits: this.hitCount, misses: this.missCount, entries: this.entries.size };
  }

  /** The kept value, counted as a hit; `undefined` counted as a miss. */
  lookup(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) this.missCount++;
    else this.hitCount++;
    return value;
  }

  /** Whether a new entry would be kept: checked before building it, which costs. */
  get hasRoom(): boolean {
    return this.entries.size < this.maxEntries;
  }

  keep(key: string, value: V): void {
    if (this.hasRoom) this.entries.set(key, value);
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets the entries; the hit and miss counts go on. */
  clear(): void {
    this.entries.clear();
  }
}

/** A module's exports with one function swapped, the rest (and the original object) untouched. */
export function withExport<T extends object>(exports: T, name: string, value: unknown): T {
  const shim = Object.create(exports) as T;
  Object.defineProperty(shim, name, { value, writable: true, enumerable: true, configurable: true });
  return shim;
}
