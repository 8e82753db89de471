/**
 * The simulated Azure Mobile Apps table service: tables in one in-memory SQLite database, the
 * write and concurrency rules of the real server, and one `handle(request)` over them.
 */
import type { Database } from 'sql.js';
import type { HttpRequest, HttpResponse } from '../protocol/http.js';
import { ifMatchAllows, parseIfMatch } from '../protocol/etag.js';
import { parseIsoTimestamp } from '../protocol/datetime.js';
import { UnknownColumnError } from '../protocol/odata/errors.js';
import { parseTableQuery, type TableQuery } from '../protocol/odata/query.js';
import { compileOrderBy, type SqlValue } from '../protocol/odata/sql.js';
import {
  RESERVED_PROPERTIES,
  TODOITEM_TABLE,
  type JsonObject,
  type JsonValue,
  type ServerRecord,
  type TableDefinition,
} from '../protocol/records.js';
import { RealClock, type Clock } from '../kernel/clock.js';
import { SeededRandom, type RandomSource } from '../kernel/random.js';
import { BackendError, TableDefinitionError, UnknownTableError } from './errors.js';
import { closedResponse, handleHttp, type HttpCore } from './http-handler.js';
import { closeDatabase, MEMORY_SCHEMA, openMemoryDatabase } from '../sqlite/sqljs.js';
import {
  toTableDefinition,
  validateTableDefinition,
  validateTableDefinitions,
  type ResolvedTableDefinition,
} from './table-definition.js';
import { SqlTable, type StoredRow } from './table-store.js';
import type {
  Backend,
  BackendOptions,
  BackendSnapshot,
  HandleOptions,
  QueryResult,
  WriteOptions,
  WriteOutcome,
} from './types.js';
import { encodeValue, jsonTypeOf, requireId } from './values.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export { MAX_ID_LENGTH } from './values.js';
const ITEM_NOT_FOUND = 'The item does not exist';

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
  const definitions = validateTableDefinitions(options.tables ?? [TODOITEM_TABLE]);
  const idle = takeIdleDatabase(signatureOf(definitions));
  if (idle !== undefined) return new SimulatedBackend(idle.db, options, definitions, idle.tables);
  const db = await openMemoryDatabase();
  try {
    return new SimulatedBackend(db, options, definitions, []);
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

function signatureOf(definitions: readonly ResolvedTableDefinition[]): string {
  return JSON.stringify(definitions);
}

function takeIdleDatabase(signature: string): IdleDatabase | undefined {
  const index = idleDatabases.findIndex((idle) => idle.signature === signature);
  return index < 0 ? undefined : idleDatabases.splice(index, 1)[0];
}

/** Keeps the database for a later backend when it is small; false when the caller must close it. */
function keepIdle(db: Database, tables: readonly SqlTable[]): boolean {
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
  idleDatabases.push({ db, signature: signatureOf(tables.map((table) => table.definition)), tables });
  return true;
}

class SimulatedBackend implements Backend, HttpCore {
  readonly maxBodyBytes: number;
  readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  /** By lower-cased name: table URLs are case-insensitive, as express routes are. */
  private readonly tablesByName = new Map<string, SqlTable>();
  private tableCount = 0;
  private closed = false;

  constructor(
    private readonly db: Database,
    options: BackendOptions,
    definitions: readonly ResolvedTableDefinition[],
    /** An idle database's tables, made from `definitions`, emptied. */
    reused: readonly SqlTable[],
  ) {
    this.clock = options.clock ?? new RealClock();
    this.random = options.random ?? new SeededRandom(options.seed ?? 'backend');
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (!Number.isSafeInteger(this.maxBodyBytes) || this.maxBodyBytes <= 0) {
      throw new RangeError(`maxBodyBytes must be a positive integer, got ${String(options.maxBodyBytes)}`);
    }
    this.baseUrl = (options.baseUrl ?? 'http://localhost').replace(/\/+$/, '');
    for (const definition of definitions) {
      const table = reused[this.tableCount];
      if (table !== undefined) {
        this.tablesByName.set(definition.name.toLowerCase(), table);
        this.tableCount++;
      } else {
        this.addTable(definition);
      }
    }
  }

  handle(request: HttpRequest, options?: HandleOptions): Promise<HttpResponse> {
    if (this.closed) return Promise.resolve(closedResponse());
    return Promise.resolve(handleHttp(this, request, options));
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

  getRecord(table: SqlTable, id: string, includeDeleted: boolean): ServerRecord | undefined {
    const row = table.findById(id);
    return row === undefined || (row.deleted && !includeDeleted) ? undefined : table.toRecord(row);
  }

  query(tableName: string, query: TableQuery | string): QueryResult {
    const table = this.requireTable(tableName);
    return this.runQuery(table, typeof query === 'string' ? parseTableQuery(new URLSearchParams(query)) : query);
  }

  runQuery(table: SqlTable, query: TableQuery): QueryResult {
    const { maxTop, pageSize } = table.definition;
    if (query.top !== undefined && query.top > maxTop)
      throw new BackendError(400, `You cannot request more than ${maxTop} records`);
    const limit = query.top !== undefined && query.top > 0 ? query.top : pageSize;
    const offset = query.skip !== undefined && query.skip > 0 ? query.skip : 0;
    const where = query.filter === undefined ? undefined : table.compiledFilter(query.filter);
    const orderBy = compileOrderBy(query.orderBy, table.columns);
    for (const property of query.select ?? []) {
      if (!Object.hasOwn(table.columns, property)) throw new UnknownColumnError(property, '$select');
    }
    const includeDeleted = query.includeDeleted;
    let records: ServerRecord[];
    let count: number | undefined;
    try {
      records = table.selectRecords({ where, orderBy, includeDeleted, limit, offset });
      if (query.inlineCount) count = table.count({ where, includeDeleted });
    } catch (error) {
      // SQLite refusing a query (too complex, too many parameters) is the query's fault.
      throw new BackendError(
        400,
        `The query could not be run: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const results = query.select === undefined ? records : records.map((record) => project(record, query.select!));
    return { results, ...(count === undefined ? {} : { count }), full: records.length === limit, limit };
  }

  insert(tableName: string, item: JsonObject): WriteOutcome {
    return this.write(tableName, (table) => {
      rejectReserved(item);
      const id =
        item.id === undefined || item.id === null ? this.random.uuid() : requireId(item.id, 'The id in the body');
      const values: SqlValue[] = new Array<SqlValue>(table.userColumnCount).fill(null);
      for (const [index, value] of this.encodeColumns(table, item)) values[index] = value;
      if (table.findById(id) !== undefined) return { kind: 'id-taken', status: 409, item };
      const now = this.now();
      const row = table.insert({
        id,
        createdAt: now,
        updatedAt: now,
        version: this.newVersion(),
        deleted: false,
        values,
      });
      return { kind: 'written', status: 201, record: table.toRecord(row) };
    });
  }

  update(tableName: string, id: string, patch: JsonObject, options: WriteOptions = {}): WriteOutcome {
    return this.write(tableName, (table) => {
      requireId(id, 'The id in the URL');
      rejectReserved(patch);
      if (Object.hasOwn(patch, 'id') && patch.id !== id) {
        const bodyId = patch.id;
        throw new BackendError(
          400,
          typeof bodyId === 'string'
            ? `The id in the body ('${abbreviate(bodyId)}') does not match the id in the URL ('${abbreviate(id)}')`
            : `The id in the body must be a string matching the id in the URL, but it is ${jsonTypeOf(bodyId)}`,
        );
      }
      const bodyVersion = patch.version;
      if (bodyVersion !== undefined && bodyVersion !== null && typeof bodyVersion !== 'string') {
        throw new BackendError(400, `The property 'version' must be a string, but it is ${jsonTypeOf(bodyVersion)}`);
      }
      const changes = this.encodeColumns(table, patch);
      const row = table.findById(id);
      if (row === undefined || row.deleted) return { kind: 'not-found', status: 404, error: ITEM_NOT_FOUND };
      const condition = parseIfMatch(options.ifMatch);
      if (condition.kind !== 'absent') {
        if (!ifMatchAllows(condition, row.version))
          return { kind: 'precondition-failed', status: 412, record: table.toRecord(row) };
      } else if (typeof bodyVersion === 'string' && bodyVersion !== row.version) {
        return { kind: 'version-conflict', status: 409, record: table.toRecord(row) };
      }
      const values = [...row.values];
      for (const [index, value] of changes) values[index] = value;
      const updated: StoredRow = { ...row, values, updatedAt: this.now(), version: this.newVersion(row.version) };
      table.update(updated);
      return { kind: 'written', status: 200, record: table.toRecord(updated) };
    });
  }

  delete(tableName: string, id: string, options: WriteOptions = {}): WriteOutcome {
    return this.write(tableName, (table) => {
      requireId(id, 'The id in the URL');
      const row = table.findById(id);
      if (row === undefined || row.deleted) return { kind: 'not-found', status: 404, error: ITEM_NOT_FOUND };
      if (!ifMatchAllows(parseIfMatch(options.ifMatch), row.version)) {
        return { kind: 'precondition-failed', status: 412, record: table.toRecord(row) };
      }
      if (!table.definition.softDelete) {
        table.remove(row);
        return { kind: 'written', status: 200, record: table.toRecord(row) };
      }
      const deleted: StoredRow = {
        ...row,
        deleted: true,
        updatedAt: this.now(),
        version: this.newVersion(row.version),
      };
      table.update(deleted);
      return { kind: 'written', status: 200, record: table.toRecord(deleted) };
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
      const row = table.findById(id);
      if (row === undefined) return { kind: 'not-found', status: 404, error: ITEM_NOT_FOUND };
      if (!ifMatchAllows(parseIfMatch(options.ifMatch), row.version)) {
        return { kind: 'precondition-failed', status: 412, record: table.toRecord(row) };
      }
      const restored: StoredRow = {
        ...row,
        deleted: false,
        updatedAt: this.now(),
        version: this.newVersion(row.version),
      };
      table.update(restored);
      return { kind: 'written', status: 201, record: table.toRecord(restored) };
    });
  }

  snapshot(): BackendSnapshot {
    const snapshot: BackendSnapshot = {};
    const tables = [...this.tablesByName.values()].sort((a, b) => compareText(a.name, b.name));
    for (const table of tables) {
      snapshot[table.name] = table.selectRecords({ includeDeleted: true }).sort((a, b) => compareText(a.id, b.id));
    }
    return snapshot;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // In creation order: the order a new backend with the same definitions makes them in.
    const tables = [...this.tablesByName.values()];
    this.tablesByName.clear();
    if (keepIdle(this.db, tables)) return;
    for (const table of tables) table.close();
    closeDatabase(this.db);
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private addTable(definition: ReturnType<typeof validateTableDefinition>): void {
    const table = new SqlTable(this.db, definition, this.tableCount++);
    this.tablesByName.set(definition.name.toLowerCase(), table);
  }

  private requireTable(name: string): SqlTable {
    if (this.closed) throw new Error('The backend is closed');
    const table = this.findTable(name);
    if (table === undefined) throw new UnknownTableError(name);
    return table;
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
  private encodeColumns(table: SqlTable, item: JsonObject): [number, SqlValue][] {
    const encoded: [number, SqlValue][] = [];
    for (const key of Object.keys(item)) {
      if (key === 'id' || key === 'version') continue;
      const slot = table.slotOf(key);
      if (slot === undefined)
        throw new BackendError(400, `The table '${table.name}' has no property '${abbreviate(key)}'`);
      encoded.push([slot.index, encodeValue(key, slot.type, item[key] as JsonValue)]);
    }
    return encoded;
  }

  private seedRow(table: SqlTable, row: JsonObject, where: string): Omit<StoredRow, 'seq'> {
    const now = this.now();
    const { id, createdAt, updatedAt, version, deleted, ...columns } = row;
    const timestamp = (value: JsonValue | undefined, name: string, fallback: number): number => {
      if (value === undefined || value === null) return fallback;
      const ms = typeof value === 'string' ? parseIsoTimestamp(value) : undefined;
      if (ms === undefined) throw new BackendError(400, `seed: ${where}: '${name}' must be an ISO-8601 date string`);
      return ms;
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
    for (const [index, value] of this.encodeColumns(table, columns)) values[index] = value;
    const created = timestamp(createdAt, 'createdAt', now);
    return {
      id: id === undefined || id === null ? this.random.uuid() : requireId(id, `seed: ${where}: the id`),
      createdAt: created,
      updatedAt: timestamp(updatedAt, 'updatedAt', created),
      version: version ?? this.newVersion(),
      deleted: deleted ?? false,
      values,
    };
  }

  private now(): number {
    return Math.floor(this.clock.now());
  }

  /** Eight random bytes in base64, never equal to the version it replaces. */
  private newVersion(previous?: string): string {
    for (;;) {
      const words = [this.random.nextUint32(), this.random.nextUint32()];
      let bytes = '';
      for (const word of words)
        bytes += String.fromCharCode(word >>> 24, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff);
      const version = btoa(bytes);
      if (version !== previous) return version;
    }
  }
}

function rejectReserved(item: JsonObject): void {
  for (const property of RESERVED_PROPERTIES) {
    if (Object.hasOwn(item, property))
      throw new BackendError(400, `Cannot update item with property '${property}' as it is reserved`);
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

/** Code-unit order: deterministic and independent of the host's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function abbreviate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
