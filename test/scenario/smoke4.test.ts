import { describe, test, expect } from 'vitest';
import { runScenario } from '../../src/scenario/run.js';
import { CLIENT_MUTATIONS } from '../../src/client/mutations.js';

describe('smoke', () => {
  test('mutants', async () => {
    const scenarios = ['tutorial', 'server-wins', 'client-wins', 'merge', 'none'].map((s) => `scenarios/generated-${s}.ts`);
    const only = process.env.MUT;
    for (const mutation of CLIENT_MUTATIONS.filter((m) => !only || m === only)) {
      for (const file of scenarios) {
        const result = await runScenario(file, { runs: Number(process.env.N ?? 100), seed: Number(process.env.SEED ?? 1), mutations: [mutation] });
        const failed = result.failure?.checks.filter((c) => !c.valid).map((c) => c.checker).join(',');
        console.log(mutation.padEnd(34), file.padEnd(36), result.status, result.runs, failed ?? '', result.timings?.firstFailureMs ?? '', result.timings?.shrunkMs ?? '', result.failure?.size ?? '', result.error ?? '');
      }
    }
    expect(true).toBe(true);
  }, 3_600_000);
});
