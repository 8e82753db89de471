import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { programArbitrary } from '../../../src/scenario/arbitraries.js';
import { loadScenario } from '../../../src/scenario/load.js';
import type { Program, ResolvedScenario, ScenarioDefinition } from '../../../src/scenario/types.js';

/** A small generated scenario that the drop-if-match mutant fails within a few runs. */
export const SMALL: ScenarioDefinition = {
  version: 2,
  name: 'small generated',
  clients: 2,
  editors: 1,
  policy: 'server-wins',
  allow: ['handler-outcomes/handler.error-unhandled'],
  generate: { steps: { min: 1, max: 6 }, records: 2, faults: { kinds: ['lost-response', 'http-error'], max: 2 } },
  runs: 10,
};

/** A folder holding `small.json` (the scenario above), removed by `cleanup`. */
export async function smallWorkspace(): Promise<{ dir: string; file: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'syncwright-hunt-'));
  const file = path.join(dir, 'small.json');
  await writeFile(file, JSON.stringify(SMALL), 'utf8');
  return { dir, file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function tutorialScenario(): Promise<ResolvedScenario> {
  return loadScenario('scenarios/generated-tutorial.ts');
}

/** `count` programs of a scenario, as fast-check makes them for `seed`. */
export function samplePrograms(scenario: ResolvedScenario, seed: number, count: number): Program[] {
  return fc.sample(programArbitrary(scenario), { seed, numRuns: count });
}
