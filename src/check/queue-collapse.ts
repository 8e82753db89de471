/**
 * Queue collapse laws. A local write on a record with a pending operation collapses into it:
 * insert+update → insert, insert+delete → nothing, update+update → update, update+delete →
 * delete, delete+delete → delete, delete+insert/update → refused; a write while that operation
 * is locked by a push logs a new one (a second delete behind a locked delete may also be dropped). Judged on the snapshots the runner takes right before
 * and after each local write, when nothing else touched the client in between.
 */
import type { OperationAction, PendingOperation } from '../kernel/driver.js';
import type { History } from '../kernel/history.js';
import {
  indexHistory,
  isPushWrite,
  snapshotAfter,
  snapshotBefore,
  writtenRecordId,
  writtenTable,
  type HistoryIndex,
  type OperationRecord,
} from './history-index.js';
import { recordKey } from './pending.js';
import type { RuleId } from './rules.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const QUEUE_COLLAPSE = 'queue-collapse';

type Collapse = 'add' | 'nop' | 'remove' | 'modify' | 'refuse';

/** The SDK's condense table (operations.js `getCondenseAction`). */
export function collapseRule(pending: OperationAction, next: OperationAction): Collapse {
  if (pending === 'insert' && next === 'update') return 'nop';
  if (pending === 'insert' && next === 'delete') return 'remove';
  if (pending === 'update' && next === 'update') return 'nop';
  if (pending === 'update' && next === 'delete') return 'modify';
  if (pending === 'delete' && next === 'delete') return 'nop';
  return 'refuse';
}

/** The queue a write should leave behind, or `refuse` if the write must fail. */
export function expectedQueue(
  queue: readonly PendingOperation[],
  table: string,
  itemId: string,
  action: OperationAction,
): PendingOperation[] | 'refuse' {
  const mine = queue.filter((operation) => operation.table === table && operation.itemId === itemId);
  const last = mine.at(-1);
  const added: PendingOperation = { id: -1, table, action, itemId };
  if (last === undefined) return [...queue, added];
  const rule = collapseRule(last.action, action);
  if (rule === 'refuse') return 'refuse';
  if (last.locked === true) return [...queue, added];
  switch (rule) {
    case 'nop':
      return [...queue];
    case 'remove':
      return queue.filter((operation) => operation !== last);
    case 'modify':
      return queue.map((operation) => (operation === last ? { ...operation, action } : operation));
    default:
      return [...queue, added];
  }
}

/**
 * Deleting again while a delete is being pushed: the SDK logs a second delete (which then
 * answers 404), the reference client logs nothing. Both keep the record deleted; both pass.
 */
function lockedDeleteAgain(
  queue: readonly PendingOperation[],
  table: string,
  itemId: string,
  action: OperationAction,
): PendingOperation[] | undefined {
  const last = queue.filter((operation) => operation.table === table && operation.itemId === itemId).at(-1);
  return last?.action === 'delete' && last.locked === true && action === 'delete' ? [...queue] : undefined;
}

/**
 * A client whose snapshot marks no operation locked may still have one: the SDK keeps which
 * operation it is pushing in memory only (operations.js `lockOperation`), so its snapshots never
 * say. While a push is in flight, the queue's first operation is the one it may be pushing; a
 * write behind it, if it is this record's, logs an operation of its own — as behind a lock the
 * snapshot shows. A driver that reports locks is taken at its word.
 */
function lockedByPushInFlight(
  queue: readonly PendingOperation[],
  table: string,
  itemId: string,
  action: OperationAction,
): PendingOperation[] | undefined {
  if (queue.some((operation) => operation.locked !== undefined)) return undefined;
  const first = queue[0];
  const mine = queue.filter((operation) => operation.table === table && operation.itemId === itemId);
  if (first === undefined || mine.length !== 1 || mine[0] !== first) return undefined;
  const locked = expectedQueue([{ ...first, locked: true }, ...queue.slice(1)], table, itemId, action);
  return locked === 'refuse' ? undefined : locked;
}

/** The law a wrong queue breaks: a write behind an operation a push has locked has one of its own. */
function collapseRuleOf(queue: readonly PendingOperation[], table: string, itemId: string): RuleId {
  const last = queue.filter((operation) => operation.table === table && operation.itemId === itemId).at(-1);
  return last?.locked === true ? 'queue.locked-adds' : 'queue.collapse';
}

function shape(queue: readonly PendingOperation[]): string {
  return queue.map((operation) => `${operation.action} ${operation.table}/${operation.itemId}`).join(', ') || 'empty';
}

export function checkQueueCollapse(history: History, _context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const violations: Violation[] = [];
  let judged = 0;
  let unjudged = 0;
  for (const write of index.operations) {
    if (write.byEditor || write.outcome === undefined || write.outcome.kind === 'info') continue;
    const op = write.op;
    if (op.type !== 'insert' && op.type !== 'update' && op.type !== 'delete') continue;
    const table = writtenTable(op);
    const id = writtenRecordId(op);
    if (table === null || id === null) continue;
    const client = write.actor;
    const before = snapshotBefore(index, write.invoke.seq);
    const after = snapshotAfter(index, write.outcome.seq);
    if (before === undefined || after === undefined) continue;
    const outcome = write.outcome;
    // The store's commits show work the events around the write do not (a push in flight that
    // finishes an operation): a write that succeeded commits once, inside its own window; any
    // other commit of the client between the snapshots is someone else's.
    const commits = (index.storeWrites.get(client) ?? []).filter(
      (commit) => commit.seq > before.seq && commit.seq < after.seq,
    );
    const own = commits.filter((commit) => commit.seq > write.invoke.seq && commit.seq < outcome.seq);
    const otherCommits = commits.length - (outcome.kind === 'ok' ? Math.min(own.length, 1) : 0);
    const busy =
      otherCommits > 0 ||
      index.history.some(
        (event) =>
          event.seq > before.seq &&
          event.seq < after.seq &&
          event.seq !== write.invoke.seq &&
          event.seq !== outcome.seq &&
          ((event.actor === client && event.kind !== 'store-write') ||
            ((event.kind === 'http-response' || event.kind === 'http-failure' || event.kind === 'http-request') &&
              event.link === client) ||
            (event.kind === 'restart' && event.client === client)),
      );
    const queueBefore = before.clients[client]?.operations;
    const queueAfter = after.clients[client]?.operations;
    if (busy || queueBefore === undefined || queueAfter === undefined) continue;
    // Sync work of the client that was running across the write: it may change the queue with
    // no event in between (its last answer came before the snapshot, its store writes after).
    const running = index.operations.filter(
      (other) =>
        other.actor === client &&
        other !== write &&
        (other.op.type === 'push' || other.op.type === 'pull' || other.op.type === 'purge') &&
        other.invoke.seq < after.seq &&
        (other.outcome?.seq ?? Infinity) > before.seq,
    );
    // A purge drops a table's records and, forced, its operations: the queue is not the write's alone.
    if (running.some((other) => other.op.type === 'purge')) {
      unjudged++;
      continue;
    }
    judged++;
    const cited = [before.seq, write.invoke.seq, write.outcome.seq, after.seq];
    const key = recordKey(table, id);
    const finishedBySync = syncFinished(index, running, queueBefore, queueAfter);
    const pushInFlight = index.pushes.some(
      (window) => window.client === client && window.start < write.invoke.seq && write.outcome!.seq < window.end,
    );
    if (write.outcome.kind === 'fail') {
      if (
        shape(queueBefore) !== shape(queueAfter) &&
        shape(without(queueBefore, finishedBySync)) !== shape(queueAfter)
      ) {
        violations.push({
          rule: 'local.write-atomic',
          message: `${client}'s ${op.type} of ${key} failed (#${write.outcome.seq}) yet changed its queue from [${shape(queueBefore)}] to [${shape(queueAfter)}].`,
          events: cited,
          at: { op: op.type, status: 'fail' },
        });
      }
      continue;
    }
    const expected = expectedQueue(queueBefore, table, id, op.type);
    const alternatives: PendingOperation[][] = [];
    const again = lockedDeleteAgain(queueBefore, table, id, op.type);
    if (again !== undefined) alternatives.push(again);
    // A push in flight may finish an operation at any moment, before or after the write folds in.
    if (finishedBySync.length > 0) {
      const early = expectedQueue(without(queueBefore, finishedBySync), table, id, op.type);
      if (early !== 'refuse') alternatives.push(early);
      if (expected !== 'refuse') alternatives.push(without(expected, finishedBySync));
    }
    // A client that keeps the lock of the operation it pushes in memory only (the SDK) shows no
    // lock in its snapshots: the write may have been logged behind that operation.
    if (pushInFlight) {
      const unseenLock = lockedByPushInFlight(queueBefore, table, id, op.type);
      if (unseenLock !== undefined) alternatives.push(unseenLock);
    }
    if (expected === 'refuse') {
      if (alternatives.some((alternative) => shape(alternative) === shape(queueAfter))) continue;
      violations.push({
        rule: 'queue.refuse-after-delete',
        message: `${client}'s ${op.type} of ${key} succeeded (#${write.outcome.seq}) although a delete of it was pending (#${before.seq}); the write must be refused.`,
        events: cited,
        at: { op: op.type, status: 'ok' },
      });
      continue;
    }
    if (
      shape(expected) !== shape(queueAfter) &&
      !alternatives.some((alternative) => shape(alternative) === shape(queueAfter))
    ) {
      violations.push({
        rule: collapseRuleOf(queueBefore, table, id),
        message: `${client}'s ${op.type} of ${key} (#${write.invoke.seq}) turned its queue [${shape(queueBefore)}] into [${shape(queueAfter)}]; the collapse laws give [${shape(expected)}].`,
        events: cited,
        at: { op: op.type, status: 'ok' },
      });
    }
  }
  return verdict(
    QUEUE_COLLAPSE,
    violations,
    `All ${judged} judged local write(s) left the queue the collapse laws predict.`,
    unjudged > 0 ? [`${unjudged} write(s) ran beside a purge of their client and were not judged.`] : [],
  );
}

/**
 * Operations of the queue before that are gone after and that a sync operation running across
 * the write had sent: it may have finished them at any moment, with or without an event.
 */
function syncFinished(
  index: HistoryIndex,
  running: readonly OperationRecord[],
  queueBefore: readonly PendingOperation[],
  queueAfter: readonly PendingOperation[],
): PendingOperation[] {
  if (running.length === 0) return [];
  const sent = new Set<string>();
  for (const window of [...index.pushes, ...index.pulls]) {
    if (!running.includes(window.operation)) continue;
    for (const exchange of window.exchanges)
      if (isPushWrite(exchange)) sent.add(recordKey(exchange.table, exchange.itemId));
  }
  return queueBefore.filter(
    (operation) =>
      sent.has(recordKey(operation.table, operation.itemId)) &&
      !queueAfter.some(
        (other) => other.id === operation.id && other.itemId === operation.itemId && other.table === operation.table,
      ),
  );
}

function without(queue: readonly PendingOperation[], gone: readonly PendingOperation[]): PendingOperation[] {
  return queue.filter(
    (operation) =>
      !gone.some(
        (other) => other.id === operation.id && other.itemId === operation.itemId && other.table === operation.table,
      ),
  );
}
