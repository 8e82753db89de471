import { defineScenario, SDK_KNOWN_FINDINGS } from '../src/index.js';

/** Random programs in which the app's user loses its token or its write rights, and signs in again. */
export default defineScenario({
  version: 2,
  name: 'generated: credentials lost and restored',
  description:
    'Two devices signed in as users and a server-side editor: a token expires (every request answered 401) or a user loses write rights (writes answered 403) at some request, and the app signs in again at some later step — or never. While refused, the client must keep its queue intact and lose no write; once signed in, its pushes must go through.',
  clients: 2,
  editors: 1,
  policy: 'tutorial',
  allow: [
    // Errors left unhandled stop the push until the next sync: the app's intent, not a finding.
    'handler-outcomes/handler.error-unhandled',
    // A token that expired and was never renewed: the last pull is refused. The app's outcome.
    'convergence/convergence.sync-succeeds/pull/refused-401',
  ],
  expect: { sdk: { fails: [...SDK_KNOWN_FINDINGS] } },
  generate: {
    steps: { min: 1, max: 14 },
    records: 3,
    mix: { 'sign-in': 8 },
    // Every network fault kind, as `all` turns on in the other generated scenarios, and the credential ones.
    faults: {
      kinds: [
        'http-error',
        'network-failure',
        'timeout',
        'lost-response',
        'partition',
        'restart',
        'crash',
        'token-expiry',
        'rights-revoked',
      ],
      max: 4,
      requests: 8,
    },
  },
  pullPageSize: 2,
  // A push that succeeds after a sign-in comes in about one run of thirty: 300 runs meet it at seed 42.
  runs: 300,
  coverage: ['push-aborted', 'refused-401', 'refused-403', 'pushed-after-sign-in'],
});
