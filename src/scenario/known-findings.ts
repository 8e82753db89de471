/**
 * The known findings of the real SDK (azure-mobile-apps-client 2.0.1) as signature patterns, for
 * a scenario's `expect: { sdk: { fails: [...SDK_KNOWN_FINDINGS] } }`: P1 and what reads show of it,
 * P4, P5, P6 and P7, 9 as the round-trip checker sees it (a pulled date-looking string), 16 (a
 * handler that waits for its own sync context's push, pull or purge hangs the push: the generated
 * handlers draw it), P8 (an update made while a handler's
 * cancelAndDiscard() runs re-creates the record without a version: its PATCH goes out without
 * If-Match, and the discarded record stays local — one cause, two signatures), P9 (a handler
 * that does not return its cancelAndDiscard() has an error stop the push the discard resolved),
 * and 9 (date-looking strings, which the wide generator writes; its signature is coarse — any
 * settled difference — so a scenario that must see other differences on the SDK should not write
 * such strings; a handler sees it too, in the 412's server record), and P11 (the store compiles a
 * local query's `ne` to SQL's `!=`, so `x ne 'v'` leaves out the rows whose x is null; only query
 * steps reach it) of docs/sdk-findings.md — the entries of the shipped hunt baseline. Any other
 * failure of the SDK is new. P10 (an upgrade's added string column blocks the push) is not here:
 * its signatures (a queue that never drains, a push stopped early) would hide other defects, so
 * only generated-family.ts, whose upgrades reach it, declares them.
 */
export const SDK_KNOWN_FINDINGS: readonly string[] = [
  'no-lost-writes/push.write-reaches-server/*',
  'session-guarantees/session.read-your-writes/*',
  'conflict-callbacks/handler.resolved-is-handled/*',
  'no-resurrection/local.no-resurrection/*',
  'pull-completeness/pull.skipped-arrive-later/*',
  'pull-completeness/pull.complete/pull/tie-paged',
  'convergence/convergence.tables-equal/*',
  'liveness/liveness.settles/push/stuck',
  'round-trip/roundtrip.device-pulls/pull/string',
  'no-lost-writes/push.conditional/*',
  'cancel-and-discard/handler.cancel-and-discard/update/still-local',
  'cancel-and-discard/handler.waits-for-resolutions/push/stopped-early',
  'conflict-callbacks/handler.error-details/*/date-looking-string',
  'local-query/local.query/query/missing',
];
