import { describe, test, expect } from 'vitest';
import { runScenario } from '../../src/scenario/run.js';

describe('smoke', () => {
  test('reference', async () => {
    const scenarios = (process.env.SCENS ?? 'tutorial,server-wins,client-wins,merge,none').split(',').map((s) => s.includes('/') ? s : `scenarios/generated-${s}.ts`);
    for (const file of scenarios) {
      const result = await runScenario(file, { runs: Number(process.env.N ?? 100), seed: Number(process.env.SEED ?? 1) });
      console.log(file, result.status, result.runs, result.error ?? '', result.weak.join(','));
      if (result.failure) {
        console.log(JSON.stringify(result.failure.program));
        console.log(result.failure.checks.filter((c) => !c.valid).map((c) => c.explanation).join('\n'));
        if (process.env.HIST) for (const e of result.failure.history) {
          const { seq, t, actor, kind, ...rest } = e as any;
          let text = JSON.stringify(rest);
          if (kind === 'snapshot') text = rest.label + ' ' + JSON.stringify(Object.fromEntries(Object.entries(rest.clients).map(([k, v]: any) => [k, { rows: v.tables.todoitem.map((r: any) => `${r.id}:${r.text}:${r.version}`), ops: v.operations.map((o: any) => `${o.id}${o.action}${o.itemId}${o.locked ? 'L' : ''}`) }]))) + ' server ' + JSON.stringify(rest.server.todoitem.map((r: any) => `${r.id}:${r.text}:${r.version}${r.deleted ? ':D' : ''}`));
          if (kind === 'http-request') text = `${rest.requestId} ${rest.request.method} ${rest.request.url} ${rest.request.headers['if-match'] ?? ''} ${rest.request.body ?? ''}`;
          if (kind === 'http-response') text = `${rest.requestId} ${rest.response.status} ${rest.response.body.slice(0, 200)}`;
          console.log(`#${seq} t=${t} ${actor} ${kind} ${text.slice(0, 300)}`);
        }
      }
    }
    expect(true).toBe(true);
  }, 3_600_000);
});
