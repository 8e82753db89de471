/**
 * History hashes pinned on the code without the speed work of issue 16: caches, the shared SDK
 * realm and faster shims must give byte-identical histories. First computed on a4c79e5; computed
 * again on main (this file run against main's code, without the speed work) when main's own
 * behaviour changed the histories (store-write events, crash faults, the tie sweep).
 * A hash here changes only when behaviour is meant to change; then say why in the commit.
 */
import { describe, expect, test } from 'vitest';
import path from 'node:path';
import fc from 'fast-check';
import { runStandardScenario } from '../../src/bench/world.js';
import { historyHash } from '../../src/cli/history-hash.js';
import { createSdkDriver } from '../../src/sdk/driver.js';
import { programArbitrary } from '../../src/scenario/arbitraries.js';
import { resolveClient } from '../../src/scenario/clients.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { listScenarioFiles, loadScenario } from '../../src/scenario/load.js';
import { replay } from '../../src/scenario/replay.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SAMPLE_SEED = 2026;

/** The first 16 hex digits of each history's sha256, computed on the code without the speed work. */
const PINNED: Record<string, string> = {
  'standard/reference/1': '885495bf7b73c8b5',
  'standard/reference/2': '0eb3ec182d9b75af',
  'standard/sdk/1': '10dc4fe149fc015a',
  'standard/sdk/2': '4f39ca7be8b34af3',
  'standard/sdk/3': 'efabed1d6a960b1a',
  'generated-client-wins/sdk/0': '4cea129a876dcca8',
  'generated-client-wins/sdk/1': 'ebeb549751b2efb5',
  'generated-client-wins/sdk/2': '19de2ec65b9f6afe',
  'generated-client-wins/sdk/3': '2306246861656b9c',
  'generated-defer-to-pull/sdk/0': 'c8017a0c21ca4a7e',
  'generated-defer-to-pull/sdk/1': '764ef1e284b30af4',
  'generated-defer-to-pull/sdk/2': '9bfe052aec0f2ca6',
  'generated-defer-to-pull/sdk/3': '7b8b1e03d2f6efb8',
  'generated-merge/sdk/0': '2d7d46c1d952e4d2',
  'generated-merge/sdk/1': '8604a64eaec8b1de',
  'generated-merge/sdk/2': 'a87303a1f795199a',
  'generated-merge/sdk/3': 'c3dcf45681af552d',
  'generated-tutorial/reference/0': 'a8bfaa9646a5c0c7',
  'generated-tutorial/reference/1': 'e1af52dfbcfec963',
  'generated-tutorial/reference/2': '225a39d2485d941a',
  'generated-tutorial/reference/3': '869aca31666de3bc',
  'generated-tutorial/sdk/0': '3332b3b1f1b2c154',
  'generated-tutorial/sdk/1': '00f04ef53ee4e17f',
  'generated-tutorial/sdk/2': '38f5d837c7fc1989',
  'generated-tutorial/sdk/3': '464f1c3565a62c84',
  'generated-tutorial/sdk/4': '163dd7a4e36090b1',
  'generated-tutorial/sdk/5': 'e923bc0bf9cd7570',
  'generated-tutorial/sdk/6': '9b807f2bccb80313',
  'generated-tutorial/sdk/7': '094bbd114be07193',
  'generated-tutorial/sdk/8': '48f3547f6a9cc636',
  'generated-tutorial/sdk/9': '755f43a4af40e6dd',
  'regression/conflict-handling-isHandled-after-update.json': '6427110df4fef567',
  'regression/edit-during-push-insert.json': 'ce32889a587f5287',
  'regression/generated-client-wins-update-during-push.json': '63247c0024c346bf',
  'regression/generated-merge-update-during-push.json': '63247c0024c346bf',
  'regression/generated-none-update-during-push.json': '6ad16511053890f0',
  'regression/generated-server-wins-update-during-push.json': '6ad16511053890f0',
  'regression/generated-tutorial-update-during-push.json': '6ad16511053890f0',
};

async function generatedHashes(
  file: string,
  client: 'sdk' | 'reference',
  runs: number,
  seed: number,
): Promise<string[]> {
  const scenario = await loadScenario(path.join(ROOT, file), { cwd: ROOT });
  const resolved = await resolveClient(client, {
    ...(scenario.pullPageSize !== undefined ? { pageSize: scenario.pullPageSize } : {}),
  });
  const programs = fc.sample(programArbitrary(scenario), { seed, numRuns: runs });
  const hashes: string[] = [];
  for (const program of programs) {
    const record = await executeProgram(scenario, program, { driver: resolved.driver });
    hashes.push(historyHash(record.history).slice(0, 16));
  }
  return hashes;
}

function expectPinned(actual: Record<string, string>): void {
  const expected = Object.fromEntries(Object.keys(actual).map((name) => [name, PINNED[name]]));
  expect(actual).toEqual(expected);
}

describe('histories pinned on the base code', () => {
  test('the standard scenario on the reference client and on the SDK', async () => {
    const actual: Record<string, string> = {};
    for (const seed of [1, 2]) {
      const world = await runStandardScenario({ seed, steps: 40 });
      actual[`standard/reference/${seed}`] = historyHash(world.history).slice(0, 16);
    }
    for (const seed of [1, 2, 3]) {
      const world = await runStandardScenario({ seed, steps: 30, driver: createSdkDriver });
      actual[`standard/sdk/${seed}`] = historyHash(world.history).slice(0, 16);
    }
    expectPinned(actual);
  }, 120_000);

  test('generated programs of the tutorial and merge scenarios', async () => {
    const actual: Record<string, string> = {};
    const cases = [
      ['scenarios/generated-tutorial.ts', 'sdk', 10],
      ['scenarios/generated-tutorial.ts', 'reference', 4],
      ['scenarios/generated-merge.ts', 'sdk', 4],
      ['scenarios/generated-client-wins.ts', 'sdk', 4],
      ['scenarios/generated-defer-to-pull.ts', 'sdk', 4],
    ] as const;
    for (const [index, [file, client, runs]] of cases.entries()) {
      // A sample seed of its own per case: the same seed draws the same programs in every scenario.
      const hashes = await generatedHashes(file, client, runs, SAMPLE_SEED + index);
      hashes.forEach((hash, i) => (actual[`${path.basename(file, '.ts')}/${client}/${i}`] = hash));
    }
    expectPinned(actual);
  }, 120_000);

  test('the saved SDK regressions replay to their pinned histories', async () => {
    const actual: Record<string, string> = {};
    for (const file of await listScenarioFiles(path.join(ROOT, 'scenarios', 'regressions', 'sdk'))) {
      const result = await replay({ scenario: file }, { cwd: ROOT, client: 'sdk' });
      actual[`regression/${path.basename(file)}`] = historyHash(result.run.history).slice(0, 16);
    }
    expectPinned(actual);
  }, 120_000);
});
