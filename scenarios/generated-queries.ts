import { defineScenario } from '../src/index.js';

/** The wide scenario's world, its apps reading their tables back with generated local queries. */
export default defineScenario({
  version: 2,
  name: 'generated: local queries',
  description:
    'Two devices and a server-side editor write values of every column type into two tables while the apps read them back with local queries — where on every column type (null, date literals and hostile strings included), orderBy, skip, take, select, the total count — through the sync context, a sync table asked for then, or one kept; every answer must be SQLite’s over the store’s rows, with pulls, pushes and faults in between.',
  extends: './generated-wide.ts',
  // No `expect` for the SDK yet: besides its three-valued ne (semantics.md, local.query) its runs here
  // meet known findings under signatures no baseline names, so this scenario does not declare what
  // the SDK does (and the harness mutants are not judged on it).
  generate: { steps: { min: 1, max: 14 }, records: 3, faults: { kinds: 'all', max: 4 }, mix: { query: 10 } },
  // The first hundred programs at seed 42 happen to compare no number column: two hundred do.
  runs: 200,
  coverage: ['step-query', 'query-where-hostile', 'query-where-null', 'query-where-date', 'query-via-kept-sync-table'],
});
