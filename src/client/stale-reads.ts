/**
 * Two mutants of the read path (see mutations.ts): an app-level cache of the records the app
 * read, which the client keeps up to date at some moments and forgets at others. The store stays
 * right; what the app is shown does not. Only the session guarantees can see them.
 *
 * - `stale-read-after-write`: reads and lookups answer from the cache; push, pull and purge
 *   clear it, local writes leave it alone — a read after a write shows the record before it.
 * - `stale-list-after-push`: reads (lists) answer from the cache; local writes update it, pull
 *   and purge clear it, push answers and handler resolutions leave it alone — a list shows a
 *   version older than a lookup just showed. Lookups read the store.
 */
import type { LocalRecord } from './columns.js';
import type { Mutations } from './mutations.js';
import { propertyOf } from './records.js';

export type SyncKind = 'push' | 'pull' | 'purge';

export class StaleReads {
  private readonly cached = new Map<string, LocalRecord>();
  private readonly kind: 'stale-read-after-write' | 'stale-list-after-push' | undefined;

  constructor(mutations: Mutations) {
    this.kind = mutations.has('stale-read-after-write')
      ? 'stale-read-after-write'
      : mutations.has('stale-list-after-push')
        ? 'stale-list-after-push'
        : undefined;
  }

  get active(): boolean {
    return this.kind !== undefined;
  }

  /** What a lookup shows instead of the store's record, if anything. */
  lookup(table: string, id: string, found: () => Promise<LocalRecord | null>): Promise<LocalRecord | null> {
    if (this.kind !== 'stale-read-after-write') return found();
    const cached = this.cached.get(key(table, id));
    if (cached !== undefined) return Promise.resolve({ ...cached });
    return found().then((record) => {
      if (record !== null) this.cached.set(key(table, id), { ...record });
      return record;
    });
  }

  /** What a read shows of the store's records. */
  read(table: string, records: LocalRecord[]): LocalRecord[] {
    if (this.kind === undefined) return records;
    return records.map((record) => {
      const id = propertyOf(record, 'id');
      if (typeof id !== 'string') return record;
      const cached = this.cached.get(key(table, id));
      if (cached !== undefined) return { ...cached };
      this.cached.set(key(table, id), { ...record });
      return record;
    });
  }

  /** A local write stored `record` (null: deleted it). */
  wrote(table: string, id: string, record: LocalRecord | null): void {
    if (this.kind !== 'stale-list-after-push') return;
    if (record === null) this.cached.delete(key(table, id));
    else this.cached.set(key(table, id), { ...record });
  }

  /** A push, pull or purge ended. */
  synced(kind: SyncKind): void {
    if (this.kind === 'stale-read-after-write' || kind !== 'push') this.cached.clear();
  }
}

function key(table: string, id: string): string {
  return JSON.stringify([table, id]);
}
