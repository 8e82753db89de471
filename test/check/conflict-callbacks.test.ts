import { describe, test, expect } from 'vitest';
import { checkConflictCallbacks } from '../../src/check/conflict-callbacks.js';
import type { HandlerDecision } from '../../src/kernel/history.js';
import { HistoryBuilder, local, record } from './history-builder.js';

const mine = local('a', 'mine', 'v1');
const theirs = record('a', 'theirs', 'v2');

/** A push whose PATCH of `a` answers 412 and whose handler is called as given. */
function conflict(
  options: {
    handler?: 'onConflict' | 'onError';
    serverRecord?: object;
    /** What the 412 carried (default `theirs`). */
    answer?: object;
    decision?: HandlerDecision;
    isHandled?: boolean;
    call?: boolean;
  } = {},
) {
  const h = new HistoryBuilder();
  const push = h.invoke('client-1', { type: 'push' });
  const answer = h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 412, {
    body: { id: 'a', text: 'mine', complete: false },
    ifMatch: 'v1',
    answer: (options.answer ?? theirs) as never,
  });
  let callSeq: number | undefined;
  if (options.call !== false) {
    const call = h.call('client-1', options.handler ?? 'onConflict', {
      action: 'update',
      itemId: 'a',
      status: 412,
      clientRecord: mine,
      serverRecord: (options.serverRecord ?? theirs) as never,
    });
    callSeq = answer + 1;
    h.decide('client-1', call, options.decision ?? 'cancelAndDiscard', options.isHandled);
  }
  h.ok('client-1', push.opId);
  return { history: h.build(), answer, callSeq };
}

describe('conflict callbacks', () => {
  test('passes when a 412 gets onConflict once with the exchange records', () => {
    expect(checkConflictCallbacks(conflict().history).valid).toBe(true);
  });

  test('reports onError called for a 412, citing the answer and the call', () => {
    const { history, answer, callSeq } = conflict({ handler: 'onError' });
    const result = checkConflictCallbacks(history);
    expect(result.valid).toBe(false);
    expect(result.violations[0]!.message).toContain('onConflict was due');
    expect(result.violations[0]!.events).toEqual([answer, callSeq]);
  });

  test('reports a server record that is not the one the 412 carried', () => {
    const result = checkConflictCallbacks(conflict({ serverRecord: record('a', 'older', 'v1') }).history);
    expect(result.violations.map((violation) => violation.message).join(' ')).toContain('was given server record');
  });

  test('names apart a server record whose only differences are date-looking strings given back as a Date’s text', () => {
    // Found by generated-tutorial on the SDK: its reviver makes a Date of the 412 body's
    // "2026-01-01T00:00:00Z" and getServerRecord() copies it through JSON (docs/sdk-findings.md 9).
    const sent = record('a', '2026-01-01T00:00:00Z', 'v2');
    const statuses = (given: object) =>
      checkConflictCallbacks(conflict({ answer: sent, serverRecord: given }).history).violations.map((violation) => [
        violation.rule,
        violation.at.status,
      ]);
    const revived = checkConflictCallbacks(
      conflict({ answer: sent, serverRecord: { ...sent, text: '2026-01-01T00:00:00.000Z' } }).history,
    ).violations;
    expect(revived.map((violation) => [violation.rule, violation.at])).toEqual([
      ['handler.error-details', { op: 'update', status: 'date-looking-string' }],
    ]);
    expect(revived[0]!.message).toContain('only strings that look like ISO dates differ (text)');
    // Any other difference keeps the plain signature: another instant, another column changed too.
    expect(statuses({ ...sent, text: '2026-01-01T00:00:01.000Z' })).toEqual([['handler.error-details', '412']]);
    expect(statuses({ ...sent, text: '2026-01-01T00:00:00.000Z', complete: true })).toEqual([
      ['handler.error-details', '412'],
    ]);
    expect(statuses(sent)).toEqual([]);
  });

  test('reports a 412 for which no handler was called', () => {
    const result = checkConflictCallbacks(conflict({ call: false }).history);
    expect(result.violations[0]!.message).toContain('onConflict was never called');
  });

  test('does not require a call from a client that has no conflict handler', () => {
    const { history } = conflict({ call: false });
    expect(
      checkConflictCallbacks(history, { handlers: { 'client-1': { onConflict: false, onError: true } } }).valid,
    ).toBe(true);
  });

  test('reports isHandled left false after a resolution', () => {
    const result = checkConflictCallbacks(conflict({ isHandled: false }).history);
    expect(result.violations[0]!.message).toContain('isHandled was not true');
  });

  test('reports a handler called although the request succeeded', () => {
    const h = new HistoryBuilder();
    const push = h.invoke('client-1', { type: 'push' });
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 200, {
      body: { id: 'a', text: 'mine' },
      ifMatch: 'v1',
      answer: record('a', 'mine', 'v2'),
    });
    const call = h.call('client-1', 'onConflict', { action: 'update', itemId: 'a', status: 412, clientRecord: mine });
    h.decide('client-1', call, 'unhandled');
    h.ok('client-1', push.opId);
    expect(checkConflictCallbacks(h.build()).violations[0]!.message).toContain('with no failed push request for it');
  });

  test('accepts onError for a 404 and for a network failure', () => {
    const h = new HistoryBuilder();
    const push = h.invoke('client-1', { type: 'push' });
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 404, {
      body: { id: 'a', text: 'mine' },
      ifMatch: 'v1',
      answer: { error: 'The item does not exist' },
    });
    h.decide(
      'client-1',
      h.call('client-1', 'onError', { action: 'update', itemId: 'a', status: 404, clientRecord: mine }),
      'cancelAndDiscard',
    );
    const { requestId } = h.request('client-1', 'POST', '/tables/todoitem', { body: { id: 'b', text: 'new' } });
    h.failure('client-1', requestId, 'network', false);
    h.decide(
      'client-1',
      h.call('client-1', 'onError', {
        action: 'insert',
        itemId: 'b',
        status: null,
        clientRecord: { id: 'b', text: 'new' },
      }),
      'unhandled',
    );
    h.fail('client-1', push.opId);
    expect(checkConflictCallbacks(h.build()).valid).toBe(true);
  });

  test('reports a push that went on after an unhandled error', () => {
    const h = new HistoryBuilder();
    const push = h.invoke('client-1', { type: 'push' });
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 500, {
      body: { id: 'a', text: 'mine' },
      ifMatch: 'v1',
      answer: { error: 'boom' },
    });
    h.decide(
      'client-1',
      h.call('client-1', 'onError', { action: 'update', itemId: 'a', status: 500, clientRecord: mine }),
      'unhandled',
    );
    h.exchange('client-1', 'DELETE', '/tables/todoitem/b', 200, {
      ifMatch: 'v1',
      answer: record('b', 'x', 'v2', { deleted: true }),
    });
    h.fail('client-1', push.opId);
    expect(checkConflictCallbacks(h.build()).violations[0]!.message).toContain('an unhandled error must stop the push');
  });

  test('five calls for an operation that then went through, and one for the next operation on that record, are within the cap', () => {
    // Found by generated-client-wins at 3,000 runs (seed 11): an update made while the insert
    // was in flight is its own operation, with its own five calls.
    const h = new HistoryBuilder();
    const push = h.invoke('client-1', { type: 'push' });
    for (let attempt = 0; attempt < 5; attempt++) {
      h.exchange('client-1', 'POST', '/tables/todoitem', 503, {
        body: { id: 'a', text: 'mine' },
        answer: { error: 'busy' },
      });
      h.decide(
        'client-1',
        h.call('client-1', 'onError', { action: 'insert', itemId: 'a', status: 503, clientRecord: mine }),
        'isHandled',
      );
    }
    h.exchange('client-1', 'POST', '/tables/todoitem', 201, {
      body: { id: 'a', text: 'mine' },
      answer: record('a', 'mine', 'v1'),
    });
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 503, {
      body: { id: 'a', text: 'mine' },
      ifMatch: 'v1',
      answer: { error: 'busy' },
    });
    h.decide(
      'client-1',
      h.call('client-1', 'onError', { action: 'update', itemId: 'a', status: 503, clientRecord: mine }),
      'isHandled',
    );
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 200, {
      body: { id: 'a', text: 'mine' },
      ifMatch: 'v1',
      answer: record('a', 'mine', 'v2'),
    });
    h.ok('client-1', push.opId);
    expect(checkConflictCallbacks(h.build()).violations.map((violation) => violation.message)).toEqual([]);
  });

  test('an operation given up at the cap and the next operation on that record each have their own calls', () => {
    const h = new HistoryBuilder();
    const push = h.invoke('client-1', { type: 'push' });
    for (let attempt = 0; attempt < 5; attempt++) {
      h.exchange('client-1', 'POST', '/tables/todoitem', 503, {
        body: { id: 'a', text: 'mine' },
        answer: { error: 'busy' },
      });
      h.decide(
        'client-1',
        h.call('client-1', 'onError', { action: 'insert', itemId: 'a', status: 503, clientRecord: mine }),
        'isHandled',
      );
    }
    // The cap is reached: the 409 goes to no handler and the insert is skipped.
    h.exchange('client-1', 'POST', '/tables/todoitem', 409, {
      body: { id: 'a', text: 'mine' },
      answer: record('a', 'theirs', 'v1'),
    });
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 503, {
      body: { id: 'a', text: 'mine' },
      ifMatch: 'v1',
      answer: { error: 'busy' },
    });
    h.decide(
      'client-1',
      h.call('client-1', 'onError', { action: 'update', itemId: 'a', status: 503, clientRecord: mine }),
      'isHandled',
    );
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 200, {
      body: { id: 'a', text: 'mine' },
      ifMatch: 'v1',
      answer: record('a', 'mine', 'v2'),
    });
    h.ok('client-1', push.opId);
    expect(
      checkConflictCallbacks(h.build()).violations.filter((violation) => violation.message.includes('at most')),
    ).toEqual([]);
  });

  test('an update dropped because its record was deleted meanwhile, and the delete after it, each have their own calls', () => {
    const h = new HistoryBuilder();
    const push = h.invoke('client-1', { type: 'push' });
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 500, {
      body: { id: 'a', text: 'mine' },
      ifMatch: 'v1',
      answer: { error: 'boom' },
    });
    h.decide(
      'client-1',
      h.call('client-1', 'onError', { action: 'update', itemId: 'a', status: 500, clientRecord: mine }),
      'isHandled',
    );
    for (let attempt = 0; attempt < 5; attempt++) {
      h.exchange('client-1', 'DELETE', '/tables/todoitem/a', 500, { ifMatch: 'v1', answer: { error: 'boom' } });
      h.decide(
        'client-1',
        h.call('client-1', 'onError', { action: 'delete', itemId: 'a', status: 500, clientRecord: null }),
        'isHandled',
      );
    }
    h.exchange('client-1', 'DELETE', '/tables/todoitem/a', 200, {
      ifMatch: 'v1',
      answer: record('a', 'mine', 'v2', { deleted: true }),
    });
    h.ok('client-1', push.opId);
    expect(
      checkConflictCallbacks(h.build()).violations.filter((violation) => violation.message.includes('at most')),
    ).toEqual([]);
  });

  test('reports more than five handler calls for one operation in one push', () => {
    const h = new HistoryBuilder();
    const push = h.invoke('client-1', { type: 'push' });
    for (let attempt = 0; attempt < 6; attempt++) {
      h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 503, {
        body: { id: 'a', text: 'mine' },
        ifMatch: 'v1',
        answer: { error: 'busy' },
      });
      h.decide(
        'client-1',
        h.call('client-1', 'onError', { action: 'update', itemId: 'a', status: 503, clientRecord: mine }),
        'isHandled',
      );
    }
    h.ok('client-1', push.opId);
    expect(
      checkConflictCallbacks(h.build())
        .violations.map((violation) => violation.message)
        .join(' '),
    ).toContain('at most 5 calls per operation per push');
  });

  test("a failure whose push the app's kill ended before the handler could be called is not a skipped call (found by syncwright hunt on the SDK)", () => {
    const killed = (goOn: boolean) => {
      const h = new HistoryBuilder();
      const push = h.invoke('client-1', { type: 'push' });
      const answer = h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 404, {
        body: { id: 'a', text: 'mine', complete: false },
        ifMatch: 'v1',
      });
      // A push that went on to its next request without calling the handler is still reported.
      if (goOn)
        h.exchange('client-1', 'PATCH', '/tables/todoitem/b', 200, { body: { id: 'b', text: 'x' }, ifMatch: 'v1' });
      h.restart('client-1', true);
      h.add('client-1', { kind: 'info', opId: push.opId, error: 'killed: the app restarted mid-operation' });
      return { history: h.build(), answer };
    };
    expect(checkConflictCallbacks(killed(false).history).violations).toEqual([]);
    const { history, answer } = killed(true);
    const skipped = checkConflictCallbacks(history).violations.filter(
      (violation) => violation.rule === 'handler.called',
    );
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.events).toContain(answer);
  });
});
