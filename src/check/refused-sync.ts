/**
 * A push the user's credentials were refused for (401: no valid token; 403: no rights) keeps its
 * queue: every operation it was refused on is still pending afterwards, unless a handler decision
 * took it out. The refusal is the app's to resolve (sign in again, then push); a client that drops
 * the operation instead loses the write for good once the app signs in.
 */
import type { PendingOperation } from '../kernel/driver.js';
import { snapshotAfter, snapshotBefore, type HistoryIndex, type SyncWindow } from './history-index.js';
import { callsAfter, recordKey, REMOVING_DECISIONS } from './pending.js';

/** An operation a refused push took out of the queue with no handler decision to say so. */
export interface RefusedDrop {
  readonly client: string;
  readonly operation: PendingOperation;
  /** The push (or pull pushing first) that was refused. */
  readonly window: SyncWindow;
  /** The snapshot after it, where the operation is gone. */
  readonly afterSeq: number;
}

/** The statuses a refusal of the user's credentials answers with. */
export function isRefusal(status: number | null | undefined): boolean {
  return status === 401 || status === 403;
}

export function refusedQueueDrops(index: HistoryIndex): RefusedDrop[] {
  const drops: RefusedDrop[] = [];
  for (const window of index.pushes) {
    if (window.endedByRestart || !window.exchanges.some((exchange) => isRefusal(exchange.response?.status))) continue;
    const before = snapshotBefore(index, window.start);
    const after = snapshotAfter(index, window.end);
    if (
      before === undefined ||
      after === undefined ||
      !alone(index, window.client, window.operation.opId, before.seq, after.seq)
    )
      continue;
    const pending = (snapshot: typeof before): readonly PendingOperation[] =>
      snapshot.clients[window.client]?.operations ?? [];
    const left = new Set(pending(after).map((operation) => recordKey(operation.table, operation.itemId)));
    for (const operation of pending(before)) {
      const key = recordKey(operation.table, operation.itemId);
      if (left.has(key) || !onlyRefused(index, window, key)) continue;
      drops.push({ client: window.client, operation, window, afterSeq: after.seq });
    }
  }
  return drops;
}

/** Nothing else of the client ran between the two snapshots: no other operation, no restart. */
export function alone(index: HistoryIndex, client: string, opId: number, from: number, to: number): boolean {
  const others = index.operations.some(
    (operation) =>
      operation.actor === client &&
      operation.opId !== opId &&
      operation.invoke.seq < to &&
      (operation.outcome === undefined || operation.outcome.seq > from),
  );
  const restarted = index.restarts.some(
    (restart) => restart.client === client && restart.seq > from && restart.seq < to,
  );
  return !others && !restarted;
}

/** The window sent the record's operation, was refused every time, and no handler decision removed it. */
function onlyRefused(index: HistoryIndex, window: SyncWindow, key: string): boolean {
  const sent = window.exchanges.filter((exchange) => recordKey(exchange.table, exchange.itemId) === key);
  if (sent.length === 0) return false;
  return sent.every(
    (exchange) =>
      isRefusal(exchange.response?.status) &&
      !callsAfter(index, exchange).some((call) => REMOVING_DECISIONS.has(call.decision?.decision ?? '')),
  );
}
