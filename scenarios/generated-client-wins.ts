import { defineScenario } from '../src/index.js';

/** Random programs under the `client-wins` policy, with every fault kind on. */
export default defineScenario({
  version: 2,
  name: 'generated: client-wins policy, all faults',
  description:
    "Two devices and a server-side editor make random edits, pushes and pulls over a network with every fault kind; the client-wins policy (update with the server's version and push again; transient errors retried) must keep every invariant.",
  clients: 2,
  editors: 1,
  policy: 'client-wins',
  // Errors left unhandled stop the push until the next sync: the app's intent, not a finding.
  allow: ['handler-outcomes/handler.error-unhandled'],
  generate: {
    steps: { min: 1, max: 14 },
    records: 3,
    faults: { kinds: 'all', max: 4 },
  },
  pullPageSize: 2,
  // The SDK's known findings by signature (docs/sdk-findings.md; baselines/): P1 and its effect on
  // reads, P4, P5, P6. Any other failure on the SDK is new.
  expect: {
    sdk: {
      fails: [
        'no-lost-writes/push.write-reaches-server/*',
        'session-guarantees/session.read-your-writes/*',
        'conflict-callbacks/handler.resolved-is-handled/*',
        'no-resurrection/local.no-resurrection/*',
        'pull-completeness/pull.skipped-arrive-later/*',
      ],
    },
  },
  runs: 100,
  coverage: [
    'conflict-412',
    'conflict-409',
    'lost-response',
    'restart-mid-push',
    'decision-update',
    'decision-changeAction',
    'decision-isHandled',
  ],
});
