import { describe, test, expect } from 'vitest';
import { CHECKER_NAMES, runCheckers } from '../../src/check/index.js';
import { coverageCounters } from '../../src/check/coverage.js';
import { HistoryBuilder, local, record, state } from './history-builder.js';

describe('coverage counters', () => {
  test('count conflicts by status, decisions, lost answers and restarts mid-push', () => {
    const h = new HistoryBuilder();
    const push = h.invoke('client-1', { type: 'push' });
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 412, {
      body: { id: 'a', text: 'mine' },
      ifMatch: 'v1',
      answer: record('a', 'theirs', 'v2'),
    });
    h.decide(
      'client-1',
      h.call('client-1', 'onConflict', {
        action: 'update',
        itemId: 'a',
        status: 412,
        clientRecord: local('a', 'mine', 'v1'),
        serverRecord: record('a', 'theirs', 'v2'),
      }),
      'cancelAndDiscard',
    );
    const lost = h.request('client-1', 'POST', '/tables/todoitem', { body: { id: 'b', text: 'x' } });
    h.failure('client-1', lost.requestId, 'lost-response', true);
    h.restart('client-1', true);
    h.add('client-1', { kind: 'info', opId: push.opId, error: 'killed' });
    const counts = coverageCounters(h.build());
    expect(counts['conflict-412']).toBe(1);
    expect(counts['decision-cancelAndDiscard']).toBe(1);
    expect(counts['lost-response']).toBe(1);
    expect(counts['restart-mid-push']).toBe(1);
    expect(counts['conflict-409']).toBe(0);
  });
});

describe('runCheckers', () => {
  test('runs every checker by default and names each result', () => {
    const h = new HistoryBuilder();
    h.snapshot('final', { 'client-1': state([local('a', 'milk', 'v1')]) }, [record('a', 'milk', 'v1')]);
    const results = runCheckers(h.build());
    expect(results.map((result) => result.checker)).toEqual([...CHECKER_NAMES]);
    // The history names no insert of `a`, so only exactly-once objects.
    expect(results.filter((result) => !result.valid).map((result) => result.checker)).toEqual(['exactly-once']);
  });
});
