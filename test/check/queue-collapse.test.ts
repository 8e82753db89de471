import { describe, test, expect } from 'vitest';
import { checkQueueCollapse, collapseRule, expectedQueue } from '../../src/check/queue-collapse.js';
import type { OperationAction, PendingOperation } from '../../src/kernel/driver.js';
import type { ClientOperation } from '../../src/kernel/history.js';
import { HistoryBuilder, local, pending, record, state } from './history-builder.js';

function write(
  before: PendingOperation[],
  op: { type: OperationAction },
  after: PendingOperation[],
  outcome: 'ok' | 'fail' = 'ok',
) {
  const h = new HistoryBuilder();
  h.snapshot('before', { 'client-1': state([local('a', 'milk', 'v1')], before) }, [record('a', 'milk', 'v1')]);
  const written: ClientOperation =
    op.type === 'delete'
      ? { type: 'delete', table: 'todoitem', id: 'a' }
      : { type: op.type, table: 'todoitem', record: { id: 'a', text: 'mine' } };
  h.op('client-1', written, outcome);
  h.snapshot('after', { 'client-1': state([local('a', 'mine', 'v1')], after) }, [record('a', 'milk', 'v1')]);
  return checkQueueCollapse(h.build());
}

describe('queue collapse', () => {
  test('follows the SDK condense table', () => {
    expect(collapseRule('insert', 'update')).toBe('nop');
    expect(collapseRule('insert', 'delete')).toBe('remove');
    expect(collapseRule('update', 'update')).toBe('nop');
    expect(collapseRule('update', 'delete')).toBe('modify');
    expect(collapseRule('delete', 'delete')).toBe('nop');
    expect(collapseRule('delete', 'update')).toBe('refuse');
    expect(collapseRule('insert', 'insert')).toBe('refuse');
  });

  test('logs a new operation behind one that a push has locked', () => {
    expect(expectedQueue([pending(1, 'insert', 'a', true)], 'todoitem', 'a', 'update')).toEqual([
      pending(1, 'insert', 'a', true),
      { id: -1, table: 'todoitem', action: 'update', itemId: 'a' },
    ]);
  });

  test('passes when update after a pending insert leaves the insert', () => {
    expect(write([pending(1, 'insert', 'a')], { type: 'update' }, [pending(1, 'insert', 'a')]).valid).toBe(true);
  });

  test('reports update+delete that did not turn into a delete', () => {
    const result = write([pending(1, 'update', 'a')], { type: 'delete' }, [pending(1, 'update', 'a')]);
    expect(result.valid).toBe(false);
    expect(result.violations[0]!.message).toContain('the collapse laws give [delete todoitem/a]');
    expect(result.violations[0]!.message).toMatch(/ \[rule queue\.collapse\]$/);
    expect(result.violations[0]!.rule).toBe('queue.collapse');
  });

  test('a write folded into the operation a push has locked breaks the rule for locked operations', () => {
    const result = write([pending(1, 'update', 'a', true)], { type: 'delete' }, [pending(1, 'delete', 'a', true)]);
    expect(result.violations.map((violation) => violation.rule)).toEqual(['queue.locked-adds']);
    expect(result.violations[0]!.message).toContain('the collapse laws give [update todoitem/a, delete todoitem/a]');
  });

  test('reports an update accepted while a delete of the record was pending', () => {
    expect(
      write([pending(1, 'delete', 'a')], { type: 'update' }, [pending(1, 'delete', 'a')]).violations[0]!.message,
    ).toContain('must be refused. [rule queue.refuse-after-delete]');
  });

  test('does not blame a failed write for an operation a push in flight finished with no event in between', () => {
    // The push's answer for `a` came before the first snapshot; it dropped the operation after it.
    const run = (sent: string) => {
      const h = new HistoryBuilder();
      const push = h.invoke('client-1', { type: 'push' });
      h.exchange('client-1', 'PATCH', `/tables/todoitem/${sent}`, 200, {
        body: { id: sent, text: 'x' },
        ifMatch: 'v1',
      });
      h.snapshot(
        'before',
        {
          'client-1': state(
            [local('a', 'milk', 'v1'), local('b', 'dog', 'v1')],
            [pending(1, 'update', 'a', true), pending(2, 'update', 'b')],
          ),
        },
        [record('a', 'milk', 'v1')],
      );
      h.op('client-1', { type: 'insert', table: 'todoitem', record: { id: 'b', text: 'again' } }, 'fail');
      h.snapshot(
        'after',
        { 'client-1': state([local('a', 'milk', 'v2'), local('b', 'dog', 'v1')], [pending(2, 'update', 'b')]) },
        [record('a', 'milk', 'v2')],
      );
      h.ok('client-1', push.opId);
      return checkQueueCollapse(h.build());
    };
    expect(run('a').valid).toBe(true);
    // An operation the running push never sent cannot have been finished by it.
    expect(run('b').violations[0]!.message).toContain('failed');
  });

  test('leaves a write beside a running purge unjudged, and says so', () => {
    const h = new HistoryBuilder();
    const purge = h.invoke('client-1', { type: 'purge', table: 'todoitem', force: true });
    h.snapshot('before', { 'client-1': state([local('a', 'milk', 'v1')], [pending(1, 'update', 'a')]) }, []);
    h.op('client-1', { type: 'insert', table: 'todoitem', record: { id: 'a', text: 'again' } }, 'fail');
    h.snapshot('after', { 'client-1': state([], []) }, []);
    h.ok('client-1', purge.opId);
    const result = checkQueueCollapse(h.build());
    expect(result.valid).toBe(true);
    expect(result.explanation).toContain('1 write(s) ran beside a purge');
  });

  test('reports a failed write that changed the queue', () => {
    expect(
      write([pending(1, 'delete', 'a')], { type: 'update' }, [pending(1, 'update', 'a')], 'fail').violations[0]!
        .message,
    ).toMatch(/failed .* \[rule local\.write-atomic\]$/);
  });

  test('a failed write is not blamed for an operation a push in flight finished meanwhile (found by syncwright hunt on the SDK)', () => {
    const h = new HistoryBuilder();
    const push = h.invoke('client-1', { type: 'push' });
    // The push sent the locked update, and its answer came before the snapshot; it stores the
    // outcome (removing the operation) after the snapshot, with no event of its own.
    h.exchange('client-1', 'PATCH', '/tables/todoitem/a', 200, {
      body: { id: 'a', text: 'mine' },
      ifMatch: 'v1',
      answer: { id: 'a', text: 'mine', version: 'v2' },
    });
    const queue = [pending(1, 'update', 'a', true), pending(2, 'update', 'a')];
    h.snapshot('before step 8', { 'client-1': state([local('a', 'mine', 'v1')], queue) }, [record('a', 'milk', 'v1')]);
    h.op('client-1', { type: 'insert', table: 'todoitem', record: { id: 'a', text: 'again' } }, 'fail');
    h.snapshot('after step 8', { 'client-1': state([local('a', 'mine', 'v2')], [queue[1]!]) }, [
      record('a', 'mine', 'v2'),
    ]);
    h.ok('client-1', push.opId, { unhandledConflicts: [] });
    expect(checkQueueCollapse(h.build()).violations).toEqual([]);
    // Without the push in flight, the same change is the failed write's: a violation.
    expect(write(queue, { type: 'insert' }, [queue[1]!], 'fail').violations.map((v) => v.rule)).toEqual([
      'local.write-atomic',
    ]);
  });
  test('a write behind the operation a push in flight may be pushing, on a client whose snapshots show no locks, may log its own (found by syncwright hunt on the SDK)', () => {
    // The SDK keeps its lock in memory: the snapshot lists the update being pushed, unmarked.
    const h = new HistoryBuilder();
    const push = h.invoke('client-1', { type: 'push' });
    const queue = [pending(1, 'update', 'a')];
    h.snapshot('before step 11', { 'client-1': state([local('a', 'mine', 'v1')], queue) }, [record('a', 'milk', 'v1')]);
    h.op('client-1', { type: 'update', table: 'todoitem', record: { id: 'a', text: 'again' } });
    const added = [pending(1, 'update', 'a'), pending(2, 'update', 'a')];
    h.snapshot('after step 11', { 'client-1': state([local('a', 'again', 'v1')], added) }, [record('a', 'milk', 'v1')]);
    h.ok('client-1', push.opId, { unhandledConflicts: [] });
    expect(checkQueueCollapse(h.build()).violations).toEqual([]);
    // With no push in flight nothing can be locked: the same queue breaks the collapse law.
    expect(write(queue, { type: 'update' }, added).violations.map((v) => v.rule)).toEqual(['queue.collapse']);
    // A client that reports its locks is taken at its word: an unlocked first operation folds.
    const shown = [pending(1, 'update', 'a', false), pending(2, 'update', 'b', true)];
    const reported = new HistoryBuilder();
    const again = reported.invoke('client-1', { type: 'push' });
    reported.snapshot('before', { 'client-1': state([local('a', 'mine', 'v1')], shown) }, [record('a', 'milk', 'v1')]);
    reported.op('client-1', { type: 'update', table: 'todoitem', record: { id: 'a', text: 'again' } });
    reported.snapshot(
      'after',
      { 'client-1': state([local('a', 'again', 'v1')], [...shown, pending(3, 'update', 'a')]) },
      [record('a', 'milk', 'v1')],
    );
    reported.ok('client-1', again.opId, { unhandledConflicts: [] });
    expect(checkQueueCollapse(reported.build()).violations.map((v) => v.rule)).toEqual(['queue.collapse']);
  });
});
