import { defineScenario, SDK_KNOWN_FINDINGS } from '../src/index.js';

/** Random programs under a field-by-field merge, with every fault kind on. */
export default defineScenario({
  version: 2,
  name: 'generated: merge policy, all faults',
  description:
    'Two devices and a server-side editor make random edits, pushes and pulls over a network with every fault kind; conflicts are merged field by field (the text from the device, completion from the server) and pushed again over the server version.',
  clients: 2,
  editors: 1,
  // Errors left unhandled stop the push until the next sync: the app's intent, not a finding.
  allow: ['handler-outcomes/handler.error-unhandled'],
  policy: { name: 'merge', prefer: 'client', fields: { complete: 'server' } },
  generate: {
    // Local queries are generated-queries.ts' subject: left out here, this scenario's programs (and the
    // seeds its figures were measured with) stay as they were.
    mix: { query: 0 },
    steps: { min: 1, max: 14 },
    records: 3,
    faults: { kinds: 'all', max: 4 },
  },
  pullPageSize: 2,
  // The SDK's known findings (docs/sdk-findings.md): any other failure on the SDK is new.
  expect: { sdk: { fails: [...SDK_KNOWN_FINDINGS] } },
  runs: 100,
  coverage: [
    'conflict-412',
    'conflict-409',
    'lost-response',
    'restart-mid-push',
    'decision-update',
    'decision-changeAction',
  ],
});
