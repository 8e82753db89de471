import { defineScenario, SDK_KNOWN_FINDINGS } from '../src/index.js';

/** Random programs against a server whose rows written straight into the database have no updatedAt. */
export default defineScenario({
  version: 2,
  name: 'generated: imported rows without updatedAt, all faults',
  description:
    'Two devices and a server-side editor make random edits, pushes, pulls and purges against a server that takes the editor’s inserts as imported rows whose updatedAt is null — rows written before the column existed, or by a batch job that bypasses the server. No pull brings such a row until a write stamps it, though a conflict may show it; the checkers leave exactly those rows out of what a pull must bring (docs/semantics.md, "Less kind servers") and judge every other rule.',
  tables: [
    'todoitem',
    { name: 'note', columns: { title: 'string', count: 'number', due: 'date', pinned: 'boolean', meta: 'object' } },
  ],
  server: { nullUpdatedAt: true },
  clients: 2,
  editors: 1,
  policy: 'tutorial',
  // Errors left unhandled stop the push until the next sync: the app's intent, not a finding.
  allow: ['handler-outcomes/handler.error-unhandled'],
  expect: { sdk: { fails: [...SDK_KNOWN_FINDINGS] } },
  generate: {
    steps: { min: 1, max: 14 },
    records: 3,
    faults: { kinds: 'all', max: 4 },
  },
  runs: 100,
  coverage: ['server-null-updated-at'],
});
