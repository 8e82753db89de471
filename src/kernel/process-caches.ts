/**
 * The process-wide memos of syncwright, by name: what a run leaves in the process on purpose.
 *
 * Each is a cache of a pure function (the same input gives the same answer, kept or not) with a
 * fixed bound, so a long hunt fills them over its first thousands of runs and then holds them
 * at that size. The memory bench needs to tell that from what runs leave behind by mistake: it
 * empties every cache named here and collects, at the start, after the first 5% of the runs and
 * at the end, and what the heap still grew by is not a cache's. A memo left out of this list
 * would show as growth there.
 *
 * Only process-wide ones belong here (module-level, alive as long as the process): a cache that
 * belongs to a run, a backend or a connection goes with it.
 */
export interface ProcessCache {
  /** Entries held now. */
  readonly size: number;
  /** Forgets every entry. Answers stay the same; only the next asks cost more. */
  clear(): void;
}

export class ProcessCaches {
  private readonly caches = new Map<string, ProcessCache>();

  /** Names `cache`; a name is given once (two modules claiming one would hide one of them). */
  register(name: string, cache: ProcessCache): void {
    if (this.caches.has(name)) throw new Error(`process caches: ${name} is registered already`);
    this.caches.set(name, cache);
  }

  /** Entries each cache holds now, by name, in the order they were registered. */
  sizes(): Readonly<Record<string, number>> {
    return Object.fromEntries([...this.caches].map(([name, cache]) => [name, cache.size]));
  }

  /** Empties every cache. */
  clear(): void {
    for (const cache of this.caches.values()) cache.clear();
  }
}

/** The process's caches. */
export const processCaches = new ProcessCaches();
