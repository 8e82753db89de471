/**
 * Exactly-once effects. A request whose answer was lost may have been applied; its retry
 * must not duplicate a row nor apply the same update twice. Rows on the server must each
 * come from an insert that named their id, and no client may have the server apply the same
 * write request twice with no new local write in between.
 */
import type { History } from '../kernel/history.js';
import {
  answerNeverStored,
  clientTable,
  finalSnapshot,
  indexHistory,
  sawRecord,
  snapshotBefore,
  writtenRecordId,
  writtenTable,
  type Exchange,
  type HistoryIndex,
} from './history-index.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';
import { OPERATION_ACTIONS } from '../kernel/driver.js';

export const EXACTLY_ONCE = 'exactly-once';

export function checkExactlyOnce(history: History, context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const violations = [...strayRows(index, context), ...appliedTwice(index)];
  const lost = index.exchanges.filter((exchange) => exchange.failureEvent?.applied === true).length;
  return verdict(
    EXACTLY_ONCE,
    violations,
    `Every server row comes from one insert and no write was applied twice (${lost} applied request(s) lost their answer).`,
  );
}

function strayRows(index: HistoryIndex, context?: CheckContext): Violation[] {
  const final = finalSnapshot(index, context?.finalLabel);
  if (final === undefined) return [];
  const named = new Set<string>();
  for (const operation of index.operations) {
    const table = writtenTable(operation.op);
    const id = writtenRecordId(operation.op);
    if (operation.op.type === 'insert' && table !== null && id !== null) named.add(`${table}/${id}`);
  }
  // A handler that turned an operation into an insert named that record's id too.
  for (const { call, decision } of index.handlerCalls) {
    if (decision?.decision !== 'changeAction' || decision.action !== 'insert') continue;
    const id = decision.record?.['id'] ?? call.itemId;
    if (typeof id === 'string') named.add(`${call.table}/${id}`);
  }
  // Inserts the program made without an id: the first applied POST of each names its row.
  const posted = new Map<string, Exchange[]>();
  for (const exchange of index.exchanges) {
    if (exchange.action !== 'insert' || !exchange.applied || exchange.table === null) continue;
    const key = `${exchange.table}/${exchange.itemId ?? '?'}`;
    posted.set(key, [...(posted.get(key) ?? []), exchange]);
  }
  const violations: Violation[] = [];
  for (const [table, rows] of Object.entries(final.server)) {
    for (const row of rows) {
      const key = `${table}/${row.id}`;
      if (named.has(key)) continue;
      const origin = posted.get(key)?.[0];
      violations.push({
        rule: 'push.exactly-once',
        at: { op: 'insert', status: 'duplicate-row' },
        message:
          origin === undefined
            ? `The server holds ${key} at #${final.seq}, which no insert of the run named.`
            : `The server holds ${key} at #${final.seq}, created by ${origin.client}'s POST #${origin.requestEvent.seq} whose id no local insert named — a duplicate row.`,
        events: origin === undefined ? [final.seq] : [origin.requestEvent.seq, final.seq],
      });
    }
  }
  return violations;
}

function applied(exchange: Exchange): boolean {
  const status = exchange.response?.status;
  return status === undefined ? exchange.failureEvent?.applied === true : status >= 200 && status < 300;
}

function appliedTwice(index: HistoryIndex): Violation[] {
  const violations: Violation[] = [];
  const writes = index.exchanges.filter(
    (exchange) => exchange.action === 'insert' || exchange.action === 'update' || exchange.action === 'delete',
  );
  for (let i = 0; i < writes.length; i++) {
    const first = writes[i]!;
    if (!applied(first)) continue;
    for (let j = i + 1; j < writes.length; j++) {
      const second = writes[j]!;
      if (second.client !== first.client || !sameRequest(first, second)) continue;
      // Conditional requests cannot apply twice (the first changes the version), and only a
      // 2xx shows the second one surely applied.
      const status = second.response?.status;
      if (status === undefined || status < 200 || status >= 300 || second.request.headers['if-match'] !== undefined)
        break;
      // A client that never held a version of the record could not have made the retry conditional.
      if (
        first.table === null ||
        first.itemId === null ||
        !heldVersion(index, first.client, first.table, first.itemId, first.requestEvent.seq, second.requestEvent.seq)
      )
        break;
      const rewritten = index.operations.some(
        (operation) =>
          operation.actor === first.client &&
          operation.invoke.seq > first.requestEvent.seq &&
          operation.invoke.seq < second.requestEvent.seq &&
          writtenTable(operation.op) === first.table &&
          writtenRecordId(operation.op) === first.itemId,
      );
      if (rewritten) break;
      violations.push({
        rule: 'push.exactly-once',
        at: { op: first.action, status: 'applied-twice' },
        message: `${first.client}'s ${first.request.method} ${first.request.url} was applied twice: at #${first.requestEvent.seq}${first.failureEvent?.applied === true ? ' (its answer was lost)' : ''} and again at #${second.requestEvent.seq}.`,
        events: [first.requestEvent.seq, second.requestEvent.seq],
      });
      break;
    }
  }
  return violations;
}

/**
 * Whether the client could have held a version of the record before `until`: it saw one, but
 * not only in a pull page that came while it had a change of the record waiting to be pushed
 * (a pull leaves such a record alone, so that version never reached the local store), and not
 * before its local row lost it. The store's own contents decide the last: the snapshot before
 * the first request shows the row without a version (or no row), or a discarding decision
 * removed it after that — then only a version seen later counts.
 */
function heldVersion(
  index: HistoryIndex,
  client: string,
  table: string,
  id: string,
  firstSeq: number,
  until: number,
): boolean {
  return sawRecord(
    index,
    client,
    table,
    id,
    versionLostAt(index, client, table, id, firstSeq),
    until,
    true,
    (exchange) => exchange.action !== 'query' || !changeWaiting(index, client, table, id, exchange.responseEvent!.seq),
  );
}

/** The last point before `seq` at which the client's store held the record with no version (-1 if none). */
function versionLostAt(index: HistoryIndex, client: string, table: string, id: string, seq: number): number {
  let lost = -1;
  const snapshot = snapshotBefore(index, seq);
  if (snapshot !== undefined && snapshot.clients[client] !== undefined) {
    const row = clientTable(snapshot, client, table).find((candidate) => candidate['id'] === id);
    if (typeof row?.['version'] !== 'string') lost = snapshot.seq;
  }
  for (const record of index.handlerCalls) {
    if (
      record.client === client &&
      record.decision?.decision === 'cancelAndDiscard' &&
      record.call.table === table &&
      record.call.itemId === id &&
      record.decision.seq > lost &&
      record.decision.seq < seq
    )
      lost = record.decision.seq;
  }
  return lost;
}

/**
 * Whether a local write of the record may still have been waiting at `seq`: one came before
 * it with no applied write of the record by the client in between — applied as the client
 * learned it: an answer that came after its app died (or never reached its store) left the
 * operation queued. When unsure, it says yes (this checker then stays quiet rather than blame a
 * retry that could not know better).
 */
function changeWaiting(index: HistoryIndex, client: string, table: string, id: string, seq: number): boolean {
  const writes = index.operations.filter(
    (operation) =>
      operation.actor === client &&
      operation.invoke.seq < seq &&
      LOCAL_WRITES.has(operation.op.type) &&
      writtenTable(operation.op) === table &&
      writtenRecordId(operation.op) === id,
  );
  const last = writes.at(-1);
  if (last === undefined) return false;
  return !index.exchanges.some((exchange) => {
    const status = exchange.response?.status;
    return (
      exchange.client === client &&
      exchange.table === table &&
      exchange.itemId === id &&
      exchange.action !== 'query' &&
      exchange.responseEvent !== undefined &&
      exchange.responseEvent.seq > last.invoke.seq &&
      exchange.responseEvent.seq < seq &&
      !answerNeverStored(index, exchange) &&
      status !== undefined &&
      status >= 200 &&
      status < 300
    );
  });
}

const LOCAL_WRITES: ReadonlySet<string> = new Set(OPERATION_ACTIONS);

function sameRequest(a: Exchange, b: Exchange): boolean {
  return (
    a.request.method === b.request.method &&
    a.request.url === b.request.url &&
    (a.request.body ?? '') === (b.request.body ?? '') &&
    a.request.headers['if-match'] === b.request.headers['if-match']
  );
}
