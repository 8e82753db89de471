import { defineScenario, SDK_KNOWN_FINDINGS } from '../src/index.js';

/** Random programs over two tables with every column type, values from each type's edge cases. */
export default defineScenario({
  version: 2,
  name: 'generated: wide data, every step kind',
  description:
    'Two devices and a server-side editor write the values apps write — empty, long and emoji strings, strings that look like dates, numbers, booleans or JSON, leading zeros, huge, tiny, negative and fractional numbers, dates with and without milliseconds, JSON objects, null — into two tables, under fresh ids and existing ones, with purges, filtered and incremental pulls, partitions and every fault kind; the tutorial handler must keep every invariant.',
  tables: [
    'todoitem',
    { name: 'note', columns: { title: 'string', count: 'number', due: 'date', pinned: 'boolean', meta: 'object' } },
  ],
  clients: 2,
  editors: 1,
  policy: 'tutorial',
  // Errors left unhandled stop the push until the next sync: the app's intent, not a finding.
  allow: ['handler-outcomes/handler.error-unhandled'],
  // On the real SDK the wide data meets its known findings (9: date-looking strings; P1); a new one fails.
  expect: { sdk: { fails: [...SDK_KNOWN_FINDINGS] } },
  generate: {
    steps: { min: 1, max: 14 },
    records: 3,
    faults: { kinds: 'all', max: 4 },
  },
  pullPageSize: 2,
  runs: 100,
  coverage: ['conflict-412', 'lost-response', 'step-purge', 'step-pull-query', 'value-string-unicode'],
});
