/**
 * Handler outcomes are verdicts. A push handler that throws or rejects, that leaves a conflict
 * unresolved, or that leaves an error unhandled has decided something the app may not have
 * meant: each is a violation unless the scenario allows its signature (a scenario without a
 * handler allows unresolved conflicts, say). Other checkers take every recorded decision as the
 * reason an operation stayed queued, so this is the one place such an outcome is judged.
 *
 * The explanation quotes what the handler threw and cites the failed exchange it answered.
 */
import type { History } from '../kernel/history.js';
import { indexHistory, type Exchange, type HandlerCallRecord, type HistoryIndex } from './history-index.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const HANDLER_OUTCOMES = 'handler-outcomes';

export function checkHandlerOutcomes(history: History, _context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const answered = exchangesByCall(index);
  const violations: Violation[] = [];
  let judged = 0;
  for (const record of index.handlerCalls) {
    const decision = record.decision;
    if (decision === undefined) continue;
    judged++;
    const exchange = answered.get(record.call.callId);
    const { call } = record;
    const status = call.status === null ? (exchange?.failure ?? 'network') : String(call.status);
    // A handler whose own store write the device failed threw for the store, not by choice: its
    // status names the store fault, so a scenario with store faults can allow exactly that.
    const storeFault = decision.decision === 'threw' ? storeFaultWithin(index, record) : undefined;
    const at = { op: call.action === '' ? 'push' : call.action, status: storeFault ?? status };
    const what = `${record.client}'s ${call.handler} for the ${describeStatus(call.status, exchange)} to its ${call.action} of ${call.table}/${call.itemId ?? '?'}${exchange !== undefined ? ` (request #${exchange.requestEvent.seq})` : ''}`;
    const events = [...(exchange !== undefined ? [exchange.requestEvent.seq] : []), call.seq, decision.seq];
    if (decision.decision === 'threw') {
      violations.push({
        message: `${what} threw: "${decision.error ?? 'an error'}" (#${decision.seq}); the handler failed instead of resolving it${storeFault === undefined ? '' : ` (the device's store failed its write: ${storeFault})`}.`,
        events,
        rule: 'handler.threw',
        at,
      });
    } else if (decision.decision === 'unhandled') {
      const conflict = call.handler === 'onConflict';
      const outcome = conflict
        ? `left the conflict unresolved (#${decision.seq}): no resolution was chosen and isHandled stayed false, so the push returns it and the change stays queued`
        : `left the error unhandled (#${decision.seq}): the push stops there and the change stays queued`;
      const rule = conflict ? 'handler.conflict-unresolved' : 'handler.error-unhandled';
      violations.push({ message: `${what} ${outcome}.`, events, rule, at });
    }
  }
  return verdict(
    HANDLER_OUTCOMES,
    violations,
    `All ${judged} handler call(s) resolved their conflict or error without throwing.`,
  );
}

function describeStatus(status: number | null, exchange: Exchange | undefined): string {
  if (status !== null) return String(status);
  return exchange?.failure !== undefined ? `${exchange.failure} failure` : 'failure';
}

/** The failed exchange each handler call answered, by call id. */
function exchangesByCall(index: HistoryIndex): Map<number, Exchange> {
  const byId = new Map(index.exchanges.map((exchange) => [exchange.requestId, exchange]));
  const answered = new Map<number, Exchange>();
  for (const [requestId, calls] of index.callsByRequest) {
    const exchange = byId.get(requestId);
    if (exchange === undefined) continue;
    for (const record of calls as readonly HandlerCallRecord[]) answered.set(record.call.callId, exchange);
  }
  return answered;
}

/** The store fault (`store-disk-full`, `store-locked`) of the client's store while the handler ran, if one hit. */
function storeFaultWithin(index: HistoryIndex, record: HandlerCallRecord): string | undefined {
  const { call, decision } = record;
  if (decision === undefined) return undefined;
  const fault = index.history.find(
    (event) =>
      event.kind === 'fault' &&
      event.link === record.client &&
      (event.fault === 'store-disk-full' || event.fault === 'store-locked') &&
      event.seq > call.seq &&
      event.seq < decision.seq,
  );
  return fault?.kind === 'fault' ? fault.fault : undefined;
}
