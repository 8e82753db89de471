/**
 * A table query as one value: what `GET /tables/:t?…` asks for. Parsing normalises (`$top=0`
 * and `$skip=0` count as absent, `$select=*` as no selection) so that
 * `parseTableQuery(new URLSearchParams(formatTableQuery(q)))` gives a normalised `q` back.
 */
import type { FilterExpression } from './ast.js';
import { ODataParseError, type QueryParameterName } from './errors.js';
import { formatFilter } from './format.js';
import { parseFilter } from './parser.js';

export type SortDirection = 'asc' | 'desc';

export interface OrderByClause {
  /** A property name, or a path (`address/city`) into an object column. */
  property: string;
  direction: SortDirection;
}

export interface TableQuery {
  filter?: FilterExpression;
  orderBy: OrderByClause[];
  /** Properties to return; absent means all of them. */
  select?: string[];
  /** At most this many records (absent: the table's page size). Never 0. */
  top?: number;
  /** Skip this many records first. Never 0. */
  skip?: number;
  /** `$inlinecount=allpages`: the answer becomes `{ results, count }`. */
  inlineCount: boolean;
  /** `__includeDeleted`: soft-deleted records are returned too. */
  includeDeleted: boolean;
}

/** The query parameters this model owns; anything else in a query string is left alone. */
export const TABLE_QUERY_PARAMETERS: readonly string[] = [
  '$filter',
  '$orderby',
  '$select',
  '$top',
  '$skip',
  '$inlinecount',
  '__includeDeleted',
];

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*$/;

export function emptyTableQuery(): TableQuery {
  return { orderBy: [], inlineCount: false, includeDeleted: false };
}

/**
 * Reads the OData parameters of a query string.
 *
 * @example
 * parseTableQuery(new URLSearchParams("$filter=complete eq false&$orderby=updatedAt desc&$top=10"))
 * // { filter: {…}, orderBy: [{ property: 'updatedAt', direction: 'desc' }], top: 10, inlineCount: false, includeDeleted: false }
 * @throws ODataParseError naming the parameter, the position and what was expected.
 */
export function parseTableQuery(params: URLSearchParams): TableQuery {
  const query = emptyTableQuery();
  const filterText = params.get('$filter');
  if (filterText !== null && filterText.trim() !== '') query.filter = parseFilter(filterText);
  const orderByText = params.get('$orderby');
  if (orderByText !== null && orderByText.trim() !== '') query.orderBy = parseOrderBy(orderByText);
  const selectText = params.get('$select');
  if (selectText !== null && selectText.trim() !== '' && selectText.trim() !== '*')
    query.select = parseSelect(selectText);
  const top = parseCount('$top', params.get('$top'));
  if (top !== undefined && top > 0) query.top = top;
  const skip = parseCount('$skip', params.get('$skip'));
  if (skip !== undefined && skip > 0) query.skip = skip;
  const inlineCount = params.get('$inlinecount');
  if (inlineCount !== null && inlineCount.trim() !== '') {
    const value = inlineCount.trim().toLowerCase();
    if (value === 'allpages') query.inlineCount = true;
    else if (value !== 'none') fail('$inlinecount', inlineCount, 0, "'allpages' or 'none'", `'${inlineCount}'`);
  }
  // Any non-empty value counts, even `false`: that is what the real server does.
  const includeDeleted = params.get('__includeDeleted');
  query.includeDeleted = includeDeleted !== null && includeDeleted !== '';
  return query;
}

/**
 * The query string (without `?`) the JS client would send for `query`: parameters in its order
 * (`$filter`, `$orderby`, `$skip`, `$top`, `$select`, `$inlinecount`, `__includeDeleted`),
 * percent-encoded so that `URLSearchParams` reads the same values back, with `$ ' ( ) , : /`
 * left readable.
 *
 * @example
 * formatTableQuery({ filter: parseFilter("updatedAt ge datetimeoffset'2026-01-01T00:00:00.000Z'"),
 *   orderBy: [{ property: 'updatedAt', direction: 'asc' }], top: 50, inlineCount: false, includeDeleted: true })
 * // "$filter=(updatedAt%20ge%20datetimeoffset'2026-01-01T00:00:00.000Z')&$orderby=updatedAt&$top=50&__includeDeleted=true"
 */
export function formatTableQuery(query: TableQuery): string {
  const parts: string[] = [];
  if (query.filter !== undefined) parts.push(`$filter=${encodeQueryValue(formatFilter(query.filter))}`);
  if (query.orderBy.length > 0) {
    const clauses = query.orderBy.map((clause) =>
      clause.direction === 'desc' ? `${clause.property} desc` : clause.property,
    );
    parts.push(`$orderby=${encodeQueryValue(clauses.join(','))}`);
  }
  if (query.skip !== undefined && query.skip > 0) parts.push(`$skip=${query.skip}`);
  if (query.top !== undefined && query.top > 0) parts.push(`$top=${query.top}`);
  if (query.select !== undefined) parts.push(`$select=${encodeQueryValue(query.select.join(','))}`);
  if (query.inlineCount) parts.push('$inlinecount=allpages');
  if (query.includeDeleted) parts.push('__includeDeleted=true');
  return parts.join('&');
}

/** Percent-encodes a query value, keeping the characters OData text is made of readable. */
export function encodeQueryValue(value: string): string {
  const encoded = encodeURIComponent(value);
  return encoded.includes('%') ? encoded.replace(KEPT_ESCAPES, keptCharacter) : encoded;
}

const KEPT_ESCAPES = /%2[4CF]|%3A/g;

function keptCharacter(escape: string): string {
  return escape === '%24' ? '$' : escape === '%2C' ? ',' : escape === '%3A' ? ':' : '/';
}

function parseOrderBy(text: string): OrderByClause[] {
  const clauses: OrderByClause[] = [];
  let offset = 0;
  for (const item of text.split(',')) {
    const leading = item.length - item.trimStart().length;
    const position = offset + leading;
    const words = item.trim().split(/\s+/);
    const [property = '', direction, extra] = words;
    if (property === '') fail('$orderby', text, position, 'a property name', describeAt(text, position));
    if (!PATH.test(property)) fail('$orderby', text, position, 'a property name', `'${property}'`);
    let sort: SortDirection = 'asc';
    if (direction !== undefined) {
      const lower = direction.toLowerCase();
      const directionAt = text.indexOf(direction, position + property.length);
      if (lower !== 'asc' && lower !== 'desc')
        fail('$orderby', text, directionAt, "'asc', 'desc', or ',' before the next property", `'${direction}'`);
      sort = lower as SortDirection;
    }
    if (extra !== undefined) {
      fail(
        '$orderby',
        text,
        text.indexOf(extra, position + property.length),
        "',' before the next property",
        `'${extra}'`,
      );
    }
    clauses.push({ property, direction: sort });
    offset += item.length + 1;
  }
  return clauses;
}

function parseSelect(text: string): string[] {
  const properties: string[] = [];
  let offset = 0;
  for (const item of text.split(',')) {
    const property = item.trim();
    const position = offset + item.length - item.trimStart().length;
    if (!PATH.test(property))
      fail(
        '$select',
        text,
        position,
        'a property name',
        property === '' ? describeAt(text, position) : `'${property}'`,
      );
    properties.push(property);
    offset += item.length + 1;
  }
  return properties;
}

function parseCount(parameter: '$top' | '$skip', text: string | null): number | undefined {
  if (text === null || text.trim() === '') return undefined;
  const trimmed = text.trim();
  if (/^-\d+$/.test(trimmed)) fail(parameter, text, 0, 'a non-negative integer (it is negative)', `'${text}'`);
  if (!/^\d+$/.test(trimmed)) fail(parameter, text, 0, 'a non-negative integer', `'${text}'`);
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value))
    fail(parameter, text, 0, `an integer no larger than ${Number.MAX_SAFE_INTEGER}`, `'${text}'`);
  return value;
}

function describeAt(text: string, position: number): string {
  return position >= text.length ? 'the end of the text' : `'${text[position]}'`;
}

function fail(parameter: QueryParameterName, text: string, position: number, expected: string, found: string): never {
  throw new ODataParseError({ parameter, text, position: Math.max(0, position), expected, found });
}
