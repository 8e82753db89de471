import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReportModel } from '../../src/report/report-model.js';
import type { Counterexample, RunResults } from '../../src/scenario/results.js';
import { cli, SMALL_FIXED, SMALL_GENERATED, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let failure: Counterexample;

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({
    'scenarios/small.json': SMALL_GENERATED,
    'scenarios/fixed.json': SMALL_FIXED,
  }));
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
  await writeFile(path.join(dir, 'counterexample.json'), JSON.stringify(failure), 'utf8');
});
afterAll(() => cleanup());

async function reportModel(file: string): Promise<ReportModel> {
  const html = await readFile(file, 'utf8');
  const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (data === undefined) throw new Error(`${file}: no report data`);
  return JSON.parse(data) as ReportModel;
}

describe('syncwright replay --out', () => {
  test('a failing replay writes its timeline report, opened on the failure', async () => {
    const outcome = await cli(['replay', 'counterexample.json', '--out', 'replayed'], dir);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain(`report: ${path.join('replayed', 'index.html')}`);
    const model = await reportModel(path.join(dir, 'replayed', 'index.html'));
    expect(model.scenarios).toHaveLength(1);
    const [scenario] = model.scenarios;
    expect(scenario!.status).toBe('failed');
    expect(scenario!.client).toBe('reference+drop-if-match');
    expect(scenario!.expanded).toBe(true);
    expect(scenario!.seedKind).toBe('run');
    // The same program on the same client: the very history the run found.
    expect(scenario!.failure!.history).toEqual(failure.history);
    expect(scenario!.failure!.replayCommand).toBe(failure.replayCommand);
    expect(scenario!.failure!.timeline.rows.length).toBeGreaterThan(0);
  });

  test('a passing replay writes its timeline too', async () => {
    const outcome = await cli(['replay', 'counterexample.json', '--client', 'reference', '--out', 'passing'], dir);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    const model = await reportModel(path.join(dir, 'passing', 'index.html'));
    expect(model.summary.ok).toBe(true);
    const [scenario] = model.scenarios;
    expect(scenario!.status).toBe('passed');
    expect(scenario!.expanded).toBe(true);
    expect(scenario!.failure!.checks.every((check) => check.valid)).toBe(true);
    expect(scenario!.failure!.timeline.rows.length).toBeGreaterThan(0);
  });

  test('a fixed-step scenario’s report names its seed a world seed', async () => {
    const outcome = await cli(['replay', 'scenarios/fixed.json', '--out', 'fixed'], dir);
    expect(outcome.code).toBe(0);
    const model = await reportModel(path.join(dir, 'fixed', 'index.html'));
    expect(model.scenarios[0]!.seedKind).toBe('world');
    expect(model.scenarios[0]!.failure!.path).toBeNull();
    expect(model.scenarios[0]!.expanded).toBe(true);
  });

  test('an empty --out is a usage error, a folder it cannot create a clear one', async () => {
    const empty = await cli(['replay', 'counterexample.json', '--out', ''], dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--out expects a folder');
    await writeFile(path.join(dir, 'a-file'), 'not a folder', 'utf8');
    const blocked = await cli(['replay', 'counterexample.json', '--out', 'a-file/report'], dir);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('syncwright replay: cannot write the report:');
  });
});
