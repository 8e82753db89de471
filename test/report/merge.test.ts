import { describe, expect, test } from 'vitest';
import { mergeResults, MergeError } from '../../src/report/merge.js';
import { summarize } from '../../src/report/summary.js';
import type { RunResults } from '../../src/scenario/results.js';
import { failingResults, passingScenario } from './fixtures.js';

/** Splits a run into shards the way a runner would: scenario i goes to shard i mod total. */
function shard(results: RunResults, total: number): RunResults[] {
  return Array.from({ length: total }, (_, i) => ({
    ...results,
    shard: { index: i + 1, total },
    startedAt: `2026-11-25T09:30:0${i}.000Z`,
    durationMs: 4000 + i * 500,
    scenarios: results.scenarios.filter((_, n) => n % total === i),
  }));
}

describe('mergeResults', () => {
  test('merged shards have the totals of the unsharded run', () => {
    const whole = failingResults();
    const merged = mergeResults(shard(whole, 3));
    const { durationMs: _a, ...mergedSummary } = summarize(merged);
    const { durationMs: _b, ...wholeSummary } = summarize(whole);
    expect(mergedSummary).toEqual(wholeSummary);
    expect(merged.scenarios).toHaveLength(whole.scenarios.length);
    expect(merged.shard).toBeUndefined();
  });

  test('the order is by file then name, whatever order the shards come in', () => {
    const shards = shard(failingResults(), 3);
    const merged = mergeResults(shards);
    expect(mergeResults([shards[2]!, shards[0]!, shards[1]!])).toEqual(merged);
    const files = merged.scenarios.map((s) => s.file);
    expect(files).toEqual([...files].sort());
  });

  test('the merged run spans from the first shard start to the last shard end', () => {
    const merged = mergeResults(shard(failingResults(), 3));
    expect(merged.startedAt).toBe('2026-11-25T09:30:00.000Z');
    expect(merged.durationMs).toBe(2000 + 5000);
  });

  test('a scenario split across shards by runs is summed into one', () => {
    const base = failingResults();
    const a = passingScenario('split', {
      runs: 60,
      durationMs: 100,
      coverage: { 'conflict-412': 2, restart: 0 },
      weak: ['restart', 'lost-response'],
    });
    const b = {
      ...failingResults().scenarios[1]!,
      name: 'split',
      file: a.file,
      runs: 40,
      durationMs: 50,
      coverage: { 'conflict-412': 3, 'lost-response': 1 },
      weak: ['restart'],
    };
    const merged = mergeResults([
      { ...base, shard: { index: 1, total: 2 }, scenarios: [a] },
      { ...base, shard: { index: 2, total: 2 }, scenarios: [b] },
    ]);
    expect(merged.scenarios).toHaveLength(1);
    expect(merged.scenarios[0]).toMatchObject({
      status: 'failed',
      runs: 100,
      durationMs: 150,
      coverage: { 'conflict-412': 5, 'lost-response': 1, restart: 0 },
      weak: ['restart'],
    });
    expect(merged.scenarios[0]?.failure).toBe(b.failure);
  });

  test('an expected failure seen in one shard stays expected when another shard passed it', () => {
    const base = failingResults();
    const xfail = base.scenarios[3]!;
    const merged = mergeResults([
      { ...base, shard: { index: 1, total: 2 }, scenarios: [{ ...xfail, status: 'unexpected-pass' }] },
      { ...base, shard: { index: 2, total: 2 }, scenarios: [xfail] },
    ]);
    expect(merged.scenarios[0]?.status).toBe('expected-failure');
  });

  test('a __proto__ coverage counter is summed like any other', () => {
    const base = failingResults();
    const coverage = JSON.parse('{"__proto__": 2}') as Record<string, number>;
    const s = passingScenario('p', { coverage });
    const merged = mergeResults([
      { ...base, shard: { index: 1, total: 2 }, scenarios: [s] },
      { ...base, shard: { index: 2, total: 2 }, scenarios: [s] },
    ]);
    expect(Object.getOwnPropertyDescriptor(merged.scenarios[0]!.coverage, '__proto__')?.value).toBe(4);
    expect(Object.getPrototypeOf(merged.scenarios[0]!.coverage)).toBe(Object.prototype);
  });

  test('refuses to merge nothing, different seeds, different splits or a shard twice', () => {
    const shards = shard(failingResults(), 2);
    expect(() => mergeResults([])).toThrow(new MergeError('nothing to merge: no results were given'));
    expect(() => mergeResults([shards[0]!, { ...shards[1]!, seed: 1 }])).toThrow(
      /different runs: shard 1\/2 has seed 1234567, shard 2\/2 has seed 1/,
    );
    expect(() => mergeResults([shards[0]!, { ...shards[1]!, client: 'sdk' }])).toThrow(/different clients/);
    expect(() => mergeResults([shards[0]!, { ...shards[1]!, shard: { index: 2, total: 3 } }])).toThrow(
      /different splits/,
    );
    expect(() => mergeResults([shards[0]!, shards[0]!])).toThrow('shard 1/2 is given twice');
  });
});
