/**
 * `syncwright run --client sdk --compare reference`: each program runs on the reference client
 * too, the report says how many runs were compared and why others were not, a difference nobody
 * declared fails the run, and its replay command reproduces it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResults } from '../../src/scenario/results.js';
import { cli, SMALL_FIXED, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({ 'fixed.json': SMALL_FIXED }));
});
afterAll(() => cleanup());

async function results(out: string): Promise<RunResults> {
  return JSON.parse(await readFile(path.join(dir, out, 'results.json'), 'utf8')) as RunResults;
}

describe('run --compare reference', () => {
  test('the SDK on a program it meets as the reference client does: compared, no difference', async () => {
    const outcome = await cli(
      ['run', 'fixed.json', '--client', 'sdk', '--compare', 'reference', '--reporter', 'list,json', '--out', 'plain'],
      dir,
    );
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout).toMatch(/client sdk vs reference/);
    expect(outcome.stdout).toMatch(/compared with reference: 1 of 1 run\n/);
    expect(outcome.code).toBe(0);
    const [scenario] = (await results('plain')).scenarios;
    expect(scenario).toMatchObject({
      client: 'sdk',
      status: 'passed',
      comparison: { against: 'reference', compared: 1, excluded: {} },
    });
  }, 120_000);

  test('a harness mutant is a new difference; the replay command reproduces the run', async () => {
    const outcome = await cli(
      [
        'run',
        'fixed.json',
        '--client',
        'sdk',
        '--sdk-mutation',
        'xhr-drops-if-match',
        '--compare',
        'reference',
        '--reporter',
        'list,json',
        '--out',
        'mutant',
      ],
      dir,
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/client sdk\+xhr-drops-if-match vs reference/);
    expect(outcome.stdout).toMatch(/new finding differential\/diff\.writes-sent\/push\/if-match/);
    expect(outcome.stdout).toMatch(
      /differential: 1 violation: client-1's 2nd write of todoitem\/a is PATCH without If-Match/,
    );
    const failure = (await results('mutant')).scenarios[0]!.failure!;
    expect(failure.replayCommand).toBe(
      'npx syncwright replay fixed.json --client sdk --sdk-mutation xhr-drops-if-match --compare reference',
    );
    expect(failure.comparison).toMatchObject({ against: 'reference', aligned: [] });
    expect(failure.comparison!.history.length).toBeGreaterThan(10);

    await writeFile(path.join(dir, 'counterexample.json'), JSON.stringify(failure));
    const replayed = await cli(['replay', 'counterexample.json'], dir);
    expect(replayed.stdout).toMatch(/client sdk\+xhr-drops-if-match vs reference/);
    expect(replayed.stdout).toMatch(/reference run: \d+ events · sha256 [0-9a-f]{64} · 0 faults aligned/);
    expect(replayed.stdout).toMatch(/identical to the counterexample's history/);
    expect(replayed.stdout).toMatch(/differential: 1 violation/);
    expect(replayed.code).toBe(1);
  }, 120_000);
});
