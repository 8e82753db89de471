/**
 * What became of each local write that resolved: it reached the server, a later write of the
 * same record superseded it, it folded into an insert that was never pushed, a handler decision
 * or a forced purge dropped it, it is still pending at the end — or none of these, and it is
 * lost. `no-lost-writes` fails on the lost ones; the drops are listed (`dropped-writes.ts`) and
 * judged where the scenario says so (`intent`).
 */
import {
  collapsedIntoInsert,
  finalSnapshot,
  holdsValues,
  killedAfterCommit,
  mayHaveCommitted,
  syncStart,
  writtenRecordId,
  writtenTable,
  writtenValues,
  type Exchange,
  type HandlerCallRecord,
  type HistoryIndex,
  type OperationRecord,
} from './history-index.js';
import { recordKey } from './pending.js';

export type LocalWriteFate =
  | { readonly kind: 'reached' }
  | { readonly kind: 'superseded'; readonly by: OperationRecord }
  /** A delete of a record whose insert was never pushed: nothing was left to send. */
  | { readonly kind: 'collapsed' }
  /** The first handler decision about the record after the write (not `unhandled`, not `threw`). */
  | { readonly kind: 'dropped'; readonly decision: HandlerCallRecord }
  /**
   * A handler call whose decision the history never got to record: the app was killed after a
   * commit that may be its resolution. Excused like a decision, but its drop cannot be listed.
   */
  | { readonly kind: 'interrupted'; readonly call: HandlerCallRecord }
  | { readonly kind: 'purged'; readonly purge: OperationRecord }
  | { readonly kind: 'pending' }
  | { readonly kind: 'lost' };

export interface LocalWrite {
  readonly write: OperationRecord;
  readonly client: string;
  readonly table: string;
  readonly id: string;
  readonly fate: LocalWriteFate;
}

/** Every local insert, update and delete that resolved, with its fate, in invoke order. */
export function localWrites(index: HistoryIndex, finalLabel?: string): LocalWrite[] {
  const final = finalSnapshot(index, finalLabel);
  const writes: LocalWrite[] = [];
  for (const write of index.operations) {
    if (write.byEditor || write.outcome?.kind !== 'ok') continue;
    const table = writtenTable(write.op);
    const id = writtenRecordId(write.op);
    if (table === null || id === null) continue;
    writes.push({ write, client: write.actor, table, id, fate: fateOf(index, final, write, table, id) });
  }
  return writes;
}

/** The operation queue's table in the client's store: the SDK's name, which the reference client keeps. */
const QUEUE_TABLE = '__operations';

function fateOf(
  index: HistoryIndex,
  final: ReturnType<typeof finalSnapshot>,
  write: OperationRecord,
  table: string,
  id: string,
): LocalWriteFate {
  const after = write.invoke.seq;
  const client = write.actor;
  if (endsOnServer(final, write, table, id) || reachedServer(index, write, table, id)) return { kind: 'reached' };
  // A later write cut short by a crash right after its commit supersedes too.
  const laterWrite = index.operations.find(
    (other) =>
      other.actor === client &&
      other.invoke.seq > after &&
      writtenTable(other.op) === table &&
      writtenRecordId(other.op) === id &&
      mayHaveCommitted(index, other, table),
  );
  if (laterWrite !== undefined) return { kind: 'superseded', by: laterWrite };
  if (write.op.type === 'delete' && collapsedIntoInsert(index, write, table, id)) return { kind: 'collapsed' };
  const decision = index.handlerCalls.find(
    (record) =>
      record.client === client &&
      record.call.seq > after &&
      record.call.table === table &&
      record.call.itemId === id &&
      (record.decision === undefined
        ? killedAfterCommit(index, client, record.call.seq)
        : record.decision.decision !== 'unhandled' && record.decision.decision !== 'threw'),
  );
  if (decision !== undefined)
    return decision.decision === undefined ? { kind: 'interrupted', call: decision } : { kind: 'dropped', decision };
  const purge = index.operations.find(
    (other) =>
      other.actor === client &&
      // Called after the write, or called before it and begun after it had resolved (queued
      // behind a push or pull in flight).
      (other.invoke.seq > after || (write.outcome?.kind === 'ok' && syncStart(index, other) > write.outcome.seq)) &&
      other.op.type === 'purge' &&
      other.op.table === table &&
      other.op.force === true &&
      // A forced purge cut short by a crash right after its commit dropped the write all the same —
      // its first commit may be the queue's alone (the SDK drops the operations before the rows).
      (mayHaveCommitted(index, other, table) || mayHaveCommitted(index, other, QUEUE_TABLE)),
  );
  if (purge !== undefined) return { kind: 'purged', purge };
  const stillPending = final?.clients[client]?.operations.some(
    (operation) => recordKey(operation.table, operation.itemId) === recordKey(table, id),
  );
  if (stillPending === true && final !== undefined && final.seq > after) return { kind: 'pending' };
  return { kind: 'lost' };
}

/** The settled server state shows the write: its values, or for a delete, no live record. */
function endsOnServer(
  final: ReturnType<typeof finalSnapshot>,
  write: OperationRecord,
  table: string,
  id: string,
): boolean {
  if (final === undefined) return false;
  const row = (final.server[table] ?? []).find((candidate) => candidate.id === id);
  if (write.op.type === 'delete') return row === undefined || row.deleted === true;
  return row !== undefined && row.deleted !== true && holdsValues(row, writtenValues(write.op));
}

/** An applied push request of the writing client, sent after the write, that carries it. */
function reachedServer(index: HistoryIndex, write: OperationRecord, table: string, id: string): boolean {
  const values = writtenValues(write.op);
  return acceptedWritesOf(index, write, table, id).some((exchange) => {
    if (write.op.type === 'delete') return exchange.action === 'delete';
    if (exchange.action !== 'insert' && exchange.action !== 'update') return false;
    return exchange.body !== null && holdsValues(exchange.body, values);
  });
}

/** The writing client's push requests of the record, sent after the write, that the server accepted. */
export function acceptedWritesOf(index: HistoryIndex, write: OperationRecord, table: string, id: string): Exchange[] {
  return index.exchanges.filter((exchange) => {
    if (exchange.client !== write.actor || !exchange.applied || exchange.requestEvent.seq <= write.invoke.seq)
      return false;
    if (exchange.table !== table || exchange.itemId !== id) return false;
    const status = exchange.response?.status;
    return status === undefined ? exchange.failureEvent?.applied === true : status >= 200 && status < 300;
  });
}
