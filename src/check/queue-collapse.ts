/**
 * Queue collapse laws. A local write on a record with a pending operation collapses into it:
 * insert+update → insert, insert+delete → nothing, update+update → update, update+delete →
 * delete, delete+delete → delete, delete+insert/update → refused; a write while that operation
 * is locked by a push logs a new one (a second delete behind a locked delete may also be dropped). Judged on the snapshots the runner takes right before
 * and after each local write, when nothing else touched the client in between.
 */
import type { OperationAction, PendingOperation } from '../kernel/driver.js';
import type { History } from '../kernel/history.js';
import { indexHistory, snapshotAfter, snapshotBefore, writtenRecordId, writtenTable } from './history-index.js';
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
    judged++;
    const cited = [before.seq, write.invoke.seq, write.outcome.seq, after.seq];
    const key = recordKey(table, id);
    if (write.outcome.kind === 'fail') {
      if (shape(queueBefore) !== shape(queueAfter)) {
        violations.push({
          rule: 'local.write-atomic',
          message: `${client}'s ${op.type} of ${key} failed (#${write.outcome.seq}) yet changed its queue from [${shape(queueBefore)}] to [${shape(queueAfter)}].`,
          events: cited,
        });
      }
      continue;
    }
    const expected = expectedQueue(queueBefore, table, id, op.type);
    const alternatives: PendingOperation[][] = [];
    const again = lockedDeleteAgain(queueBefore, table, id, op.type);
    if (again !== undefined) alternatives.push(again);
    // A push in flight may finish an operation at any moment, before or after the write folds in.
    if (
      index.pushes.some(
        (window) => window.client === client && window.start < write.invoke.seq && write.outcome!.seq < window.end,
      )
    ) {
      const gone = queueBefore.filter(
        (operation) =>
          !queueAfter.some(
            (other) =>
              other.id === operation.id && other.itemId === operation.itemId && other.table === operation.table,
          ),
      );
      const without = (queue: readonly PendingOperation[]): PendingOperation[] =>
        queue.filter((operation) => !gone.includes(operation));
      const early = expectedQueue(without(queueBefore), table, id, op.type);
      if (early !== 'refuse') alternatives.push(early);
      if (expected !== 'refuse') alternatives.push(without(expected));
    }
    if (expected === 'refuse') {
      if (alternatives.some((alternative) => shape(alternative) === shape(queueAfter))) continue;
      violations.push({
        rule: 'queue.refuse-after-delete',
        message: `${client}'s ${op.type} of ${key} succeeded (#${write.outcome.seq}) although a delete of it was pending (#${before.seq}); the write must be refused.`,
        events: cited,
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
      });
    }
  }
  return verdict(
    QUEUE_COLLAPSE,
    violations,
    `All ${judged} judged local write(s) left the queue the collapse laws predict.`,
  );
}
