/**
 * Filters and orderings as parameterised SQLite, shared by the backend's tables and the client's
 * local store so that both read a query the same way.
 *
 * Storage convention (both sides): strings TEXT, numbers REAL, booleans INTEGER 0/1, dates
 * INTEGER epoch milliseconds, objects and arrays JSON TEXT. Every literal becomes a bound
 * parameter converted to that storage form; SQL text is built only from fixed fragments and the
 * quoted identifiers of the {@link ColumnMap}, so no input can reach it.
 *
 * Semantics worth knowing (the default {@link SqlDialect}): `eq`/`ne` are null-safe (`IS`/`IS
 * NOT`), so `x ne 'a'` matches rows where x is null, as OData says; string functions are
 * case-sensitive; `tolower`/`toupper` fold ASCII only (SQLite's lower/upper); date functions read
 * UTC. A server profile passes its own dialect where the server it imitates reads a filter
 * differently (three-valued nulls, a case-insensitive collation, dates stored to 100 ns).
 */
import type { ColumnType } from '../records.js';
import { parseIsoTimestamp } from '../datetime.js';
import type { ComparisonOperator, FilterExpression, FunctionCall, Literal } from './ast.js';
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

/**
 * How a backend's SQL reads a query: the places where the servers syncwright imitates differ.
 * Strategy functions only build SQL text and parameter values; nothing from a request reaches
 * SQL text through them.
 */
export interface SqlDialect {
  /**
   * `null-safe`: `eq`/`ne` are `IS`/`IS NOT`, so `x ne 'a'` and `not (x eq true)` match rows where
   * x is null (OData's rule, and Entity Framework's C# null semantics). `three-valued`: plain SQL
   * `=`/`!=`, so a null matches neither; only a `null` literal on the right makes `IS NULL` /
   * `IS NOT NULL`, and `null eq x` matches nothing (what azure-odata-sql writes).
   */
  readonly nulls: 'null-safe' | 'three-valued';
  readonly strings: StringCollation;
  readonly dates: DateDialect;
  /**
   * `standard`: every OData function works. `azure-odata-sql`: the SQL azure-mobile-apps 4.0.2
   * writes for SQLite, warts included (`startswith` builds its LIKE pattern with `+`, `length`
   * calls a `LEN` SQLite lacks, `indexof` swaps its arguments…), so the engine answers as the
   * real server's does.
   */
  readonly functions: 'standard' | 'azure-odata-sql';
}

/** Code-point order, or a collation computed by two SQL functions the database provides. */
export type StringCollation =
  | { readonly kind: 'binary' }
  | {
      readonly kind: 'collated';
      /** Name of a SQL function mapping a string to a key whose binary order is the collation's. */
      readonly keyFunction: string;
      /** Name of a SQL function folding case the way the collation ignores it (for LIKE-like functions). */
      readonly foldFunction: string;
    };

/** How dates are stored, and which literals may be compared with them. */
export interface DateDialect {
  /** The stored form of the date an ISO-8601 text names, or undefined when it names none. */
  storedValue(text: string): SqlValue | undefined;
  /** What goes around a stored date to make it strftime's time value (with its modifiers). */
  readonly strftime: { readonly before: string; readonly after: string };
  /**
   * `any`: `datetime'…'`, `datetimeoffset'…'` and ISO strings all compare with date columns.
   * `datetimeoffset`: date columns are `Edm.DateTimeOffset`, and comparing one with a
   * `datetime'…'` or a string literal is a type error, as in ASP.NET Web API OData.
   */
  readonly literals: 'any' | 'datetimeoffset';
}

/** Dates as INTEGER epoch milliseconds (the client store's convention). */
export const EPOCH_MS_DATES: DateDialect = {
  storedValue: parseIsoTimestamp,
  strftime: { before: '(', after: ") / 1000.0, 'unixepoch'" },
  literals: 'any',
};

/** The dialect of the reference client's store, and of the simulated backend unless a profile says otherwise. */
export const DEFAULT_DIALECT: SqlDialect = {
  nulls: 'null-safe',
  strings: { kind: 'binary' },
  dates: EPOCH_MS_DATES,
  functions: 'standard',
};

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
export function compileFilter(
  expression: FilterExpression,
  columns: Readonly<ColumnMap>,
  dialect: SqlDialect = DEFAULT_DIALECT,
): CompiledSql {
  const fragment = new Compiler(columns, dialect).compile(expression);
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
export function compileOrderBy(
  orderBy: readonly OrderByClause[],
  columns: Readonly<ColumnMap>,
  dialect: SqlDialect = DEFAULT_DIALECT,
): CompiledSql {
  const pieces: string[] = [];
  const params: SqlValue[] = [];
  for (const clause of orderBy) {
    const column = collated(resolveProperty(clause.property.split('/'), columns, '$orderby'), dialect);
    pieces.push(`${column.sql} ${clause.direction === 'desc' ? 'DESC' : 'ASC'}`);
    params.push(...column.params);
  }
  return { sql: pieces.join(', '), params };
}

/** A string fragment wrapped in the dialect's collation key (unchanged for binary order or other types). */
function collated(fragment: Fragment, dialect: SqlDialect): Fragment {
  if (dialect.strings.kind === 'binary' || fragment.type !== 'string') return fragment;
  return join([`${dialect.strings.keyFunction}(`, fragment, ')'], 'string');
}

class Compiler {
  constructor(
    private readonly columns: Readonly<ColumnMap>,
    private readonly dialect: SqlDialect,
  ) {}

  compile(expression: FilterExpression): Fragment {
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
        return { sql: '?', params: [this.dateValue(expression.text)], type: 'date', literal: expression };
      case 'property':
        return resolveProperty(expression.path, this.columns, '$filter');
      case 'comparison':
        return this.comparison(expression.operator, this.compile(expression.left), this.compile(expression.right));
      case 'logical': {
        const left = this.compile(expression.left);
        const right = this.compile(expression.right);
        requireCondition(left, expression.left, `The left side of '${expression.operator}'`);
        requireCondition(right, expression.right, `The right side of '${expression.operator}'`);
        return join(['(', left, expression.operator === 'and' ? ' AND ' : ' OR ', right, ')'], 'boolean');
      }
      case 'not': {
        const operand = this.compile(expression.operand);
        requireCondition(operand, expression.operand, "The operand of 'not'");
        return join(['(NOT ', operand, ')'], 'boolean');
      }
      case 'arithmetic': {
        const left = this.compile(expression.left);
        const right = this.compile(expression.right);
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
            // azure-odata-sql converts the dividend to SQL Server's numeric type, a name SQLite does not know.
            if (this.dialect.functions === 'azure-odata-sql')
              return join(['(CONVERT(numeric, ', left, ') % ', right, ')'], 'number');
            // SQLite's % truncates both sides to integers; mod() keeps fractions.
            return join(['mod(', left, ', ', right, ')'], 'number');
        }
        break;
      }
      case 'call':
        return this.dialect.functions === 'azure-odata-sql' ? this.realServerCall(expression) : this.call(expression);
    }
  }

  private comparison(
    operator: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le',
    rawLeft: Fragment,
    rawRight: Fragment,
  ): Fragment {
    this.checkDateLiteral(operator, rawLeft, rawRight);
    this.checkDateLiteral(operator, rawRight, rawLeft);
    let left = this.convertForPartner(rawLeft, rawRight);
    let right = this.convertForPartner(rawRight, rawLeft);
    if (left.type === 'string' || right.type === 'string') {
      left = collated(left, this.dialect);
      right = collated(right, this.dialect);
    }
    if (operator === 'eq' || operator === 'ne') {
      if (this.dialect.nulls === 'three-valued') {
        if (right.type === 'null')
          return join(['(', left, operator === 'eq' ? ' IS NULL)' : ' IS NOT NULL)'], 'boolean');
        return join(['(', left, operator === 'eq' ? ' = ' : ' != ', right, ')'], 'boolean');
      }
      const is = operator === 'eq' ? ' IS ' : ' IS NOT ';
      if (right.type === 'null') return join(['(', left, `${is}NULL)`], 'boolean');
      if (left.type === 'null') return join(['(', right, `${is}NULL)`], 'boolean');
      return join(['(', left, is, right, ')'], 'boolean');
    }
    return join(['(', left, COMPARISON_SQL[operator], right, ')'], 'boolean');
  }

  /** A dialect whose date columns are DateTimeOffset refuses other literals beside them. */
  private checkDateLiteral(operator: ComparisonOperator, fragment: Fragment, partner: Fragment): void {
    if (this.dialect.dates.literals !== 'datetimeoffset' || partner.type !== 'date' || partner.literal !== undefined)
      return;
    const literal = fragment.literal;
    const found =
      literal?.kind === 'date' && literal.type === 'datetime'
        ? 'Edm.DateTime'
        : literal?.kind === 'string'
          ? 'Edm.String'
          : undefined;
    if (found === undefined) return;
    throw new InvalidFilterError(
      `A binary operator with incompatible types was detected. Found operand types 'Edm.DateTimeOffset' and '${found}' for operator kind '${OPERATOR_KINDS[operator]}'.`,
    );
  }

  /** A string literal compared with a date becomes the date's stored form. */
  private convertForPartner(fragment: Fragment, partner: Fragment): Fragment {
    if (partner.type !== 'date' || fragment.literal?.kind !== 'string') return fragment;
    const value = this.dialect.dates.storedValue(fragment.literal.value);
    if (value === undefined) {
      throw new InvalidFilterError(
        `'${fragment.literal.value}' is compared with a date but is not an ISO-8601 date and time`,
      );
    }
    return { sql: '?', params: [value], type: 'date' };
  }

  private dateValue(text: string): SqlValue {
    const value = this.dialect.dates.storedValue(text);
    if (value === undefined) throw new InvalidFilterError(`'${text}' is not an ISO-8601 date and time`);
    return value;
  }

  /** Folds case for the LIKE-like functions when the dialect's collation ignores it. */
  private folded(fragment: Fragment): Fragment {
    const strings = this.dialect.strings;
    if (strings.kind === 'binary') return fragment;
    return join([`${strings.foldFunction}(`, fragment, ')'], fragment.type);
  }

  private call(call: FunctionCall): Fragment {
    const args = call.args.map((arg) => this.compile(arg));
    const returns = FUNCTIONS[call.name].returns;
    const [a, b, c] = args;
    if (a === undefined) throw new InvalidFilterError(`${call.name}() needs arguments`);
    const need = (fragment: Fragment | undefined): Fragment => {
      if (fragment === undefined) throw new InvalidFilterError(`${call.name}() got too few arguments`);
      return fragment;
    };
    switch (call.name) {
      case 'substringof':
        return join(['(instr(', this.folded(need(b)), ', ', this.folded(a), ') > 0)'], returns);
      case 'startswith':
        // instr() finds the first occurrence, so 1 means "starts with" ('' gives 1 too, as it should).
        return join(['(instr(', this.folded(a), ', ', this.folded(need(b)), ') = 1)'], returns);
      case 'endswith': {
        const text = this.folded(a);
        const end = this.folded(need(b));
        return join(['(substr(', text, ', length(', text, ') - length(', end, ') + 1) = ', end, ')'], returns);
      }
      case 'indexof':
        return join(['(instr(', this.folded(a), ', ', this.folded(need(b)), ') - 1)'], returns);
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
        const date =
          a.literal?.kind === 'string' ? this.convertForPartner(a, { sql: '', params: [], type: 'date' }) : a;
        const { before, after } = this.dialect.dates.strftime;
        return join([`CAST(strftime('${DATE_PARTS[call.name]}', ${before}`, date, `${after}) AS INTEGER)`], returns);
      }
      case 'floor':
        return join(['floor(', a, ')'], returns);
      case 'ceiling':
        return join(['ceil(', a, ')'], returns);
      case 'round':
        return join(['round(', a, ')'], returns);
    }
  }

  /**
   * The SQL azure-mobile-apps 4.0.2 (azure-odata-sql's formatter, sqlite flavour) writes for each
   * function, run on SQLite as the real server runs it: what works there works here, what
   * returns nothing or fails there does the same here.
   */
  private realServerCall(call: FunctionCall): Fragment {
    const args = call.args.map((arg) => this.compile(arg));
    const returns = FUNCTIONS[call.name].returns;
    const [a, b, c] = args;
    if (a === undefined) throw new InvalidFilterError(`${call.name}() needs arguments`);
    const need = (fragment: Fragment | undefined): Fragment => {
      if (fragment === undefined) throw new InvalidFilterError(`${call.name}() got too few arguments`);
      return fragment;
    };
    switch (call.name) {
      case 'substringof':
        // SQL Server's string '+' is SQLite's numeric addition: the pattern becomes 0.
        return join(['(', need(b), " LIKE ('%' + ", a, " + '%'))"], returns);
      case 'startswith':
        return join(['(', a, ' LIKE (', need(b), " + '%'))"], returns);
      case 'endswith':
        return join(['(', a, " LIKE ('%' + ", need(b), '))'], returns);
      case 'indexof':
        return join(['(INSTR(', need(b), ', ', a, ') - 1)'], returns);
      case 'tolower':
        return join(['LOWER(', a, ')'], returns);
      case 'toupper':
        return join(['UPPER(', a, ')'], returns);
      case 'trim':
        return join(['LTRIM(RTRIM(', a, '))'], returns);
      case 'length':
        return join(['(LEN(', a, " + 'X') - 1)"], returns);
      case 'concat':
        return join(['(', a, ' || ', need(b), ')'], returns);
      case 'replace':
        return join(['REPLACE(', a, ', ', need(b), ', ', need(c), ')'], returns);
      case 'substring':
        return c === undefined
          ? join(['SUBSTR(', a, ', ', need(b), ' + 1, LEN(', a, '))'], returns)
          : join(['SUBSTR(', a, ', ', need(b), ' + 1, ', c, ')'], returns);
      case 'year':
      case 'month':
      case 'day':
        return join([`${call.name.toUpperCase()}(`, a, ')'], returns);
      case 'hour':
      case 'minute':
      case 'second':
        return join([`DATEPART(${call.name.toUpperCase()}, `, a, ')'], returns);
      case 'floor':
        return join(['FLOOR(', a, ')'], returns);
      case 'ceiling':
        return join(['CEILING(', a, ')'], returns);
      case 'round':
        return join(['ROUND(', a, ', 0)'], returns);
    }
  }
}

const COMPARISON_SQL = { gt: ' > ', ge: ' >= ', lt: ' < ', le: ' <= ' } as const;

/** OData's names for the comparison operators, as Web API OData's type errors spell them. */
const OPERATOR_KINDS: Readonly<Record<ComparisonOperator, string>> = {
  eq: 'Equal',
  ne: 'NotEqual',
  gt: 'GreaterThan',
  ge: 'GreaterThanOrEqual',
  lt: 'LessThan',
  le: 'LessThanOrEqual',
};

const DATE_PARTS = { year: '%Y', month: '%m', day: '%d', hour: '%H', minute: '%M', second: '%S' } as const;

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
