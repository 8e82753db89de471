import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Counterexample, RunResults } from '../../src/scenario/results.js';
import { cli, SMALL_GENERATED, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let failure: Counterexample;
let hash: string;

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({ 'scenarios/small.json': SMALL_GENERATED }));
  const outcome = await cli(
    [
      'run',
      'scenarios/small.json',
      '--mutation',
      'drop-if-match',
      '--reporter',
      'json',
      '--workers',
      '1',
      '--out',
      'found',
    ],
    dir,
  );
  expect(outcome.code).toBe(1);
  const results = JSON.parse(await readFile(path.join(dir, 'found', 'results.json'), 'utf8')) as RunResults;
  failure = results.scenarios[0]!.failure!;
  hash = createHash('sha256').update(JSON.stringify(failure.history)).digest('hex');
  await writeFile(path.join(dir, 'counterexample.json'), JSON.stringify(failure), 'utf8');
});
afterAll(() => cleanup());

describe('syncwright replay', () => {
  test('a saved counterexample replays to the same history hash, on the client it failed on', async () => {
    const outcome = await cli(['replay', 'counterexample.json'], dir);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain(`sha256 ${hash}`);
    expect(outcome.stdout).toContain("identical to the counterexample's history");
    expect(outcome.stdout).toContain('client reference+drop-if-match');
    expect(outcome.stdout).toContain('verdict: FAIL');
  });

  test('the replay command printed with a failure reproduces the same history', async () => {
    const [npx, tool, ...argv] = failure.replayCommand.split(' ');
    expect([npx, tool]).toEqual(['npx', 'syncwright']);
    const outcome = await cli(argv, dir);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain(`sha256 ${hash}`);
  });

  test('<seed>:<path> with --scenario is the same replay', async () => {
    const outcome = await cli(
      [
        'replay',
        `${failure.seed}:${failure.path}`,
        '--scenario',
        'scenarios/small.json',
        '--mutation',
        'drop-if-match',
      ],
      dir,
    );
    expect(outcome.stdout).toContain(`sha256 ${hash}`);
  });

  test('a results.json of a whole run is refused with what to pass instead', async () => {
    const outcome = await cli(['replay', 'found/results.json'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/found\/results\.json holds the results of a whole run/);
  });

  test('--save writes a regression case that `run` then reproduces', async () => {
    const saved = await cli(['replay', 'counterexample.json', '--save', '--name', 'lost-if-match'], dir);
    expect(saved.stdout).toContain('saved scenarios/regressions/lost-if-match.json');
    const file = path.join(dir, 'scenarios', 'regressions', 'lost-if-match.json');
    expect(existsSync(file)).toBe(true);
    const definition = JSON.parse(await readFile(file, 'utf8')) as { extends: string; steps: unknown[] };
    expect(definition.extends).toBe('../small.json');
    expect(definition.steps).toEqual((failure.program as { steps: unknown[] }).steps);

    const rerun = await cli(
      [
        'run',
        'scenarios/regressions/lost-if-match.json',
        '--mutation',
        'drop-if-match',
        '--reporter',
        'json',
        '--workers',
        '1',
        '--out',
        'regression',
      ],
      dir,
    );
    expect(rerun.code).toBe(1);
    const clean = await cli(
      [
        'run',
        'scenarios/regressions/lost-if-match.json',
        '--reporter',
        'json',
        '--workers',
        '1',
        '--out',
        'regression-clean',
      ],
      dir,
    );
    expect(clean.code).toBe(0);
  });

  test('--save --expect-fail marks the case as a known finding of that client, pinned by its signatures', async () => {
    await cli(['replay', 'counterexample.json', '--save', '--name', 'known', '--expect-fail'], dir);
    const definition = JSON.parse(await readFile(path.join(dir, 'scenarios', 'regressions', 'known.json'), 'utf8')) as {
      expect: { reference: { fails: string[] } };
    };
    expect(Object.keys(definition.expect)).toEqual(['reference']);
    expect(definition.expect.reference.fails.length).toBeGreaterThan(0);
    for (const signature of definition.expect.reference.fails) expect(signature.split('/')).toHaveLength(4);
  });

  test('--save --to puts the case in another folder, extending its scenario from there', async () => {
    const saved = await cli(
      ['replay', 'counterexample.json', '--save', '--name', 'elsewhere', '--to', 'scenarios/regressions/reference'],
      dir,
    );
    expect(saved.code).toBe(1);
    expect(saved.stdout).toContain('saved scenarios/regressions/reference/elsewhere.json');
    const definition = JSON.parse(
      await readFile(path.join(dir, 'scenarios', 'regressions', 'reference', 'elsewhere.json'), 'utf8'),
    ) as { extends: string };
    expect(definition.extends).toBe('../../small.json');
    const rerun = await cli(
      [
        'run',
        'scenarios/regressions/reference/elsewhere.json',
        '--mutation',
        'drop-if-match',
        '--reporter',
        'json',
        '--workers',
        '1',
        '--out',
        'elsewhere',
      ],
      dir,
    );
    expect(rerun.code).toBe(1);
  });
});
