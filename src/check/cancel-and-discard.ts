/**
 * cancelAndDiscard. After a handler discards: the operation it was called for leaves the
 * queue, the local record is gone until a pull brings the server's copy back, the discarded
 * change never reaches the server afterwards, and the push goes on with later operations.
 */
import type { History } from '../kernel/history.js';
import {
  clientTable,
  holdsValues,
  indexHistory,
  snapshotBefore,
  SYSTEM_KEYS,
  writtenRecordId,
  writtenTable,
  type EventOf,
  type Exchange,
  type HandlerCallRecord,
  type HistoryIndex,
  type SyncWindow,
} from './history-index.js';
import type { JsonObject } from '../protocol/records.js';
import {
  exchangeFailed,
  isConflictStatus,
  isPushWrite,
  recordKey,
  RESOLVING_DECISIONS,
  callsAfter,
} from './pending.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const CANCEL_AND_DISCARD = 'cancel-and-discard';

export function checkCancelAndDiscard(history: History, _context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const discards = index.handlerCalls.filter((record) => record.decision?.decision === 'cancelAndDiscard');
  const violations: Violation[] = [];
  for (const record of discards) violations.push(...checkDiscard(index, record));
  return verdict(
    CANCEL_AND_DISCARD,
    violations,
    discards.length === 0
      ? 'No handler discarded anything.'
      : `All ${discards.length} cancelAndDiscard decision(s) removed their operation and local record, kept the change off the server, and let the push go on.`,
  );
}

function checkDiscard(index: HistoryIndex, record: HandlerCallRecord): Violation[] {
  const violations: Violation[] = [];
  const { call } = record;
  const decision = record.decision!;
  const client = record.client;
  const table = call.table;
  const id = call.itemId;
  if (id === null) return violations;
  const at = decision.seq;
  const push = index.pushes.find(
    (window) => window.client === client && call.seq > window.start && call.seq < window.end,
  );
  /** The next moment something may legitimately put the record or an operation back. */
  const nextRewrite = Math.min(
    ...index.operations
      .filter(
        (operation) =>
          operation.actor === client &&
          operation.invoke.seq > at &&
          writtenTable(operation.op) === table &&
          writtenRecordId(operation.op) === id,
      )
      .map((operation) => operation.invoke.seq),
    ...index.operations
      .filter(
        (operation) =>
          operation.actor === client &&
          operation.invoke.seq > at &&
          (operation.op.type === 'restart' || operation.op.type === 'purge'),
      )
      .map((operation) => operation.invoke.seq),
    Infinity,
  );
  const pullTouches = (from: number, until: number): boolean =>
    index.pulls.some((window) => window.client === client && window.start < until && window.end > from);

  // A conflict on the record that an earlier call of this push left unresolved (it threw or
  // decided nothing) was skipped: the push went on to the record's next operation, one logged
  // while the push ran — the latest snapshot before this call shows it.
  // Push, pull and purge run one at a time, in the order they were called: this push began work
  // once the ones called before it ended.
  const began =
    push === undefined
      ? 0
      : Math.max(
          push.start,
          ...[...index.pushes, ...index.pulls]
            .filter(
              (other) =>
                other.client === client && other.start < push.start && other.end > push.start && other.end < call.seq,
            )
            .map((other) => other.end),
        );
  const skipped =
    push === undefined
      ? 0
      : index.handlerCalls.filter(
          (other) =>
            other.client === client &&
            other.call.seq > began &&
            other.call.seq < call.seq &&
            other.call.handler === 'onConflict' &&
            other.call.table === table &&
            other.call.itemId === id &&
            (other.decision?.decision === 'threw' || other.decision?.decision === 'unhandled'),
        ).length;
  // The operation pushed when the handler ran must be gone from the queue.
  const before = push === undefined ? undefined : snapshotBefore(index, skipped > 0 ? call.seq : push.start);
  // Only the record's first operation was being pushed: one logged behind it (a write made while
  // it was locked) is another operation, which the SDK's cancelAndDiscard leaves queued.
  const ofRecord = (before?.clients[client]?.operations ?? [])
    .filter((operation) => recordKey(operation.table, operation.itemId) === recordKey(table, id))
    .slice(skipped);
  const pushed = ofRecord.find((operation) => operation.action === call.action) ?? ofRecord[0];
  const pushedIds = new Set(pushed === undefined ? [] : [pushed.id]);
  for (const snapshot of index.snapshots) {
    if (snapshot.seq <= at || snapshot.seq >= nextRewrite) continue;
    const state = snapshot.clients[client];
    if (state === undefined) continue;
    // Operation ids may be reused once the log empties: the same id on the same record is the same operation.
    const left = state.operations.find(
      (operation) =>
        pushedIds.has(operation.id) && recordKey(operation.table, operation.itemId) === recordKey(table, id),
    );
    if (left !== undefined) {
      violations.push({
        rule: 'handler.cancel-and-discard',
        at: { op: call.action, status: 'still-queued' },
        message: `${client} discarded its ${call.action} of ${table}/${id} at #${at}, yet the operation is still queued at #${snapshot.seq}.`,
        events: [at, snapshot.seq],
      });
    }
    const row = clientTable(snapshot, client, table).find((candidate) => candidate['id'] === id);
    if (row !== undefined && !pullTouches(at, snapshot.seq)) {
      violations.push({
        rule: 'handler.cancel-and-discard',
        at: { op: call.action, status: 'still-local' },
        message: `${client} discarded ${table}/${id} at #${at}, yet the record is still in its local table at #${snapshot.seq} with no pull in between.`,
        events: [at, snapshot.seq],
      });
    }
  }

  // The discarded change must not reach the server afterwards.
  const discarded = discardedValues(call.clientRecord);
  for (const exchange of index.exchanges) {
    if (exchange.client !== client || exchange.requestEvent.seq <= at || exchange.requestEvent.seq >= nextRewrite)
      continue;
    if (exchange.table !== table || exchange.itemId !== id || !isPushWrite(exchange)) continue;
    const carries =
      call.action === 'delete'
        ? exchange.action === 'delete'
        : exchange.body !== null && Object.keys(discarded).length > 0 && holdsValues(exchange.body, discarded);
    if (carries) {
      violations.push({
        rule: 'handler.cancel-and-discard',
        at: { op: call.action, status: 'sent-again' },
        message: `${client} discarded its ${call.action} of ${table}/${id} at #${at}, yet sent it again at #${exchange.requestEvent.seq}.`,
        events: [at, exchange.requestEvent.seq],
      });
    }
  }

  // Later operations still go: each operation queued behind it at the push's start is tried.
  if (push !== undefined && before !== undefined && !push.endedByRestart) {
    const queue = before.clients[client]?.operations ?? [];
    const position = queue.findIndex((operation) => pushedIds.has(operation.id));
    const later = position < 0 ? [] : queue.slice(position + 1);
    const writes = push.exchanges.filter(isPushWrite);
    const stop = firstStop(
      index,
      writes.filter((exchange) => exchange.requestEvent.seq > at),
    );
    // With no unhandled error after the discard, every later operation is tried; with one, at
    // least the next (the error had to come from somewhere).
    const required = stop === undefined ? later : later.slice(0, 1);
    // A push started while an earlier one of the same client ran waits for it: what the earlier
    // push sent was no longer this push's to try (the snapshot before its start shows the queue
    // as it was when it was asked for, not when it began).
    const takenEarlier = new Set(
      index.exchanges
        .filter(
          (exchange) =>
            exchange.client === client &&
            isPushWrite(exchange) &&
            exchange.requestEvent.seq < (writes[0]?.requestEvent.seq ?? push.end) &&
            index.pushes.some(
              (other) =>
                other !== push &&
                other.client === client &&
                other.start < push.start &&
                other.end > push.start &&
                exchange.requestEvent.seq > other.start &&
                exchange.requestEvent.seq < other.end,
            ),
        )
        .map((exchange) => recordKey(exchange.table ?? '', exchange.itemId ?? '')),
    );
    for (const operation of required) {
      if (recordKey(operation.table, operation.itemId) === recordKey(table, id)) continue;
      if (takenEarlier.has(recordKey(operation.table, operation.itemId))) continue;
      // An insert or update whose record is gone from the local table has nothing to send: the
      // push drops it unsent (SDK operations.js, readFirstPendingOperationWithData) — say, the
      // second update of a record whose first update an earlier push discarded with its row.
      if (operation.action !== 'delete' && recordGone(index, client, operation.table, operation.itemId, before, push))
        continue;
      // An insert that a local delete folded away while the push ran (the collapse laws) left
      // the log with nothing to send.
      if (operation.action === 'insert' && deletedDuringPush(index, client, operation.table, operation.itemId, push))
        continue;
      // Operations logged during the push may have been the ones discarded: any attempt in this push counts.
      const tried = writes.some(
        (exchange) => exchange.table === operation.table && exchange.itemId === operation.itemId,
      );
      if (!tried && push.operation.outcome !== undefined) {
        const early = readBeforeSettled(record, push, writes);
        violations.push({
          rule: early ? 'handler.waits-for-resolutions' : 'handler.cancel-and-discard',
          at: { op: 'push', status: 'stopped-early' },
          message: early
            ? `${client}'s push #${push.start} failed with the error its handler answered by discarding ${table}/${id} (#${at}), without trying the queued ${operation.action} of ${operation.table}/${operation.itemId}: it read the handler's outcome before the discard had settled.`
            : `${client}'s push #${push.start} stopped after discarding ${table}/${id} (#${at}) without trying the queued ${operation.action} of ${operation.table}/${operation.itemId}.`,
          events: [at, push.operation.outcome.seq],
        });
      }
    }
  }
  return violations;
}

/**
 * Whether the push failed at the very error the discard answered: it sent nothing after the
 * handler was called and failed, though the discard settled with isHandled true (the decision
 * is read once every resolution the handler started has settled). Only a push that read the
 * outcome before the discard settled — when isHandled was still false — stops there, for an
 * error stops a push only unhandled (docs/semantics.md, `handler.waits-for-resolutions`).
 */
function readBeforeSettled(record: HandlerCallRecord, push: SyncWindow, writes: readonly Exchange[]): boolean {
  return (
    record.decision?.isHandled === true &&
    !isConflictStatus(record.call.status) &&
    push.operation.outcome?.kind === 'fail' &&
    writes.every((exchange) => exchange.requestEvent.seq < record.call.seq)
  );
}

/** The record has no local row when the push starts, and the client writes none before the push ends. */
function recordGone(
  index: HistoryIndex,
  client: string,
  table: string,
  id: string,
  before: EventOf<'snapshot'>,
  push: SyncWindow,
): boolean {
  if (clientTable(before, client, table).some((row) => row['id'] === id)) return false;
  return !index.operations.some(
    (operation) =>
      operation.actor === client &&
      operation.invoke.seq > before.seq &&
      operation.invoke.seq < push.end &&
      writtenTable(operation.op) === table &&
      writtenRecordId(operation.op) === id,
  );
}

function deletedDuringPush(index: HistoryIndex, client: string, table: string, id: string, push: SyncWindow): boolean {
  return index.operations.some(
    (operation) =>
      operation.actor === client &&
      operation.op.type === 'delete' &&
      operation.outcome?.kind === 'ok' &&
      operation.invoke.seq > push.start &&
      operation.invoke.seq < push.end &&
      writtenTable(operation.op) === table &&
      writtenRecordId(operation.op) === id,
  );
}

/** seq of the first unhandled error in a push, which legitimately stops it. */
function firstStop(index: HistoryIndex, writes: readonly Exchange[]): number | undefined {
  for (const exchange of writes) {
    if (!exchangeFailed(exchange) || isConflictStatus(exchange.response?.status ?? null)) continue;
    const last = callsAfter(index, exchange).at(-1)?.decision;
    if (last === undefined || !(RESOLVING_DECISIONS.has(last.decision) || last.isHandled))
      return exchange.requestEvent.seq;
  }
  return undefined;
}

function discardedValues(record: JsonObject | null): JsonObject {
  const values: JsonObject = {};
  for (const [key, value] of Object.entries(record ?? {})) if (!SYSTEM_KEYS.has(key)) values[key] = value;
  return values;
}
