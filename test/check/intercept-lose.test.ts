/**
 * serve's intercepts lose an answer after the link recorded it (an `http-response`, then an
 * `intercept-lose` fault naming the request): the history index reads that exchange as a lost
 * response the server applied, so a handler call answering it is matched, and the client is
 * never taken to have seen the answer.
 */
import { describe, expect, test } from 'vitest';
import { indexHistory, sawRecord } from '../../src/check/history-index.js';
import { checkConflictCallbacks } from '../../src/check/conflict-callbacks.js';
import { HistoryBuilder, local } from './history-builder.js';

function lostInsert(lose: boolean) {
  const h = new HistoryBuilder();
  h.op('client-1', { type: 'insert', table: 'todoitem', record: local('a', 'one', null) });
  const push = h.invoke('client-1', { type: 'push' });
  const { requestId } = h.request('client-1', 'POST', '/tables/todoitem', { body: local('a', 'one', null) });
  h.response('client-1', requestId, 201, { id: 'a', text: 'one', version: 'v1' });
  if (lose)
    h.add('network', {
      kind: 'fault',
      link: 'http',
      fault: 'intercept-lose',
      detail: { intercept: 1, requestId, method: 'POST', url: '/tables/todoitem', status: 201, applied: true },
    });
  if (lose) {
    const callId = h.call('client-1', 'onError', {
      action: 'insert',
      itemId: 'a',
      status: null,
      clientRecord: local('a', 'one', null),
    });
    h.decide('client-1', callId, 'unhandled');
    h.fail('client-1', push.opId);
  } else h.ok('client-1', push.opId);
  return h.build();
}

describe('an answer an intercept lost', () => {
  test('is a lost response the server applied, and the client never saw it', () => {
    const history = lostInsert(true);
    const index = indexHistory(history);
    const exchange = index.exchanges.find((candidate) => candidate.action === 'insert')!;
    expect(exchange.failure).toBe('lost-response');
    expect(exchange.applied).toBe(true);
    expect(exchange.response).toBeUndefined();
    expect(exchange.responseEvent).toBeUndefined();
    const call = index.handlerCalls[0]!.call.seq;
    expect(sawRecord(index, 'client-1', 'todoitem', 'a', -1, call)).toBe(false);
  });

  test('the onError call that follows answers it: no handler ran without a failure', () => {
    const result = checkConflictCallbacks(lostInsert(true));
    expect(result.explanation).not.toContain('with no failed push request');
    expect(result.valid, result.explanation).toBe(true);
  });

  test('without the fault the same exchange is an answered one', () => {
    const index = indexHistory(lostInsert(false));
    const exchange = index.exchanges.find((candidate) => candidate.action === 'insert')!;
    expect(exchange.response?.status).toBe(201);
    expect(exchange.failure).toBeUndefined();
  });
});
