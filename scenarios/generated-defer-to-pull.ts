import { defineScenario, SDK_KNOWN_FINDINGS } from '../src/index.js';

/** Random programs under the `defer-to-pull` policy, with every fault kind on. */
export default defineScenario({
  version: 2,
  name: 'generated: defer-to-pull policy, all faults',
  description:
    "Two devices and a server-side editor make random edits, pushes and pulls over a network with every fault kind; on a conflict the change leaves the queue with pushError.cancel() and the local record keeps it until a pull brings the server's version. Every invariant must hold.",
  clients: 2,
  editors: 1,
  policy: 'defer-to-pull',
  // Errors left unhandled stop the push until the next sync: the app's intent, not a finding.
  allow: ['handler-outcomes/handler.error-unhandled'],
  generate: {
    steps: { min: 1, max: 14 },
    records: 3,
    faults: { kinds: 'all', max: 4 },
  },
  pullPageSize: 2,
  runs: 100,
  // The SDK's known findings (docs/sdk-findings.md): any other failure on the SDK is new.
  expect: { sdk: { fails: [...SDK_KNOWN_FINDINGS] } },
  coverage: ['conflict-412', 'conflict-409', 'lost-response', 'decision-cancel'],
});
