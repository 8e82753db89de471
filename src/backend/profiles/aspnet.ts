/**
 * The ASP.NET server: Microsoft.Azure.Mobile.Server 2.0 (Azure/azure-mobile-apps-net-server) on
 * Entity Framework 6 and SQL Server, with the quickstart's TodoItemController. Read from the
 * server's public source; the table in docs/server-profiles.md cites the file for each answer.
 */
import { formatIsoTicks, formatTrimmedMilliseconds, parseIsoTicks } from '../../protocol/datetime.js';
import { versionFromETag } from '../../protocol/etag.js';
import type { HttpHeaders, HttpResponse } from '../../protocol/http.js';
import type { DateDialect } from '../../protocol/odata/sql.js';
import type { RandomSource } from '../../kernel/random.js';
import { COLLATION_FUNCTIONS, COLLATION_SQL_FUNCTIONS, collationKey } from './collation.js';
import type {
  IfMatchReading,
  NextPage,
  ProfileAnswers,
  RequestContext,
  ServerProfile,
  StoredTimestamp,
  TimestampCodec,
  VersionSource,
} from './profile.js';

/** MobileAppControllerAttribute.cs: `net-` and the assembly's file version (CommonAssemblyInfo.cs). */
export const ASPNET_SERVER_VERSION = 'net-2.0.4';
const JSON_TYPE = 'application/json; charset=utf-8';
const API_VERSION_LINK = 'http://go.microsoft.com/fwlink/?LinkId=690568#2.0.0';
/** JavaScript dates reach ±8.64e15 ms; beyond that toISOString throws. */
const LARGEST_DATE_MS = 8.64e15;
/** The first rowversion a new database hands out (syncwright's choice of start; only the counting matters). */
const FIRST_ROWVERSION = 2001;

/**
 * `datetimeoffset(7)`: stored as fixed-width ISO text with seven fractional digits, stamped by
 * `SYSUTCDATETIME()`; the wire shows `yyyy-MM-ddTHH:mm:ss.FFFZ`. The simulated clock counts whole
 * milliseconds, SQL Server's clock does not: the first write of a millisecond lands at a random
 * tick within it (from the run's seed), the next ones at the ticks after it. A write never gets
 * the stamp of the one before.
 */
function ticksTimestamps(random: RandomSource): TimestampCodec {
  let last: { ms: number; ticks: number } | undefined;
  return {
    affinity: 'TEXT',
    stamp(ms) {
      const whole = Math.floor(ms);
      const next =
        last === undefined || whole > last.ms
          ? { ms: whole, ticks: random.nextUint32() % 10_000 }
          : last.ticks === 9999
            ? { ms: last.ms + 1, ticks: 0 }
            : { ms: last.ms, ticks: last.ticks + 1 };
      last = next;
      return formatIsoTicks(next.ms, next.ticks);
    },
    parse(text) {
      const parsed = parseIsoTicks(text);
      if (parsed === undefined || Math.abs(parsed.ms) > LARGEST_DATE_MS) return undefined;
      return formatIsoTicks(parsed.ms, parsed.ticks);
    },
    format: (stored: StoredTimestamp) => formatTrimmedMilliseconds(String(stored)),
  };
}

const TICKS_DATES: DateDialect = {
  storedValue: (text) => {
    const parsed = parseIsoTicks(text);
    return parsed === undefined ? undefined : formatIsoTicks(parsed.ms, parsed.ticks);
  },
  strftime: { before: '', after: '' },
  literals: 'datetimeoffset',
};

/**
 * SQL Server's rowversion: one 8-byte counter for the whole database, bumped by every insert and
 * update, sent as base64 (`AAAAAAAAB9E=`).
 */
function rowversions(): VersionSource {
  let counter = FIRST_ROWVERSION - 1;
  return {
    next() {
      counter++;
      const high = Math.floor(counter / 2 ** 32);
      const low = counter >>> 0;
      let bytes = '';
      for (const word of [high, low])
        bytes += String.fromCharCode(word >>> 24, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff);
      return btoa(bytes);
    },
  };
}

/**
 * GetVersionFromIfMatch (TableHttpRequestMessageExtensions.cs): `*` is no condition; a weak
 * ETag, several ETags or one that is not base64 is a 400.
 */
function readIfMatch(header: string | undefined): IfMatchReading {
  if (header === undefined) return { kind: 'absent' };
  const value = header.trim();
  if (value === '*') return { kind: 'absent' };
  const invalid = (shown: string): IfMatchReading => ({
    kind: 'invalid',
    message: `The HTTP If-Match header is invalid: '${shown}'. Updating an existing resource requires a single, strong ETag, or a wildcard ETag.`,
  });
  if (value.startsWith('W/') || /^"[^"]*"\s*,/.test(value)) return invalid(value);
  const version = versionFromETag(value);
  if (version === undefined || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(version))
    return invalid(value);
  return { kind: 'version', version };
}

/** Uri.EscapeDataString (.NET 4.5+): only RFC 3986's unreserved characters stay as they are. */
function escapeDataString(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Web API OData's next page link: the request's parameters in order, `$top` less the page size,
 * `$skip` taken out and added back at the end grown by the page size; written by LinkHeader.cs
 * as the absolute URI and `; rel=next`.
 */
function webApiLink(page: NextPage): string {
  const parts: string[] = [];
  let skip = page.limit;
  for (const [name, value] of page.params) {
    if (name === '$skip') {
      const parsed = Number.parseInt(value, 10);
      if (!Number.isNaN(parsed)) skip += parsed;
      continue;
    }
    let shown = value;
    if (name === '$top') {
      const top = Number.parseInt(value, 10);
      if (!Number.isNaN(top)) shown = String(top - page.limit);
    }
    const key = name.startsWith('$') ? `$${escapeDataString(name.slice(1))}` : escapeDataString(name);
    parts.push(`${key}=${escapeDataString(shown)}`);
  }
  parts.push(`$skip=${skip}`);
  return `${page.request.baseUrl}${page.request.path}?${parts.join('&')}; rel=next`;
}

/** The request's absolute URI, as Web API's error messages quote it. */
function requestUri(request: RequestContext): string {
  return `${request.baseUrl}${request.path}${request.search === '' ? '' : `?${request.search}`}`;
}

function aspnetAnswers(): ProfileAnswers {
  const json = (status: number, body: string, headers: HttpHeaders = {}, versioned = true): HttpResponse => ({
    status,
    headers: {
      'content-type': JSON_TYPE,
      ...(versioned ? { 'x-zumo-server-version': ASPNET_SERVER_VERSION } : {}),
      ...headers,
    },
    body,
  });
  // HttpError serialised camelCase (ServiceContractResolver.cs): `{"message": …}`.
  const error = (status: number, message: string, versioned = true) =>
    json(status, JSON.stringify({ message }), {}, versioned);
  const empty = (status: number): HttpResponse => ({
    status,
    headers: { 'x-zumo-server-version': ASPNET_SERVER_VERSION },
    body: '',
  });
  // Routing and action selection fail before MobileAppControllerAttribute runs: no version header.
  const notAllowed = (method: string) =>
    error(405, `The requested resource does not support http method '${method}'.`, false);
  return {
    noRoute: (request) =>
      error(404, `No HTTP resource was found that matches the request URI '${requestUri(request)}'.`, false),
    apiVersion: (missing) =>
      error(
        400,
        `${missing ? 'No API version was specified' : 'An invalid API version was specified'} in the request, this request needs to specify a ZUMO-API-VERSION of '2.0.0'.  For more information and supported clients see: ${API_VERSION_LINK}`,
        false,
      ),
    options: () => notAllowed('OPTIONS'),
    methodNotAllowed: (request) => notAllowed(request.method),
    error: (status, message) => error(status, message),
    // SetCachePolicy (MobileAppControllerAttribute.cs, CachePolicyProvider.cs): GET answers are not to be cached.
    result: (status, body, headers = {}) =>
      json(status, body, { ...headers, 'cache-control': 'no-cache', pragma: 'no-cache', expires: '0' }),
    json,
    notFound: (request, operation) =>
      operation === 'update' || operation === 'undelete'
        ? error(404, `No HTTP resource was found that matches the request URI '${requestUri(request)}'.`)
        : empty(404),
    idTaken: (table, id) => {
      // EF's table for the entity TodoItem is dbo.TodoItems.
      const sqlTable = `dbo.${table}s`;
      return error(
        409,
        `The operation failed due to a conflict: 'Violation of PRIMARY KEY constraint 'PK_${sqlTable}'. Cannot insert duplicate key in object '${sqlTable}'. The duplicate key value is (${id}).\r\nThe statement has been terminated.'.`,
      );
    },
    noContent: () => empty(204),
  };
}

const ASPNET_QUIRKS = {
  queryErrors: 'client-error',
  counts: 'strict',
  nonJsonBody: 'unsupported-media-type',
  unknownProperty: 'client-error',
  head: 'like-get',
  emptyInsert: 'refused',
  collectionDelete: 'explained',
} as const;

export const ASPNET_PROFILE: ServerProfile = {
  name: 'aspnet',
  imitates: 'Microsoft.Azure.Mobile.Server 2.0.4 (ASP.NET Web API, Entity Framework 6, SQL Server)',
  serverVersion: ASPNET_SERVER_VERSION,
  sqlDialect: () => ({
    nulls: 'null-safe',
    strings: { kind: 'collated', keyFunction: COLLATION_FUNCTIONS.key, foldFunction: COLLATION_FUNCTIONS.fold },
    dates: TICKS_DATES,
    functions: 'standard',
  }),
  createTimestamps: (random) => ticksTimestamps(random),
  createVersions: () => rowversions(),
  // EntityDomainManager.InsertAsync: Guid.NewGuid().ToString("N") — 32 hex digits, no dashes.
  newId: (random: RandomSource) => random.uuid().replace(/-/g, ''),
  tieBreak: 'id',
  sortKey: collationKey,
  recordOrder: 'id-first',
  systemPropertiesInBody: 'database-generated',
  readIfMatch,
  integerIds: 'string',
  includeDeleted: 'true',
  singleRecordSeesDeleted: true,
  statuses: { delete: 204, undelete: 200 },
  idMismatch: (urlId, bodyId) =>
    `The 'Id' field in the HTTP request body must match the values used in the request URI. Expected a value of '${urlId}' but received '${bodyId}'.`,
  reservedProperty: (property) => `The property '${property}' is set by the database`,
  notFoundMessage: 'The item does not exist',
  errorWording: 'web-api',
  timestampDigits: 7,
  locationOnInsert: true,
  paging: () => ({ enforceMaxTop: false, topBeyondPageSize: 'paged', linkWhen: 'more-rows', link: webApiLink }),
  answers: aspnetAnswers,
  quirks: () => ASPNET_QUIRKS,
  apiVersionFirst: 'query',
  apiVersionBeforeRouting: false,
  collectionWrites: false,
  sqlFunctions: COLLATION_SQL_FUNCTIONS,
};
