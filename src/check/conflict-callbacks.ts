/**
 * Conflict callbacks. onConflict exactly for 409/412 answers to push requests and onError
 * exactly for other failures (network failures included), once per failed request, given the
 * table, action and client record of that request and, for a 412, the server record it
 * carried; never a call when nothing failed; at most five calls per operation per push;
 * `isHandled` true after every resolution; and an unhandled error stops the push.
 *
 * A request whose push was cut short by a restart belongs to a dead app: a handler call for
 * it is not required (but must still be right if it happens).
 */
import type { JsonObject } from '../protocol/records.js';
import type { History } from '../kernel/history.js';
import {
  canonicalJson,
  exchangeFailed,
  holdsValues,
  indexHistory,
  isConflictStatus,
  isPushWrite,
  sameServerRecord,
  parseJsonObject,
  SYSTEM_KEYS,
  type Exchange,
  type HandlerCallRecord,
  type HistoryIndex,
  type SyncWindow,
} from './history-index.js';
import { recordKey, REMOVING_DECISIONS, RESOLVING_DECISIONS } from './pending.js';
import { onlyRevivedDates } from './revived-dates.js';
import type { Violation } from './types.js';
import { hasHandler, verdict, type CheckContext } from './verdict.js';

export const CONFLICT_CALLBACKS = 'conflict-callbacks';

/** The status of a server record that differs from the 412's only in date-looking strings given back as a Date's text. */
const DATE_LOOKING_STRING = 'date-looking-string';

export function checkConflictCallbacks(history: History, context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const cap = context?.maxHandlerCalls ?? 5;
  const violations: Violation[] = [];
  for (const exchange of index.exchanges) {
    if (!isPushWrite(exchange)) continue;
    violations.push(...checkExchange(index, exchange, context));
  }
  for (const window of index.pushes) violations.push(...checkPushFlow(index, window, cap));
  for (const record of index.unmatchedCalls) {
    violations.push({
      rule: 'handler.called',
      at: {
        op: record.call.action || 'push',
        status: record.call.status === null ? 'none' : String(record.call.status),
      },
      message: `${record.client}'s ${record.call.handler} was called at #${record.call.seq} (for ${record.call.action} of ${record.call.table}/${String(record.call.itemId)}) with no failed push request for it.`,
      events: [record.call.seq],
    });
  }
  return verdict(
    CONFLICT_CALLBACKS,
    violations,
    `Across ${index.pushes.length} push(es), every failed request got the right handler once with that request's table, action and records, no handler ran without a failure, and unhandled errors stopped their push.`,
  );
}

function pushOf(index: HistoryIndex, exchange: Exchange): SyncWindow | undefined {
  return index.pushes.find(
    (candidate) =>
      candidate.client === exchange.client &&
      exchange.requestEvent.seq > candidate.start &&
      exchange.requestEvent.seq < candidate.end,
  );
}

/** Whether the push that sent this request was still alive when its outcome came back. */
function alive(index: HistoryIndex, exchange: Exchange): boolean {
  const outcome = exchange.responseEvent?.seq ?? exchange.failureEvent?.seq;
  if (outcome === undefined) return false;
  const window = pushOf(index, exchange);
  return window !== undefined && !(window.endedByRestart && window.end < outcome);
}

/**
 * Whether the app was killed while its push was still on this failure: the push ended by a
 * restart and did nothing on the link between the answer and the kill (no request, no handler
 * call). The handler call was still to come — the SDK reads its store between an answer and the
 * call — and a killed app makes none. A push that went on without calling it is not excused.
 */
function killedBeforeHandling(index: HistoryIndex, exchange: Exchange, outcome: number): boolean {
  const window = pushOf(index, exchange);
  if (window === undefined || !window.endedByRestart || window.end < outcome) return false;
  return !index.history.some(
    (event) =>
      event.seq > outcome &&
      event.seq < window.end &&
      ((event.kind === 'http-request' && event.link === exchange.client) ||
        (event.kind === 'handler-call' && event.actor === exchange.client)),
  );
}

function checkExchange(index: HistoryIndex, exchange: Exchange, context?: CheckContext): Violation[] {
  const violations: Violation[] = [];
  const client = exchange.client;
  const seq = exchange.requestEvent.seq;
  const outcomeSeq = exchange.responseEvent?.seq ?? exchange.failureEvent?.seq;
  if (outcomeSeq === undefined || !exchangeFailed(exchange)) return violations;
  const calls = index.callsByRequest.get(exchange.requestId) ?? [];
  const status = exchange.response?.status ?? null;
  const expected = isConflictStatus(status) ? 'onConflict' : 'onError';
  const what = status === null ? `a ${exchange.failure ?? 'transport'} failure` : `a ${status}`;
  const at = { op: exchange.action, status: status === null ? (exchange.failure ?? 'network') : String(status) };
  if (
    calls.length === 0 &&
    alive(index, exchange) &&
    !killedBeforeHandling(index, exchange, outcomeSeq) &&
    hasHandler(context, client, expected) &&
    !capped(index, exchange, context)
  ) {
    violations.push({
      rule: 'handler.called',
      at,
      message: `${client} got ${what} for ${exchange.request.method} ${exchange.request.url} (#${outcomeSeq}) but ${expected} was never called.`,
      events: [seq, outcomeSeq],
    });
  }
  if (calls.length > 1) {
    violations.push({
      rule: 'handler.called',
      at,
      message: `${client}'s handlers were called ${calls.length} times (${calls.map((record) => `#${record.call.seq}`).join(', ')}) for the one failure at #${outcomeSeq}.`,
      events: [outcomeSeq, ...calls.map((record) => record.call.seq)],
    });
  }
  for (const record of calls) {
    const call = record.call;
    const cite = [outcomeSeq, call.seq];
    if (call.handler !== expected) {
      violations.push({
        rule: 'push.conflict-or-error',
        at,
        message: `${client} called ${call.handler} at #${call.seq} for ${what} (#${outcomeSeq}); ${expected} was due.`,
        events: cite,
      });
    }
    if ((call.status ?? null) !== status && !(status === null && call.status === 0)) {
      violations.push({
        rule: 'handler.error-details',
        at,
        message: `${client}'s ${call.handler} at #${call.seq} was told status ${String(call.status)}, but the answer at #${outcomeSeq} was ${String(status)}.`,
        events: cite,
      });
    }
    violations.push(...clientRecordMismatch(client, call.seq, call.clientRecord, exchange, cite));
    if (status === 412 && exchange.response !== undefined) {
      const sent = parseJsonObject(exchange.response.body);
      if (!sameServerRecord(call.serverRecord ?? null, sent)) {
        // Differences that are all date-looking strings given back as a Date's text have a
        // cause of their own (a reviver that makes Dates of them): named apart, not excused.
        const revived = onlyRevivedDates(call.serverRecord ?? null, sent);
        violations.push({
          rule: 'handler.error-details',
          at: revived === undefined ? at : { op: exchange.action, status: DATE_LOOKING_STRING },
          message:
            `${client}'s onConflict at #${call.seq} was given server record ${canonicalJson(call.serverRecord ?? null)}, but the 412 at #${outcomeSeq} carried ${canonicalJson(sent)}` +
            (revived === undefined
              ? '.'
              : `; only strings that look like ISO dates differ (${revived.join(', ')}), given back as the text of a Date.`),
          events: cite,
        });
      }
    }
    const decision = record.decision;
    if (decision !== undefined && RESOLVING_DECISIONS.has(decision.decision) && !decision.isHandled) {
      violations.push({
        rule: 'handler.resolved-is-handled',
        at,
        message: `${client}'s handler resolved with ${decision.decision} at #${decision.seq} but isHandled was not true afterwards.`,
        events: [call.seq, decision.seq],
      });
    }
  }
  return violations;
}

/** The SDK stops calling handlers for an operation after `cap` calls in one push. */
function capped(index: HistoryIndex, exchange: Exchange, context?: CheckContext): boolean {
  const cap = context?.maxHandlerCalls ?? 5;
  const window = index.pushes.find(
    (candidate) =>
      candidate.client === exchange.client &&
      exchange.requestEvent.seq > candidate.start &&
      exchange.requestEvent.seq < candidate.end,
  );
  if (window === undefined) return false;
  const key = recordKey(exchange.table, exchange.itemId);
  const before = window.exchanges.filter(
    (other) => other.requestEvent.seq < exchange.requestEvent.seq && recordKey(other.table, other.itemId) === key,
  );
  return before.reduce((sum, other) => sum + (index.callsByRequest.get(other.requestId)?.length ?? 0), 0) >= cap;
}

/** Within one push: the retry cap, and an unhandled error ends it. */
function checkPushFlow(index: HistoryIndex, window: SyncWindow, cap: number): Violation[] {
  const violations: Violation[] = [];
  const client = window.client;
  /** The calls for each record's operation in flight; `finished` keeps those of operations that went through. */
  const callsPerRecord = new Map<string, HandlerCallRecord[]>();
  const finished: [string, HandlerCallRecord[]][] = [];
  const lastAttempt = new Map<string, { action: string; decision: string | undefined }>();
  const endOperation = (key: string): void => {
    const done = callsPerRecord.get(key) ?? [];
    if (done.length > 0) finished.push([key, done]);
    callsPerRecord.delete(key);
  };
  let stoppedBy: Exchange | undefined;
  for (const exchange of window.exchanges.filter(isPushWrite)) {
    const seq = exchange.requestEvent.seq;
    if (stoppedBy !== undefined) {
      violations.push({
        rule: 'push.unhandled-error-stops',
        at: { op: exchange.action, status: 'sent-after-stop' },
        message: `${client}'s push #${window.start} went on to ${exchange.request.method} ${exchange.request.url} (#${seq}) after an unhandled error at #${stoppedBy.requestEvent.seq}; an unhandled error must stop the push.`,
        events: [stoppedBy.requestEvent.seq, seq],
      });
      break;
    }
    const outcomeSeq = exchange.responseEvent?.seq ?? exchange.failureEvent?.seq;
    if (outcomeSeq === undefined || outcomeSeq > window.end) continue;
    const calls = index.callsByRequest.get(exchange.requestId) ?? [];
    const key = recordKey(exchange.table, exchange.itemId);
    // A request of another action on the record, not asked for by changeAction, is another
    // operation: the one retried was dropped (its record deleted while it was pushed).
    const previous = lastAttempt.get(key);
    if (previous !== undefined && previous.action !== exchange.action && previous.decision !== 'changeAction') {
      endOperation(key);
    }
    lastAttempt.set(key, { action: exchange.action, decision: calls.at(-1)?.decision?.decision });
    callsPerRecord.set(key, [...(callsPerRecord.get(key) ?? []), ...calls]);
    const failed = exchangeFailed(exchange);
    const status = exchange.response?.status ?? null;
    const last = calls.at(-1)?.decision;
    const resolved = last !== undefined && (RESOLVING_DECISIONS.has(last.decision) || last.isHandled);
    if (failed && !resolved && !isConflictStatus(status)) stoppedBy = exchange;
    // The operation is over when it went through, when the handler took it out of the queue, or
    // when its failure was left unresolved (a conflict skipped, or the push stopped). A later
    // failure on the record is another operation's (one logged while this one was in flight),
    // with a cap of its own.
    if (!failed || !resolved || REMOVING_DECISIONS.has(last.decision)) {
      endOperation(key);
    }
  }
  for (const [key, calls] of [...finished, ...callsPerRecord]) {
    if (calls.length > cap) {
      violations.push({
        rule: 'push.handler-call-cap',
        at: { op: calls[0]!.call.action || 'push', status: 'over-cap' },
        message: `${client}'s handlers were called ${calls.length} times for ${key} in push #${window.start} (#${calls[0]!.call.seq} … #${calls.at(-1)!.call.seq}); at most ${cap} calls per operation per push are allowed.`,
        events: [window.start, calls[cap]!.call.seq],
      });
    }
  }
  if (stoppedBy !== undefined && window.operation.outcome?.kind === 'ok' && !window.endedByRestart) {
    violations.push({
      rule: 'push.unhandled-error-stops',
      at: { op: 'push', status: 'reported-ok' },
      message: `${client}'s push #${window.start} reported success (#${window.operation.outcome.seq}) although the error at #${stoppedBy.requestEvent.seq} was not handled.`,
      events: [stoppedBy.requestEvent.seq, window.operation.outcome.seq],
    });
  }
  return violations;
}

/** The client record handed to a handler must be the record the failed request sent. */
function clientRecordMismatch(
  client: string,
  callSeq: number,
  given: JsonObject | null,
  exchange: Exchange,
  cite: number[],
): Violation[] {
  if (exchange.action === 'delete') return [];
  if (given === null) {
    return [
      {
        rule: 'handler.error-details',
        at: { op: exchange.action, status: 'no-client-record' },
        message: `${client}'s handler at #${callSeq} was given no client record for the ${exchange.action} at #${exchange.requestEvent.seq}.`,
        events: cite,
      },
    ];
  }
  const sent: JsonObject = {};
  for (const [key, value] of Object.entries(exchange.body ?? {}))
    if (!SYSTEM_KEYS.has(key) || key === 'id') sent[key] = value;
  if (holdsValues(given, sent)) return [];
  return [
    {
      rule: 'handler.error-details',
      at: { op: exchange.action, status: 'wrong-client-record' },
      message: `${client}'s handler at #${callSeq} was given client record ${canonicalJson(given)}, but the request at #${exchange.requestEvent.seq} sent ${canonicalJson(sent)}.`,
      events: cite,
    },
  ];
}
