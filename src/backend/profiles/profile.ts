/**
 * A server profile: everything in which one real Azure Mobile Apps server answers differently
 * from another, as data and small strategy functions. The backend core and the HTTP layer ask
 * the profile; they never ask which server it is.
 *
 * `compatibility` picks between the profile's two faces where syncwright deliberately answers
 * better than the real server (a 400 naming the problem where the real one crashes with a 500):
 * `default` gives the better answer, `exact` the real one, warts included.
 */
import type { IfMatchCondition } from '../../protocol/etag.js';
import type { HttpHeaders, HttpResponse } from '../../protocol/http.js';
import type { SqlDialect } from '../../protocol/odata/sql.js';
import type { RandomSource } from '../../kernel/random.js';

export const SERVER_PROFILE_NAMES = ['node', 'aspnet'] as const;
export type ServerProfileName = (typeof SERVER_PROFILE_NAMES)[number];

export const COMPATIBILITY_MODES = ['default', 'exact'] as const;
export type Compatibility = (typeof COMPATIBILITY_MODES)[number];

/** A timestamp as a table stores it: epoch ms (INTEGER) or fixed-width ISO text (TEXT). */
export type StoredTimestamp = number | string;

/** How one backend stamps, stores, parses and writes timestamps. Stateful: stamps never go back. */
export interface TimestampCodec {
  /** SQLite affinity of timestamp columns. */
  readonly affinity: 'INTEGER' | 'TEXT';
  /** The stored value of a write happening at clock time `ms` (fractions allowed). */
  stamp(ms: number): StoredTimestamp;
  /** The stored value an ISO-8601 text names, or undefined when it names none. */
  parse(text: string): StoredTimestamp | undefined;
  /** The wire text of a stored value. */
  format(stored: StoredTimestamp): string;
}

/** Where versions come from. Stateful when the server's versions are a counter. */
export interface VersionSource {
  /** A new version for a row written now; `previous` is the row's version before the write. */
  next(previous: string | undefined): string;
}

/** What the HTTP layer knows about the request it answers. */
export interface RequestContext {
  readonly method: string;
  /** The path as sent (percent-encoding kept). */
  readonly path: string;
  /** The query string as sent, without `?`. */
  readonly search: string;
  /** Absolute base URL the request reached, e.g. `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
}

/** A full page's answer, for the profile to decide on and write a `Link` header. */
export interface NextPage {
  readonly request: RequestContext;
  /** The table's name as the URL spelled it. */
  readonly tablePath: string;
  /** The query parameters as sent, in order. */
  readonly params: readonly (readonly [string, string])[];
  /** Records in this page. */
  readonly count: number;
  /** The page's size limit (`$top`, else the table's page size). */
  readonly limit: number;
  /** `$skip` of this page (0 when absent). */
  readonly skip: number;
  /** True when rows exist past this page (only asked for when {@link PagingRules.linkWhen} is `more-rows`). */
  readonly moreRows: boolean;
}

/**
 * Where the real server is plainly broken and syncwright answers better by default: each field's
 * first value is the better answer, its second the real one (`compatibility: 'exact'`).
 */
export interface Quirks {
  /** A query the backend cannot run (bad syntax, unknown property): a 400 naming it, or the real 500. */
  readonly queryErrors: 'client-error' | 'server-error';
  /** `$top`/`$skip` that are not non-negative integers: refused, or read by parseInt (junk ignored, a negative `$top` returns every row). */
  readonly counts: 'strict' | 'parse-int';
  /** A body whose content type is not JSON: 415, or the real 500 (the body parser skips it, the item is missing). */
  readonly nonJsonBody: 'unsupported-media-type' | 'missing-item';
  /** A property the table does not have: 400, or the real 500 from SQLite. */
  readonly unknownProperty: 'client-error' | 'server-error';
  /** HEAD: answered as GET without a body, or the real 500. */
  readonly head: 'like-get' | 'server-error';
  /** An empty JSON body on insert: 400, or an empty item inserted. */
  readonly emptyInsert: 'refused' | 'empty-item';
  /** DELETE of a collection without `$filter`: a 400 saying why, or the real server's SQL syntax error (500). */
  readonly collectionDelete: 'explained' | 'sql-error';
}

export interface PagingRules {
  /** `$top` above the table's `maxTop` is refused (Node) or there is no limit (ASP.NET's EnableQuery without MaxTop). */
  readonly enforceMaxTop: boolean;
  /** `$top` above the page size: returned whole (Node: take = $top) or cut to the page size (ASP.NET). */
  readonly topBeyondPageSize: 'returned' | 'paged';
  /** A `Link` on every full page (Node), or only when more rows exist (ASP.NET). */
  readonly linkWhen: 'full-page' | 'more-rows';
  /** The `Link` header's value for the next page. */
  link(page: NextPage): string;
}

/** The parts of the answers that only the real server's wording and shape decide. */
export interface ProfileAnswers {
  /** No route takes this method and path (an unknown table too). */
  noRoute(request: RequestContext): HttpResponse;
  /** A missing (`missing`) or unsupported ZUMO-API-VERSION. */
  apiVersion(missing: boolean): HttpResponse;
  /** `OPTIONS` on a table route. */
  options(request: RequestContext): HttpResponse;
  /** A method no table route takes (PUT…). */
  methodNotAllowed(request: RequestContext, allowed: string): HttpResponse;
  /** A JSON error answer in the profile's shape. */
  error(status: number, message: string): HttpResponse;
  /** A successful JSON answer carrying records (with the cache headers the server adds to those). */
  result(status: number, body: string, headers?: HttpHeaders): HttpResponse;
  /** Any other JSON answer: a conflict's current record. */
  json(status: number, body: string, headers?: HttpHeaders): HttpResponse;
  /** The record asked for (GET, PATCH, DELETE, undelete) is not there. */
  notFound(request: RequestContext, operation: 'read' | 'update' | 'delete' | 'undelete'): HttpResponse;
  /** An insert of an id that is taken; `item` is the request body. */
  idTaken(table: string, id: string, itemJson: string): HttpResponse;
  /** A DELETE with no content to return. */
  noContent(): HttpResponse;
}

/** What an `If-Match` header asks for, or why the server refuses it (a 400). */
export type IfMatchReading = IfMatchCondition | { readonly kind: 'invalid'; readonly message: string };

export interface ServerProfile {
  readonly name: ServerProfileName;
  /** What it imitates, in words. */
  readonly imitates: string;
  /** The `x-zumo-server-version` header value. */
  readonly serverVersion: string;
  /** The SQL reading of `$filter` and `$orderby`. */
  sqlDialect(compatibility: Compatibility, timestamps: TimestampCodec): SqlDialect;
  /** The backend's timestamps; `random` places writes within a millisecond where the server's clock is finer. */
  createTimestamps(random: RandomSource): TimestampCodec;
  createVersions(compatibility: Compatibility, random: RandomSource): VersionSource;
  /** An id for an inserted item that has none. */
  newId(random: RandomSource): string;
  /** Rows that tie on `$orderby` come back in insertion order (SQLite rowid) or by id (Web API's stable ordering). */
  readonly tieBreak: 'insertion' | 'id';
  /** The collation's sort key of a string, when the profile's collation is not code-point order. */
  readonly sortKey?: (text: string) => string;
  /** Property order in records: the table's own columns first (Node's sqlite table layout) or the id first. */
  readonly recordOrder: 'columns-first' | 'id-first';
  /**
   * `createdAt`, `updatedAt` and `deleted` in a body: refused with a 400 (Node), or the two
   * timestamps ignored because the database computes them and `deleted` written (ASP.NET).
   */
  readonly systemPropertiesInBody: 'reserved' | 'database-generated';
  /** How `If-Match` is read. */
  readIfMatch(header: string | undefined): IfMatchReading;
  /** How an `autoIncrement` table's ids travel: JSON numbers (Node's INTEGER id column) or strings (ASP.NET's string DTO id). */
  readonly integerIds: 'number' | 'string';
  /** `__includeDeleted` counts when it has any value (Node) or only when it is `true` (ASP.NET). */
  readonly includeDeleted: 'any-value' | 'true';
  /** Whether GET and PATCH of one record see a soft-deleted one when `__includeDeleted` asks (ASP.NET does). */
  readonly singleRecordSeesDeleted: boolean;
  /** Statuses of the writes that succeed. */
  readonly statuses: { readonly delete: 200 | 204; readonly undelete: 200 | 201 };
  /** An id the body gives next to the URL's: message of the 400 when they differ. */
  idMismatch(urlId: string, bodyId: string): string;
  /** Message of the 400 for a reserved property in a body (profiles that reserve them). */
  reservedProperty(property: string): string;
  /** Message of a write refused because the record is not there, for direct (non-HTTP) callers. */
  readonly notFoundMessage: string;
  /** Query errors worded plainly (`Invalid $filter …`) or as Web API OData words them (`The query specified in the URI is not valid. …`). */
  readonly errorWording: 'plain' | 'web-api';
  /** Whether an insert's answer carries `Location` (ASP.NET's CreatedAtRoute). */
  readonly locationOnInsert: boolean;
  /** Fractional-second digits of the timestamps it sends: 3 (milliseconds) or 7 (`datetimeoffset(7)` ticks). */
  readonly timestampDigits: 3 | 7;
  paging(compatibility: Compatibility): PagingRules;
  answers(compatibility: Compatibility): ProfileAnswers;
  quirks(compatibility: Compatibility): Quirks;
  /** Where ZUMO-API-VERSION is looked for first: the header (Node) or the query string (ASP.NET). */
  readonly apiVersionFirst: 'header' | 'query';
  /** Whether the API version is checked before the table is looked up (Node's check sits on `/tables`). */
  readonly apiVersionBeforeRouting: boolean;
  /** Whether PATCH and DELETE have routes on the collection (`/tables/t`), the id coming from the body or a `$filter`. */
  readonly collectionWrites: boolean;
  /** SQL functions the profile's dialect calls, registered on the backend's database. */
  readonly sqlFunctions: readonly { readonly name: string; readonly fn: (value: unknown) => unknown }[];
}
