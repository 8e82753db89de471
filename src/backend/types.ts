/** The simulated backend as the rest of syncwright sees it. */
import type { HttpRequest, HttpResponse } from '../protocol/http.js';
import type { TableQuery } from '../protocol/odata/query.js';
import type { JsonObject, RecordStamp, ServerRecord, TableDefinition } from '../protocol/records.js';
import type { ServerVariants } from './server-variants.js';
import type { Clock } from '../kernel/clock.js';
import type { RandomSource } from '../kernel/random.js';
import type { Compatibility, ServerProfileName } from './profiles/profile.js';

/** Options of a simulated backend; the less kind variants (server-variants.ts) among them. */
export interface BackendOptions extends ServerVariants {
  /** The tables to serve. Default: `[TODOITEM_TABLE]`. */
  tables?: TableDefinition[];
  /** Where `createdAt`/`updatedAt` come from. Default: the wall clock. */
  clock?: Clock;
  /** Where generated ids and versions come from. Default: a SeededRandom of `seed`. */
  random?: RandomSource;
  /** Seed of the default random source (ignored when `random` is given). Default `'backend'`. */
  seed?: number | string;
  /** Largest request body accepted, in bytes (UTF-8). Default 1 MiB; larger bodies get a 413. */
  maxBodyBytes?: number;
  /** Public base URL for `Link` headers when a request carries no usable Host. Default `http://localhost`. */
  baseUrl?: string;
  /** The real server to imitate: `node` (azure-mobile-apps 4.0.2, the default) or `aspnet` (Microsoft.Azure.Mobile.Server). */
  profile?: ServerProfileName;
  /**
   * `default`: where the real server is plainly broken (a 500 for a filter that does not parse),
   * answer better. `exact`: the real server's answer, warts included.
   */
  compatibility?: Compatibility;
}

export interface HandleOptions {
  /**
   * The public base URL this request reached the backend at (`https://app.example.com`), used
   * for absolute `Link` URLs. Default: `http://<Host header>`, else the backend's `baseUrl`.
   */
  baseUrl?: string;
  /**
   * Told, synchronously and before `handle` returns, about a table query the backend answered:
   * what it served, and a way to ask what else the table held at that very moment. The backend
   * keeps no record of its own; whoever calls it decides what to keep.
   */
  observeRead?: (read: ServedRead) => void;
}

/** A table query the backend answered, as {@link HandleOptions.observeRead} is told of it. */
export interface ServedRead {
  /** The table's name as defined (URLs are case-insensitive). */
  readonly table: string;
  /** The page, in the order served (system properties even when `$select` left them out). */
  readonly served: readonly RecordStamp[];
  /** Whether the page reached its limit (`$top` or the page size): a client reads on after a full page. */
  readonly full: boolean;
  /** Writes the table has taken so far: while it stays the same, so do the table's rows. */
  readonly writes: number;
  /**
   * Every row of the table, soft-deleted ones included, that the OData `filter` matches (every
   * row when none), as the table is while the observer runs. @throws ODataQueryError for a bad filter
   */
  rowsMatching(filter?: string): RecordStamp[];
}

/** `If-Match` for a direct write: a version, quoted or not (read as the profile's server reads it). */
export interface InsertOptions {
  /**
   * A write straight into the database (an editor, the admin API), not a request: under the
   * `nullUpdatedAt` server variant it is an imported row whose `updatedAt` stays null.
   */
  direct?: boolean;
  /** Under `perUser`: the user the row is stamped with. Absent: an admin's write, stamping none. */
  user?: string;
}

export interface WriteOptions {
  ifMatch?: string;
  /** A PATCH may reach a soft-deleted record, on profiles whose server lets `__includeDeleted` do that. */
  includeDeleted?: boolean;
  /** Under `perUser`: the user writing, who reaches only their own rows. Absent: an admin, who reaches every row. */
  user?: string;
}

/**
 * What a write did, exactly as an HTTP client would learn it. Direct writes and HTTP writes run
 * the same code and return the same outcome; the HTTP layer only renders it.
 */
export type WriteOutcome =
  /** 204: the profile's DELETE answers with no content (the record is what the row became). */
  | { readonly kind: 'written'; readonly status: 200 | 201 | 204; readonly record: ServerRecord }
  /** Insert of an id that exists (soft-deleted rows included); the Node server echoes the request item. */
  | { readonly kind: 'id-taken'; readonly status: 409; readonly id: string; readonly item: JsonObject }
  /** PATCH without If-Match whose body carries a stale `version`: the current record comes back. */
  | { readonly kind: 'version-conflict'; readonly status: 409; readonly record: ServerRecord }
  | { readonly kind: 'precondition-failed'; readonly status: 412; readonly record: ServerRecord }
  | { readonly kind: 'not-found'; readonly status: 404; readonly error: string }
  | { readonly kind: 'invalid'; readonly status: number; readonly error: string };

export interface QueryResult {
  readonly results: ServerRecord[];
  /** Present when the query asked for `inlineCount`: every match, ignoring paging. */
  readonly count?: number;
  /** True when the page is full (as many records as the limit): a next page may exist. */
  readonly full: boolean;
  /** The limit that applied: `$top`, else the table's page size. */
  readonly limit: number;
  /** Whether rows exist past this page; only known to profiles that write a next link only then. */
  readonly more?: boolean;
}

/** Every row of every table, soft-deleted ones included, each table sorted by id. */
export type BackendSnapshot = Record<string, ServerRecord[]>;

export interface Backend {
  /** The core: one request in, one response out (plain data, no sockets). Never rejects. */
  handle(request: HttpRequest, options?: HandleOptions): Promise<HttpResponse>;
  /** Largest accepted request body in bytes; front doors that stream bodies enforce it early. */
  readonly maxBodyBytes: number;
  /** The real server this backend imitates. */
  readonly profile: ServerProfileName;
  readonly compatibility: Compatibility;
  /** An error answer in the profile's shape, for a front door's own failures (a body over the limit…). */
  errorResponse(status: number, message: string): HttpResponse;

  /** The served tables, with defaults filled in. */
  tables(): TableDefinition[];
  /** Adds a table. @throws TableDefinitionError for an invalid or duplicate definition. */
  defineTable(definition: TableDefinition): void;

  /**
   * Puts rows in place directly, for setting up a scenario. Rows may carry system properties
   * (`createdAt`, `updatedAt`, `version`, `deleted`); missing ones are generated. Returns the
   * stored records. @throws BackendError on an invalid row or a taken id.
   */
  seed(table: string, rows: JsonObject[]): ServerRecord[];
  /**
   * Rows in insertion order; live rows only unless `includeDeleted`. Direct access names every id
   * as a string: on the wire an `autoIncrement` table's ids are JSON numbers. @throws UnknownTableError
   */
  rows(table: string, options?: { includeDeleted?: boolean }): ServerRecord[];
  /** One row, or undefined (a soft-deleted row only with `includeDeleted`). @throws UnknownTableError */
  get(table: string, id: string, options?: { includeDeleted?: boolean }): ServerRecord | undefined;
  /** Runs a query as `GET /tables/:table?…` would. @throws BackendError, ODataQueryError */
  query(table: string, query: TableQuery | string): QueryResult;

  // Writes as "another user": the same code path as HTTP, so versions and updatedAt move alike.
  insert(table: string, item: JsonObject, options?: InsertOptions): WriteOutcome;
  /** PATCH: merges `patch` into the record. */
  update(table: string, id: string, patch: JsonObject, options?: WriteOptions): WriteOutcome;
  delete(table: string, id: string, options?: WriteOptions): WriteOutcome;
  undelete(table: string, id: string, options?: WriteOptions): WriteOutcome;

  snapshot(): BackendSnapshot;
  /** Frees the database. The backend cannot be used afterwards. */
  close(): void;
}
