import { defineScenario, SDK_KNOWN_FINDINGS } from '../src/index.js';

/** Random programs under the `none` policy, with every fault kind on. */
export default defineScenario({
  version: 2,
  name: 'generated: none policy, all faults',
  description:
    'Two devices and a server-side editor make random edits, pushes and pulls over a network with every fault kind; the none policy (no handler at all: conflicts come back from push, errors abort it) must keep every invariant.',
  clients: 2,
  editors: 1,
  policy: 'none',
  // No handler: conflicts come back from push and errors stop it, as the app intends.
  allow: ['handler-outcomes/handler.conflict-unresolved', 'handler-outcomes/handler.error-unhandled'],
  generate: {
    steps: { min: 1, max: 14 },
    records: 3,
    faults: { kinds: 'all', max: 4 },
  },
  pullPageSize: 2,
  runs: 100,
  // The SDK's known findings (docs/sdk-findings.md): any other failure on the SDK is new.
  expect: { sdk: { fails: [...SDK_KNOWN_FINDINGS] } },
  coverage: ['conflict-412', 'conflict-409', 'lost-response', 'restart-mid-push', 'unhandled-conflict', 'push-aborted'],
});
