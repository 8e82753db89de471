import { describe, expect, test } from 'vitest';
import { scenarioIssues } from '../../src/scenario/validate.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { BUILT_IN_SCENARIOS_DIR, loadScenario } from '../../src/scenario/load.js';
import { createReferenceDriver } from '../../src/client/driver.js';
import type { ScenarioDefinition } from '../../src/scenario/types.js';

const base: ScenarioDefinition = {
  name: 'profiles',
  steps: [
    { actor: 'client-1', op: { type: 'insert', record: { id: 'a', text: 'milk', complete: false } } },
    { actor: 'client-1', op: { type: 'push' } },
    { actor: 'client-1', op: { type: 'delete', id: 'a' } },
    { actor: 'client-1', op: { type: 'push' } },
  ],
};

describe('server: { profile, compatibility } in a scenario', () => {
  test('is checked like the rest of the format, naming the path and what was expected', () => {
    const issues = (server: unknown) =>
      scenarioIssues({ ...base, server }, 'x.json').map((issue) => `${issue.path}: ${issue.expected} / ${issue.found}`);
    expect(issues({ profile: 'aspnet', compatibility: 'exact' })).toEqual([]);
    expect(issues({ profile: 'iis' })).toEqual(['server.profile: one of "node", "aspnet" / "iis"']);
    expect(issues({ compatibility: 'strict' })).toEqual(['server.compatibility: one of "default", "exact" / "strict"']);
    expect(issues({ host: 'x' })[0]).toMatch(/^server.host: /);
    expect(issues('aspnet')[0]).toMatch(/^server: /);
  });

  test('defaults to the Node server, default compatibility', () => {
    expect(resolveDefinition(base, 'x.json', '.').server).toEqual({ profile: 'node', compatibility: 'default' });
    expect(resolveDefinition({ ...base, server: { profile: 'aspnet' } }, 'x.json', '.').server).toEqual({
      profile: 'aspnet',
      compatibility: 'default',
    });
  });

  test("picks the world's backend: the same program meets each server's answers", async () => {
    const statuses: Record<string, string[]> = {};
    for (const profile of ['node', 'aspnet'] as const) {
      const scenario = resolveDefinition({ ...base, server: { profile } }, 'x.json', '.');
      const run = await executeProgram(scenario, scenario.program!, { driver: createReferenceDriver });
      expect(run.valid).toBe(true);
      statuses[profile] = run.history.flatMap((event) =>
        event.kind === 'http-response'
          ? [`${event.response.status} ${event.response.headers['x-zumo-server-version']}`]
          : [],
      );
    }
    // The insert's and the delete's answers; the settling pulls follow.
    expect(statuses['node']!.slice(0, 2)).toEqual(['201 node-4.0.2', '200 node-4.0.2']);
    expect(statuses['aspnet']!.slice(0, 2)).toEqual(['201 net-2.0.4', '204 net-2.0.4']);
  });

  test('a scenario that extends another keeps its server unless it names one', async () => {
    const tutorial = await loadScenario(`${BUILT_IN_SCENARIOS_DIR}/tutorial.ts`);
    expect(tutorial.server.profile).toBe('node');
  });
});
