import { describe, test, expect } from 'vitest';
import { runScenario } from '../../src/scenario/run.js';

describe('smoke', () => {
  test('sdk generated', async () => {
    for (const s of (process.env.SCENS ?? 'tutorial,server-wins,client-wins,merge,none').split(',')) {
      const file = `scenarios/generated-${s}.ts`;
      const t = performance.now();
      const result = await runScenario(file, { client: 'sdk', runs: Number(process.env.N ?? 30), seed: 5 });
      console.log(file, result.status, result.runs, Math.round(performance.now() - t), result.error ?? '');
      for (const c of result.failure?.checks ?? []) if (!c.valid) console.log('  ', c.checker, c.violations.map((v) => v.message).join('\n     '));
      if (result.failure) console.log('  ', JSON.stringify(result.failure.program.steps));
    }
    expect(true).toBe(true);
  }, 1_200_000);
});
