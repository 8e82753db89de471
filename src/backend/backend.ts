/**
 * The simulated Azure Mobile Apps table service: tables in one in-memory SQLite database, the
 * write and concurrency rules of the real server its profile names, and one `handle(request)`
 * over them.
 */
import {
  cappedLimit,
  isPerUser,
  shuffleTies,
  USER_ID_COLUMN,
  validateServerVariants,
  type ServerVariants,
} from './server-variants.js';
import { and, compare, literal, property, type FilterExpression } from '../protocol/odata/ast.js';
import type { Database } from 'sql.js';
import type { HttpRequest, HttpResponse } from '../protocol/http.js';
import { ifMatchAllows } from '../protocol/etag.js';
import { UnknownColumnError } from '../protocol/odata/errors.js';
import { parseFilter } from '../protocol/odata/parser.js';
import { parseTableQuery, type TableQuery } from '../protocol/odata/query.js';
import type { SqlDialect, SqlValue } from '../protocol/odata/sql.js';
import {
  RESERVED_PROPERTIES,
  TODOITEM_TABLE,
  type JsonObject,
  type JsonValue,
  type RecordStamp,
  type ServerRecord,
  type TableDefinition,
} from '../protocol/records.js';
import { RealClock, type Clock } from '../kernel/clock.js';
import { SeededRandom, type RandomSource } from '../kernel/random.js';
import { BackendError, TableDefinitionError, UnknownTableError } from './errors.js';
import {
  closedResponse,
  handleHttp,
  type BulkDeleteOutcome,
  type HttpCore,
  type RunQueryOptions,
} from './http-handler.js';
import { closeDatabase, MEMORY_SCHEMA, openMemoryDatabase } from '../sqlite/sqljs.js';
import { profileNamed } from './profiles/index.js';
import {
  COMPATIBILITY_MODES,
  type Compatibility,
  type PagingRules,
  type ProfileAnswers,
  type Quirks,
  type ServerProfile,
  type ServerProfileName,
  type TimestampCodec,
  type VersionSource,
} from './profiles/profile.js';
import {
  toTableDefinition,
  validateTableDefinition,
  validateTableDefinitions,
  type ResolvedTableDefinition,
} from './table-definition.js';
import { SqlTable, type StoredRow, type TableRules } from './table-store.js';
import type {
  Backend,
  BackendOptions,
  BackendSnapshot,
  HandleOptions,
  QueryResult,
  InsertOptions,
  WriteOptions,
  WriteOutcome,
} from './types.js';
import { encodeValue, jsonTypeOf, requireId, stampOf } from './values.js';
import { MAX_BODY_BYTES } from '../protocol/limits.js';
import { toJsonSafe } from '../kernel/json-safe.js';

/** The backend's body limit unless told otherwise (see protocol/limits.ts). */
export const DEFAULT_MAX_BODY_BYTES = MAX_BODY_BYTES;
export { MAX_ID_LENGTH } from '../protocol/limits.js';
const RESERVED_LOWER_CASE: ReadonlySet<string> = new Set(RESERVED_PROPERTIES.map((name) => name.toLowerCase()));

/**
 * Creates a backend with its own in-memory database.
 *
 * @example
 * const backend = await createBackend({ clock: new ManualClock(), seed: 1 });
 * const response = await backend.handle({
 *   method: 'POST', url: '/tables/todoitem',
 *   headers: { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' },
 *   body: JSON.stringify({ text: 'milk' }),
 * });
 * // response.status === 201, response.headers.etag === '"<version>"'
 */
export async function createBackend(options: BackendOptions = {}): Promise<Backend> {
  validateServerVariants(options);
  const definitions = validateTableDefinitions(options.tables ?? [TODOITEM_TABLE]);
  const profile = profileNamed(options.profile ?? 'node');
  const compatibility = options.compatibility ?? 'default';
  if (!(COMPATIBILITY_MODES as readonly string[]).includes(compatibility))
    throw new RangeError(
      `compatibility must be one of ${COMPATIBILITY_MODES.join(', ')}, got ${JSON.stringify(compatibility)}`,
    );
  const idle = takeIdleDatabase(signatureOf(definitions, profile, compatibility));
  if (idle !== undefined)
    return new SimulatedBackend(idle.db, options, profile, compatibility, definitions, idle.tables);
  const db = await openMemoryDatabase();
  try {
    return new SimulatedBackend(db, options, profile, compatibility, definitions, []);
  } catch (error) {
    closeDatabase(db);
    throw error;
  }
}

/**
 * The simulator makes a backend per run, and opening a database, creating its tables and
 * preparing their statements cost more than the writes of a short run. So a closed backend's
 * database is emptied (rows deleted, `seq` back to 1, tables and statements kept) and handed
 * to the next backend created with the very same table definitions: a database that answers
 * every query as a new one would. One that held more than a few pages is closed instead.
 */
interface IdleDatabase {
  readonly db: Database;
  readonly signature: string;
  readonly tables: readonly SqlTable[];
}

const idleDatabases: IdleDatabase[] = [];
const MAX_IDLE_DATABASES = 8;
const MAX_IDLE_PAGES = 64;

/** Tables are made for one profile and compatibility (column affinities, dialect): both are part of the key. */
function signatureOf(
  definitions: readonly ResolvedTableDefinition[],
  profile: ServerProfile,
  compatibility: Compatibility,
): string {
  return JSON.stringify([profile.name, compatibility, definitions]);
}

function takeIdleDatabase(signature: string): IdleDatabase | undefined {
  const index = idleDatabases.findIndex((idle) => idle.signature === signature);
  return index < 0 ? undefined : idleDatabases.splice(index, 1)[0];
}

/** Keeps the database for a later backend when it is small; false when the caller must close it. */
function keepIdle(db: Database, tables: readonly SqlTable[], signature: string): boolean {
  if (idleDatabases.length >= MAX_IDLE_DATABASES) return false;
  try {
    const pages = Number(
      db.exec(`PRAGMA "${MEMORY_SCHEMA}".page_count`)[0]?.values[0]?.[0] ?? Number.POSITIVE_INFINITY,
    );
    if (pages > MAX_IDLE_PAGES) return false;
    for (const table of tables) table.empty();
  } catch {
    return false;
  }
  idleDatabases.push({ db, signature, tables });
  return true;
}

class SimulatedBackend implements Backend, HttpCore {
  readonly maxBodyBytes: number;
  readonly baseUrl: string;
  readonly answers: ProfileAnswers;
  readonly paging: PagingRules;
  readonly quirks: Quirks;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly timestamps: TimestampCodec;
  private readonly versions: VersionSource;
  private readonly rules: TableRules;
  /** By lower-cased name: table URLs are case-insensitive, as express routes are. */
  private readonly tablesByName = new Map<string, SqlTable>();
  /**
   * Each table's rows at its last {@link snapshot}, and its write count then (a table is emptied,
   * and its count reset, only once its backend has closed). The world takes a snapshot around
   * every step, and most steps leave the server alone: in a run of the SDK's generated tutorial,
   * 19 of 22 table snapshots found the table as the last one had left it.
   */
  private readonly snapshots = new Map<SqlTable, { readonly writes: number; readonly rows: readonly ServerRecord[] }>();
  private tableCount = 0;
  private closed = false;
  /** A cap on every page (`topCap`), when the server is that unkind. */
  private readonly topCap: ServerVariants;
  /** Draws the order of tied records on every request, when ties are shuffled (its own stream: ids and versions keep theirs). */
  private readonly tieOrder: RandomSource | undefined;
  /** Deletes remove the row even from a table whose records carry `deleted` (a server without tombstones). */
  private readonly hardDeletes: boolean;
  /** Direct inserts, and seeded rows that name no updatedAt, are imported rows: their updatedAt stays null. */
  private readonly nullUpdatedAt: boolean;
  /** Rows belong to the users who inserted them (server-variants.ts `perUser`). */
  readonly perUser: boolean;

  constructor(
    private readonly db: Database,
    options: BackendOptions,
    readonly serverProfile: ServerProfile,
    readonly compatibility: Compatibility,
    definitions: readonly ResolvedTableDefinition[],
    /** An idle database's tables, made from `definitions`, emptied. */
    reused: readonly SqlTable[],
  ) {
    this.clock = options.clock ?? new RealClock();
    this.random = options.random ?? new SeededRandom(options.seed ?? 'backend');
    this.topCap = options.topCap === undefined ? {} : { topCap: options.topCap };
    this.tieOrder = options.ties === 'shuffled' ? this.random.fork('ties') : undefined;
    this.hardDeletes = options.deletes === 'hard';
    this.nullUpdatedAt = options.nullUpdatedAt === true;
    this.perUser = isPerUser(options);
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (!Number.isSafeInteger(this.maxBodyBytes) || this.maxBodyBytes <= 0) {
      throw new RangeError(`maxBodyBytes must be a positive integer, got ${String(options.maxBodyBytes)}`);
    }
    this.baseUrl = (options.baseUrl ?? 'http://localhost').replace(/\/+$/, '');
    const profile = serverProfile;
    this.answers = profile.answers(compatibility);
    this.paging = profile.paging(compatibility);
    this.quirks = profile.quirks(compatibility);
    this.timestamps = profile.createTimestamps(this.random);
    this.versions = profile.createVersions(compatibility, this.random);
    const dialect: SqlDialect = profile.sqlDialect(compatibility, this.timestamps);
    this.rules = {
      timestamps: this.timestamps,
      dialect,
      tieBreak: profile.tieBreak,
      ...(profile.sortKey !== undefined ? { idSortKey: profile.sortKey } : {}),
      recordOrder: profile.recordOrder,
      integerIds: profile.integerIds,
    };
    for (const { name, fn } of profile.sqlFunctions) db.create_function(name, fn);
    for (const definition of definitions) {
      const table = reused[this.tableCount];
      if (table !== undefined) {
        this.requireOwnerColumn(definition);
        this.tablesByName.set(definition.name.toLowerCase(), table);
        this.tableCount++;
      } else {
        this.addTable(definition);
      }
    }
  }

  handle(request: HttpRequest, options?: HandleOptions): Promise<HttpResponse> {
    if (this.closed) return Promise.resolve(closedResponse(this.answers));
    return Promise.resolve(handleHttp(this, request, options));
  }

  get profile(): ServerProfileName {
    return this.serverProfile.name;
  }

  errorResponse(status: number, message: string): HttpResponse {
    return this.answers.error(status, message);
  }

  tables(): TableDefinition[] {
    return [...this.tablesByName.values()].map((table) => toTableDefinition(table.definition));
  }

  defineTable(definition: TableDefinition): void {
    const resolved = validateTableDefinition(definition);
    if (this.tablesByName.has(resolved.name.toLowerCase())) {
      throw new TableDefinitionError('table.name', 'a table name not already served', `'${resolved.name}'`);
    }
    this.addTable(resolved);
  }

  findTable(name: string): SqlTable | undefined {
    return this.tablesByName.get(name.toLowerCase());
  }

  // ── direct access ──────────────────────────────────────────────────────────

  seed(tableName: string, rows: JsonObject[]): ServerRecord[] {
    const table = this.requireTable(tableName);
    const seen = new Set<string>();
    const prepared = rows.map((row, index) => {
      const newRow = this.seedRow(table, row, `row ${index}`);
      if (seen.has(newRow.id) || table.findById(newRow.id) !== undefined) {
        throw new BackendError(409, `seed: row ${index} has the id '${newRow.id}', which is taken`);
      }
      seen.add(newRow.id);
      return newRow;
    });
    // One transaction: a hundred thousand seeded rows take a second, not a minute.
    this.db.run('BEGIN');
    try {
      const records = prepared.map((row) => table.toRecord(table.insert(row)));
      this.db.run('COMMIT');
      return records;
    } catch (error) {
      this.db.run('ROLLBACK');
      throw error;
    }
  }

  rows(tableName: string, options: { includeDeleted?: boolean } = {}): ServerRecord[] {
    const table = this.requireTable(tableName);
    return table.selectRecords({ includeDeleted: options.includeDeleted ?? false });
  }

  get(tableName: string, id: string, options: { includeDeleted?: boolean } = {}): ServerRecord | undefined {
    const table = this.requireTable(tableName);
    return this.getRecord(table, id, options.includeDeleted ?? false);
  }

  getRecord(table: SqlTable, id: string, includeDeleted: boolean, user?: string): ServerRecord | undefined {
    const row = table.findById(id);
    return row === undefined || (row.deleted && !includeDeleted) || !this.owns(table, row, user)
      ? undefined
      : table.toRecord(row);
  }

  query(tableName: string, query: TableQuery | string): QueryResult {
    const table = this.requireTable(tableName);
    return this.runQuery(table, typeof query === 'string' ? parseTableQuery(new URLSearchParams(query)) : query);
  }

  runQuery(table: SqlTable, query: TableQuery, options: RunQueryOptions = {}): QueryResult {
    return this.readPage(table, query, options).result;
  }

  readPage(
    table: SqlTable,
    query: TableQuery,
    options: RunQueryOptions = {},
  ): { result: QueryResult; records: ServerRecord[] } {
    const { maxTop, pageSize } = table.definition;
    const paging = this.paging;
    if (paging.enforceMaxTop && query.top !== undefined && query.top > maxTop)
      throw new BackendError(400, `You cannot request more than ${maxTop} records`);
    const asked = query.top !== undefined && query.top > 0 ? query.top : pageSize;
    const limit = cappedLimit(paging.topBeyondPageSize === 'paged' ? Math.min(asked, pageSize) : asked, this.topCap);
    // A profile that links only to a page that exists reads one row more to know.
    const probe = paging.linkWhen === 'more-rows';
    const offset = query.skip !== undefined && query.skip > 0 ? query.skip : 0;
    const filter = this.ownFilter(query.filter, options.user);
    const where = filter === undefined ? undefined : table.compiledFilter(filter);
    const orderBy = table.compiledOrderBy(query.orderBy);
    for (const property of query.select ?? []) {
      if (!Object.hasOwn(table.columns, property)) throw new UnknownColumnError(property, '$select');
    }
    const includeDeleted = query.includeDeleted;
    let records: ServerRecord[];
    let count: number | undefined;
    try {
      const shuffle =
        this.tieOrder !== undefined && options.unlimited !== true && query.orderBy[0]?.property === 'updatedAt';
      if (shuffle) {
        // Every matching row, its tie groups reordered for this request only, then the page cut
        // from that order: a tie group straddling pages may lose or repeat members between two requests.
        const ordered = shuffleTies(table.selectRecords({ where, orderBy, includeDeleted }), this.tieOrder!);
        records = ordered.slice(offset, offset + (probe ? limit + 1 : limit));
      } else {
        records = table.selectRecords({
          where,
          orderBy,
          includeDeleted,
          ...(options.unlimited === true ? { offset } : { limit: probe ? limit + 1 : limit, offset }),
        });
      }
      if (query.inlineCount) count = table.count({ where, includeDeleted });
    } catch (error) {
      throw this.sqliteRefusal(error);
    }
    const fetchedMore = records.length > limit;
    if (fetchedMore) records = records.slice(0, limit);
    // Rows past this page count only when `$top` asked for them: a `$top` the page holds is served whole.
    const more = fetchedMore && (query.top === undefined || query.top > limit);
    const results = query.select === undefined ? records : records.map((record) => project(record, query.select!));
    return {
      result: {
        results,
        ...(count === undefined ? {} : { count }),
        full: options.unlimited !== true && records.length === limit,
        limit,
        ...(probe ? { more } : {}),
      },
      records,
    };
  }

  rowsMatching(table: SqlTable, filter: string | undefined, user?: string): RecordStamp[] {
    const own = this.ownFilter(filter === undefined || filter.trim() === '' ? undefined : parseFilter(filter), user);
    const where = own === undefined ? undefined : table.compiledFilter(own);
    return table.selectRecords({ where, includeDeleted: true }).map(stampOf);
  }

  /**
   * SQLite refusing a query. Syncwright's own SQL only fails when a query is too complex (the
   * query's fault: 400); a profile's `exact` SQL fails where the real server's does (its 500).
   */
  private sqliteRefusal(error: unknown): BackendError {
    const message = error instanceof Error ? error.message : String(error);
    if (this.quirks.queryErrors === 'server-error') return new BackendError(500, `SQLITE_ERROR: ${message}`);
    return new BackendError(400, `The query could not be run: ${message}`);
  }

  deleteMatching(tableName: string, query: TableQuery, options: WriteOptions = {}): BulkDeleteOutcome {
    let table: SqlTable;
    try {
      table = this.requireTable(tableName);
    } catch (error) {
      if (error instanceof BackendError) return { kind: 'invalid', status: error.status, error: error.message };
      throw error;
    }
    const filter = this.ownFilter(query.filter, options.user);
    const where = filter === undefined ? undefined : table.compiledFilter(filter);
    const condition = this.serverProfile.readIfMatch(options.ifMatch);
    if (condition.kind === 'invalid') return { kind: 'invalid', status: 400, error: condition.message };
    let matching: StoredRow[];
    try {
      matching = table.selectRecords({ where, includeDeleted: true }).map((record) => table.findById(record.id)!);
    } catch (error) {
      const refusal = this.sqliteRefusal(error);
      return { kind: 'invalid', status: refusal.status, error: refusal.message };
    }
    const chosen = matching.filter((row) => !row.deleted && ifMatchAllows(condition, row.version));
    const after = matching.map((row) => (chosen.includes(row) ? this.deleteRow(table, row) : row));
    const records = after.map((row) => table.toRecord(row));
    if (chosen.length > 0) return { kind: 'deleted', records };
    if (records.length === 0 || (records.length === 1 && records[0]!.deleted === true)) return { kind: 'not-found' };
    return { kind: 'precondition-failed', records };
  }

  insert(tableName: string, item: JsonObject, options: InsertOptions = {}): WriteOutcome {
    return this.write(tableName, (table) => {
      const own = this.ownProperties(table, item);
      const id = table.definition.autoIncrement
        ? String(table.largestIntegerId() + 1)
        : item.id === undefined || item.id === null
          ? this.serverProfile.newId(this.random)
          : requireId(item.id, 'The id in the body');
      const values: SqlValue[] = new Array<SqlValue>(table.userColumnCount).fill(null);
      for (const [index, value] of this.encodeColumns(table, own.columns, 'insert')) values[index] = value;
      this.stampOwner(table, values, options.user);
      // A taken id is a 409 whoever holds it: the primary key is the table's, not the user's.
      if (table.findById(id) !== undefined) return { kind: 'id-taken', status: 409, id, item };
      const now = this.now();
      const row = table.insert({
        id,
        createdAt: now,
        updatedAt: options.direct === true && this.nullUpdatedAt ? null : now,
        version: this.versions.next(undefined),
        deleted: own.deleted ?? false,
        values,
      });
      return { kind: 'written', status: 201, record: table.toRecord(row) };
    });
  }

  update(tableName: string, id: string, patch: JsonObject, options: WriteOptions = {}): WriteOutcome {
    return this.write(tableName, (table) => {
      requireId(id, 'The id in the URL');
      const own = this.ownProperties(table, patch);
      if (Object.hasOwn(patch, 'id') && patch.id !== null && patch.id !== undefined) {
        const bodyId = patch.id;
        if (typeof bodyId !== 'string' && typeof bodyId !== 'number') {
          throw new BackendError(
            400,
            `The id in the body must be a string matching the id in the URL, but it is ${jsonTypeOf(bodyId)}`,
          );
        }
        if (String(bodyId) !== id) throw new BackendError(400, this.serverProfile.idMismatch(id, String(bodyId)));
      }
      const bodyVersion = patch.version;
      if (bodyVersion !== undefined && bodyVersion !== null && typeof bodyVersion !== 'string') {
        throw new BackendError(400, `The property 'version' must be a string, but it is ${jsonTypeOf(bodyVersion)}`);
      }
      const condition = this.serverProfile.readIfMatch(options.ifMatch);
      if (condition.kind === 'invalid') throw new BackendError(400, condition.message);
      const changes = this.encodeColumns(table, own.columns, 'update');
      const row = this.visibleRow(table, id, options);
      if (row === undefined || !this.owns(table, row, options.user))
        return { kind: 'not-found', status: 404, error: this.serverProfile.notFoundMessage };
      if (condition.kind !== 'absent') {
        if (!ifMatchAllows(condition, row.version))
          return { kind: 'precondition-failed', status: 412, record: table.toRecord(row) };
      } else if (typeof bodyVersion === 'string' && bodyVersion !== row.version) {
        return { kind: 'version-conflict', status: 409, record: table.toRecord(row) };
      }
      const values = [...row.values];
      for (const [index, value] of changes) values[index] = value;
      this.stampOwner(table, values, options.user);
      const updated: StoredRow = {
        ...row,
        values,
        deleted: own.deleted ?? row.deleted,
        updatedAt: this.now(),
        version: this.versions.next(row.version),
      };
      table.update(updated);
      return { kind: 'written', status: 200, record: table.toRecord(updated) };
    });
  }

  delete(tableName: string, id: string, options: WriteOptions = {}): WriteOutcome {
    return this.write(tableName, (table) => {
      requireId(id, 'The id in the URL');
      const condition = this.serverProfile.readIfMatch(options.ifMatch);
      if (condition.kind === 'invalid') throw new BackendError(400, condition.message);
      const row = table.findById(id);
      if (row === undefined || row.deleted || !this.owns(table, row, options.user))
        return { kind: 'not-found', status: 404, error: this.serverProfile.notFoundMessage };
      if (!ifMatchAllows(condition, row.version)) {
        return { kind: 'precondition-failed', status: 412, record: table.toRecord(row) };
      }
      return {
        kind: 'written',
        status: this.serverProfile.statuses.delete,
        record: table.toRecord(this.deleteRow(table, row)),
      };
    });
  }

  undelete(tableName: string, id: string, options: WriteOptions = {}): WriteOutcome {
    return this.write(tableName, (table) => {
      requireId(id, 'The id in the URL');
      if (!table.definition.softDelete) {
        throw new BackendError(
          405,
          `The table '${table.name}' does not keep deleted records, so there is nothing to undelete`,
        );
      }
      const condition = this.serverProfile.readIfMatch(options.ifMatch);
      if (condition.kind === 'invalid') throw new BackendError(400, condition.message);
      const row = table.findById(id);
      if (row === undefined || !this.owns(table, row, options.user))
        return { kind: 'not-found', status: 404, error: this.serverProfile.notFoundMessage };
      if (!ifMatchAllows(condition, row.version)) {
        return { kind: 'precondition-failed', status: 412, record: table.toRecord(row) };
      }
      const restored: StoredRow = {
        ...row,
        deleted: false,
        updatedAt: this.now(),
        version: this.versions.next(row.version),
      };
      table.update(restored);
      return { kind: 'written', status: this.serverProfile.statuses.undelete, record: table.toRecord(restored) };
    });
  }

  snapshot(): BackendSnapshot {
    const snapshot: BackendSnapshot = {};
    const tables = [...this.tablesByName.values()].sort((a, b) => compareText(a.name, b.name));
    for (const table of tables) {
      let kept = this.snapshots.get(table);
      if (kept === undefined || kept.writes !== table.writes) {
        const rows = table.selectRecords({ includeDeleted: true }).sort((a, b) => compareText(a.id, b.id));
        kept = { writes: table.writes, rows };
        this.snapshots.set(table, kept);
      }
      // The caller's to keep and change: copies, deep where a column holds JSON.
      snapshot[table.name] = kept.rows.map(copyRecord);
    }
    return snapshot;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // In creation order: the order a new backend with the same definitions makes them in.
    const tables = [...this.tablesByName.values()];
    this.tablesByName.clear();
    const signature = signatureOf(
      tables.map((table) => table.definition),
      this.serverProfile,
      this.compatibility,
    );
    if (keepIdle(this.db, tables, signature)) return;
    for (const table of tables) table.close();
    closeDatabase(this.db);
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private addTable(definition: ReturnType<typeof validateTableDefinition>): void {
    this.requireOwnerColumn(definition);
    const table = new SqlTable(this.db, definition, this.tableCount++, this.rules);
    this.tablesByName.set(definition.name.toLowerCase(), table);
  }

  /** A per-user server stamps owners into a `userId` string column: every table needs one. */
  private requireOwnerColumn(definition: ResolvedTableDefinition): void {
    if (!this.perUser) return;
    const type = definition.columns[USER_ID_COLUMN];
    if (type !== 'string')
      throw new TableDefinitionError(
        `table '${definition.name}'.columns.${USER_ID_COLUMN}`,
        `a string column ${USER_ID_COLUMN} (perUser stamps each row's owner there)`,
        type === undefined ? 'none' : JSON.stringify(type),
      );
  }

  /** `filter` narrowed to `user`'s rows; unchanged for an admin or when rows are not per user. */
  private ownFilter(filter: FilterExpression | undefined, user: string | undefined): FilterExpression | undefined {
    if (!this.perUser || user === undefined) return filter;
    const owned = compare('eq', property(USER_ID_COLUMN), literal(user));
    return filter === undefined ? owned : and(filter, owned);
  }

  /** Whether `user` may reach `row`: an admin (no user) reaches every row. */
  private owns(table: SqlTable, row: StoredRow, user: string | undefined): boolean {
    if (!this.perUser || user === undefined) return true;
    return row.values[table.slotOf(USER_ID_COLUMN)!.index] === user;
  }

  /** `values` with the owner stamped, whatever the body said (the Node server's perUser transform). */
  private stampOwner(table: SqlTable, values: SqlValue[], user: string | undefined): void {
    if (this.perUser && user !== undefined) values[table.slotOf(USER_ID_COLUMN)!.index] = user;
  }

  private requireTable(name: string): SqlTable {
    if (this.closed) throw new Error('The backend is closed');
    const table = this.findTable(name);
    if (table === undefined) throw new UnknownTableError(name);
    return table;
  }

  /** A row a write may touch: live, or soft-deleted when the profile lets `__includeDeleted` reach writes. */
  private visibleRow(table: SqlTable, id: string, options: WriteOptions): StoredRow | undefined {
    const row = table.findById(id);
    if (row === undefined) return undefined;
    if (!row.deleted) return row;
    return this.serverProfile.singleRecordSeesDeleted && options.includeDeleted === true ? row : undefined;
  }

  /** Soft-deletes (a new version and updatedAt) or removes a row; returns what it became. */
  private deleteRow(table: SqlTable, row: StoredRow): StoredRow {
    if (!table.definition.softDelete || this.hardDeletes) {
      table.remove(row);
      return row;
    }
    const deleted: StoredRow = {
      ...row,
      deleted: true,
      updatedAt: this.now(),
      version: this.versions.next(row.version),
    };
    table.update(deleted);
    return deleted;
  }

  /**
   * The item's properties other than `id` and `version`, and the `deleted` flag it sets, by the
   * profile's rule for system properties: refused (Node reserves them, whatever their case), or
   * the timestamps dropped because the database computes them and `deleted` written (ASP.NET).
   */
  private ownProperties(table: SqlTable, item: JsonObject): { columns: [string, JsonValue][]; deleted?: boolean } {
    // Pairs, not an object: a `__proto__` key must stay a key.
    const columns: [string, JsonValue][] = [];
    let deleted: boolean | undefined;
    for (const key of Object.keys(item)) {
      const lower = key.toLowerCase();
      if (lower === 'id' || lower === 'version') continue;
      if (RESERVED_LOWER_CASE.has(lower)) {
        if (this.serverProfile.systemPropertiesInBody === 'reserved')
          throw new BackendError(400, this.serverProfile.reservedProperty(key));
        if (lower === 'deleted' && table.definition.softDelete) {
          const value = item[key];
          if (typeof value !== 'boolean' && value !== null)
            throw new BackendError(400, `The property 'deleted' must be a boolean, but it is ${jsonTypeOf(value)}`);
          if (typeof value === 'boolean') deleted = value;
        }
        continue;
      }
      columns.push([key, item[key] as JsonValue]);
    }
    return deleted === undefined ? { columns } : { columns, deleted };
  }

  /** Runs a write, turning refusals into outcomes so direct callers and HTTP see the same thing. */
  private write(tableName: string, run: (table: SqlTable) => WriteOutcome): WriteOutcome {
    try {
      return run(this.requireTable(tableName));
    } catch (error) {
      if (!(error instanceof BackendError)) throw error;
      return error.status === 404
        ? { kind: 'not-found', status: 404, error: error.message }
        : { kind: 'invalid', status: error.status, error: error.message };
    }
  }

  /** The table's own properties of `item`, stored form, by slot. `id` and `version` are skipped. */
  private encodeColumns(
    table: SqlTable,
    properties: readonly (readonly [string, JsonValue])[],
    operation: 'insert' | 'update',
  ): [number, SqlValue][] {
    const encoded: [number, SqlValue][] = [];
    for (const [key, value] of properties) {
      if (key === 'id' || key === 'version') continue;
      const slot = table.slotOf(key);
      if (slot === undefined) throw this.unknownProperty(table, key, operation);
      encoded.push([slot.index, encodeValue(key, slot.type, value, this.timestamps)]);
    }
    return encoded;
  }

  /** A property the table lacks: syncwright's 400, or what SQLite told the real Node server (500). */
  private unknownProperty(table: SqlTable, key: string, operation: 'insert' | 'update'): BackendError {
    if (this.quirks.unknownProperty === 'server-error')
      return new BackendError(
        500,
        operation === 'insert'
          ? `SQLITE_ERROR: table ${table.name} has no column named ${abbreviate(key)}`
          : `SQLITE_ERROR: no such column: ${abbreviate(key)}`,
      );
    return new BackendError(400, `The table '${table.name}' has no property '${abbreviate(key)}'`);
  }

  private seedRow(table: SqlTable, row: JsonObject, where: string): Omit<StoredRow, 'seq'> {
    const now = this.now();
    const { id, createdAt, updatedAt, version, deleted, ...columns } = row;
    const timestamp = <T>(value: JsonValue | undefined, name: string, fallback: T) => {
      if (value === undefined || value === null) return fallback;
      const stored = typeof value === 'string' ? this.timestamps.parse(value) : undefined;
      if (stored === undefined)
        throw new BackendError(400, `seed: ${where}: '${name}' must be an ISO-8601 date string`);
      return stored;
    };
    if (deleted !== undefined && typeof deleted !== 'boolean')
      throw new BackendError(400, `seed: ${where}: 'deleted' must be a boolean`);
    if (deleted === true && !table.definition.softDelete)
      throw new BackendError(400, `seed: ${where}: table '${table.name}' has no soft delete`);
    if (version !== undefined && (typeof version !== 'string' || !/^[!#-~]+$/.test(version))) {
      // It becomes an ETag header: printable ASCII without quotes or spaces.
      throw new BackendError(
        400,
        `seed: ${where}: 'version' must be a non-empty string of printable ASCII without '"'`,
      );
    }
    const values: SqlValue[] = new Array<SqlValue>(table.userColumnCount).fill(null);
    for (const [index, value] of this.encodeColumns(table, Object.entries(columns), 'insert')) values[index] = value;
    const created = timestamp(createdAt, 'createdAt', now);
    return {
      id:
        id === undefined || id === null
          ? table.definition.autoIncrement
            ? String(table.largestIntegerId() + 1)
            : this.serverProfile.newId(this.random)
          : requireId(id, `seed: ${where}: the id`),
      createdAt: created,
      // Under `nullUpdatedAt` a seeded row is an imported one: no updatedAt unless it names one.
      updatedAt: timestamp(updatedAt, 'updatedAt', this.nullUpdatedAt ? null : created),
      version: version ?? this.versions.next(undefined),
      deleted: deleted ?? false,
      values,
    };
  }

  private now() {
    return this.timestamps.stamp(this.clock.now());
  }
}

/** The record with only the selected properties, in the order `$select` names them. */
function project(record: ServerRecord, select: readonly string[]): ServerRecord {
  const projected: JsonObject = {};
  for (const property of select) {
    const value = record[property];
    if (value !== undefined) projected[property] = value;
  }
  return projected as ServerRecord;
}

/** A copy of a record that shares nothing with it: a column of type object holds JSON of its own. */
function copyRecord(record: ServerRecord): ServerRecord {
  const copy = { ...record };
  for (const key in copy) {
    const value = copy[key];
    if (typeof value === 'object' && value !== null) copy[key] = toJsonSafe(value);
  }
  return copy;
}

/** Code-unit order: deterministic and independent of the host's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function abbreviate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
