/**
 * A check over an incomplete history (a bounded one, as `syncwright serve` keeps) says what it
 * cannot see as unknown, never as a violation: the write a checker would call lost may be in
 * the part that was dropped.
 */
import { describe, expect, test } from 'vitest';
import { historyGaps } from '../../src/check/completeness.js';
import { runCheckers } from '../../src/check/index.js';
import { checkNoLostWrites } from '../../src/check/no-lost-writes.js';
import type { History, HistoryEvent } from '../../src/kernel/history.js';
import { HistoryBuilder, local, record, state } from './history-builder.js';

/** A client's write, pushed and applied, then overwritten by another user: no write was lost. */
function pushedWrite(): { history: History; request: number } {
  const h = new HistoryBuilder();
  h.op('client-1', { type: 'update', table: 'todoitem', record: { id: 'a', text: 'mine', complete: false } });
  const push = h.invoke('client-1', { type: 'push' });
  const response = h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 200, {
    body: { id: 'a', text: 'mine', complete: false },
    ifMatch: 'v1',
    answer: record('a', 'mine', 'v2'),
  });
  h.ok('client-1', push.opId);
  // Another user writes over it afterwards: the server no longer shows the client's value.
  h.op(
    'editor-1',
    { type: 'update', table: 'todoitem', id: 'a', changes: { text: 'theirs' } },
    'ok',
    record('a', 'theirs', 'v3'),
  );
  h.snapshot('final', { 'client-1': state([local('a', 'mine', 'v2')]) }, [record('a', 'theirs', 'v3')]);
  return { history: h.build(), request: response - 1 };
}

describe('checks over an incomplete history', () => {
  test('a whole history is judged as always', () => {
    const { history } = pushedWrite();
    expect(historyGaps(history)).toBeUndefined();
    expect(checkNoLostWrites(history).valid).toBe(true);
    expect(runCheckers(history).every((result) => result.unknown === undefined)).toBe(true);
  });

  test('a request body kept as a digest: the write it carried is unknown, not lost', () => {
    const { history, request } = pushedWrite();
    const elided = history.map((event): HistoryEvent => {
      if (event.seq !== request || event.kind !== 'http-request') return event;
      const { body: _body, ...withoutBody } = event.request;
      return { ...event, request: withoutBody, bodyElided: { bytes: 40, sha256: '0'.repeat(64) } };
    });
    // On its own the checker cannot see the body and would blame the client.
    expect(checkNoLostWrites(elided).valid).toBe(false);
    const results = runCheckers(elided);
    expect(results.filter((result) => !result.valid)).toEqual([]);
    const lostWrites = results.find((result) => result.checker === 'no-lost-writes')!;
    expect(lostWrites).toMatchObject({
      valid: true,
      violations: [],
      unknown: 'the history is incomplete (1 body was kept as a digest only)',
    });
    expect(lostWrites.explanation).toMatch(/^Unknown: .* Among the events kept it found: 1 violation/);
    expect(results.every((result) => result.unknown !== undefined)).toBe(true);
  });

  test('dropped events leave gaps in seq: every verdict is unknown and none is a violation', () => {
    const { history, request } = pushedWrite();
    const trimmed = history.filter((event) => event.seq !== request && event.seq !== request + 1);
    expect(historyGaps(trimmed)).toEqual({ missingEvents: 2, elidedBodies: 0 });
    expect(checkNoLostWrites(trimmed).valid).toBe(false);
    const results = runCheckers(trimmed);
    expect(results.every((result) => result.valid && result.violations.length === 0)).toBe(true);
    expect(results[0]!.unknown).toBe('the history is incomplete (2 events were dropped)');
    // Dropped from the front, as a bounded history drops them.
    expect(historyGaps(history.slice(3))).toEqual({ missingEvents: 3, elidedBodies: 0 });
  });
});
