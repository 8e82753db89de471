import { defineScenario } from '../src/index.js';

/**
 * The tutorial's random programs against the ASP.NET server profile: seven-digit timestamps,
 * base64 versions and case-insensitive comparison reach every checker.
 */
export default defineScenario({
  version: 2,
  name: 'generated: tutorial policy on the ASP.NET profile',
  description:
    'The generated tutorial programs against a server with the ASP.NET profile (seven-digit timestamps, base64 row versions, case-insensitive string comparison, 409 for an existing id): every invariant must hold there too.',
  clients: 2,
  editors: 1,
  policy: 'tutorial',
  server: { profile: 'aspnet' },
  // Errors left unhandled stop the push until the next sync: the app's intent, not a finding.
  allow: ['handler-outcomes/handler.error-unhandled'],
  generate: {
    steps: { min: 1, max: 14 },
    records: 3,
    faults: { kinds: 'all', max: 4 },
  },
  pullPageSize: 2,
  runs: 100,
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
  coverage: ['conflict-412', 'lost-response', 'restart-mid-push', 'decision-cancelAndDiscard', 'error-network'],
});
