import { defineScenario, SDK_KNOWN_FINDINGS } from '../src/index.js';
import { FAULT_DECISION_KINDS } from '../src/api/scenario.js';

/** Random programs against a server that keeps each user's rows apart. */
export default defineScenario({
  version: 2,
  name: 'generated: rows per user',
  description:
    'Three devices over two users — two signed in as alice, one as bob — against a server that stamps each insert with its user and lets each user see and write only their own rows (another user’s row is a 404, its id a 409 to an insert). An editor writes as alice, another as an admin who reaches every row. Tokens expire and rights go, and come back. Every device must end with exactly its user’s rows, never another user’s, and lose none of its writes.',
  clients: 3,
  editors: 2,
  server: { perUser: { 'client-1': 'alice', 'client-2': 'alice', 'client-3': 'bob', 'editor-1': 'alice' } },
  policy: 'tutorial',
  allow: [
    // The tutorial's onError leaves every error unhandled — a 404 to a write of another user's row,
    // a 401 or 403 while credentials are lost — and the operation waits in the queue: the app's outcome.
    'handler-outcomes/handler.error-unhandled',
    // A token that expired and was never renewed refuses the last pull.
    'convergence/convergence.sync-succeeds/pull/refused-401',
  ],
  expect: { sdk: { fails: [...SDK_KNOWN_FINDINGS] } },
  generate: {
    steps: { min: 1, max: 14 },
    records: 3,
    mix: { 'sign-in': 4 },
    // Every network fault kind (crashes included) and the credential ones: a user's token expires, or its rights go.
    faults: {
      kinds: [...FAULT_DECISION_KINDS, 'token-expiry', 'rights-revoked'],
      max: 4,
      requests: 8,
    },
  },
  pullPageSize: 2,
  runs: 300,
  coverage: [
    'server-per-user',
    'per-user-owned-insert',
    'per-user-foreign-refused',
    'per-user-isolated',
    'refused-401',
    'refused-403',
  ],
});
