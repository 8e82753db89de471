import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { loadScenario } from '../../src/scenario/load.js';
import { programArbitrary } from '../../src/scenario/arbitraries.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { runCheckers, CHECKER_NAMES } from '../../src/check/index.js';
import { createReferenceDriver } from '../../src/client/driver.js';

describe('smoke', () => {
  test('prof', async () => {
    const scenario = await loadScenario('scenarios/generated-tutorial.ts');
    const programs = fc.sample(programArbitrary(scenario), { seed: 7, numRuns: 30 });
    let exec = 0; const per: Record<string, number> = {};
    for (const program of programs) {
      const t = performance.now();
      const run = await executeProgram(scenario, program, { driver: createReferenceDriver });
      exec += performance.now() - t;
      for (const name of CHECKER_NAMES) { const t2 = performance.now(); runCheckers(run.history, [name]); per[name] = (per[name] ?? 0) + performance.now() - t2; }
    }
    console.log('exec avg', exec / programs.length, Object.fromEntries(Object.entries(per).map(([k, v]) => [k, v / programs.length])));
    expect(true).toBe(true);
  });
});
