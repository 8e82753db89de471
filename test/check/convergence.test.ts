import { describe, test, expect } from 'vitest';
import { checkConvergence } from '../../src/check/convergence.js';
import { HistoryBuilder, local, pending, record, state } from './history-builder.js';

describe('convergence', () => {
  test('passes when every client holds exactly the server live rows at their versions', () => {
    const h = new HistoryBuilder();
    h.snapshot(
      'final',
      { 'client-1': state([local('a', 'milk', 'v1')]), 'client-2': state([local('a', 'milk', 'v1')]) },
      [record('a', 'milk', 'v1')],
    );
    const result = checkConvergence(h.build());
    expect(result.valid).toBe(true);
    expect(result.checker).toBe('convergence');
  });

  test('reports a client that lacks a live server row, citing the final snapshot', () => {
    const h = new HistoryBuilder();
    const final = h.snapshot('final', { 'client-1': state([]) }, [record('a', 'milk', 'v1')]);
    const result = checkConvergence(h.build());
    expect(result.valid).toBe(false);
    expect(result.violations[0]!.message).toContain('client-1 lacks todoitem/a');
    expect(result.violations[0]!.events).toEqual([final]);
    expect(result.explanation).toContain(`#${final}`);
  });

  test('reports a client row at an older version than the server', () => {
    const h = new HistoryBuilder();
    h.snapshot('final', { 'client-1': state([local('a', 'milk', 'v1')]) }, [record('a', 'milk', 'v2')]);
    expect(checkConvergence(h.build()).violations[0]!.message).toContain('but the server has');
  });

  test('ignores soft-deleted server rows, but not a client that still holds one', () => {
    const clean = new HistoryBuilder();
    clean.snapshot('final', { 'client-1': state([]) }, [record('a', 'milk', 'v2', { deleted: true })]);
    expect(checkConvergence(clean.build()).valid).toBe(true);
    const stale = new HistoryBuilder();
    stale.snapshot('final', { 'client-1': state([local('a', 'milk', 'v1')]) }, [
      record('a', 'milk', 'v2', { deleted: true }),
    ]);
    expect(checkConvergence(stale.build()).violations[0]!.message).toContain('not live on the server');
  });

  test('reports an operation left pending that no handler decision kept', () => {
    const h = new HistoryBuilder();
    h.snapshot('final', { 'client-1': state([local('a', 'mine', 'v1')], [pending(1, 'update', 'a')]) }, [
      record('a', 'mine', 'v1'),
    ]);
    const result = checkConvergence(h.build());
    expect(result.valid).toBe(false);
    expect(result.violations[0]!.message).toContain('still has a pending update of todoitem/a');
  });

  test('excuses an operation its last push failed on when the handler left the conflict unhandled', () => {
    const h = new HistoryBuilder();
    const push = h.invoke('client-1', { type: 'push' });
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 412, {
      body: { id: 'a', text: 'mine' },
      ifMatch: 'v1',
      answer: record('a', 'theirs', 'v2'),
    });
    const call = h.call('client-1', 'onConflict', {
      action: 'update',
      itemId: 'a',
      status: 412,
      clientRecord: local('a', 'mine', 'v1'),
      serverRecord: record('a', 'theirs', 'v2'),
    });
    h.decide('client-1', call, 'unhandled');
    h.ok('client-1', push.opId);
    h.snapshot('final', { 'client-1': state([local('a', 'mine', 'v1')], [pending(1, 'update', 'a')]) }, [
      record('a', 'theirs', 'v2'),
    ]);
    const result = checkConvergence(h.build());
    expect(result.valid).toBe(true);
    expect(result.explanation).toContain("decided 'unhandled'");
  });

  test('fails a history without any snapshot', () => {
    expect(checkConvergence([]).valid).toBe(false);
  });
});
