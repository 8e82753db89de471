import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { loadScenario } from '../../src/scenario/load.js';
import { programArbitrary } from '../../src/scenario/arbitraries.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { createReferenceDriver } from '../../src/client/driver.js';

describe('smoke', () => {
  test('timing', async () => {
    const scenario = await loadScenario(process.env.SCEN ?? 'scenarios/generated-tutorial.ts');
    const programs = fc.sample(programArbitrary(scenario), { seed: Number(process.env.SEED ?? 3), numRuns: 150 });
    const program = programs[Number(process.env.PICK ?? 1)]!;
    const run = await executeProgram(scenario, program, { driver: createReferenceDriver });
    console.log(JSON.stringify(program));
    for (const e of run.history) {
      const { seq, t, actor, kind, ...rest } = e as any;
      let text = JSON.stringify(rest);
      if (kind === 'snapshot') text = rest.label + ' ' + JSON.stringify(Object.fromEntries(Object.entries(rest.clients).map(([k, v]: any) => [k, { rows: v.tables.todoitem.map((r: any) => `${r.id}:${r.text}:${r.version}`), ops: v.operations.map((o: any) => `${o.id}${o.action}${o.itemId}${o.locked ? 'L' : ''}`) }]))) + ' server ' + JSON.stringify(rest.server.todoitem.map((r: any) => `${r.id}:${r.text}:${r.version}${r.deleted ? ':D' : ''}`));
      if (kind === 'http-request') text = `${rest.request.method} ${rest.request.url} ${rest.request.headers['if-match'] ?? ''} ${rest.request.body ?? ''}`;
      if (kind === 'http-response') text = `${rest.response.status} ${rest.response.body.slice(0, 200)}`;
      console.log(`#${seq} t=${t} ${actor} ${kind} ${text.slice(0, 400)}`);
    }
    console.log(run.checks.filter((c) => !c.valid).map((c) => c.explanation).join('\n'));
    expect(true).toBe(true);
  });
});
