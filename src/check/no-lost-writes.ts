/**
 * No lost writes. Every local write that returned ok reaches the server (a push request that
 * the server applied carried it), is superseded by a later local write of the same record
 * (the queue collapsed them), is dropped or replaced by a recorded handler decision or a
 * forced purge, or is still pending at the end (convergence judges that). And no server
 * change is lost to a client: a client never overwrites an editor's change blindly (an
 * unconditional write of a record it has seen before, but not since that change). A write the
 * device's store failed leaves the store as it was: nothing half-written, its operation kept
 * (store-faults.ts).
 */
import type { History } from '../kernel/history.js';
import {
  clientTable,
  snapshotBefore,
  indexHistory,
  sawRecord,
  writtenRecordId,
  writtenTable,
  type Exchange,
  type HistoryIndex,
} from './history-index.js';
import { localWrites } from './local-writes.js';
import { refusedQueueDrops } from './refused-sync.js';
import { storeFaultBreaches } from './store-faults.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const NO_LOST_WRITES = 'no-lost-writes';

export function checkNoLostWrites(history: History, context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const violations: Violation[] = [
    ...lostLocalWrites(index, context),
    ...blindOverwrites(index),
    ...droppedOnRefusal(index),
    ...storeFaultLosses(index),
  ];
  return verdict(
    NO_LOST_WRITES,
    violations,
    'Every local write reached the server, was superseded by a later local write, was dropped by a recorded handler decision, or is still pending; no client overwrote a server change it had not seen.',
  );
}

function lostLocalWrites(index: HistoryIndex, context?: CheckContext): Violation[] {
  const violations: Violation[] = [];
  for (const { write, client, table, id, fate } of localWrites(index, context?.finalLabel)) {
    if (fate.kind !== 'lost') continue;
    const sent = index.exchanges.some(
      (exchange) =>
        exchange.client === client &&
        exchange.table === table &&
        exchange.itemId === id &&
        exchange.requestEvent.seq > write.invoke.seq,
    );
    violations.push({
      rule: 'push.write-reaches-server',
      // Whether a request for the record went out after the write (and left the write out) or none did.
      at: { op: write.op.type, status: sent ? 'not-carried' : 'never-sent' },
      message: `${client}'s ${write.op.type} of ${table}/${id} (#${write.invoke.seq}) never reached the server: no applied push request carried it, no later write of ${client} superseded it, and no handler decision dropped it.`,
      events: [write.invoke.seq, ...(write.outcome === undefined ? [] : [write.outcome.seq])],
    });
  }
  return violations;
}

/** A push refused for the user's credentials (401, 403) that took the operation out of the queue. */
function droppedOnRefusal(index: HistoryIndex): Violation[] {
  return refusedQueueDrops(index).map(({ client, operation, window, afterSeq }) => ({
    rule: 'push.refusal-keeps-queue',
    at: { op: operation.action, status: 'dropped-on-refusal' },
    message: `${client}'s pending ${operation.action} of ${operation.table}/${operation.itemId} was refused for its credentials in ${window.operation.op.type} #${window.start} and was gone from the queue after it (#${afterSeq}), though no handler decision took it out.`,
    events: [window.start, afterSeq],
  }));
}

/** A write the device's store failed that changed the store all the same, or took its operation out of the queue. */
function storeFaultLosses(index: HistoryIndex): Violation[] {
  return storeFaultBreaches(index).map(({ client, fault, operation, kind, record, beforeSeq, afterSeq }) => ({
    rule: 'local.store-failure-rolls-back',
    at: { op: operation.op.type, status: kind },
    message:
      kind === 'half-written'
        ? `${client}'s ${operation.op.type} of ${record} (#${operation.invoke.seq}) failed for its store (${fault.fault}, #${fault.seq}), yet the record or the operation log changed from #${beforeSeq} to #${afterSeq}: a failed write must leave the store as it was.`
        : `${client}'s ${operation.op.type} (#${operation.invoke.seq}) failed to write the server's answer for ${record} (${fault.fault}, #${fault.seq}), yet the operation was gone from the queue after it (#${afterSeq}): the answer was never stored, so the operation must stay.`,
    events: [beforeSeq, operation.invoke.seq, fault.seq, afterSeq],
  }));
}

/**
 * An editor's change is lost when a client later overwrites the record without If-Match and
 * without having seen the record since that change: nothing told the client about it.
 */
function blindOverwrites(index: HistoryIndex): Violation[] {
  const violations: Violation[] = [];
  const edits = index.operations.filter(
    (operation) =>
      operation.byEditor &&
      operation.outcome?.kind === 'ok' &&
      (operation.op.type === 'update' || operation.op.type === 'insert'),
  );
  for (const edit of edits) {
    const table = writtenTable(edit.op);
    const id = writtenRecordId(edit.op);
    const editDone = edit.outcome!.seq;
    if (table === null || id === null) continue;
    for (const exchange of index.exchanges) {
      if (exchange.requestEvent.seq <= editDone || exchange.table !== table || exchange.itemId !== id) continue;
      if (exchange.action !== 'update' && exchange.action !== 'delete') continue;
      if (!accepted(exchange) || exchange.request.headers['if-match'] !== undefined) continue;
      if (sawRecord(index, exchange.client, table, id, editDone, exchange.requestEvent.seq)) continue;
      // A client that held no version of the record could not have made the write conditional.
      if (!heldVersion(index, exchange.client, table, id, exchange.requestEvent.seq, edit.invoke.seq)) continue;
      violations.push({
        rule: 'push.conditional',
        at: { op: exchange.action, status: 'no-if-match' },
        message: `${edit.actor}'s change to ${table}/${id} (#${edit.invoke.seq}) was overwritten by ${exchange.client}'s ${exchange.request.method} without If-Match (#${exchange.requestEvent.seq}) although ${exchange.client} had not seen the record since; the server change is lost.`,
        events: [edit.invoke.seq, exchange.requestEvent.seq],
      });
    }
  }
  return violations;
}

/**
 * Whether the client had a version of the record to send: its local row carried one when it
 * wrote the change being pushed (judged on the snapshot before that write), or, without such a
 * snapshot, it had been shown a version before the editor's change.
 */
function heldVersion(
  index: HistoryIndex,
  client: string,
  table: string,
  id: string,
  requestSeq: number,
  editSeq: number,
): boolean {
  const write = [...index.operations]
    .reverse()
    .find(
      (operation) =>
        operation.actor === client &&
        operation.invoke.seq < requestSeq &&
        writtenTable(operation.op) === table &&
        writtenRecordId(operation.op) === id,
    );
  const before = write === undefined ? undefined : snapshotBefore(index, write.invoke.seq);
  if (before !== undefined && before.clients[client] !== undefined) {
    const row = clientTable(before, client, table).find((candidate) => candidate['id'] === id);
    return row !== undefined && typeof row['version'] === 'string';
  }
  return sawRecord(index, client, table, id, -1, editSeq, true);
}

function accepted(exchange: Exchange): boolean {
  const status = exchange.response?.status;
  return status === undefined ? exchange.failureEvent?.applied === true : status >= 200 && status < 300;
}
