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

  test('reports a failed write that changed the queue', () => {
    expect(
      write([pending(1, 'delete', 'a')], { type: 'update' }, [pending(1, 'update', 'a')], 'fail').violations[0]!
        .message,
    ).toMatch(/failed .* \[rule local\.write-atomic\]$/);
  });
});
