/**
 * Liveness: every operation the program started settles, and a push that keeps failing fails
 * because of something real.
 *
 * - `liveness.settles`: the world stops a run in which a client with operations pending made no
 *   progress — no request sent, no store write — for its bound of virtual time (or in which
 *   nothing could happen any more), and records a `stuck` event naming what each operation
 *   waited on. Timers alone are not progress: the SDK's promise library ticks through 1 ms
 *   timers while it waits on a lock forever. (SDK: `sdk/src/sync/MobileServiceSyncContext.js`
 *   runs push, pull and purge on one `syncTaskRunner` — `sdk/src/Utilities/taskRunner.js`, one
 *   task at a time — so a task that waits on another task of the same runner never ends.)
 * - `queue.stuck`: with the network healed, each push of a client stops on the same operation
 *   with the same error, and that error is not the answer to a request the push sent — the
 *   client raises it again by itself, so no push can ever get past it. An error the server (or
 *   the network) answers afresh each time, left unhandled by the app, is the app's recorded
 *   decision (judged by handler-outcomes), not a stuck queue. (SDK: `sdk/src/sync/push.js`,
 *   `reset` and `pushAllOperations`: each push starts again from the first pending operation and
 *   sends it; an operation's error lives only as long as the push that met it.)
 */
import type { History } from '../kernel/history.js';
import {
  exchangeFailed,
  finalSnapshot,
  indexHistory,
  isPushWrite,
  type EventOf,
  type HandlerCallRecord,
  type HistoryIndex,
  type SyncWindow,
} from './history-index.js';
import { recordKey } from './pending.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const LIVENESS = 'liveness';

export function checkLiveness(history: History, context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const violations: Violation[] = [];
  for (const event of history) if (event.kind === 'stuck') violations.push(stuckViolation(event));
  violations.push(...stuckQueues(index, context));
  return verdict(LIVENESS, violations, 'Every operation settled, and no push stayed stuck on an error of its own.');
}

function stuckViolation(event: EventOf<'stuck'>): Violation {
  const first = event.waiting[0];
  const status = event.reason === 'budget' ? 'livelock' : 'stuck';
  const how =
    event.reason === 'stalled'
      ? `made no progress (no request, no store write) for ${event.stallMs} virtual ms`
      : event.reason === 'deadlock'
        ? 'waited with no timer left that could ever settle it'
        : 'was still running when the timer budget ran out';
  if (first === undefined) {
    return {
      message: `The run stopped at #${event.seq}: it ${how}, with no client operation pending.`,
      events: [event.seq],
      rule: 'liveness.settles',
      at: { op: 'run', status },
    };
  }
  const described = event.waiting.map(
    (op) =>
      `${op.client}'s ${op.op} #${op.opId} (invoked at t=${op.since}${op.lastProgress !== undefined ? `, last progress #${op.lastProgress}` : ''}) waits on ${op.waitsOn}`,
  );
  return {
    message: `The run stopped at #${event.seq}: ${first.client}'s ${first.op} #${first.opId} ${how}. ${described.join('; ')}.`,
    events: [event.seq, ...event.waiting.flatMap((op) => (op.lastProgress !== undefined ? [op.lastProgress] : []))],
    rule: 'liveness.settles',
    at: { op: first.op, status },
  };
}

/** Where a failed push stopped: the error its handler left unresolved, and whether a request of this push produced it. */
interface Stop {
  readonly push: SyncWindow;
  readonly call: HandlerCallRecord;
  readonly key: string;
  readonly status: string;
  readonly fresh: boolean;
}

function stuckQueues(index: HistoryIndex, context: CheckContext | undefined): Violation[] {
  const heal = index.history.find((event) => event.kind === 'heal');
  const final = finalSnapshot(index, context?.finalLabel);
  if (heal === undefined || final === undefined || final.seq < heal.seq) return [];
  const unmatched = new Set(index.unmatchedCalls.map((record) => record.call.callId));
  const violations: Violation[] = [];
  for (const client of index.clients) {
    const pushes = index.pushes.filter(
      (push) => push.client === client && push.start > heal.seq && push.end < final.seq && !push.endedByRestart,
    );
    if (pushes.length < 2) continue;
    const stops = pushes.map((push) => stopOf(push, unmatched));
    const first = stops[0];
    if (first === undefined || stops.some((stop) => stop === undefined)) continue;
    const all = stops as Stop[];
    if (!all.every((stop) => stop.key === first.key && stop.status === first.status)) continue;
    if (all.every((stop) => stop.fresh)) continue;
    const { call } = first.call;
    const queued = final.clients[client]?.operations.some(
      (operation) =>
        recordKey(operation.table, operation.itemId) === recordKey(call.table, call.itemId) &&
        operation.action === call.action,
    );
    if (queued !== true) continue;
    const invented = all.filter((stop) => !stop.fresh);
    violations.push({
      rule: 'queue.stuck',
      message:
        `${client}'s queue is stuck on its ${call.action} of ${call.table}/${call.itemId ?? '?'}: with the network healed, ` +
        `each of its ${all.length} pushes (#${all.map((stop) => stop.push.start).join(', #')}) stopped on it with the same error (${first.status}), ` +
        `and ${invented.length === all.length ? 'none' : `${all.length - invented.length} of them`} came from a request the push sent ` +
        `(handler calls #${invented.map((stop) => stop.call.call.seq).join(', #')} answer no request); the operation is still queued at #${final.seq}.`,
      events: [...all.map((stop) => stop.call.call.seq), final.seq],
      at: { op: call.action, status: first.status },
    });
  }
  return violations;
}

/** The error a failed push stopped on, if it stopped on an error its handler left unresolved. */
function stopOf(push: SyncWindow, unmatched: ReadonlySet<number>): Stop | undefined {
  if (push.operation.outcome?.kind !== 'fail') return undefined;
  // A failed push ends on an unhandled error: the last error its handler was asked about.
  const call = [...push.handlerCalls].reverse().find((record) => record.call.handler === 'onError');
  if (call === undefined) return undefined;
  const key = `${recordKey(call.call.table, call.call.itemId)}/${call.call.action}`;
  const backed = push.exchanges.some(
    (exchange) =>
      isPushWrite(exchange) &&
      exchangeFailed(exchange) &&
      exchange.table === call.call.table &&
      exchange.action === call.call.action &&
      (call.call.itemId === null || exchange.itemId === call.call.itemId),
  );
  return {
    push,
    call,
    key,
    status: call.call.status === null ? 'network' : String(call.call.status),
    fresh: backed && !unmatched.has(call.call.callId),
  };
}
