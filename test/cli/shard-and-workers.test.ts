import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { summarize as summarizeResults } from '../../src/report/summary.js';
import type { RunResults } from '../../src/scenario/results.js';
import { cli, SMALL_FIXED, SMALL_GENERATED, withoutWallClock, workspace } from './helpers.js';

// Worker threads run the compiled CLI (dist/cli/worker.js): `npm test` builds before vitest runs.

let dir: string;
let cleanup: () => Promise<void>;
const common = [
  'fixed.json',
  'small.json',
  '--runs',
  '30',
  '--seed',
  '42',
  '--mutation',
  'drop-if-match',
  '--reporter',
  'json',
];

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({ 'fixed.json': SMALL_FIXED, 'small.json': SMALL_GENERATED }));
});
afterAll(() => cleanup());

async function results(out: string): Promise<RunResults> {
  return JSON.parse(await readFile(path.join(dir, out, 'results.json'), 'utf8')) as RunResults;
}

describe('the same results however the work is spread', () => {
  let whole: RunResults;

  beforeAll(async () => {
    const outcome = await cli(['run', ...common, '--workers', '1', '--out', 'whole'], dir);
    expect(outcome.code).toBe(1);
    whole = await results('whole');
  });

  test('--shard 1/2 and 2/2 split the runs of one scenario, and merge-reports gives the unsharded totals', async () => {
    const first = await cli(['run', ...common, '--workers', '1', '--shard', '1/2', '--out', 'shard-1'], dir);
    const second = await cli(['run', ...common, '--workers', '1', '--shard', '2/2', '--out', 'shard-2'], dir);
    expect([first.code, second.code]).toContain(1);
    const [one, two] = [await results('shard-1'), await results('shard-2')];
    expect(one.shard).toEqual({ index: 1, total: 2 });
    expect(one.scenarios.map((scenario) => scenario.name)).toContain('small generated');
    expect(two.scenarios.map((scenario) => scenario.name)).toContain('small generated');

    const merged = await cli(
      ['merge-reports', 'shard-2', 'shard-1', '--out', 'merged', '--reporter', 'json,html'],
      dir,
    );
    expect(merged.code).toBe(1);
    const joined = await results('merged');
    const totals = (run: RunResults) => {
      const summary = summarizeResults(run);
      return {
        scenarios: summary.scenarios,
        runs: summary.runs,
        byStatus: summary.byStatus,
        coverage: summary.coverage,
      };
    };
    expect(totals(joined)).toEqual(totals(whole));
    expect(withoutWallClock(joined)).toEqual(withoutWallClock(whole));
  });

  test('--workers 2 gives the same results as --workers 1', async () => {
    const outcome = await cli(['run', ...common, '--workers', '2', '--out', 'two-workers'], dir);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain('2 workers');
    expect(withoutWallClock(await results('two-workers'))).toEqual(withoutWallClock(whole));
  });

  test('merge-reports refuses results of different seeds, naming them', async () => {
    await cli(['run', 'fixed.json', '--seed', '8', '--reporter', 'json', '--workers', '1', '--out', 'other-seed'], dir);
    const outcome = await cli(['merge-reports', 'whole', 'other-seed', '--out', 'mixed'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/cannot merge results of different runs: .* seed 42, .* seed 8/);
  });

  test('merge-reports names a broken results file', async () => {
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'broken'), { recursive: true });
    await writeFile(
      path.join(dir, 'broken', 'results.json'),
      '{"tool":{"name":"syncwright","version":"1"},"seed":"x"}',
    );
    const outcome = await cli(['merge-reports', 'whole', 'broken'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/broken\/results\.json: results\.seed should be a number/);
  });
});
