import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResults } from '../../src/scenario/results.js';
import { cli, SMALL_FIXED, SMALL_GENERATED, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({
    'scenarios/fixed.json': SMALL_FIXED,
    'scenarios/small.json': SMALL_GENERATED,
    'scenarios/other.json': { ...SMALL_FIXED, name: 'another fixed one' },
  }));
});
afterAll(() => cleanup());

async function names(out: string): Promise<string[]> {
  const results = JSON.parse(await readFile(path.join(dir, out, 'results.json'), 'utf8')) as RunResults;
  return results.scenarios.map((scenario) => scenario.name);
}

const QUIET = ['--reporter', 'json', '--workers', '1'];

describe('run --grep, --grep-invert, --list, --last-failed', () => {
  test('--grep runs the scenarios whose name matches', async () => {
    const outcome = await cli(['run', '--grep', 'fixed', '--out', 'grep', ...QUIET], dir);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(await names('grep')).toEqual(['another fixed one']);
  });

  test('--grep-invert leaves out the scenarios whose name matches; both combine', async () => {
    const invert = await cli(['run', '--grep-invert', '^(two|small)', '--out', 'invert', ...QUIET], dir);
    expect(invert.code, invert.stderr).toBe(0);
    expect(await names('invert')).toEqual(['another fixed one']);
    const both = await cli(['run', '--grep', 'o', '--grep-invert', 'another', '--out', 'both', ...QUIET], dir);
    expect(both.code, both.stderr).toBe(0);
    expect(await names('both')).toEqual(['two devices edit one record']);
  });

  test('a bad regular expression, an empty one, or one that matches nothing exits 2', async () => {
    const bad = await cli(['run', '--grep', '(unclosed'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("syncwright run: --grep expects a regular expression, got '(unclosed'");
    const empty = await cli(['run', '--grep-invert', ''], dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("syncwright run: --grep-invert expects a regular expression, got ''");
    const none = await cli(['run', '--grep', 'no such scenario', ...QUIET], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('syncwright run: no scenario left to run: 3 scenarios loaded, none matches --grep');
  });

  test('--list names each scenario with its run count, exits 0 and runs nothing', async () => {
    const outcome = await cli(['run', '--list', '--runs', '4', '--out', 'listed'], dir);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toBe(
      [
        'scenarios/fixed.json › two devices edit one record · 1 run',
        'scenarios/other.json › another fixed one · 1 run',
        'scenarios/small.json › small generated · 4 runs',
        '3 scenarios, 6 runs would run (nothing was run: --list)',
        '',
      ].join('\n'),
    );
    await expect(readFile(path.join(dir, 'listed', 'results.json'))).rejects.toThrow();
  });

  test('--list with --shard lists the share of that shard only', async () => {
    const first = await cli(['run', '--list', '--shard', '1/2', '--runs', '10'], dir);
    const second = await cli(['run', '--list', '--shard', '2/2', '--runs', '10'], dir);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const rows = (text: string) => text.split('\n').filter((line) => line.includes(' › '));
    // Units weigh 1, 1 and 10 runs: the generated scenario's midpoint falls in the second half.
    expect(rows(first.stdout)).toEqual([
      'scenarios/fixed.json › two devices edit one record · 1 run',
      'scenarios/other.json › another fixed one · 1 run',
    ]);
    expect(rows(second.stdout)).toEqual(['scenarios/small.json › small generated · 10 runs']);
  });

  test('--list shows the client of each row when several run, and honours --grep', async () => {
    const outcome = await cli(['run', '--list', '--client', 'both', '--grep', 'small'], dir);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain('scenarios/small.json › small generated [reference] · 10 runs');
    expect(outcome.stdout).toContain('scenarios/small.json › small generated [sdk] · 10 runs');
  });

  test('--last-failed re-runs only the scenarios that failed in the last results.json', async () => {
    const first = await cli(['run', '--mutation', 'drop-if-match', '--out', 'last', ...QUIET], dir);
    expect(first.code).toBe(1);
    const again = await cli(['run', '--last-failed', '--mutation', 'drop-if-match', '--out', 'last', ...QUIET], dir);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('re-running 1 scenario that failed in');
    expect(await names('last')).toEqual(['small generated']);
    // Fixed: the re-run passes and writes results with no failures; a further --last-failed has nothing to do.
    const fixed = await cli(['run', '--last-failed', '--out', 'last', ...QUIET], dir);
    expect(fixed.code, fixed.stderr).toBe(0);
    const nothing = await cli(['run', '--last-failed', '--out', 'last', ...QUIET], dir);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toMatch(/no scenario failed in .*results\.json: nothing to re-run/);
  });

  test('--last-failed with no results.json in the out dir, or a broken one, exits 2 saying so', async () => {
    const none = await cli(['run', '--last-failed', '--out', 'never-ran'], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('syncwright run: --last-failed: no results.json in');
    const broken = await cli(
      ['run', '--reporter', 'json', '--out', 'broken', '--grep', 'another', '--workers', '1'],
      dir,
    );
    expect(broken.code).toBe(0);
    await writeFile(path.join(dir, 'broken', 'results.json'), '{"not": "results"', 'utf8');
    const outcome = await cli(['run', '--last-failed', '--out', 'broken'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('syncwright run: --last-failed:');
  });

  test('--last-failed tells which failed scenario files are gone', async () => {
    const other = await workspace({ 'scenarios/small.json': SMALL_GENERATED });
    try {
      const first = await cli(['run', '--mutation', 'drop-if-match', '--out', 'r', ...QUIET], other.dir);
      expect(first.code).toBe(1);
      await rm(path.join(other.dir, 'scenarios', 'small.json'));
      const again = await cli(['run', '--last-failed', '--out', 'r', ...QUIET], other.dir);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('--last-failed: scenarios/small.json no longer exists; left out');
      expect(again.stderr).toContain('none of the scenario files that failed last time exists any more');
    } finally {
      await other.cleanup();
    }
  });
});
