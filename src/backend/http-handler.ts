/**
 * The HTTP face of the backend: routes, the API-version check, body parsing and rendering of
 * outcomes. The server profile decides every answer whose shape or wording the real servers do
 * not share. Everything here is a pure function of the request and the backend's state; it
 * never throws — whatever goes wrong becomes an error answer.
 */
import { deepFreeze } from '../kernel/deep-freeze.js';
import { formatETag } from '../protocol/etag.js';
import type { HttpHeaders, HttpRequest, HttpResponse } from '../protocol/http.js';
import { InvalidFilterError, ODataQueryError } from '../protocol/odata/errors.js';
import { parseTableQuery, type TableQuery } from '../protocol/odata/query.js';
import type { JsonObject, JsonValue, RecordStamp, ServerRecord } from '../protocol/records.js';
import { BackendError } from './errors.js';
import type { PagingRules, ProfileAnswers, Quirks, RequestContext, ServerProfile } from './profiles/profile.js';
import type { SqlTable } from './table-store.js';
import type { HandleOptions, InsertOptions, QueryResult, ServedRead, WriteOptions, WriteOutcome } from './types.js';
import { USER_HEADER } from './server-variants.js';
import { MAX_OBJECT_DEPTH } from '../protocol/limits.js';
import { JsonTextError, readJson } from '../protocol/safe-json.js';
import { requireId, stampOf } from './values.js';
import { processCaches } from '../kernel/process-caches.js';

/** What the HTTP layer needs from the backend. */
export interface HttpCore {
  readonly maxBodyBytes: number;
  readonly baseUrl: string;
  readonly serverProfile: ServerProfile;
  readonly quirks: Quirks;
  readonly answers: ProfileAnswers;
  readonly paging: PagingRules;
  findTable(name: string): SqlTable | undefined;
  /** Under `perUser`, whether requests must name a user. */
  readonly perUser: boolean;
  getRecord(table: SqlTable, id: string, includeDeleted: boolean, user?: string): ServerRecord | undefined;
  /** A query's answer, and the page's rows before `$select` (for an observer). */
  readPage(
    table: SqlTable,
    query: TableQuery,
    options?: RunQueryOptions,
  ): { readonly result: QueryResult; readonly records: readonly ServerRecord[] };
  rowsMatching(table: SqlTable, filter: string | undefined, user?: string): RecordStamp[];
  insert(table: string, item: JsonObject, options?: InsertOptions): WriteOutcome;
  update(table: string, id: string, patch: JsonObject, options?: WriteOptions): WriteOutcome;
  delete(table: string, id: string, options?: WriteOptions): WriteOutcome;
  deleteMatching(table: string, query: TableQuery, options?: WriteOptions): BulkDeleteOutcome;
  undelete(table: string, id: string, options?: WriteOptions): WriteOutcome;
}

export interface RunQueryOptions {
  /** No page limit at all (the real Node server's answer to a negative `$top`). */
  readonly unlimited?: boolean;
  /** Under `perUser`: only this user's rows. */
  readonly user?: string;
}

/** What a DELETE of the collection by `$filter` did (the Node server's bulk delete). */
export type BulkDeleteOutcome =
  | { readonly kind: 'deleted'; readonly records: readonly ServerRecord[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'precondition-failed'; readonly records: readonly ServerRecord[] }
  | { readonly kind: 'invalid'; readonly status: number; readonly error: string };

/** The `x-zumo-server-version` of the default (Node) profile. */
export const SERVER_VERSION = 'node-4.0.2';
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
    return errorAnswer(core, error);
  }
}

/** The message of the 413, for front doors that stop reading a body once it passes the limit. */
export function bodyTooLargeMessage(maxBodyBytes: number): string {
  return `The request body is larger than the limit of ${maxBodyBytes} bytes`;
}

/** The answer of a backend after close(): the service is gone, the request did nothing. */
export function closedResponse(answers: ProfileAnswers): HttpResponse {
  return answers.error(503, 'The backend is closed');
}

function errorAnswer(core: HttpCore, error: unknown): HttpResponse {
  if (error instanceof BackendError) return core.answers.error(error.status, error.message);
  if (error instanceof ODataQueryError) return queryErrorAnswer(core, error);
  const message = error instanceof Error ? error.message : String(error);
  return core.answers.error(500, `Internal error: ${message}`);
}

/**
 * A query that cannot be run. The Node server only refuses an oversized `$top` with a 400; any
 * other failure comes out of its parser or SQLite as a 500 — its answer under `exact`.
 */
function queryErrorAnswer(core: HttpCore, error: ODataQueryError): HttpResponse {
  if (core.quirks.queryErrors === 'server-error') {
    const property = (error as { property?: unknown }).property;
    return core.answers.error(
      500,
      typeof property === 'string' ? `SQLITE_ERROR: no such column: ${property}` : error.message,
    );
  }
  return core.answers.error(400, queryErrorMessage(core.serverProfile, error));
}

function queryErrorMessage(profile: ServerProfile, error: ODataQueryError): string {
  if (profile.errorWording === 'web-api') {
    const detail = error instanceof InvalidFilterError ? error.detail : error.message;
    return `The query specified in the URI is not valid. ${detail}`;
  }
  return error.message;
}

/**
 * What the profile sees of a request. Only links, locations and some error messages need the
 * base URL: it is worked out on first use. (A class: an object literal with a getter costs
 * hundreds of nanoseconds to make, on every request.)
 */
class Context implements RequestContext {
  private base: string | undefined;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly search: string,
    private readonly core: HttpCore,
    private readonly headers: HttpHeaders,
    private readonly options: HandleOptions | undefined,
  ) {}

  get baseUrl(): string {
    return (this.base ??= publicBaseUrl(this.core, this.headers, this.options));
  }
}

/** A request on its way through the routes. */
class Route {
  private parsedParams: URLSearchParams | undefined;

  constructor(
    readonly core: HttpCore,
    readonly context: Context,
    readonly headers: HttpHeaders,
    readonly body: string | undefined,
  ) {}

  /** The query parameters, made on first use: a pull page answered from the parsed-query cache never needs them. */
  get params(): URLSearchParams {
    return (this.parsedParams ??= new URLSearchParams(this.context.search));
  }
}

function route(core: HttpCore, request: HttpRequest, options: HandleOptions | undefined): HttpResponse {
  const method = typeof request.method === 'string' ? request.method.toUpperCase() : '';
  const headers = lowerCaseKeys(request.headers);
  const { path, search } = splitUrl(typeof request.url === 'string' ? request.url : '');
  const body = typeof request.body === 'string' ? request.body : undefined;
  const { answers, serverProfile: profile } = core;
  if (body !== undefined && exceedsUtf8Bytes(body, core.maxBodyBytes))
    return answers.error(413, bodyTooLargeMessage(core.maxBodyBytes));
  const context = new Context(method, path, search, core, headers, options);
  const here = new Route(core, context, headers, body);

  const segments = pathSegments(path);
  const underTables = segments !== undefined && segments.length >= 1 && segments[0]!.toLowerCase() === 'tables';
  if (!underTables) return answers.noRoute(context);
  if (profile.apiVersionBeforeRouting && method !== 'OPTIONS') {
    const refusal = apiVersionRefusal(here);
    if (refusal !== undefined) return refusal;
  }
  if (segments.length < 2 || segments.length > 3) return answers.noRoute(context);
  const [, tableName = '', id] = segments;
  const table = core.findTable(tableName);
  if (table === undefined) return answers.noRoute(context);
  if (method === 'OPTIONS') return answers.options(context);
  if (!profile.apiVersionBeforeRouting) {
    const refusal = apiVersionRefusal(here);
    if (refusal !== undefined) return refusal;
  }
  if (method === 'HEAD' && core.quirks.head === 'server-error') {
    // express routes HEAD to the GET handlers, whose operation table has no `head` entry.
    return { ...answers.error(500, 'dataOperations[verb] is not a function'), body: '' };
  }
  // `table.access = 'authenticated'`: a per-user table answers nobody it cannot name.
  const user = headers[USER_HEADER];
  if (core.perUser && (user === undefined || user === '')) return answers.error(401, 'Unauthorized');
  const tablePath = encodeURIComponent(tableName);
  if (id === undefined) {
    switch (method) {
      case 'GET':
      case 'HEAD':
        return withoutBodyIf(method === 'HEAD', listRecords(here, table, tablePath, options?.observeRead));
      case 'POST':
        return renderWrite(
          here,
          core.insert(table.name, readItem(here, 'insert'), userOption(core, headers)),
          'insert',
          table,
          tablePath,
        );
      case 'PATCH':
        if (!profile.collectionWrites) break;
        return updateFromBody(here, table, tablePath);
      case 'DELETE':
        if (!profile.collectionWrites) break;
        return deleteMatching(here, table);
    }
    return answers.methodNotAllowed(context, profile.collectionWrites ? ITEM_METHODS : COLLECTION_METHODS);
  }
  requireId(id, 'The id in the URL');
  const writeOptions = writeOptionsOf(headers, core);
  switch (method) {
    case 'GET':
    case 'HEAD':
      return withoutBodyIf(method === 'HEAD', readRecord(here, table, id));
    case 'PATCH': {
      const item = readItem(here, 'update');
      const bodyId = item['id'];
      if (bodyId !== undefined && bodyId !== null && idText(bodyId) !== id)
        return answers.error(400, profile.idMismatch(id, idText(bodyId)));
      const options: WriteOptions = { ...writeOptions, includeDeleted: includeDeletedAsked(core, here.params) };
      return renderWrite(here, core.update(table.name, id, item, options), 'update', table, tablePath);
    }
    case 'DELETE':
      return renderWrite(here, core.delete(table.name, id, writeOptions), 'delete', table, tablePath);
    case 'POST':
      // Undelete: the body, if any, carries nothing the server uses.
      return renderWrite(here, core.undelete(table.name, id, writeOptions), 'undelete', table, tablePath);
  }
  return answers.methodNotAllowed(context, ITEM_METHODS);
}

function writeOptionsOf(headers: HttpHeaders, core: HttpCore): WriteOptions {
  const ifMatch = headers['if-match'];
  return { ...(ifMatch === undefined ? {} : { ifMatch }), ...userOption(core, headers) };
}

/** The user a request acts as, when rows are per user (route() refused requests that name none). */
function userOption(core: HttpCore, headers: HttpHeaders): { user?: string } {
  const user = headers[USER_HEADER];
  return core.perUser && user !== undefined ? { user } : {};
}

/** An id as the body holds it, compared as text as the Node server does (`item.id.toString()`). */
function idText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * PATCH of the collection (Node's parseItem.js): the id comes from the body; without one there is
 * no such record.
 */
function updateFromBody(here: Route, table: SqlTable, tablePath: string): HttpResponse {
  const item = readItem(here, 'update');
  const bodyId = item['id'];
  if (bodyId === undefined || bodyId === null) return here.core.answers.notFound(here.context, 'update');
  const id = requireId(bodyId, 'The id in the body');
  return renderWrite(
    here,
    here.core.update(table.name, id, item, writeOptionsOf(here.headers, here.core)),
    'update',
    table,
    tablePath,
  );
}

/**
 * DELETE of the collection: the Node server deletes what `$filter` matches (its parseQuery.js
 * reads no body). Without a filter its SQL reads `WHERE  AND [deleted] = 0` and fails.
 */
function deleteMatching(here: Route, table: SqlTable): HttpResponse {
  const { core } = here;
  const query = tableQueryOf(here.params.toString(), () => here.params, core);
  if (query.filter === undefined) {
    if (core.quirks.collectionDelete === 'sql-error')
      return core.answers.error(500, 'SQLITE_ERROR: near "AND": syntax error');
    return core.answers.error(
      400,
      'A DELETE of the collection deletes the records its $filter matches, and it has no $filter ' +
        '(the server reads no id from the body): DELETE /tables/<table>/<id> deletes one record',
    );
  }
  const outcome = core.deleteMatching(table.name, query, writeOptionsOf(here.headers, here.core));
  switch (outcome.kind) {
    case 'deleted':
    case 'precondition-failed': {
      const records = outcome.records;
      const status = outcome.kind === 'deleted' ? 200 : here.headers['if-match'] !== undefined ? 412 : 409;
      const single = records.length === 1;
      const json = single ? table.json(records[0]!) : table.json(records);
      const version = records[0]?.version;
      const etag: HttpHeaders = version === undefined ? {} : { etag: formatETag(version) };
      return outcome.kind === 'deleted'
        ? core.answers.result(status, json, etag)
        : core.answers.json(status, json, etag);
    }
    case 'not-found':
      return core.answers.notFound(here.context, 'delete');
    case 'invalid':
      return core.answers.error(outcome.status, outcome.error);
  }
}

/** `ZUMO-API-VERSION` from where the profile looks first, then the other place. */
function apiVersionRefusal(here: Route): HttpResponse | undefined {
  const { core, headers } = here;
  const fromHeader = headers['zumo-api-version'];
  // The query is searched only when it decides: SDKs send the header.
  const version =
    core.serverProfile.apiVersionFirst === 'header'
      ? fromHeader !== undefined && fromHeader !== ''
        ? fromHeader
        : firstParam(here.params, 'zumo-api-version')
      : (firstParam(here.params, 'zumo-api-version') ?? fromHeader);
  if (version !== undefined && API_VERSION.test(version.trim())) return undefined;
  return core.answers.apiVersion(version === undefined);
}

/**
 * A client pages through a pull with the same few query strings, and every client of a run
 * asks the same first page: each is parsed once. Parsed queries are shared, so they are frozen.
 */
const parsedQueries = new Map<string, TableQuery>();
const MAX_PARSED_QUERIES = 256;
const MAX_CACHED_QUERY_LENGTH = 2048;
processCaches.register('backend parsed queries', parsedQueries);

/** The query of `search`; `params` (its parameters) is called only when the cache cannot answer. */
function tableQueryOf(search: string, params: () => URLSearchParams, core: HttpCore): TableQuery {
  const query = cachedTableQuery(search, params);
  // Any non-empty `__includeDeleted` counts for the parsed query too: then it has the answer.
  const includeDeleted =
    core.serverProfile.includeDeleted === 'true' ? includeDeletedAsked(core, params()) : query.includeDeleted;
  return includeDeleted === query.includeDeleted ? query : { ...query, includeDeleted };
}

function cachedTableQuery(search: string, params: () => URLSearchParams): TableQuery {
  if (search.length > MAX_CACHED_QUERY_LENGTH) return parseTableQuery(params());
  let query = parsedQueries.get(search);
  if (query === undefined) {
    query = deepFreeze(parseTableQuery(params()));
    if (parsedQueries.size >= MAX_PARSED_QUERIES) parsedQueries.delete(parsedQueries.keys().next().value!);
    parsedQueries.set(search, query);
  }
  return query;
}

/** Whether the request asks for soft-deleted records, as the profile's server reads `__includeDeleted`. */
function includeDeletedAsked(core: HttpCore, params: URLSearchParams): boolean {
  if (core.serverProfile.includeDeleted === 'true')
    return (firstParam(params, '__includedeleted') ?? '').toLowerCase() === 'true';
  return (params.get('__includeDeleted') ?? '') !== '';
}

function firstParam(params: URLSearchParams, lowerCaseName: string): string | undefined {
  for (const [name, value] of params) if (name.toLowerCase() === lowerCaseName) return value;
  return undefined;
}

/**
 * `$top` and `$skip` as the Node server reads them: `parseInt`, so junk is ignored, `5abc` is 5,
 * and a negative `$top` becomes a negative SQLite LIMIT — every row.
 */
function parseIntCounts(params: URLSearchParams): { params: URLSearchParams; top?: number; skip?: number } {
  const rest = new URLSearchParams(params);
  rest.delete('$top');
  rest.delete('$skip');
  const top = Number.parseInt(params.get('$top') ?? '', 10);
  const skip = Number.parseInt(params.get('$skip') ?? '', 10);
  return {
    params: rest,
    ...(Number.isNaN(top) || top === 0 ? {} : { top }),
    ...(Number.isNaN(skip) || skip <= 0 ? {} : { skip }),
  };
}

function listRecords(
  here: Route,
  table: SqlTable,
  tablePath: string,
  observe: ((read: ServedRead) => void) | undefined,
): HttpResponse {
  const { core, context } = here;
  let query: TableQuery;
  let unlimited = false;
  if (core.quirks.counts === 'parse-int') {
    const counts = parseIntCounts(here.params);
    const rest = tableQueryOf(counts.params.toString(), () => counts.params, core);
    unlimited = counts.top !== undefined && counts.top < 0;
    query = {
      ...rest,
      ...(counts.top !== undefined && counts.top > 0 ? { top: counts.top } : {}),
      ...(counts.skip !== undefined ? { skip: counts.skip } : {}),
    };
  } else {
    query = tableQueryOf(context.search, () => here.params, core);
  }
  const owner = userOption(core, here.headers);
  const { result, records } = core.readPage(table, query, { unlimited, ...owner });
  if (observe !== undefined) {
    observe({
      table: table.name,
      served: records.map(stampOf),
      full: result.full,
      writes: table.writes,
      rowsMatching: (filter) => core.rowsMatching(table, filter, owner.user),
    });
  }
  const body = query.inlineCount
    ? `{"results":${table.json(result.results)},"count":${result.count ?? 0}}`
    : table.json(result.results);
  const link = nextLink(here, result, query, tablePath);
  return core.answers.result(200, body, link === undefined ? {} : { link });
}

function nextLink(here: Route, result: QueryResult, query: TableQuery, tablePath: string): string | undefined {
  const { paging } = here.core;
  const count = result.results.length;
  if (count === 0 || !result.full) return undefined;
  if (paging.linkWhen === 'more-rows' && result.more !== true) return undefined;
  return paging.link({
    request: here.context,
    tablePath,
    params: [...here.params],
    count,
    limit: result.limit,
    skip: query.skip ?? 0,
    moreRows: result.more === true,
  });
}

function readRecord(here: Route, table: SqlTable, id: string): HttpResponse {
  const { core } = here;
  const includeDeleted = core.serverProfile.singleRecordSeesDeleted && includeDeletedAsked(core, here.params);
  const record = core.getRecord(table, id, includeDeleted, userOption(core, here.headers).user);
  if (record === undefined) return core.answers.notFound(here.context, 'read');
  return core.answers.result(200, table.json(record), { etag: formatETag(record.version) });
}

function renderWrite(
  here: Route,
  outcome: WriteOutcome,
  operation: 'insert' | 'update' | 'delete' | 'undelete',
  table: SqlTable,
  tablePath: string,
): HttpResponse {
  const { answers } = here.core;
  switch (outcome.kind) {
    case 'written': {
      if (outcome.status === 204) return answers.noContent();
      const headers: HttpHeaders = { etag: formatETag(outcome.record.version) };
      if (operation === 'insert' && here.core.serverProfile.locationOnInsert)
        headers.location = `${here.context.baseUrl}/tables/${tablePath}/${encodeURIComponent(outcome.record.id)}`;
      return answers.result(outcome.status, table.json(outcome.record), headers);
    }
    case 'version-conflict':
    case 'precondition-failed':
      return answers.json(outcome.status, table.json(outcome.record), { etag: formatETag(outcome.record.version) });
    case 'id-taken':
      return answers.idTaken(table.name, outcome.id, JSON.stringify(outcome.item));
    case 'not-found':
      return answers.notFound(here.context, operation === 'insert' ? 'update' : operation);
    case 'invalid':
      return answers.error(outcome.status, outcome.error);
  }
}

/**
 * The body as a JSON object, or the profile's answer to what is wrong with it. A missing or
 * empty Content-Type is read as JSON, as the Node server's parseItem.js does.
 */
function readItem(here: Route, operation: 'insert' | 'update'): JsonObject {
  const { body, headers, core } = here;
  const contentType = headers['content-type'];
  if (contentType !== undefined && contentType.trim() !== '' && !isJsonContentType(contentType)) {
    if (core.quirks.nonJsonBody === 'missing-item')
      throw new BackendError(500, `An item to ${operation} was not provided`);
    throw new BackendError(
      415,
      `The request body must be sent as JSON (Content-Type: application/json), but its Content-Type is '${abbreviate(contentType)}'`,
    );
  }
  if (body === undefined || body.trim() === '') {
    if (operation === 'insert' && core.quirks.emptyInsert === 'empty-item') return {};
    throw new BackendError(400, 'The request body must be a JSON object, but it is empty');
  }
  let parsed: unknown;
  try {
    // Anything deeper than a record may nest is refused before it is parsed (thousands of levels
    // would cost a server under attack more than the request is worth) and before any code
    // serialises it again (an echo in a 409).
    parsed = readJson(body, { maxBytes: Number.MAX_SAFE_INTEGER, maxDepth: MAX_OBJECT_DEPTH + 1 });
  } catch (error) {
    if (error instanceof JsonTextError && error.reason === 'too-deep')
      throw new BackendError(400, `The request body is nested more than ${MAX_OBJECT_DEPTH} levels deep`);
    throw new BackendError(
      400,
      `The request body is not valid JSON: ${error instanceof JsonTextError ? error.found : String(error)}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const kind = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    throw new BackendError(400, `The request body must be a JSON object, but it is ${kind}`);
  }
  return parsed as JsonObject;
}

function isJsonContentType(value: string): boolean {
  const mediaType = value.split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || (mediaType.startsWith('application/') && mediaType.endsWith('+json'));
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
    if (!segment.includes('%')) return segment;
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

function withoutBodyIf(condition: boolean, response: HttpResponse): HttpResponse {
  return condition ? { ...response, body: '' } : response;
}

/** Lower-cased names and string values only, whatever a direct caller passed in. */
function lowerCaseKeys(headers: HttpHeaders | undefined): HttpHeaders {
  const result: HttpHeaders = {};
  if (headers === undefined || headers === null || typeof headers !== 'object') return result;
  for (const key of Object.keys(headers)) {
    const value: unknown = headers[key];
    if (typeof value === 'string') result[key.toLowerCase()] = value;
  }
  return result;
}

function abbreviate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
