/**
 * Filters and orderings as parameterised SQLite, shared by the backend's tables and the client's
 * local store so that both read a query the same way.
 *
 * Storage convention (both sides): strings TEXT, numbers REAL, booleans INTEGER 0/1, dates
 * INTEGER epoch milliseconds, objects and arrays JSON TEXT. Every literal becomes a bound
 * parameter converted to that storage form; SQL text is built only from fixed fragments and the
 * quoted identifiers of the {@link ColumnMap}, so no input can reach it.
 *
 * Semantics worth knowing: `eq`/`ne` are null-safe (`IS`/`IS NOT`), so `x ne 'a'` matches rows
 * where x is null, as OData says; string functions are case-sensitive; `tolower`/`toupper` fold
 * ASCII only (SQLite's lower/upper); date functions read UTC.
 */
import type { ColumnType } from '../records.js';
import { parseIsoTimestamp } from '../datetime.js';
import type { FilterExpression, FunctionCall, Literal } from './ast.js';
import { FUNCTIONS } from './ast.js';
import { InvalidFilterError, UnknownColumnError, type QueryParameterName } from './errors.js';
import { formatFilter } from './format.js';
import type { OrderByClause } from './query.js';

export type SqlValue = string | number | null;

export interface ColumnInfo {
  /** The column as SQL text: an already quoted identifier such as `"c0"` or `"updatedAt"`. */
  readonly sql: string;
  readonly type: ColumnType;
}

/** Property name (as queries spell it) → its column. Lookups use own properties only. */
export type ColumnMap = Record<string, ColumnInfo>;

export interface CompiledSql {
  /** SQL text with `?` placeholders. */
  readonly sql: string;
  /** One value per placeholder, in order. */
  readonly params: SqlValue[];
}

/** `"name"`, doubling inner quotes: for building a {@link ColumnMap} from trusted names. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

type StaticType = ColumnType | 'null' | 'unknown';

interface Fragment {
  readonly sql: string;
  readonly params: SqlValue[];
  readonly type: StaticType;
  /** Set when the fragment is a bare literal, so a comparison can convert it to its partner's storage. */
  readonly literal?: Literal;
}

/**
 * Compiles a filter to a SQL condition for a WHERE clause.
 *
 * @example
 * const columns: ColumnMap = {
 *   text: { sql: '"text"', type: 'string' },
 *   updatedAt: { sql: '"updatedAt"', type: 'date' },
 * };
 * compileFilter(parseFilter("startswith(text,'a') and updatedAt ge datetimeoffset'2026-01-01T00:00:00.000Z'"), columns);
 * // { sql: '((instr("text", ?) = 1) AND ("updatedAt" >= ?))', params: ['a', 1767225600000] }
 * @throws UnknownColumnError for a property that is not in `columns`.
 * @throws InvalidFilterError for a filter that cannot be a condition (a date compared with a
 * string that is not a date, `and` over a number…).
 */
export function compileFilter(expression: FilterExpression, columns: Readonly<ColumnMap>): CompiledSql {
  const fragment = compile(expression, columns);
  requireCondition(fragment, expression, 'The filter');
  return { sql: fragment.sql, params: fragment.params };
}

/**
 * Compiles `$orderby` clauses to the list that follows `ORDER BY` (empty text for no clauses).
 * Callers append their own final tie-break key.
 *
 * @example
 * compileOrderBy([{ property: 'updatedAt', direction: 'asc' }, { property: 'text', direction: 'desc' }], columns);
 * // { sql: '"updatedAt" ASC, "text" DESC', params: [] }
 * @throws UnknownColumnError for a property that is not in `columns`.
 */
export function compileOrderBy(orderBy: readonly OrderByClause[], columns: Readonly<ColumnMap>): CompiledSql {
  const pieces: string[] = [];
  const params: SqlValue[] = [];
  for (const clause of orderBy) {
    const column = resolveProperty(clause.property.split('/'), columns, '$orderby');
    pieces.push(`${column.sql} ${clause.direction === 'desc' ? 'DESC' : 'ASC'}`);
    params.push(...column.params);
  }
  return { sql: pieces.join(', '), params };
}

function compile(expression: FilterExpression, columns: Readonly<ColumnMap>): Fragment {
  switch (expression.kind) {
    case 'string':
      return { sql: '?', params: [expression.value], type: 'string', literal: expression };
    case 'number':
      return { sql: '?', params: [expression.value], type: 'number', literal: expression };
    case 'boolean':
      return { sql: '?', params: [expression.value ? 1 : 0], type: 'boolean', literal: expression };
    case 'null':
      return { sql: 'NULL', params: [], type: 'null', literal: expression };
    case 'date':
      return { sql: '?', params: [dateLiteralMs(expression.text)], type: 'date', literal: expression };
    case 'property':
      return resolveProperty(expression.path, columns, '$filter');
    case 'comparison':
      return compileComparison(
        expression.operator,
        compile(expression.left, columns),
        compile(expression.right, columns),
      );
    case 'logical': {
      const left = compile(expression.left, columns);
      const right = compile(expression.right, columns);
      requireCondition(left, expression.left, `The left side of '${expression.operator}'`);
      requireCondition(right, expression.right, `The right side of '${expression.operator}'`);
      return join(['(', left, expression.operator === 'and' ? ' AND ' : ' OR ', right, ')'], 'boolean');
    }
    case 'not': {
      const operand = compile(expression.operand, columns);
      requireCondition(operand, expression.operand, "The operand of 'not'");
      return join(['(NOT ', operand, ')'], 'boolean');
    }
    case 'arithmetic': {
      const left = compile(expression.left, columns);
      const right = compile(expression.right, columns);
      switch (expression.operator) {
        case 'add':
          return join(['(', left, ' + ', right, ')'], 'number');
        case 'sub':
          return join(['(', left, ' - ', right, ')'], 'number');
        case 'mul':
          return join(['(', left, ' * ', right, ')'], 'number');
        case 'div':
          return join(['(', left, ' / ', right, ')'], 'number');
        case 'mod':
          // SQLite's % truncates both sides to integers; mod() keeps fractions.
          return join(['mod(', left, ', ', right, ')'], 'number');
      }
      break;
    }
    case 'call':
      return compileCall(expression, columns);
  }
}

const COMPARISON_SQL = { gt: ' > ', ge: ' >= ', lt: ' < ', le: ' <= ' } as const;

function compileComparison(
  operator: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le',
  rawLeft: Fragment,
  rawRight: Fragment,
): Fragment {
  const left = convertForPartner(rawLeft, rawRight);
  const right = convertForPartner(rawRight, rawLeft);
  if (operator === 'eq' || operator === 'ne') {
    const is = operator === 'eq' ? ' IS ' : ' IS NOT ';
    if (right.type === 'null') return join(['(', left, `${is}NULL)`], 'boolean');
    if (left.type === 'null') return join(['(', right, `${is}NULL)`], 'boolean');
    return join(['(', left, is, right, ')'], 'boolean');
  }
  return join(['(', left, COMPARISON_SQL[operator], right, ')'], 'boolean');
}

/** A string literal compared with a date becomes epoch milliseconds, as the date is stored. */
function convertForPartner(fragment: Fragment, partner: Fragment): Fragment {
  if (partner.type !== 'date' || fragment.literal?.kind !== 'string') return fragment;
  const ms = parseIsoTimestamp(fragment.literal.value);
  if (ms === undefined) {
    throw new InvalidFilterError(
      `'${fragment.literal.value}' is compared with a date but is not an ISO-8601 date and time`,
    );
  }
  return { sql: '?', params: [ms], type: 'date' };
}

const DATE_PARTS = { year: '%Y', month: '%m', day: '%d', hour: '%H', minute: '%M', second: '%S' } as const;

function compileCall(call: FunctionCall, columns: Readonly<ColumnMap>): Fragment {
  const args = call.args.map((arg) => compile(arg, columns));
  const returns = FUNCTIONS[call.name].returns;
  const [a, b, c] = args;
  if (a === undefined) throw new InvalidFilterError(`${call.name}() needs arguments`);
  const need = (fragment: Fragment | undefined): Fragment => {
    if (fragment === undefined) throw new InvalidFilterError(`${call.name}() got too few arguments`);
    return fragment;
  };
  switch (call.name) {
    case 'substringof':
      return join(['(instr(', need(b), ', ', a, ') > 0)'], returns);
    case 'startswith':
      // instr() finds the first occurrence, so 1 means "starts with" ('' gives 1 too, as it should).
      return join(['(instr(', a, ', ', need(b), ') = 1)'], returns);
    case 'endswith':
      return join(['(substr(', a, ', length(', a, ') - length(', need(b), ') + 1) = ', need(b), ')'], returns);
    case 'indexof':
      return join(['(instr(', a, ', ', need(b), ') - 1)'], returns);
    case 'tolower':
      return join(['lower(', a, ')'], returns);
    case 'toupper':
      return join(['upper(', a, ')'], returns);
    case 'trim':
      return join(['trim(', a, ')'], returns);
    case 'length':
      return join(['length(', a, ')'], returns);
    case 'concat':
      return join(['(', a, ' || ', need(b), ')'], returns);
    case 'replace':
      return join(['replace(', a, ', ', need(b), ', ', need(c), ')'], returns);
    case 'substring':
      // OData counts from 0, SQLite from 1.
      return c === undefined
        ? join(['substr(', a, ', (', need(b), ') + 1)'], returns)
        : join(['substr(', a, ', (', need(b), ') + 1, ', c, ')'], returns);
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'minute':
    case 'second': {
      const date = a.literal?.kind === 'string' ? convertForPartner(a, { sql: '', params: [], type: 'date' }) : a;
      return join(
        [`CAST(strftime('${DATE_PARTS[call.name]}', (`, date, ") / 1000.0, 'unixepoch') AS INTEGER)"],
        returns,
      );
    }
    case 'floor':
      return join(['floor(', a, ')'], returns);
    case 'ceiling':
      return join(['ceil(', a, ')'], returns);
    case 'round':
      return join(['round(', a, ')'], returns);
  }
}

function resolveProperty(
  path: readonly string[],
  columns: Readonly<ColumnMap>,
  parameter: QueryParameterName,
): Fragment {
  const name = path.join('/');
  if (Object.hasOwn(columns, name)) {
    const column = columns[name]!;
    return { sql: column.sql, params: [], type: column.type };
  }
  const head = path[0];
  if (path.length > 1 && head !== undefined && Object.hasOwn(columns, head) && columns[head]!.type === 'object') {
    // The JSON path is a parameter too; its segments are identifiers, so quoting them is exact.
    const jsonPath =
      '$' +
      path
        .slice(1)
        .map((segment) => `."${segment}"`)
        .join('');
    return { sql: `json_extract(${columns[head]!.sql}, ?)`, params: [jsonPath], type: 'unknown' };
  }
  throw new UnknownColumnError(name, parameter);
}

function requireCondition(fragment: Fragment, expression: FilterExpression, what: string): void {
  if (fragment.type === 'boolean' || fragment.type === 'null' || fragment.type === 'unknown') return;
  throw new InvalidFilterError(`${what} must be a condition, but ${describe(expression)} is a ${fragment.type}`);
}

function describe(expression: FilterExpression): string {
  try {
    return `'${formatFilter(expression)}'`;
  } catch {
    return `a ${expression.kind}`;
  }
}

function join(pieces: readonly (string | Fragment)[], type: StaticType): Fragment {
  let sql = '';
  const params: SqlValue[] = [];
  for (const piece of pieces) {
    if (typeof piece === 'string') {
      sql += piece;
    } else {
      sql += piece.sql;
      for (const param of piece.params) params.push(param);
    }
  }
  return { sql, params, type };
}

function dateLiteralMs(text: string): number {
  const ms = parseIsoTimestamp(text);
  if (ms === undefined) throw new InvalidFilterError(`'${text}' is not an ISO-8601 date and time`);
  return ms;
}
