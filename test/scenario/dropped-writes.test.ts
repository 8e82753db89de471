import { describe, expect, test } from 'vitest';
import type { DroppedWrite } from '../../src/check/dropped-writes.js';
import { mergeResults } from '../../src/report/merge.js';
import { DroppedWriteTally, joinDroppedWrites } from '../../src/scenario/dropped-writes.js';
import type { RunResults, ScenarioResult } from '../../src/scenario/results.js';

function drop(kind: string, message = `${kind} happened`): DroppedWrite {
  return {
    client: 'client-1',
    table: 'todoitem',
    id: 'a',
    op: 'update',
    events: [1, 2],
    by: { kind: 'forced-purge', purge: 3 },
    fields: ['text'],
    kind,
    message,
  };
}

describe('dropped writes of a scenario', () => {
  test('are tallied by kind: how many, in how many runs, and the first run that had one', () => {
    const tally = new DroppedWriteTally();
    tally.add({ droppedWrites: [] }, { seed: 42, path: '0' });
    tally.add(
      {
        droppedWrites: [drop('update by cancelAndDiscard on 412', 'first'), drop('update by cancelAndDiscard on 412')],
      },
      { seed: 42, path: '1' },
    );
    tally.add(
      { droppedWrites: [drop('delete by forced purge'), drop('update by cancelAndDiscard on 412')] },
      { seed: 42, path: '2' },
    );
    expect(tally.summaries()).toEqual([
      {
        kind: 'update by cancelAndDiscard on 412',
        count: 3,
        runs: 2,
        first: { seed: 42, path: '1' },
        example: 'first',
      },
      {
        kind: 'delete by forced purge',
        count: 1,
        runs: 1,
        first: { seed: 42, path: '2' },
        example: 'delete by forced purge happened',
      },
    ]);
  });

  test('join across work units and shards in part order', () => {
    const a = { kind: 'k', count: 2, runs: 1, first: { seed: 1, path: '3' }, example: 'from a' };
    const b = { kind: 'k', count: 5, runs: 4, first: { seed: 1, path: '90' }, example: 'from b' };
    expect(joinDroppedWrites([[a], [b]])).toEqual([{ ...a, count: 7, runs: 5 }]);
    const part = (droppedWrites: ScenarioResult['droppedWrites'], index: number): RunResults => ({
      tool: { name: 'syncwright', version: 'test' },
      seed: 1,
      client: 'reference',
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 1,
      shard: { index, total: 2 },
      scenarios: [
        {
          name: 's',
          file: 's.ts',
          client: 'reference',
          status: 'passed',
          runs: 5,
          seed: 1,
          durationMs: 1,
          coverage: {},
          weak: [],
          ...(droppedWrites ? { droppedWrites } : {}),
        },
      ],
    });
    expect(mergeResults([part([b], 2), part([a], 1)]).scenarios[0]!.droppedWrites).toEqual([
      { ...a, count: 7, runs: 5 },
    ]);
  });
});
