/**
 * No resurrection. A record a client deleted does not come back in its local table unless
 * someone wrote it again or a handler decided about it; a record deleted on the server does
 * not come back to life there; and a pull that starts after a server-side delete removes the
 * record locally (unless the client holds a pending operation on it).
 */
import type { History } from '../kernel/history.js';
import {
  clientTable,
  collapsedIntoInsert,
  indexHistory,
  isLive,
  snapshotAfter,
  writtenRecordId,
  writtenTable,
  holdsValues,
  ownValues,
  type HistoryIndex,
} from './history-index.js';
import type { JsonObject } from '../protocol/records.js';
import { recordKey } from './pending.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const NO_RESURRECTION = 'no-resurrection';

export function checkNoResurrection(history: History, _context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const violations = [...localResurrections(index), ...serverResurrections(index)];
  return verdict(NO_RESURRECTION, violations, 'No deleted record came back without a new write or a handler decision.');
}

function rewrittenBetween(
  index: HistoryIndex,
  table: string,
  id: string,
  from: number,
  until: number,
  client?: string,
): boolean {
  const write = index.operations.some(
    (operation) =>
      (operation.invoke.seq > from &&
        operation.invoke.seq < until &&
        writtenTable(operation.op) === table &&
        writtenRecordId(operation.op) === id) ||
      // A purge called before the delete may run after it (queued behind a pull still paging):
      // a forced one then drops the pending delete, and the next pull brings the record back.
      (operation.actor === client &&
        operation.op.type === 'purge' &&
        operation.op.table === table &&
        operation.invoke.seq < until &&
        (operation.outcome?.seq ?? Infinity) > from),
  );
  const decided =
    client !== undefined &&
    index.handlerCalls.some(
      (record) =>
        record.client === client &&
        record.call.seq > from &&
        record.call.seq < until &&
        record.call.table === table &&
        record.call.itemId === id &&
        (record.decision !== undefined
          ? record.decision.decision !== 'unhandled'
          : decisionCommittedBeforeRestart(index, client, record.call, table, id)),
    );
  return write || decided;
}

/**
 * A handler call whose decision event never came because the app restarted first: the decision
 * may still have reached the store (its write committed before the crash). The store's committed
 * state says whether it did: if the first snapshot after the restart holds no operation on the
 * record, the decision that dropped it was made — the server's copy may come back.
 */
function decisionCommittedBeforeRestart(
  index: HistoryIndex,
  client: string,
  call: { readonly seq: number },
  table: string,
  id: string,
): boolean {
  const restart = index.history.find(
    (event) => event.seq > call.seq && event.kind === 'restart' && event.client === client,
  );
  if (restart === undefined) return false;
  const after = snapshotAfter(index, restart.seq);
  const state = after?.clients[client];
  if (state === undefined) return false;
  return !state.operations.some((operation) => operation.table === table && operation.itemId === id);
}

function localResurrections(index: HistoryIndex): Violation[] {
  const violations: Violation[] = [];
  for (const remove of index.operations) {
    if (remove.byEditor || remove.op.type !== 'delete' || remove.outcome?.kind !== 'ok') continue;
    const { table, id } = remove.op;
    const done = remove.outcome.seq;
    // A delete of a record only ever inserted locally sends nothing: a same-id record on the server is another one.
    if (collapsedIntoInsert(index, remove, table, id)) continue;
    for (const snapshot of index.snapshots) {
      if (snapshot.seq <= done) continue;
      if (rewrittenBetween(index, table, id, remove.invoke.seq, snapshot.seq, remove.actor)) break;
      const back = clientTable(snapshot, remove.actor, table).find((row) => row['id'] === id);
      if (back === undefined) continue;
      // Another client's insert, queued before the delete, may reach a server with hard deletes after it: a new record.
      if (insertedAgain(index, table, id, remove.invoke.seq, snapshot.seq, back)) break;
      violations.push({
        rule: 'local.no-resurrection',
        at: { op: 'delete', status: 'back-locally' },
        message: `${remove.actor} deleted ${table}/${id} at #${remove.invoke.seq}, yet it is back in its local table at #${snapshot.seq} with no new write or handler decision in between.`,
        events: [remove.invoke.seq, snapshot.seq],
      });
      break;
    }
  }
  return violations;
}

/**
 * When each record was deleted on the server: an editor's delete or an applied client DELETE.
 * `seq` is the event by which it was done (its answer); `sent`, the event before which it was
 * not (its request): the server applied it somewhere in between.
 */
function serverDeletes(index: HistoryIndex): { table: string; id: string; seq: number; sent: number }[] {
  const deletes: { table: string; id: string; seq: number; sent: number }[] = [];
  for (const operation of index.operations) {
    if (operation.byEditor && operation.op.type === 'delete' && operation.outcome?.kind === 'ok') {
      deletes.push({
        table: operation.op.table,
        id: operation.op.id,
        seq: operation.outcome.seq,
        sent: operation.invoke.seq,
      });
    }
  }
  for (const exchange of index.exchanges) {
    const status = exchange.response?.status;
    if (
      exchange.action === 'delete' &&
      status !== undefined &&
      status >= 200 &&
      status < 300 &&
      exchange.table !== null &&
      exchange.itemId !== null
    ) {
      deletes.push({
        table: exchange.table,
        id: exchange.itemId,
        seq: exchange.responseEvent!.seq,
        sent: exchange.requestEvent.seq,
      });
    }
  }
  return deletes;
}

/**
 * A POST of the record that the server accepted after the delete: a write of it accepted after the
 * delete, which the rule allows. Only a server that removed the row (hard deletes) frees the id for
 * it; one that keeps a tombstone answers 409. The app may have queued the insert before the delete.
 *
 * The server applies a POST somewhere between its request and its answer, and neither end dates
 * it: one sent before the delete but answered after it may have been applied after it (had it been
 * applied before, the delete would have removed it), and one whose answer comes after a snapshot
 * (held back, or slow) may already be in it. So a POST counts for the state at `until` when it was
 * sent before `until` and settled after `from`. A 2xx answer says the server accepted it. An
 * applied one whose answer never came (lost, timed out) says nothing of its status: it counts
 * only if `row`, what the record holds at `until`, holds the values it sent — it wrote that row.
 */
function insertedAgain(
  index: HistoryIndex,
  table: string,
  id: string,
  from: number,
  until: number,
  row: JsonObject,
): boolean {
  return index.exchanges.some((exchange) => {
    if (exchange.action !== 'insert' || exchange.table !== table || exchange.itemId !== id) return false;
    if (exchange.requestEvent.seq >= until) return false;
    const status = exchange.response?.status;
    if (exchange.responseEvent !== undefined && status !== undefined)
      return exchange.responseEvent.seq > from && status >= 200 && status < 300;
    return (
      exchange.applied &&
      exchange.failureEvent !== undefined &&
      exchange.failureEvent.seq > from &&
      exchange.body !== null &&
      holdsValues(row, ownValues(exchange.body))
    );
  });
}

function serverResurrections(index: HistoryIndex): Violation[] {
  const violations: Violation[] = [];
  for (const removal of serverDeletes(index)) {
    const key = recordKey(removal.table, removal.id);
    for (const snapshot of index.snapshots) {
      if (snapshot.seq <= removal.seq) continue;
      const row = (snapshot.server[removal.table] ?? []).find((candidate) => candidate.id === removal.id);
      if (
        row !== undefined &&
        isLive(row) &&
        !rewrittenBetween(index, removal.table, removal.id, removal.seq, snapshot.seq) &&
        // Measured from when the DELETE was sent: a POST answered before the delete's own answer
        // may still have been applied after the delete.
        !insertedAgain(index, removal.table, removal.id, removal.sent, snapshot.seq, row)
      ) {
        violations.push({
          rule: 'push.no-server-resurrection',
          at: { op: 'delete', status: 'live-on-server' },
          message: `${key} was deleted on the server at #${removal.seq}, yet the server holds it live at #${snapshot.seq}.`,
          events: [removal.seq, snapshot.seq],
        });
        break;
      }
    }
    for (const pull of index.pulls) {
      if (pull.start <= removal.seq || pull.operation.op.type !== 'pull' || pull.operation.op.table !== removal.table)
        continue;
      if (pull.endedByRestart || pull.operation.outcome?.kind !== 'ok' || pull.operation.op.filter !== undefined)
        continue;
      const after = snapshotAfter(index, pull.end);
      if (after === undefined) continue;
      const state = after.clients[pull.client];
      if (state === undefined) continue;
      const pending = state.operations.some((operation) => recordKey(operation.table, operation.itemId) === key);
      const serverRow = (after.server[removal.table] ?? []).find((candidate) => candidate.id === removal.id);
      const present = clientTable(after, pull.client, removal.table).some((row) => row['id'] === removal.id);
      if (
        present &&
        !pending &&
        (serverRow === undefined || !isLive(serverRow)) &&
        !rewrittenBetween(index, removal.table, removal.id, removal.seq, after.seq, pull.client)
      ) {
        violations.push({
          rule: 'pull.deleted-removed',
          at: { op: 'pull', status: 'kept-deleted' },
          message: `${pull.client}'s pull #${pull.start} started after ${key} was deleted on the server (#${removal.seq}), yet ${pull.client} still holds it at #${after.seq}.`,
          events: [removal.seq, pull.start, after.seq],
        });
      }
    }
  }
  return violations;
}
