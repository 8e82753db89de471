/**
 * Local queries of a `query` step, as a generator draws them: predicates on the table's columns
 * with values from each type's edge cases (and strings an attacker would type), sort keys,
 * paging, a projection, the count, and the way the app reaches the table. Every part is optional
 * and shrinks away, so a shrunk counterexample keeps only the parts its failure needs.
 */
import fc from 'fast-check';
import {
  TABLE_ACCESS,
  type LocalQuery,
  type QueryLiteral,
  type QueryOperator,
  type QueryOrdering,
  type QueryPredicate,
  type TableAccess,
} from '../kernel/local-query.js';
import type { ColumnType, TableDefinition } from '../protocol/records.js';
import { wideValueArbitrary } from './values.js';

/** Strings that must stay values: bound as parameters by every client, never spliced into SQL. */
export const HOSTILE_STRINGS = [
  "'; DROP TABLE todoitem; --",
  '<script>alert(1)</script>',
  "O'Brien",
  "it''s",
  '? and 1=1',
  '%_\\',
] as const;

type QueryColumnType = Exclude<ColumnType, 'object'> | 'id';

/** The columns a query compares and sorts by: `id` and the table's own, JSON columns left out. */
function comparableColumns(table: TableDefinition): [string, QueryColumnType][] {
  const own = Object.entries(table.columns).filter(
    (entry): entry is [string, Exclude<ColumnType, 'object'>] => entry[1] !== 'object',
  );
  return [['id', 'id'], ...own];
}

function literalArbitrary(type: QueryColumnType, ids: readonly string[]): fc.Arbitrary<QueryLiteral> {
  const hostile = fc.constantFrom(...HOSTILE_STRINGS);
  switch (type) {
    case 'id':
      return fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constantFrom(...ids), weight: 4 }, hostile);
    case 'string':
      return fc.oneof(
        { withCrossShrink: true },
        { arbitrary: wideValueArbitrary('string') as fc.Arbitrary<string | null>, weight: 4 },
        hostile,
      );
    case 'number':
      return wideValueArbitrary('number') as fc.Arbitrary<number | null>;
    case 'boolean':
      return wideValueArbitrary('boolean') as fc.Arbitrary<boolean | null>;
    case 'date':
      return (wideValueArbitrary('date') as fc.Arbitrary<string | null>).map((iso) =>
        iso === null ? null : { date: iso },
      );
  }
}

function predicateArbitrary(
  columns: readonly [string, QueryColumnType][],
  ids: readonly string[],
): fc.Arbitrary<QueryPredicate> {
  // Without bias: a biased pick favours the first and last columns and almost never meets the middle ones.
  return fc
    .noBias(fc.constantFrom(...columns))
    .chain(([column, type]) =>
      fc.tuple(
        fc.constant(column),
        fc.constantFrom<QueryOperator>('eq', 'ne', 'gt', 'ge', 'lt', 'le'),
        literalArbitrary(type, ids),
      ),
    )
    .map(([column, op, value]) => ({
      column,
      // A null compares for equality only: `x gt null` has no meaning an app could want.
      op: value === null && op !== 'eq' && op !== 'ne' ? 'eq' : op,
      value,
    }));
}

/** A query on `table`; `ids` are the ids a program's records have (for predicates on `id`). */
export function localQueryArbitrary(table: TableDefinition, ids: readonly string[]): fc.Arbitrary<LocalQuery> {
  const columns = comparableColumns(table);
  const all = ['id', ...Object.keys(table.columns)];
  const sometimes = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
    fc.option(arbitrary, { nil: undefined, freq: 2 });
  const ordering: fc.Arbitrary<QueryOrdering> = fc
    .tuple(fc.noBias(fc.constantFrom(...columns.map(([column]) => column))), fc.boolean())
    .map(([column, descending]) => (descending ? { column, descending } : { column }));
  return fc
    .record({
      where: sometimes(fc.array(predicateArbitrary(columns, ids), { minLength: 1, maxLength: 2 })),
      orderBy: sometimes(fc.uniqueArray(ordering, { minLength: 1, maxLength: 2, selector: (clause) => clause.column })),
      skip: sometimes(fc.integer({ min: 1, max: 4 })),
      take: sometimes(fc.integer({ min: 1, max: 4 })),
      select: sometimes(fc.subarray(all, { minLength: 1 })),
      includeTotalCount: fc.boolean(),
    })
    .map((drawn) => {
      const query: { -readonly [K in keyof LocalQuery]: LocalQuery[K] } = {};
      if (drawn.where !== undefined) query.where = drawn.where;
      if (drawn.orderBy !== undefined) query.orderBy = drawn.orderBy;
      if (drawn.skip !== undefined) query.skip = drawn.skip;
      if (drawn.take !== undefined) query.take = drawn.take;
      if (drawn.select !== undefined) query.select = drawn.select;
      if (drawn.includeTotalCount) query.includeTotalCount = true;
      return query;
    });
}

/** The way the app reaches the table; shrinks towards the sync context. */
export const tableAccessArbitrary: fc.Arbitrary<TableAccess> = fc.constantFrom(...TABLE_ACCESS);

const WHERE_TYPES = ['id', 'string', 'number', 'boolean', 'date', 'null', 'hostile'] as const;

/** The counters of a query's parts besides its predicates, and of the ways to its table. */
const PART_COUNTERS: readonly string[] = [
  'query-orderBy',
  'query-orderByDescending',
  'query-skip',
  'query-take',
  'query-select',
  'query-count',
  ...TABLE_ACCESS.map((way) => `query-via-${way}`),
];

/** Every counter a query step can bump. */
export const QUERY_COUNTERS: readonly string[] = [
  ...WHERE_TYPES.map((type) => `query-where-${type}`),
  ...PART_COUNTERS,
];

/** The counters of one query step on `table`. */
export function queryCounters(table: TableDefinition | undefined, query: LocalQuery, via: TableAccess): string[] {
  const counters = new Set<string>([`query-via-${via}`]);
  for (const predicate of query.where ?? []) {
    const { value } = predicate;
    if (value === null) counters.add('query-where-null');
    else if (predicate.column === 'id') counters.add('query-where-id');
    else {
      const type = table?.columns[predicate.column];
      if (type !== undefined && type !== 'object') counters.add(`query-where-${type}`);
    }
    if (typeof value === 'string' && (HOSTILE_STRINGS as readonly string[]).includes(value))
      counters.add('query-where-hostile');
  }
  for (const clause of query.orderBy ?? [])
    counters.add(clause.descending === true ? 'query-orderByDescending' : 'query-orderBy');
  if (query.skip !== undefined) counters.add('query-skip');
  if (query.take !== undefined) counters.add('query-take');
  if (query.select !== undefined) counters.add('query-select');
  if (query.includeTotalCount === true) counters.add('query-count');
  return [...counters];
}

/** The counters a scenario whose mix draws queries should reach, given its tables' column types. */
export function impliedQueryCoverage(tables: readonly TableDefinition[]): string[] {
  const types = new Set(tables.flatMap((table) => Object.values(table.columns)).filter((type) => type !== 'object'));
  return ['query-where-id', ...[...types].map((type) => `query-where-${type}`), ...PART_COUNTERS];
}
