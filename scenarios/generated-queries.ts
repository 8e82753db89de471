import { defineScenario, SDK_KNOWN_FINDINGS } from '../src/index.js';

/** The wide scenario's world, its apps reading their tables back with generated local queries. */
export default defineScenario({
  version: 2,
  name: 'generated: local queries',
  description:
    'Two devices and a server-side editor write values of every column type into two tables while the apps read them back with local queries — where on every column type (null, date literals and hostile strings included), orderBy, skip, take, select, the total count — through the sync context, a sync table asked for then, or one kept; every answer must be SQLite’s over the store’s rows, with pulls, pushes and faults in between.',
  extends: './generated-wide.ts',
  // On the real SDK its runs meet the known findings of the wide world (P1, 9) and P11: the store's
  // `ne` is SQL's `!=`, so a local `x ne v` leaves out the rows whose x is null
  // (`local-query/local.query/query/missing`, in SDK_KNOWN_FINDINGS). Compared with the reference
  // client (the self-test's harness baseline), finding 9 shows as a local value that differs once
  // settled (42:34: a note titled like a date, held JSON-quoted), as in generated-family.ts.
  expect: { sdk: { fails: [...SDK_KNOWN_FINDINGS, 'differential/diff.local-table/final/value'] } },
  generate: { steps: { min: 1, max: 14 }, records: 3, faults: { kinds: 'all', max: 4 }, mix: { query: 10 } },
  // The first hundred programs at seed 42 happen to compare no number column: two hundred do.
  runs: 200,
  coverage: ['step-query', 'query-where-hostile', 'query-where-null', 'query-where-date', 'query-via-kept-sync-table'],
});
