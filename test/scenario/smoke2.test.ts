import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { loadScenario } from '../../src/scenario/load.js';
import { programArbitrary } from '../../src/scenario/arbitraries.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { createReferenceDriver } from '../../src/client/driver.js';

describe('smoke', () => {
  test('many', async () => {
    const scenario = await loadScenario(process.env.SCEN ?? 'scenarios/generated-tutorial.ts');
    const programs = fc.sample(programArbitrary(scenario), { seed: Number(process.env.SEED ?? 3), numRuns: Number(process.env.N ?? 40) });
    let i = 0; let total = 0;
    for (const program of programs) {
      const t = performance.now();
      const run = await executeProgram(scenario, program, { driver: createReferenceDriver });
      total += performance.now() - t;
      if (!run.valid) console.log(i, run.checks.filter((c) => !c.valid).map((c) => c.explanation).join(' | '));
      i++;
    }
    console.log('avg ms', total / programs.length);
    expect(true).toBe(true);
  });
});
