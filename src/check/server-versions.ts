/**
 * The server's own write history, record by record: every version of a record the server ever
 * showed (an editor's write, a write's answer, a conflict's answer, a pull page, a handler's
 * server record, a snapshot of the backend), with the `updatedAt` the server stamped on it and
 * the stretch of the history in which it was written.
 *
 * Of two versions of one record, the one with the earlier `updatedAt` was written first (the
 * server's clock never goes back). Two versions stamped in the same millisecond are ordered by the
 * history when it can tell: a version that existed by the time another one's write was sent is
 * the older. Otherwise they are left unordered.
 *
 * Only what the server produced goes in: whatever a client says about a version (its local rows,
 * its read results) is judged against this, never added to it.
 */
import { parseIsoTimestamp } from '../protocol/datetime.js';
import type { JsonObject } from '../protocol/records.js';
import { parseJsonObject, parseRecords, type HistoryIndex } from './history-index.js';
import { recordKey } from './pending.js';

export interface ServerVersion {
  readonly version: string;
  /** Epoch ms the server stamped; undefined if no answer carried a readable one. */
  readonly updatedAt: number | undefined;
  readonly deleted: boolean;
  /** The first event that showed it. */
  readonly firstSeen: number;
  /** An event known to come before its write (the write's request, an editor's invoke), if any. */
  readonly writtenAfter?: number;
  /** An event by which it was written: the first that showed it, or its write's answer. */
  readonly writtenBy: number;
}

/** Versions of each record, by `recordKey(table, id)`, then by version. */
export type ServerVersions = ReadonlyMap<string, ReadonlyMap<string, ServerVersion>>;

const cache = new WeakMap<HistoryIndex, ServerVersions>();

export function serverVersions(index: HistoryIndex): ServerVersions {
  const known = cache.get(index);
  if (known !== undefined) return known;
  const versions = new Map<string, Map<string, ServerVersion>>();
  /** `from`: an event before the write that made it, when this event is that write's own answer. */
  const add = (table: string | null, record: JsonObject | null | undefined, seq: number, from?: number): void => {
    if (table === null || record === null || record === undefined) return;
    const id = record['id'];
    const version = record['version'];
    if (typeof id !== 'string' || typeof version !== 'string' || version === '') return;
    const key = recordKey(table, id);
    let byVersion = versions.get(key);
    if (byVersion === undefined) versions.set(key, (byVersion = new Map()));
    const known = byVersion.get(version);
    const stamp = record['updatedAt'];
    const after = from ?? known?.writtenAfter;
    byVersion.set(version, {
      version,
      updatedAt: known?.updatedAt ?? (typeof stamp === 'string' ? parseIsoTimestamp(stamp) : undefined),
      deleted: known?.deleted ?? record['deleted'] === true,
      firstSeen: Math.min(known?.firstSeen ?? seq, seq),
      ...(after !== undefined ? { writtenAfter: Math.max(after, known?.writtenAfter ?? after) } : {}),
      writtenBy: Math.min(known?.writtenBy ?? seq, seq),
    });
  };
  for (const operation of index.operations) {
    if (!operation.byEditor || operation.outcome?.kind !== 'ok') continue;
    const value = operation.outcome.value;
    if ('table' in operation.op && typeof value === 'object' && value !== null && !Array.isArray(value))
      add(operation.op.table, value, operation.outcome.seq, operation.invoke.seq);
  }
  for (const exchange of index.exchanges) {
    const response = exchange.responseEvent;
    if (response === undefined) continue;
    if (exchange.action === 'query') {
      if (response.response.status >= 200 && response.response.status < 300)
        for (const record of parseRecords(response.response.body)) add(exchange.table, record, response.seq);
      continue;
    }
    // A write's answer carries the version it wrote; a conflict's, the version it met.
    const wrote = response.response.status >= 200 && response.response.status < 300;
    add(
      exchange.table,
      parseJsonObject(response.response.body),
      response.seq,
      wrote ? exchange.requestEvent.seq : undefined,
    );
  }
  for (const record of index.handlerCalls) add(record.call.table, record.call.serverRecord, record.call.seq);
  for (const snapshot of index.snapshots) {
    for (const [table, rows] of Object.entries(snapshot.server)) for (const row of rows) add(table, row, snapshot.seq);
  }
  cache.set(index, versions);
  return versions;
}

export function versionOf(
  versions: ServerVersions,
  table: string,
  id: string,
  version: unknown,
): ServerVersion | undefined {
  return typeof version === 'string' ? versions.get(recordKey(table, id))?.get(version) : undefined;
}

/**
 * Whether the server wrote `later` after `earlier`: `true` or `false` when its stamps or the
 * history tell, `undefined` when neither can.
 */
export function writtenAfter(later: ServerVersion, earlier: ServerVersion): boolean | undefined {
  if (later.version === earlier.version) return false;
  if (later.updatedAt !== undefined && earlier.updatedAt !== undefined && later.updatedAt !== earlier.updatedAt)
    return later.updatedAt > earlier.updatedAt;
  if (later.writtenAfter !== undefined && earlier.writtenBy < later.writtenAfter) return true;
  if (earlier.writtenAfter !== undefined && later.writtenBy < earlier.writtenAfter) return false;
  return undefined;
}
