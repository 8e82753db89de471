/**
 * The HTTP face of the backend: routes, the API-version check, body parsing and rendering of
 * outcomes. Everything here is a pure function of the request and the backend's state; it
 * never throws — whatever goes wrong becomes a JSON error response.
 */
import { formatETag } from '../protocol/etag.js';
import { errorBody } from '../protocol/errors.js';
import type { HttpHeaders, HttpRequest, HttpResponse } from '../protocol/http.js';
import { ODataQueryError } from '../protocol/odata/errors.js';
import {
  encodeQueryValue,
  formatTableQuery,
  parseTableQuery,
  TABLE_QUERY_PARAMETERS,
  type TableQuery,
} from '../protocol/odata/query.js';
import type { JsonObject, RecordStamp, ServerRecord } from '../protocol/records.js';
import { BackendError } from './errors.js';
import type { SqlTable } from './table-store.js';
import type { HandleOptions, QueryResult, ServedRead, WriteOptions, WriteOutcome } from './types.js';
import { MAX_OBJECT_DEPTH, nestsDeeperThan, requireId, stampOf } from './values.js';

/** What the HTTP layer needs from the backend. */
export interface HttpCore {
  readonly maxBodyBytes: number;
  readonly baseUrl: string;
  findTable(name: string): SqlTable | undefined;
  getRecord(table: SqlTable, id: string, includeDeleted: boolean): ServerRecord | undefined;
  /** A query's answer, and the page's rows before `$select` (for an observer). */
  readPage(
    table: SqlTable,
    query: TableQuery,
  ): { readonly result: QueryResult; readonly records: readonly ServerRecord[] };
  rowsMatching(table: SqlTable, filter: string | undefined): RecordStamp[];
  insert(table: string, item: JsonObject): WriteOutcome;
  update(table: string, id: string, patch: JsonObject, options?: WriteOptions): WriteOutcome;
  delete(table: string, id: string, options?: WriteOptions): WriteOutcome;
  undelete(table: string, id: string, options?: WriteOptions): WriteOutcome;
}

/** The `x-zumo-server-version` header value of every response. */
export const SERVER_VERSION = 'node-4.0.2 (syncwright)';
export const API_VERSION_ERROR =
  'An invalid API version was specified in the request, this request needs to specify a ZUMO-API-VERSION of 2.0.0.';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const COLLECTION_METHODS = 'GET, HEAD, POST, OPTIONS';
const ITEM_METHODS = 'GET, HEAD, POST, PATCH, DELETE, OPTIONS';
const API_VERSION = /^2\.0\.\d+$/;
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const BASE_URL =
  /^https?:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*)?$/;

export function handleHttp(core: HttpCore, request: HttpRequest, options?: HandleOptions): HttpResponse {
  try {
    return route(core, request, options);
  } catch (error) {
    if (error instanceof BackendError) return errorResponse(error.status, error.message);
    if (error instanceof ODataQueryError) return errorResponse(400, error.message);
    const message = error instanceof Error ? error.message : String(error);
    return errorResponse(500, `Internal error: ${message}`);
  }
}

/** The 413 answer, for front doors that stop reading a body once it passes the limit. */
export function bodyTooLargeResponse(maxBodyBytes: number): HttpResponse {
  return errorResponse(413, `The request body is larger than the limit of ${maxBodyBytes} bytes`);
}

/** The answer of a backend after close(): the service is gone, the request did nothing. */
export function closedResponse(): HttpResponse {
  return errorResponse(503, 'The backend is closed');
}

function route(core: HttpCore, request: HttpRequest, options: HandleOptions | undefined): HttpResponse {
  const method = typeof request.method === 'string' ? request.method.toUpperCase() : '';
  const headers = lowerCaseKeys(request.headers);
  const { path, search } = splitUrl(typeof request.url === 'string' ? request.url : '');
  const body = typeof request.body === 'string' ? request.body : undefined;
  if (body !== undefined && exceedsUtf8Bytes(body, core.maxBodyBytes)) return bodyTooLargeResponse(core.maxBodyBytes);

  const segments = pathSegments(path);
  if (segments === undefined || segments.length < 2 || segments.length > 3 || segments[0]!.toLowerCase() !== 'tables') {
    return errorResponse(404, `Not found: ${abbreviate(path)}`);
  }
  const [, tableName = '', id] = segments;
  if (method === 'OPTIONS') {
    return {
      status: 204,
      headers: { allow: id === undefined ? COLLECTION_METHODS : ITEM_METHODS, 'x-zumo-server-version': SERVER_VERSION },
      body: '',
    };
  }
  const params = new URLSearchParams(search);
  if (!hasValidApiVersion(headers, params)) return errorResponse(400, API_VERSION_ERROR);
  const table = core.findTable(tableName);
  if (table === undefined) return errorResponse(404, `The table '${abbreviate(tableName)}' does not exist`);

  if (id === undefined) {
    switch (method) {
      case 'GET':
      case 'HEAD':
        return withoutBodyIf(
          method === 'HEAD',
          listRecords(
            core,
            table,
            tableQueryOf(search, params),
            params,
            publicBaseUrl(core, headers, options),
            options?.observeRead,
          ),
        );
      case 'POST':
        return renderWrite(core.insert(table.name, readJsonObject(body, headers)));
      default:
        return methodNotAllowed(method, path, COLLECTION_METHODS);
    }
  }
  requireId(id, 'The id in the URL');
  const ifMatch = headers['if-match'];
  const writeOptions: WriteOptions = ifMatch === undefined ? {} : { ifMatch };
  switch (method) {
    case 'GET':
    case 'HEAD':
      return withoutBodyIf(method === 'HEAD', readRecord(core, table, id, params));
    case 'PATCH':
      return renderWrite(core.update(table.name, id, readJsonObject(body, headers), writeOptions));
    case 'DELETE':
      return renderWrite(core.delete(table.name, id, writeOptions));
    case 'POST':
      // Undelete: the body, if any, carries nothing the server uses.
      return renderWrite(core.undelete(table.name, id, writeOptions));
    default:
      return methodNotAllowed(method, path, ITEM_METHODS);
  }
}

/**
 * A client pages through a pull with the same few query strings, and every client of a run
 * asks the same first page: each is parsed once. Parsed queries are shared, so they are frozen.
 */
const parsedQueries = new Map<string, TableQuery>();
const MAX_PARSED_QUERIES = 256;
const MAX_CACHED_QUERY_LENGTH = 2048;

function tableQueryOf(search: string, params: URLSearchParams): TableQuery {
  if (search.length > MAX_CACHED_QUERY_LENGTH) return parseTableQuery(params);
  let query = parsedQueries.get(search);
  if (query === undefined) {
    query = deepFreeze(parseTableQuery(params));
    if (parsedQueries.size >= MAX_PARSED_QUERIES) parsedQueries.delete(parsedQueries.keys().next().value!);
    parsedQueries.set(search, query);
  }
  return query;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

function listRecords(
  core: HttpCore,
  table: SqlTable,
  query: TableQuery,
  params: URLSearchParams,
  baseUrl: string,
  observe: ((read: ServedRead) => void) | undefined,
): HttpResponse {
  const { result, records } = core.readPage(table, query);
  if (observe !== undefined) {
    observe({
      table: table.name,
      served: records.map(stampOf),
      full: result.full,
      writes: table.writes,
      rowsMatching: (filter) => core.rowsMatching(table, filter),
    });
  }
  const body = query.inlineCount
    ? JSON.stringify({ results: result.results, count: result.count ?? 0 })
    : JSON.stringify(result.results);
  const response = jsonResponse(200, body);
  if (!result.full || result.results.length === 0) return response;
  const next: TableQuery = { ...query, skip: (query.skip ?? 0) + result.results.length };
  const others = [...params]
    .filter(([name]) => !TABLE_QUERY_PARAMETERS.includes(name))
    .map(([name, value]) => `${encodeQueryValue(name)}=${encodeQueryValue(value)}`);
  const queryString = [formatTableQuery(next), ...others].filter((part) => part !== '').join('&');
  const url = `${baseUrl}/tables/${encodeURIComponent(table.name)}?${queryString}`;
  return { ...response, headers: { ...response.headers, link: `<${url}>; rel=next` } };
}

function readRecord(core: HttpCore, table: SqlTable, id: string, params: URLSearchParams): HttpResponse {
  const includeDeleted = (params.get('__includeDeleted') ?? '') !== '';
  const record = core.getRecord(table, id, includeDeleted);
  if (record === undefined) return errorResponse(404, 'The item does not exist');
  return jsonResponse(200, JSON.stringify(record), { etag: formatETag(record.version) });
}

function renderWrite(outcome: WriteOutcome): HttpResponse {
  switch (outcome.kind) {
    case 'written':
    case 'version-conflict':
    case 'precondition-failed':
      return jsonResponse(outcome.status, JSON.stringify(outcome.record), { etag: formatETag(outcome.record.version) });
    case 'id-taken':
      return jsonResponse(409, JSON.stringify(outcome.item));
    case 'not-found':
    case 'invalid':
      return errorResponse(outcome.status, outcome.error);
  }
}

/** The body as a JSON object, or a 4xx naming what is wrong with it. */
function readJsonObject(body: string | undefined, headers: HttpHeaders): JsonObject {
  if (body === undefined || body.trim() === '')
    throw new BackendError(400, 'The request body must be a JSON object, but it is empty');
  const contentType = headers['content-type'];
  if (!isJsonContentType(contentType)) {
    throw new BackendError(
      415,
      contentType === undefined
        ? 'The request body must be sent as JSON (Content-Type: application/json), but the request has no Content-Type'
        : `The request body must be sent as JSON (Content-Type: application/json), but its Content-Type is '${abbreviate(contentType)}'`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new BackendError(
      400,
      `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw new BackendError(400, `The request body must be a JSON object, but it is ${kind}`);
  }
  // Anything this deep is refused before any code serialises it again (an echo in a 409).
  if (nestsDeeperThan(parsed as JsonObject, MAX_OBJECT_DEPTH + 1)) {
    throw new BackendError(400, `The request body is nested more than ${MAX_OBJECT_DEPTH} levels deep`);
  }
  return parsed as JsonObject;
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const mediaType = value.split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'));
}

/** `ZUMO-API-VERSION` from the header, else from a query parameter of that name in any case. */
function hasValidApiVersion(headers: HttpHeaders, params: URLSearchParams): boolean {
  let version = headers['zumo-api-version'];
  if (version === undefined) {
    for (const [name, value] of params) {
      if (name.toLowerCase() === 'zumo-api-version') {
        version = value;
        break;
      }
    }
  }
  return version !== undefined && API_VERSION.test(version.trim());
}

function publicBaseUrl(core: HttpCore, headers: HttpHeaders, options: HandleOptions | undefined): string {
  const given = options?.baseUrl;
  if (given !== undefined && BASE_URL.test(given)) return given.replace(/\/+$/, '');
  const host = headers.host;
  if (host !== undefined && HOST.test(host)) return `http://${host}`;
  return core.baseUrl;
}

function splitUrl(url: string): { path: string; search: string } {
  let rest = url;
  const origin = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
  if (origin !== null) rest = rest.slice(origin[0].length) || '/';
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  return question < 0
    ? { path: rest, search: '' }
    : { path: rest.slice(0, question), search: rest.slice(question + 1) };
}

/** Decoded path segments without the leading slash and one trailing slash; undefined when not a path. */
function pathSegments(path: string): string[] | undefined {
  if (!path.startsWith('/')) return undefined;
  const raw = path.slice(1).split('/');
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop();
  return raw.map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw new BackendError(400, `The URL path segment '${abbreviate(segment)}' is not valid percent-encoding`);
    }
  });
}

function exceedsUtf8Bytes(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A surrogate pair is 4 bytes: 2 for each half.
    bytes += code < 0x80 ? 1 : code < 0x800 || (code >= 0xd800 && code <= 0xdfff) ? 2 : 3;
    if (bytes > limit) return true;
  }
  return false;
}

function methodNotAllowed(method: string, path: string, allowed: string): HttpResponse {
  const response = errorResponse(405, `The method ${abbreviate(method)} is not allowed on ${abbreviate(path)}`);
  return { ...response, headers: { ...response.headers, allow: allowed } };
}

function jsonResponse(status: number, body: string, extra: HttpHeaders = {}): HttpResponse {
  return {
    status,
    headers: {
      'content-type': JSON_CONTENT_TYPE,
      'cache-control': 'no-cache',
      'x-zumo-server-version': SERVER_VERSION,
      ...extra,
    },
    body,
  };
}

function errorResponse(status: number, message: string): HttpResponse {
  return jsonResponse(status, errorBody(message));
}

function withoutBodyIf(condition: boolean, response: HttpResponse): HttpResponse {
  return condition ? { ...response, body: '' } : response;
}

/** Lower-cased names and string values only, whatever a direct caller passed in. */
function lowerCaseKeys(headers: HttpHeaders | undefined): HttpHeaders {
  const result: HttpHeaders = {};
  if (headers === undefined || headers === null || typeof headers !== 'object') return result;
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value === 'string') result[key.toLowerCase()] = value;
  }
  return result;
}

function abbreviate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
