/**
 * Which pending operations a settled client may legitimately still hold: those its last push
 * tried and failed on where the handler (or its absence) kept them, and those an unhandled
 * error stopped the push before reaching.
 */
import type { PendingOperation } from '../kernel/driver.js';
import {
  exchangeFailed,
  isConflictStatus,
  isPushWrite,
  type Exchange,
  type HandlerCallRecord,
  type HistoryIndex,
} from './history-index.js';

/** Decisions that take the operation out of the queue. */
export const REMOVING_DECISIONS: ReadonlySet<string> = new Set(['cancelAndDiscard', 'cancelAndUpdate', 'cancel']);
/** Decisions that resolve the failure (the push goes on). */
export const RESOLVING_DECISIONS: ReadonlySet<string> = new Set([
  'cancelAndDiscard',
  'cancelAndUpdate',
  'cancel',
  'update',
  'changeAction',
  'isHandled',
]);

export function recordKey(table: string | null, itemId: string | null): string {
  return `${table ?? '?'}/${itemId ?? '?'}`;
}

/** The handler calls that answered one failed exchange. */
export function callsAfter(index: HistoryIndex, exchange: Exchange): HandlerCallRecord[] {
  return index.callsByRequest.get(exchange.requestId) ?? [];
}

export { exchangeFailed, isConflictStatus, isPushWrite };

/** Pending operations of `client` that its last push explains; the value says why. */
export function keptOperations(
  index: HistoryIndex,
  client: string,
  operations: readonly PendingOperation[],
  before: number,
): Map<number, string> {
  const kept = new Map<number, string>();
  const last = [...index.pushes]
    .reverse()
    .find(
      (window) =>
        window.client === client && window.end < before && !window.endedByRestart && window.exchanges.some(isPushWrite),
    );
  if (last === undefined) return kept;
  const why = new Map<string, { reason: string; aborts: boolean }>();
  for (const exchange of last.exchanges.filter(isPushWrite)) {
    const key = recordKey(exchange.table, exchange.itemId);
    if (!exchangeFailed(exchange)) {
      why.delete(key);
      continue;
    }
    const calls = callsAfter(index, exchange);
    const decision = calls.at(-1)?.decision?.decision;
    if (decision !== undefined && REMOVING_DECISIONS.has(decision)) {
      why.delete(key);
      continue;
    }
    const status = exchange.response?.status ?? null;
    const resolved = decision !== undefined && RESOLVING_DECISIONS.has(decision);
    const reason =
      calls.length === 0
        ? `push #${last.start} failed on it at #${exchange.requestEvent.seq} and no handler resolved it`
        : `its handler decided '${decision ?? 'nothing'}' at #${calls.at(-1)?.decision?.seq ?? calls.at(-1)?.call.seq}`;
    why.set(key, { reason, aborts: !resolved && !isConflictStatus(status) });
  }
  let blockedBy: string | undefined;
  for (const operation of operations) {
    const entry = why.get(recordKey(operation.table, operation.itemId));
    if (blockedBy !== undefined) {
      kept.set(operation.id, `an unhandled error stopped push #${last.start} before it (${blockedBy})`);
      continue;
    }
    if (entry !== undefined) {
      kept.set(operation.id, entry.reason);
      if (entry.aborts) blockedBy = `${operation.action} of ${operation.table}/${operation.itemId}`;
    }
  }
  return kept;
}
