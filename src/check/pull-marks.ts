/**
 * Pull marks against the store's own commits.
 *
 * - `pull.mark-atomic`: a page's mark is never committed before the page's records. The world
 *   records each commit of the store (`store-write`, the tables its statements wrote): a commit
 *   that saves only the mark, followed — before the pull asks for anything more — by a commit
 *   that stores records of the pulled table, saved the mark ahead of its page. A crash between
 *   the two would leave the mark past records that were never stored. (A local write of the
 *   app's own, running at that moment, is its own commit, not the page's.)
 * - `pull.mark-bound`, across a crash: when an incremental pull is killed, every record the
 *   server had served it before its mark was last saved is in the store the restarted app finds.
 *   The mark says "everything up to here is stored"; a record it passed without storing is one
 *   the next incremental pull, starting from that mark, never asks for again.
 *
 * Judged on ground truth: the pages the server answered (their records), the store's own
 * commits (the world's `store-write` events, which say when the mark table was written), and
 * the restarted app's tables in the first snapshot after the restart — never on what the client
 * says it stored. A record is not expected back when the pull left it alone for a pending
 * operation (pending when the pull began, or written locally while it ran), when the app wrote or
 * purged its table meanwhile, or when its last served version was a tombstone — before the mark or
 * after it: a record absent from the store because a later page told the client it was deleted is
 * held at a later version than the one the mark passed.
 */
import type { JsonObject } from '../protocol/records.js';
import type { History } from '../kernel/history.js';
import {
  answerNeverStored,
  clientTable,
  indexHistory,
  parseRecords,
  snapshotAfter,
  snapshotBefore,
  syncStart,
  type EventOf,
  type HistoryIndex,
  type SyncWindow,
  writtenRecordId,
  writtenTable,
} from './history-index.js';
import type { Violation } from './types.js';
import { verdict } from './verdict.js';

export const PULL_MARKS = 'pull-marks';

/** Where both the SDK and the reference client keep incremental pull marks. */
const MARK_TABLE = '__pulltime';

export function checkPullMarks(history: History): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const violations: Violation[] = [];
  for (const pull of index.pulls) {
    const op = pull.operation.op;
    if (op.type !== 'pull' || op.queryId === undefined) continue;
    violations.push(...markAhead(index, pull, op.table));
    if (pull.endedByRestart) violations.push(...killedPull(index, pull, op.table));
  }
  return verdict(
    PULL_MARKS,
    violations,
    'No incremental pull committed a mark ahead of its page, and every one killed after saving its mark had stored the records served before it.',
  );
}

/** A mark-only commit followed by a commit of the page's records before the pull's next request. */
function markAhead(index: HistoryIndex, pull: SyncWindow, table: string): Violation[] {
  const { client } = pull;
  // A pull queued behind another push, pull or purge commits nothing before that one has ended.
  const begins = syncStart(index, pull.operation);
  const commits = (index.storeWrites.get(client) ?? []).filter((write) => write.seq > begins && write.seq < pull.end);
  // Any request of the client ends the page (a pull queued behind another owns no exchange of its own).
  const requests = index.exchanges
    .filter((exchange) => exchange.client === client)
    .map((exchange) => exchange.requestEvent.seq);
  for (let i = 0; i < commits.length; i++) {
    const mark = commits[i]!;
    if (!mark.statements.every((one) => one.table === MARK_TABLE)) continue;
    const nextRequest = requests.find((seq) => seq > mark.seq) ?? pull.end;
    const page = commits
      .slice(i + 1)
      .find(
        (write) =>
          write.seq < nextRequest &&
          write.statements.some((one) => one.table === table) &&
          !localWriteRunning(index, client, write.seq),
      );
    if (page === undefined) continue;
    return [
      {
        rule: 'pull.mark-atomic',
        message: `${client}'s incremental pull #${pull.start} of ${table} committed its mark alone (#${mark.seq}) and the page's records after it (#${page.seq}): a crash between the two leaves the mark past records never stored.`,
        events: [mark.seq, page.seq],
        at: { op: 'pull', status: 'ok' },
      },
    ];
  }
  return [];
}

/** Whether a local write of the client was under way at `seq` (its commit may be the one there). */
function localWriteRunning(index: HistoryIndex, client: string, seq: number): boolean {
  return index.operations.some(
    (operation) =>
      operation.actor === client &&
      writtenTable(operation.op) !== null &&
      operation.invoke.seq < seq &&
      (operation.outcome === undefined || operation.outcome.seq > seq),
  );
}

function killedPull(index: HistoryIndex, pull: SyncWindow, table: string): Violation[] {
  const { client } = pull;
  const writes = index.history.filter(
    (event): event is EventOf<'store-write'> =>
      event.kind === 'store-write' && event.client === client && event.seq > pull.start && event.seq < pull.end,
  );
  const lastMark = writes.filter((write) => write.statements.some((one) => one.table === MARK_TABLE)).at(-1);
  if (lastMark === undefined) return [];
  const after = snapshotAfter(index, pull.end);
  if (after === undefined || after.clients[client] === undefined) return [];

  // The latest version of each record the server served this pull before the mark was saved.
  const served = new Map<string, { record: JsonObject; seq: number }>();
  for (const exchange of pull.exchanges) {
    const response = exchange.responseEvent;
    if (exchange.action !== 'query' || exchange.table !== table || response === undefined) continue;
    if (response.seq > lastMark.seq || answerNeverStored(index, exchange)) continue;
    for (const record of parseRecords(response.response.body)) {
      if (typeof record['id'] === 'string') served.set(record['id'], { record, seq: response.seq });
    }
  }
  if (served.size === 0) return [];

  const excused = new Set<string>();
  for (const operation of snapshotBefore(index, pull.start)?.clients[client]?.operations ?? []) {
    if (operation.table === table) excused.add(operation.itemId);
  }
  for (const operation of after.clients[client]!.operations) {
    if (operation.table === table) excused.add(operation.itemId);
  }
  for (const operation of index.operations) {
    if (operation.actor !== client || operation.invoke.seq <= pull.start || operation.invoke.seq >= after.seq) continue;
    const local = operation.op;
    if (local.type === 'purge' && local.table === table) return [];
    const id = writtenTable(local) === table ? writtenRecordId(local) : null;
    if (id !== null) excused.add(id);
  }

  const removedLater = tombstonesServed(index, pull, table);
  const stored = new Map(clientTable(after, client, table).map((row) => [String(row['id']), row]));
  const violations: Violation[] = [];
  for (const [id, { record, seq }] of served) {
    if (excused.has(id) || record['deleted'] === true) continue;
    const row = stored.get(id);
    const servedAt = timeOf(record['updatedAt']);
    const storedAt = row === undefined ? undefined : timeOf(row['updatedAt']);
    // A client that keeps no updatedAt (the SDK's tables declare only the columns they need)
    // cannot be ordered against the served copy: a row of it counts as stored.
    if (row !== undefined && (servedAt === undefined || storedAt === undefined || storedAt >= servedAt)) continue;
    // Deleted on the server since, and the client was told so before the restart: a store without
    // the record holds a later version of it than the one the mark passed.
    const removedAt = removedLater.get(id);
    if (row === undefined && removedAt !== undefined && (servedAt === undefined || removedAt >= servedAt)) continue;
    violations.push({
      rule: 'pull.mark-bound',
      message:
        `${client}'s incremental pull #${pull.start} of ${table} [${String((pull.operation.op as { queryId?: string }).queryId)}] ` +
        `saved its mark (#${lastMark.seq}) after the server served ${table}/${id} (updatedAt ${String(record['updatedAt'])}, #${seq}), ` +
        `but the app restarted at #${pull.end} finds ${row === undefined ? 'no such record' : `an older version (updatedAt ${String(row['updatedAt'])})`} in its store (#${after.seq}): ` +
        `the mark passed a record the pull had not stored, and the next incremental pull starts after it.`,
      events: [seq, lastMark.seq, pull.end, after.seq],
      at: { op: 'pull', status: 'restart' },
    });
  }
  return violations;
}

/**
 * The latest tombstone of each record that a query of the client answered before the restart
 * (this pull's later pages, its tie sweep, or another pull running beside it): its updatedAt.
 */
function tombstonesServed(index: HistoryIndex, pull: SyncWindow, table: string): Map<string, number> {
  const removed = new Map<string, number>();
  for (const exchange of index.exchanges) {
    const response = exchange.responseEvent;
    if (exchange.client !== pull.client || exchange.action !== 'query' || exchange.table !== table) continue;
    if (response === undefined || response.seq <= pull.start || response.seq >= pull.end) continue;
    if (answerNeverStored(index, exchange)) continue;
    for (const record of parseRecords(response.response.body)) {
      const at = timeOf(record['updatedAt']);
      if (record['deleted'] !== true || typeof record['id'] !== 'string' || at === undefined) continue;
      removed.set(record['id'], Math.max(at, removed.get(record['id']) ?? at));
    }
  }
  return removed;
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
