import { defineScenario, SDK_KNOWN_FINDINGS } from '../src/index.js';

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
  // The SDK's known findings (docs/sdk-findings.md): any other failure on the SDK is new.
  expect: { sdk: { fails: [...SDK_KNOWN_FINDINGS] } },
  coverage: ['conflict-412', 'lost-response', 'restart-mid-push', 'decision-cancelAndDiscard', 'error-network'],
});
