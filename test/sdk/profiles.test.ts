/**
 * Issue 17, item 4 (simulation): the real azure-mobile-apps-client 2.0.1 runs the tutorial's
 * offline-sync story unchanged against each server profile, and every checker agrees.
 */
import { describe, expect, test } from 'vitest';
import { createSdkDriver } from '../../src/sdk/driver.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { BUILT_IN_SCENARIOS_DIR, loadScenario } from '../../src/scenario/load.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import { declarationsFor } from '../../src/scenario/run.js';
import { SERVER_PROFILE_NAMES } from '../../src/backend/profiles/profile.js';

describe('the tutorial on the real SDK, on every server profile', () => {
  test.each(SERVER_PROFILE_NAMES)('%s: passes every checker', async (profile) => {
    const tutorial = await loadScenario(`${BUILT_IN_SCENARIOS_DIR}/tutorial.ts`);
    const scenario = resolveDefinition(
      { ...tutorial.definition, server: { profile } },
      tutorial.file,
      tutorial.baseDir,
    );
    const run = await executeProgram(scenario, scenario.program!, {
      driver: createSdkDriver,
      declarations: declarationsFor(scenario, 'sdk'),
    });
    // Only what the tutorial allows (its handler leaves the offline error to the next sync).
    expect(run.judgement.violations.filter((violation) => violation.disposition !== 'allowed')).toEqual([]);
    expect(run.stopped).toBeUndefined();
    const versions = new Set(
      run.history.flatMap((event) =>
        event.kind === 'http-response' ? [event.response.headers['x-zumo-server-version']] : [],
      ),
    );
    expect(versions).toEqual(new Set([profile === 'node' ? 'node-4.0.2' : 'net-2.0.4']));
    // The story ends with both devices holding the server's three items.
    const final = run.history.findLast((event) => event.kind === 'snapshot');
    expect(final?.kind === 'snapshot' ? Object.keys(final.clients) : []).toEqual(['phone', 'tablet']);
    if (final?.kind === 'snapshot') {
      const server = final.server['todoitem']!.map((row) => [row.id, row['text'], row['complete']]);
      expect(server).toEqual([
        ['dog', 'Walk the dog', false],
        ['milk', 'Buy milk', true],
        ['mum', 'Call mum', false],
      ]);
      for (const client of Object.values(final.clients))
        expect(client.tables['todoitem']!.map((row) => row['id']).sort()).toEqual(['dog', 'milk', 'mum']);
    }
  });
});
