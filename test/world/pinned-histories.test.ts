/**
 * History hashes pinned on the code before the speed work of issue 16 (commit a4c79e5's
 * behaviour): caches, the shared SDK realm and faster shims must give byte-identical histories.
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

/** The first 16 hex digits of each history's sha256, computed on the base code. */
const PINNED: Record<string, string> = {
  'standard/reference/1': 'ea0b3a36e0cd6fe0',
  'standard/reference/2': '45f76238e7af8631',
  'standard/sdk/1': '1b6557dbf264111f',
  'standard/sdk/2': '9629c257d3df27f2',
  'standard/sdk/3': 'adf5492e0b62691b',
  'generated-client-wins/sdk/0': 'd17b76a562bdf5c9',
  'generated-client-wins/sdk/1': 'c9557494dc6d0c16',
  'generated-client-wins/sdk/2': '76dfe50678787e17',
  'generated-client-wins/sdk/3': 'd2b6e5cd86812cec',
  'generated-defer-to-pull/sdk/0': 'd7b0dac53520b919',
  'generated-defer-to-pull/sdk/1': 'de39552599e4b1ba',
  'generated-defer-to-pull/sdk/2': '300d7bd3ebb13cf1',
  'generated-defer-to-pull/sdk/3': 'e6552bac3ff25d28',
  'generated-merge/sdk/0': '173fe40cc9b320bd',
  'generated-merge/sdk/1': '4b2865fc834efc9c',
  'generated-merge/sdk/2': '8c9a68e804dc3585',
  'generated-merge/sdk/3': '62712e39967e83bf',
  'generated-tutorial/reference/0': '7163784d99bc9aa3',
  'generated-tutorial/reference/1': '547d4414a021f152',
  'generated-tutorial/reference/2': 'edff92096c4941ae',
  'generated-tutorial/reference/3': '392b3674af2b3e46',
  'generated-tutorial/sdk/0': '5f42662d2b3d61b6',
  'generated-tutorial/sdk/1': '4059c8d5a21b9ec2',
  'generated-tutorial/sdk/2': '78395a204299e1f2',
  'generated-tutorial/sdk/3': '0ee2057c11ae5387',
  'generated-tutorial/sdk/4': '9722ee3a929472e4',
  'generated-tutorial/sdk/5': '42122881587baf52',
  'generated-tutorial/sdk/6': '2434d20ad39d6d32',
  'generated-tutorial/sdk/7': '2a657c24e35c3411',
  'generated-tutorial/sdk/8': 'b95e5de8cf626a6f',
  'generated-tutorial/sdk/9': 'b92329184c122cc5',
  'regression/conflict-handling-isHandled-after-update.json': '2fb821122924c6db',
  'regression/edit-during-push-insert.json': '3726f6fa873efad7',
  'regression/generated-client-wins-update-during-push.json': '9ee5339b2bfa4963',
  'regression/generated-merge-update-during-push.json': '9ee5339b2bfa4963',
  'regression/generated-none-update-during-push.json': 'af1110a450acb5cc',
  'regression/generated-server-wins-update-during-push.json': 'af1110a450acb5cc',
  'regression/generated-tutorial-update-during-push.json': 'af1110a450acb5cc',
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
