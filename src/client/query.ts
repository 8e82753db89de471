/**
 * The query builder the SDK exposes as `WindowsAzure.Query` (azure-query-js): a table name plus
 * filter, ordering, paging and projection, formatted to OData by the protocol module. It also
 * drives reads of the local store.
 */
import { and, compare, literal, property, type FilterExpression } from '../protocol/odata/ast.js';
import { formatFilter } from '../protocol/odata/format.js';
import { parseFilter } from '../protocol/odata/parser.js';
import { formatTableQuery, type OrderByClause, type TableQuery } from '../protocol/odata/query.js';
import type { LocalRecord } from './columns.js';

/** A value a filter can compare with. */
export type FilterValue = string | number | boolean | null | Date;

/** Records read from a table; `totalCount` is set when the query asked for it. */
export type ReadResult = LocalRecord[] & { totalCount?: number };

export interface QueryComponents {
  table: string;
  filter: FilterExpression | undefined;
  ordering: OrderByClause[];
  selections: string[];
  skip: number | undefined;
  take: number | undefined;
  includeTotalCount: boolean;
  includeDeleted: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class Query {
  private components: QueryComponents;
  /** Set by a table's `where()`/`orderBy()`…, so that `query.read()` reads that table. */
  private reader: ((query: Query) => Promise<ReadResult>) | undefined;

  constructor(table: string, reader?: (query: Query) => Promise<ReadResult>) {
    if (typeof table !== 'string' || table.trim() === '') throw new TypeError('A query needs a table name');
    this.components = {
      table,
      filter: undefined,
      ordering: [],
      selections: [],
      skip: undefined,
      take: undefined,
      includeTotalCount: false,
      includeDeleted: false,
    };
    this.reader = reader;
  }

  /**
   * Adds a condition, and-ed with the ones before. Either an object of equalities
   * (`{ complete: false }`), or OData filter text where each `?` outside a string literal
   * takes the next parameter (`'text eq ? and complete eq ?', 'milk', false`).
   * JavaScript predicate functions (azure-query-js) are not supported.
   */
  where(constraint: Readonly<Record<string, FilterValue>> | string, ...params: FilterValue[]): this {
    const expression =
      typeof constraint === 'string' ? filterFromText(constraint, params) : filterFromObject(constraint);
    if (expression !== undefined) {
      this.components.filter =
        this.components.filter === undefined ? expression : and(this.components.filter, expression);
    }
    return this;
  }

  orderBy(...properties: string[]): this {
    return this.order(properties, 'asc');
  }

  orderByDescending(...properties: string[]): this {
    return this.order(properties, 'desc');
  }

  take(count: number): this {
    this.components.take = checkCount('take', count);
    return this;
  }

  skip(count: number): this {
    this.components.skip = checkCount('skip', count);
    return this;
  }

  select(...properties: string[]): this {
    for (const name of properties) checkProperty(name);
    this.components.selections.push(...properties);
    return this;
  }

  includeTotalCount(): this {
    this.components.includeTotalCount = true;
    return this;
  }

  includeDeleted(): this {
    this.components.includeDeleted = true;
    return this;
  }

  /** A copy of the query's parts (changing it does not change the query). */
  getComponents(): QueryComponents {
    return {
      ...this.components,
      ordering: this.components.ordering.map((clause) => ({ ...clause })),
      selections: [...this.components.selections],
    };
  }

  setComponents(components: QueryComponents): this {
    this.components = {
      ...components,
      ordering: components.ordering.map((clause) => ({ ...clause })),
      selections: [...components.selections],
    };
    return this;
  }

  /** An independent copy, bound to the same table reader. */
  copy(): Query {
    return new Query(this.components.table, this.reader).setComponents(this.components);
  }

  /** The query as the protocol module's model of `GET /tables/:t?…`. */
  toTableQuery(): TableQuery {
    const { filter, ordering, selections, skip, take, includeTotalCount, includeDeleted } = this.components;
    const query: TableQuery = {
      orderBy: ordering.map((clause) => ({ ...clause })),
      inlineCount: includeTotalCount,
      includeDeleted,
    };
    if (filter !== undefined) query.filter = filter;
    if (selections.length > 0) query.select = [...selections];
    if (take !== undefined && take > 0) query.top = take;
    if (skip !== undefined && skip > 0) query.skip = skip;
    return query;
  }

  /** `/todoitem?$filter=…`, as azure-query-js writes it. */
  toOData(): string {
    const queryString = formatTableQuery(this.toTableQuery());
    return `/${this.components.table}${queryString === '' ? '' : `?${queryString}`}`;
  }

  /** The filter as OData text, or undefined when there is none. */
  filterText(): string | undefined {
    return this.components.filter === undefined ? undefined : formatFilter(this.components.filter);
  }

  /** Reads the table the query came from (`table.where({…}).read()`). */
  read(): Promise<ReadResult> {
    if (this.reader === undefined) {
      return Promise.reject(new Error('This query is not bound to a table: pass it to table.read(query)'));
    }
    return this.reader(this);
  }

  private order(properties: string[], direction: 'asc' | 'desc'): this {
    for (const name of properties) {
      checkProperty(name);
      const existing = this.components.ordering.find((clause) => clause.property === name);
      if (existing !== undefined) existing.direction = direction;
      else this.components.ordering.push({ property: name, direction });
    }
    return this;
  }
}

function checkCount(what: string, count: number): number {
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    throw new TypeError(`${what} expects a non-negative integer, got ${String(count)}`);
  }
  return count;
}

function checkProperty(name: unknown): void {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new TypeError(`${JSON.stringify(name) ?? String(name)} is not a property name`);
  }
}

function filterFromObject(constraint: Readonly<Record<string, FilterValue>>): FilterExpression | undefined {
  if (typeof constraint !== 'object' || constraint === null || Array.isArray(constraint)) {
    throw new TypeError('where() expects an object of property values or OData filter text');
  }
  const clauses = Object.entries(constraint).map(([name, value]) => {
    checkProperty(name);
    return compare('eq', property(name), literal(checkValue(value)));
  });
  const [first, ...rest] = clauses;
  return first === undefined ? undefined : and(first, ...rest);
}

function checkValue(value: unknown): FilterValue {
  if (value === null || value instanceof Date || ['string', 'number', 'boolean'].includes(typeof value)) {
    if (value instanceof Date && Number.isNaN(value.getTime()))
      throw new TypeError('A filter value cannot be an invalid Date');
    return value as FilterValue;
  }
  throw new TypeError(`A filter value must be a string, number, boolean, null or Date, got ${typeof value}`);
}

/** Fills `?` placeholders (outside string literals) with formatted literals, then parses. */
function filterFromText(text: string, params: readonly FilterValue[]): FilterExpression {
  let result = '';
  let next = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "'") inString = !inString; // '' inside a literal toggles twice: still inside
    if (char === '?' && !inString) {
      if (next >= params.length)
        throw new TypeError(`The filter '${text}' has more '?' placeholders than parameters (${params.length})`);
      result += formatFilter(literal(checkValue(params[next++])));
    } else {
      result += char;
    }
  }
  if (next < params.length)
    throw new TypeError(`The filter '${text}' has ${next} '?' placeholders but ${params.length} parameters`);
  return parseFilter(result);
}
