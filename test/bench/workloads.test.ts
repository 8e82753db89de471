/** How the bench's workloads pick a run's program: cycling through a sample, or fresh every run. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { freshSeed, workloadRunner, type Workload, type WorkloadModules } from '../../src/bench/workloads.js';

/** Modules whose programs are integers and whose execution only notes the program it was given. */
function fakeModules(executed: unknown[]): WorkloadModules {
  const unused = (): never => {
    throw new Error('not used by a generated workload');
  };
  return {
    loadScenario: (async () => ({ generate: {} })) as unknown as WorkloadModules['loadScenario'],
    programArbitrary: (() => fc.integer()) as unknown as WorkloadModules['programArbitrary'],
    executeProgram: (async (_scenario: unknown, program: unknown) => {
      executed.push(program);
    }) as unknown as WorkloadModules['executeProgram'],
    resolveClient: (async () => ({ driver: undefined })) as unknown as WorkloadModules['resolveClient'],
    runStandardScenario: unused,
    createSdkDriver: unused,
  };
}

const generated = (programs: number | 'fresh'): Workload => ({
  kind: 'generated',
  scenario: 'scenarios/any.ts',
  client: 'reference',
  seed: 16,
  programs,
});

async function programsOf(workload: Workload, indexes: readonly number[]): Promise<unknown[]> {
  const executed: unknown[] = [];
  const run = await workloadRunner(fakeModules(executed), workload, '/repo');
  for (const index of indexes) await run(index);
  return executed;
}

describe('workloadRunner', () => {
  test('a sample of n programs is run in turn, over and over', async () => {
    const programs = await programsOf(generated(3), [0, 1, 2, 3, 4, 5]);
    expect(programs.slice(3)).toEqual(programs.slice(0, 3));
  });

  test('a fresh workload draws run i’s program from the seed and i: the same for the same run, new for each run', async () => {
    const indexes = Array.from({ length: 40 }, (_, i) => i);
    const first = await programsOf(generated('fresh'), indexes);
    const again = await programsOf(generated('fresh'), [...indexes].reverse());
    expect([...again].reverse()).toEqual(first);
    expect(first).toEqual(indexes.map((i) => fc.sample(fc.integer(), { seed: freshSeed(16, i), numRuns: 1 })[0]));
    // Integers drawn from 40 different seeds: a repeat or two may happen, a cycle would not.
    expect(new Set(first).size).toBeGreaterThan(30);
  });
});

describe('freshSeed', () => {
  test('distinct indexes give distinct 32-bit seeds', () => {
    const seeds = new Set<number>();
    let notInt32 = 0;
    for (let index = 0; index < 100_000; index++) {
      const seed = freshSeed(16, index);
      if ((seed | 0) !== seed) notInt32++;
      seeds.add(seed);
    }
    expect(notInt32).toBe(0);
    expect(seeds.size).toBe(100_000);
  });
});
