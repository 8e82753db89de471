import { describe, test, expect } from 'vitest';
import { runScenario } from '../../src/scenario/run.js';
import { CLIENT_MUTATIONS } from '../../src/client/mutations.js';
import { listScenarioFiles } from '../../src/scenario/load.js';

describe('smoke', () => {
  test('fixed x mutants', async () => {
    const files = (await listScenarioFiles('scenarios')).filter((f) => !f.includes('generated'));
    for (const mutation of [undefined, ...CLIENT_MUTATIONS]) {
      const line: string[] = [];
      for (const file of files) {
        const result = await runScenario(file, { ...(mutation ? { mutations: [mutation] } : {}), client: process.env.CLIENT ?? 'reference' });
        line.push(`${file.split('/').pop()!.slice(0, 12)}:${result.status === 'passed' ? '.' : result.status === 'failed' ? 'X(' + result.failure!.checks.filter((c) => !c.valid).map((c) => c.checker).join(',') + ')' : result.status + (result.error ?? '')}`);
      }
      console.log(String(mutation ?? 'none').padEnd(34), line.join(' '));
      if (process.env.CLIENT) break;
    }
    expect(true).toBe(true);
  }, 600_000);
});
