/**
 * A local read with a query, as plain JSON: what a `query` step asks a client's own query API
 * for (`where`, `orderBy`/`orderByDescending`, `skip`, `take`, `select`, `includeTotalCount`),
 * and what the run records of it. Each driver turns it into its client's calls; the `local.query`
 * checker turns it into SQL of its own over the store's committed rows.
 */
import type { JsonObject } from '../protocol/records.js';

/** A date literal (`datetimeoffset'…'` in OData), kept apart from a string that looks like one. */
export interface DateLiteral {
  readonly date: string;
}

/** A value a predicate compares a column with: of the column's own type, or null. */
export type QueryLiteral = string | number | boolean | null | DateLiteral;

export const QUERY_OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
export type QueryOperator = (typeof QUERY_OPERATORS)[number];

/** `column operator value`; a null value goes with `eq` or `ne` only. */
export interface QueryPredicate {
  readonly column: string;
  readonly op: QueryOperator;
  readonly value: QueryLiteral;
}

export interface QueryOrdering {
  readonly column: string;
  readonly descending?: boolean;
}

export interface LocalQuery {
  /** Predicates and-ed together; none reads every row. */
  readonly where?: readonly QueryPredicate[];
  /** The sort keys, most significant first. */
  readonly orderBy?: readonly QueryOrdering[];
  readonly skip?: number;
  readonly take?: number;
  /** The columns a row comes back with (a non-empty subset of the table's). */
  readonly select?: readonly string[];
  readonly includeTotalCount?: boolean;
}

/**
 * How the app's code reaches the table it reads: the sync context (`context.read(query)`), a
 * sync table it asks the client for right then (`client.getSyncTable(name).where(…)…read()`), or
 * one it asked for once in this app's life and keeps.
 */
export const TABLE_ACCESS = ['context', 'sync-table', 'kept-sync-table'] as const;
export type TableAccess = (typeof TABLE_ACCESS)[number];

/**
 * What a query step returns: the client's answer and, read from the store underneath (never
 * through the client's query path), the table's committed rows right before the call and, when
 * the store committed in between, right after it.
 */
export interface LocalQueryResult {
  readonly rows: JsonObject[];
  /** Present when the query asked for it. */
  readonly totalCount?: number;
  /** The table's committed rows when the call was made, in id order. */
  readonly committed: JsonObject[];
  /** The table's committed rows once the answer came, when they differ from `committed`. */
  readonly committedAfter?: JsonObject[];
}

export function isDateLiteral(value: QueryLiteral): value is DateLiteral {
  return typeof value === 'object' && value !== null;
}

/** One line for reports: `where title eq 'a' and done eq true orderBy due desc skip 1 take 2 select id,title count`. */
export function describeLocalQuery(query: LocalQuery): string {
  const parts: string[] = [];
  const where = query.where ?? [];
  if (where.length > 0) parts.push(`where ${where.map(describePredicate).join(' and ')}`);
  const orderBy = query.orderBy ?? [];
  if (orderBy.length > 0)
    parts.push(`orderBy ${orderBy.map((o) => `${o.column}${o.descending === true ? ' desc' : ''}`).join(', ')}`);
  if (query.skip !== undefined) parts.push(`skip ${query.skip}`);
  if (query.take !== undefined) parts.push(`take ${query.take}`);
  if (query.select !== undefined) parts.push(`select ${query.select.join(',')}`);
  if (query.includeTotalCount === true) parts.push('count');
  return parts.join(' ');
}

function describePredicate(predicate: QueryPredicate): string {
  const { value } = predicate;
  const text = isDateLiteral(value) ? `date ${value.date}` : JSON.stringify(value);
  return `${predicate.column} ${predicate.op} ${text}`;
}

/**
 * The calls an app makes on a query (or on a sync table, whose query operators start one), in
 * order: a `where('column op ?', value)` per predicate, then the sort keys, paging, projection
 * and count. Both drivers make exactly these calls, so both clients are asked the same thing.
 */
type QueryCall =
  | { readonly method: 'where'; readonly text: string; readonly value: QueryLiteral }
  | { readonly method: 'orderBy' | 'orderByDescending'; readonly column: string }
  | { readonly method: 'skip' | 'take'; readonly count: number }
  | { readonly method: 'select'; readonly columns: readonly string[] }
  | { readonly method: 'includeTotalCount' };

function queryCalls(query: LocalQuery): QueryCall[] {
  const calls: QueryCall[] = [];
  for (const p of query.where ?? []) calls.push({ method: 'where', text: `${p.column} ${p.op} ?`, value: p.value });
  for (const o of query.orderBy ?? [])
    calls.push({ method: o.descending === true ? 'orderByDescending' : 'orderBy', column: o.column });
  if (query.skip !== undefined) calls.push({ method: 'skip', count: query.skip });
  if (query.take !== undefined) calls.push({ method: 'take', count: query.take });
  if (query.select !== undefined) calls.push({ method: 'select', columns: query.select });
  if (query.includeTotalCount === true) calls.push({ method: 'includeTotalCount' });
  return calls;
}

/** The query operators a query and a sync table share (`Q` is what each returns). */
export interface QueryOperators<Q, V> {
  where(text: string, value: V): Q;
  orderBy(column: string): Q;
  orderByDescending(column: string): Q;
  skip(count: number): Q;
  take(count: number): Q;
  select(...columns: string[]): Q;
  includeTotalCount(): Q;
}

/** Makes one call on a query or a sync table; `makeDate` makes a date literal the client's own Date. */
function applyQueryCall<Q, V>(target: QueryOperators<Q, V>, call: QueryCall, makeDate: (epochMs: number) => V): Q {
  switch (call.method) {
    case 'where': {
      const { value } = call;
      return target.where(call.text, isDateLiteral(value) ? makeDate(Date.parse(value.date)) : (value as V));
    }
    case 'orderBy':
      return target.orderBy(call.column);
    case 'orderByDescending':
      return target.orderByDescending(call.column);
    case 'skip':
      return target.skip(call.count);
    case 'take':
      return target.take(call.count);
    case 'select':
      return target.select(...call.columns);
    case 'includeTotalCount':
      return target.includeTotalCount();
  }
}

/**
 * Builds `query` the app's way: every call on `start` (a fresh query) or, for a sync table, the
 * first call on the table and the rest on the query it returned. Undefined when the query has no
 * part at all (the app reads the whole table: `table.read()`, or the fresh query as it is).
 */
export function buildQuery<Q extends QueryOperators<Q, V>, V>(
  start: QueryOperators<Q, V> | Q,
  query: LocalQuery,
  makeDate: (epochMs: number) => V,
): Q | undefined {
  const [first, ...rest] = queryCalls(query);
  if (first === undefined) return undefined;
  let built = applyQueryCall(start, first, makeDate);
  for (const call of rest) built = applyQueryCall(built, call, makeDate);
  return built;
}
