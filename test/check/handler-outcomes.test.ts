import { describe, expect, test } from 'vitest';
import { checkHandlerOutcomes } from '../../src/check/handler-outcomes.js';
import { signatureOf } from '../../src/check/signature.js';
import type { HandlerDecision } from '../../src/kernel/history.js';
import { HistoryBuilder, local, record } from './history-builder.js';

/** A push whose PATCH of `a` fails with `status` and whose handler decides as given. */
function failedPush(status: number, handler: 'onConflict' | 'onError', decision: HandlerDecision, error?: string) {
  const h = new HistoryBuilder();
  const push = h.invoke('client-1', { type: 'push' });
  const answered = h.exchange('client-1', 'PATCH', '/tables/todoitem/a', status, {
    body: { id: 'a', text: 'mine', complete: false },
    ifMatch: 'v1',
    answer: status === 412 ? record('a', 'theirs', 'v2') : { error: 'boom' },
  });
  const call = h.call('client-1', handler, {
    action: 'update',
    itemId: 'a',
    status,
    clientRecord: local('a', 'mine', 'v1'),
    serverRecord: status === 412 ? record('a', 'theirs', 'v2') : null,
  } as never);
  h.decide('client-1', call, decision, undefined, error);
  h.ok('client-1', push.opId);
  // The request event comes right before its answer.
  return { history: h.build(), request: answered - 1 };
}

describe('handler-outcomes', () => {
  test('a handler that resolves passes', () => {
    const result = checkHandlerOutcomes(failedPush(412, 'onConflict', 'cancelAndDiscard').history);
    expect(result.valid).toBe(true);
  });

  test('a handler that threw fails, quoting what it threw and citing the exchange', () => {
    const { history, request } = failedPush(412, 'onConflict', 'threw', "TypeError: cannot read 'qty'");
    const result = checkHandlerOutcomes(history);
    expect(result.valid).toBe(false);
    const [violation] = result.violations;
    expect(violation!.message).toContain('threw: "TypeError: cannot read \'qty\'"');
    expect(violation!.message).toContain(`request #${request}`);
    expect(violation!.events).toContain(request);
    expect(signatureOf(result.checker, violation!)).toBe('handler-outcomes/handler.threw/update/412');
  });

  test('an unresolved conflict and an unhandled error have signatures of their own', () => {
    const conflict = checkHandlerOutcomes(failedPush(412, 'onConflict', 'unhandled').history);
    const error = checkHandlerOutcomes(failedPush(500, 'onError', 'unhandled').history);
    expect(signatureOf(conflict.checker, conflict.violations[0]!)).toBe(
      'handler-outcomes/handler.conflict-unresolved/update/412',
    );
    expect(signatureOf(error.checker, error.violations[0]!)).toBe(
      'handler-outcomes/handler.error-unhandled/update/500',
    );
  });

  test('isHandled = true counts as a resolution', () => {
    expect(checkHandlerOutcomes(failedPush(500, 'onError', 'isHandled').history).valid).toBe(true);
  });
});
