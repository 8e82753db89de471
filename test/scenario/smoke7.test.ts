import { describe, test, expect } from 'vitest';
import { runScenario } from '../../src/scenario/run.js';

describe('smoke', () => {
  test('sdk details', async () => {
    for (const file of (process.env.FILES ?? '').split(',')) {
      const result = await runScenario(file, { client: process.env.CLIENT ?? 'sdk' });
      console.log(file, result.status, result.error ?? '');
      for (const c of result.failure?.checks ?? []) if (!c.valid) console.log(c.checker, c.violations.map((v) => v.message).join('\n  '));
      if (process.env.HIST) for (const e of result.failure?.history ?? []) {
        const { seq, t, actor, kind, ...rest } = e as any;
        let text = JSON.stringify(rest);
        if (kind === 'snapshot') text = rest.label + ' ' + JSON.stringify(Object.fromEntries(Object.entries(rest.clients).map(([k, v]: any) => [k, { rows: v.tables.todoitem.map((r: any) => `${r.id}:${r.text}:${r.version}`), ops: v.operations.map((o: any) => `${o.id}${o.action}${o.itemId}${o.locked ? 'L' : ''}`) }]))) + ' server ' + JSON.stringify(rest.server.todoitem.map((r: any) => `${r.id}:${r.text}:${r.version}${r.deleted ? ':D' : ''}`));
        if (kind === 'http-request') text = `${rest.requestId} ${rest.request.method} ${rest.request.url} ${rest.request.headers['if-match'] ?? ''} ${rest.request.body ?? ''}`;
        if (kind === 'http-response') text = `${rest.requestId} ${rest.response.status} ${rest.response.body.slice(0, 200)}`;
        console.log(`#${seq} t=${t} ${actor} ${kind} ${text.slice(0, 300)}`);
      }
    }
    expect(true).toBe(true);
  }, 600_000);
});
