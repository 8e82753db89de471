import { defineScenario, SDK_KNOWN_FINDINGS } from '../src/index.js';

/** Random programs in which the device's store fails a write: the disk is full, or the database locked. */
export default defineScenario({
  version: 2,
  name: 'generated: the local store fails a write',
  description:
    'Two devices and a server-side editor, with the network faults of the other generated scenarios: the device’s SQLite fails one of a client’s store writes (disk full, database locked) and rolls its transaction back. The app’s write then rejects with nothing queued, a push keeps the operation it was answering, a pull moves no mark — and no write is lost.',
  clients: 2,
  editors: 1,
  policy: 'tutorial',
  allow: [
    // Errors left unhandled stop the push until the next sync: the app's intent, not a finding.
    'handler-outcomes/handler.error-unhandled',
    // The handler's own resolution wrote to a store that failed the write: the handler threw for the device.
    'handler-outcomes/handler.threw/*/store-disk-full',
    'handler-outcomes/handler.threw/*/store-locked',
  ],
  expect: { sdk: { fails: [...SDK_KNOWN_FINDINGS] } },
  generate: {
    // Local queries are generated-queries.ts' subject: left out here, this scenario's programs (and the
    // seeds its figures were measured with) stay as they were.
    mix: { query: 0 },
    steps: { min: 1, max: 14 },
    records: 3,
    // Every network fault kind, as `all` turns on in the other generated scenarios, and the store ones.
    faults: {
      kinds: [
        'http-error',
        'network-failure',
        'timeout',
        'lost-response',
        'partition',
        'restart',
        'crash',
        'store-full',
        'store-locked',
      ],
      max: 4,
      // The SDK writes more statements per step than the reference client: later writes reach its pushes.
      writes: 40,
    },
  },
  pullPageSize: 2,
  // A store fault inside a push comes in about one run of thirty: the dequeue-on-store-failure mutant is first caught at run 153 (seed 42).
  runs: 300,
  coverage: ['store-disk-full', 'store-locked', 'store-fault-in-push', 'store-fault-in-pull'],
});
