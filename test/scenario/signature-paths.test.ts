import { expect, test } from 'vitest';
import { runScenario } from '../../src/scenario/run.js';
import type { ScenarioDefinition } from '../../src/scenario/types.js';

const SCENARIO: ScenarioDefinition = {
  name: 'one mutant, two paths',
  clients: 2,
  editors: 1,
  policy: 'server-wins',
  allow: ['handler-outcomes'],
  // The seeds below were picked for the old generator's programs: the profile keeps them.
  generate: { profile: 'old-mix', steps: { min: 1, max: 8 }, records: 2, faults: { kinds: 'all', max: 3 } },
  runs: 200,
};

test('one defect reached through different faults is one finding: the signature leaves the faults out', async () => {
  // Seeds 8 and 4 reach the drop-if-match mutant's blind update, one through a lost response, the
  // other through no fault at all.
  const viaFaults = await runScenario(SCENARIO, { seed: 8, mutations: ['drop-if-match'] });
  const direct = await runScenario(SCENARIO, { seed: 4, mutations: ['drop-if-match'] });
  const found = (result: typeof viaFaults) => result.findings!.find((finding) => finding.disposition === 'new')!;
  expect(found(viaFaults).signature).toBe('no-lost-writes/push.conditional/update/no-if-match');
  expect(found(direct).signature).toBe(found(viaFaults).signature);
  expect(found(viaFaults).metadata.faults).toEqual(['lost-response']);
  expect(found(direct).metadata.faults).toEqual([]);
});
