/**
 * A write the device's store failed (a store fault: disk full, database locked) leaves the store
 * as it was: SQLite rolls the write's transaction back, so the failed operation's effect is absent
 * and the queue is intact. Judged between the snapshots around the operation the fault hit, when
 * nothing else of the client ran between them:
 * - a local write (insert, update, delete) that failed: its record and the operation log are as
 *   before it — nothing half-written, nothing queued;
 * - a push whose write of an answer failed: the operation it was answering is still pending (the
 *   server has it, but the client does not know it has it; a later push sends it again). Only the
 *   answer the fault really hit counts (the push's last, with nothing sent or decided since), and
 *   not an operation that left later by a path of its own (sent again, a handler's decision).
 * A failed pull's mark is judged by pull-marks (the mark moves only with the page's rows).
 */
import type { ClientSnapshot } from '../kernel/driver.js';
import {
  snapshotAfter,
  snapshotBefore,
  type EventOf,
  type Exchange,
  type HistoryIndex,
  type OperationRecord,
  type SyncWindow,
} from './history-index.js';
import { alone } from './refused-sync.js';
import { recordKey, REMOVING_DECISIONS } from './pending.js';

/** What a store fault broke: the operation it hit, and what was found after it. */
export interface StoreFaultBreach {
  readonly client: string;
  readonly fault: EventOf<'fault'>;
  readonly operation: OperationRecord;
  /** `half-written`: a failed local write changed the store; `dequeued`: a push dropped the operation whose answer it failed to write. */
  readonly kind: 'half-written' | 'dequeued';
  /** The record judged, as `table/id`. */
  readonly record: string;
  readonly beforeSeq: number;
  readonly afterSeq: number;
}

const STORE_FAULTS: ReadonlySet<string> = new Set(['store-disk-full', 'store-locked']);
const LOCAL_WRITES: ReadonlySet<string> = new Set(['insert', 'update', 'delete']);

export function storeFaultBreaches(index: HistoryIndex): StoreFaultBreach[] {
  const breaches: StoreFaultBreach[] = [];
  for (const fault of index.history) {
    if (fault.kind !== 'fault' || !STORE_FAULTS.has(fault.fault)) continue;
    const client = fault.link;
    const operation = index.operations.find(
      (candidate) =>
        candidate.actor === client &&
        !candidate.byEditor &&
        candidate.invoke.seq < fault.seq &&
        candidate.outcome !== undefined &&
        candidate.outcome.seq > fault.seq,
    );
    if (operation === undefined || operation.outcome?.kind !== 'fail') continue;
    const before = snapshotBefore(index, operation.invoke.seq);
    const after = snapshotAfter(index, operation.outcome.seq);
    if (before === undefined || after === undefined) continue;
    const window = index.pushes.find((push) => push.operation.opId === operation.opId);
    if (!alone(index, client, operation.opId, before.seq, after.seq)) continue;
    const found = { client, fault, operation, beforeSeq: before.seq, afterSeq: after.seq };
    const op = operation.op;
    if (LOCAL_WRITES.has(op.type) && 'table' in op) {
      // An insert without an id gets one from the client: only the queue can show it then.
      const id = writtenId(op);
      const was = before.clients[client];
      const is = after.clients[client];
      if (was === undefined || is === undefined) continue;
      const rowChanged = id !== undefined && rowOf(was, op.table, id) !== rowOf(is, op.table, id);
      if (rowChanged || queueOf(was) !== queueOf(is))
        breaches.push({ ...found, kind: 'half-written', record: `${op.table}/${id ?? '(new id)'}` });
    } else if (window !== undefined && !window.endedByRestart) {
      const last = answerBeingWritten(window, fault.seq);
      if (last === undefined || last.table === null || last.itemId === null) continue;
      const key = recordKey(last.table, last.itemId);
      const pendingBefore = (before.clients[client]?.operations ?? []).some(
        (pending) => recordKey(pending.table, pending.itemId) === key,
      );
      const pendingAfter = (after.clients[client]?.operations ?? []).some(
        (pending) => recordKey(pending.table, pending.itemId) === key,
      );
      if (pendingBefore && !pendingAfter && !leftLater(window, fault.seq, key))
        breaches.push({ ...found, kind: 'dequeued', record: `${last.table}/${last.itemId}` });
    }
  }
  return breaches;
}

/**
 * The answer the store failed to write: the sync's last response before the fault, when it
 * accepted a write and the sync did nothing since — no request sent, no handler called. Any of
 * those after an answer means the client had moved past it (stored it, or failed it), so the
 * fault hit a later write: a handler's resolution after a conflict, the next page of a pull.
 */
function answerBeingWritten(window: SyncWindow, faultSeq: number): Exchange | undefined {
  let last: Exchange | undefined;
  let answeredAt = -1;
  for (const exchange of window.exchanges) {
    const seq = exchange.responseEvent?.seq;
    if (seq !== undefined && seq < faultSeq && seq > answeredAt) [last, answeredAt] = [exchange, seq];
  }
  const status = last?.response?.status;
  if (status === undefined || status < 200 || status >= 300) return undefined;
  const between = (seq: number): boolean => seq > answeredAt && seq < faultSeq;
  const movedOn =
    window.exchanges.some((exchange) => between(exchange.requestEvent.seq)) ||
    window.handlerCalls.some((record) => between(record.call.seq));
  return movedOn ? undefined : last;
}

/**
 * The operation left the queue by a path of its own after the fault, which the other rules judge:
 * the sync sent it again (a client that hands the store's error to onError, as the SDK does, may
 * retry it), or a handler decided on it and took it out.
 */
function leftLater(window: SyncWindow, faultSeq: number, key: string): boolean {
  return (
    window.exchanges.some(
      (exchange) => exchange.requestEvent.seq > faultSeq && recordKey(exchange.table, exchange.itemId) === key,
    ) ||
    window.handlerCalls.some(
      ({ call, decision }) =>
        call.seq > faultSeq &&
        recordKey(call.table, call.itemId) === key &&
        REMOVING_DECISIONS.has(decision?.decision ?? ''),
    )
  );
}

function writtenId(op: OperationRecord['op']): string | undefined {
  if ('id' in op && typeof op.id === 'string') return op.id;
  if ('record' in op && typeof op.record === 'object' && op.record !== null) {
    const id = (op.record as Record<string, unknown>)['id'];
    return typeof id === 'string' ? id : undefined;
  }
  return undefined;
}

/** The record's local row as JSON text (`null` when absent). */
function rowOf(snapshot: ClientSnapshot, table: string, id: string): string {
  return JSON.stringify(snapshot.tables[table]?.find((row) => row['id'] === id) ?? null);
}

/** The operation log as JSON text, without the in-memory push lock. */
function queueOf(snapshot: ClientSnapshot): string {
  return JSON.stringify(snapshot.operations.map(({ id, table, action, itemId }) => [id, table, action, itemId]));
}
