/** What push, pull, purge and push errors share inside one sync context. */
import { parseIsoTimestamp } from '../protocol/datetime.js';
import type { JsonObject } from '../protocol/records.js';
import type { LocalRecord } from './columns.js';
import type { RequestSender } from './http.js';
import type { Mutations } from './mutations.js';
import type { OperationLog } from './operation-log.js';
import { toLocalRecord } from './records.js';
import type { MobileServiceStore } from './store.js';
import type { TaskRunner } from './task-runner.js';

export interface SyncDeps {
  readonly store: MobileServiceStore;
  readonly log: OperationLog;
  /** Serialises every read-then-write step on the store (local writes, push steps, pull pages). */
  readonly storeRunner: TaskRunner;
  readonly sender: RequestSender;
  readonly mutations: Mutations;
}

/** A server record in the local table's types (see {@link MobileServiceStore.getColumns}). */
export function serverRecordToLocal(store: MobileServiceStore, tableName: string, record: JsonObject): LocalRecord {
  const columns = store.getColumns?.(tableName);
  if (columns !== undefined) return toLocalRecord(record, columns);
  // The SDK's rule, for stores that cannot say their column types: a string that reads as an
  // ISO date-time (a date alone is left as text) becomes a Date.
  const result: LocalRecord = {};
  for (const [property, value] of Object.entries(record)) {
    const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? parseIsoTimestamp(value) : undefined;
    result[property] = ms === undefined ? value : new Date(ms);
  }
  return result;
}

/** `/tables/<table>` with the name escaped. */
export function tablePath(tableName: string, id?: string): string {
  const base = `/tables/${encodeURIComponent(tableName)}`;
  return id === undefined ? base : `${base}/${encodeURIComponent(id)}`;
}
