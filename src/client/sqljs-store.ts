/**
 * The SDK's MobileServiceSqliteStore on sql.js (SQLite compiled to WebAssembly). The same
 * storage convention as the SDK and the simulated backend: dates are INTEGER epoch ms, booleans
 * INTEGER 0/1, objects and arrays JSON TEXT. Every write is one SQLite transaction.
 *
 * Opening is asynchronous (sql.js compiles WebAssembly), so, as in the SDK, a store initialises
 * itself lazily on its first call; `SqlJsStore.open(…)` initialises eagerly and surfaces a bad
 * file or bad bytes at once.
 */
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, Statement } from 'sql.js';
import type { FilterExpression } from '../protocol/odata/ast.js';
import type { OrderByClause } from '../protocol/odata/query.js';
import { compileFilter, compileOrderBy, type ColumnMap } from '../protocol/odata/sql.js';
import {
  ColumnSet,
  ColumnTypeError,
  filterTypeOf,
  fromCell,
  isColumnTypeName,
  sqliteTypeOf,
  toCell,
  type CellValue,
  type ColumnTypeName,
  type LocalRecord,
} from './columns.js';
import { isValidId } from './ids.js';
import type { Query, ReadResult } from './query.js';
import { propertyOf } from './records.js';
import { StoreClosedError, type MobileServiceStore, type StoreId, type StoreOperation, type StoreTableDefinition } from './store.js';

export interface SqlJsStoreOptions {
  /** A file that holds the store (Node only): read when the store opens, rewritten after each committed write. */
  path?: string;
  /** The bytes of a store exported earlier with {@link SqlJsStore.export}. */
  bytes?: Uint8Array;
  /** How to load sql.js, e.g. with a `locateFile` for the .wasm in a browser. */
  loadSqlJs?: () => Promise<SqlJsStatic>;
}

interface TableInfo {
  name: string;
  quoted: string;
  columns: ColumnSet;
  /** Whether ids are integers (the operation log) or strings (data tables). */
  integerIds: boolean;
}

/** The file system calls a file-backed store needs; loaded only when a path is given. */
interface FileSystem {
  existsSync(path: string): boolean;
  readFileSync(path: string): Uint8Array;
  writeFileSync(path: string, data: Uint8Array): void;
  renameSync(from: string, to: string): void;
}

let sharedSqlJs: Promise<SqlJsStatic> | undefined;

function loadDefaultSqlJs(): Promise<SqlJsStatic> {
  sharedSqlJs ??= initSqlJs().catch((error: unknown) => {
    sharedSqlJs = undefined;
    throw error;
  });
  return sharedSqlJs;
}

/** `"name"` with inner quotes doubled: no name can break out of an identifier. */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new TypeError('A table or column name cannot contain a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

/** SQLite's limit on `?` parameters per statement is 999 in older builds; stay below it. */
const MAX_IDS_PER_STATEMENT = 500;

export class SqlJsStore implements MobileServiceStore {
  private readonly options: SqlJsStoreOptions;
  private db: Database | undefined;
  private opening: Promise<Database> | undefined;
  private closed = false;
  private fs: FileSystem | undefined;
  private readonly tables = new Map<string, TableInfo>();
  private readonly statements = new Map<string, Statement>();

  /**
   * `new SqlJsStore()` keeps the store in memory; `new SqlJsStore('store.db')` keeps it in that
   * file (Node); `new SqlJsStore({ bytes })` starts from an exported store.
   */
  constructor(pathOrOptions?: string | SqlJsStoreOptions) {
    this.options = typeof pathOrOptions === 'string' ? (pathOrOptions === ':memory:' ? {} : { path: pathOrOptions }) : { ...(pathOrOptions ?? {}) };
  }

  /** Opens a store from exported bytes or a file path and initialises it. */
  static async open(source: Uint8Array | string | SqlJsStoreOptions): Promise<SqlJsStore> {
    const store = new SqlJsStore(source instanceof Uint8Array ? { bytes: source } : source);
    await store.init();
    return store;
  }

  /** Initialises the store; calling it again has no effect. Other calls initialise on demand. */
  async init(): Promise<void> {
    await this.database();
  }

  getColumns(tableName: string): ColumnSet | undefined {
    return this.tables.get(tableName.toLowerCase())?.columns;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async defineTable(definition: StoreTableDefinition): Promise<void> {
    const db = await this.database();
    const { name, columns } = validateDefinition(definition);
    const quoted = quoteIdentifier(name);
    const existing = this.tables.get(name.toLowerCase());
    const idType = columns.typeOf('id')!;
    this.transaction(db, () => {
      const present = db.exec(`PRAGMA table_info(${quoted})`)[0]?.values.map((row) => String(row[1]).toLowerCase()) ?? [];
      if (present.length === 0) {
        const clauses = columns.entries().map(({ name: column, type }) => {
          const clause = `${quoteIdentifier(column)} ${sqliteTypeOf(type)}`;
          return column.toLowerCase() === 'id' ? `${clause} PRIMARY KEY` : clause;
        });
        db.run(`CREATE TABLE ${quoted} (${clauses.join(', ')})`);
      } else {
        for (const { name: column, type } of columns.entries()) {
          if (!present.includes(column.toLowerCase())) db.run(`ALTER TABLE ${quoted} ADD COLUMN ${quoteIdentifier(column)} ${sqliteTypeOf(type)}`);
        }
      }
    });
    // A later definition refines an earlier one: columns it leaves out keep their types.
    const merged = new ColumnSet({ ...(existing?.columns.toDefinitions() ?? {}), ...columns.toDefinitions() });
    this.tables.set(name.toLowerCase(), { name, quoted, columns: merged, integerIds: idType === 'integer' || idType === 'int' });
    this.dropStatementsOf(quoted);
    this.persist(db);
  }

  async upsert(tableName: string, data: LocalRecord | readonly LocalRecord[]): Promise<void> {
    const db = await this.database();
    this.transaction(db, () => this.upsertRecords(db, this.table(tableName), data));
    this.persist(db);
  }

  async lookup(tableName: string, id: StoreId, suppressRecordNotFoundError = false): Promise<LocalRecord | null> {
    const db = await this.database();
    const table = this.table(tableName);
    checkId(table, id);
    const statement = this.prepare(db, `SELECT * FROM ${table.quoted} WHERE "id" = ?`);
    try {
      statement.bind([id]);
      if (statement.step()) return this.rowToRecord(statement, table);
    } finally {
      statement.reset();
    }
    if (suppressRecordNotFoundError) return null;
    throw new Error(`Item with id "${id}" does not exist.`);
  }

  async read(query: Query): Promise<ReadResult> {
    const db = await this.database();
    const components = query.getComponents();
    const table = this.table(components.table);
    const where = this.whereClause(table, components.filter);
    const selections = components.selections.map((name) => {
      const column = table.columns.get(name);
      if (column === undefined) throw new Error(`Unknown column '${name}' in the selection of a query on table '${table.name}'`);
      return quoteIdentifier(column.name);
    });
    const columnsSql = selections.length > 0 ? selections.join(', ') : '*';
    const orderBy = this.orderByClause(table, components.ordering);
    let limit = '';
    if (components.take !== undefined) limit = ` LIMIT ${components.take}`;
    if (components.skip !== undefined && components.skip > 0) limit = `${limit === '' ? ' LIMIT -1' : limit} OFFSET ${components.skip}`;
    const records: ReadResult = [];
    const statement = db.prepare(`SELECT ${columnsSql} FROM ${table.quoted}${where.sql}${orderBy.sql}${limit}`);
    try {
      statement.bind([...where.params, ...orderBy.params]);
      while (statement.step()) records.push(this.rowToRecord(statement, table));
    } finally {
      statement.free();
    }
    if (components.includeTotalCount) {
      const count = db.exec(`SELECT COUNT(*) FROM ${table.quoted}${where.sql}`, where.params)[0]?.values[0]?.[0];
      records.totalCount = Number(count ?? 0);
    }
    return records;
  }

  async del(tableNameOrQuery: string | Query, ids?: StoreId | readonly StoreId[]): Promise<void> {
    const db = await this.database();
    if (typeof tableNameOrQuery === 'string') {
      const table = this.table(tableNameOrQuery);
      const list = ids === undefined ? [] : Array.isArray(ids) ? (ids as readonly StoreId[]) : [ids as StoreId];
      this.transaction(db, () => this.deleteIds(db, table, list));
    } else {
      const components = tableNameOrQuery.getComponents();
      const table = this.table(components.table);
      const where = this.whereClause(table, components.filter);
      const orderBy = this.orderByClause(table, components.ordering);
      let limit = '';
      if (components.take !== undefined) limit = ` LIMIT ${components.take}`;
      if (components.skip !== undefined && components.skip > 0) limit = `${limit === '' ? ' LIMIT -1' : limit} OFFSET ${components.skip}`;
      this.transaction(db, () => {
        db.run(`DELETE FROM ${table.quoted} WHERE "id" IN (SELECT "id" FROM ${table.quoted}${where.sql}${orderBy.sql}${limit})`, [...where.params, ...orderBy.params]);
      });
    }
    this.persist(db);
  }

  async executeBatch(operations: readonly (StoreOperation | null | undefined)[]): Promise<void> {
    if (!Array.isArray(operations)) throw new TypeError('executeBatch expects an array of operations');
    const db = await this.database();
    this.transaction(db, () => {
      for (const operation of operations) {
        if (operation === null || operation === undefined) continue;
        const table = this.table(operation.tableName);
        switch (operation.action) {
          case 'upsert':
            this.upsertRecords(db, table, operation.data);
            break;
          case 'delete':
            this.deleteIds(db, table, [operation.id]);
            break;
          default:
            throw new Error(`Operation '${String((operation as { action?: unknown }).action)}' is not supported`);
        }
      }
    });
    this.persist(db);
  }

  /**
   * The committed contents of the store as SQLite file bytes. Writes are synchronous inside
   * one call, so no half-done transaction is ever exported.
   */
  export(): Uint8Array {
    if (this.closed) throw new StoreClosedError();
    if (this.db === undefined) {
      if (this.options.bytes !== undefined) return new Uint8Array(this.options.bytes);
      throw new Error('The store has not been opened yet: call init() (or any other method) first');
    }
    return this.db.export();
  }

  /** Closes the store. Every later call rejects with {@link StoreClosedError}. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const db = this.db ?? (this.opening === undefined ? undefined : await this.opening.catch(() => undefined));
    for (const statement of this.statements.values()) statement.free();
    this.statements.clear();
    db?.close();
    this.db = undefined;
  }

  private async database(): Promise<Database> {
    if (this.closed) throw new StoreClosedError();
    if (this.db === undefined) {
      this.opening ??= this.openDatabase();
      const db = await this.opening;
      if (this.db === undefined && !this.closed) this.db = db;
    }
    // The store may have been closed while this call waited.
    if (this.closed || this.db === undefined) throw new StoreClosedError();
    return this.db;
  }

  private async openDatabase(): Promise<Database> {
    const SQL = await (this.options.loadSqlJs ?? loadDefaultSqlJs)();
    let bytes = this.options.bytes;
    if (this.options.path !== undefined) {
      this.fs = (await import('node:fs')) as FileSystem;
      if (bytes === undefined && this.fs.existsSync(this.options.path)) bytes = this.fs.readFileSync(this.options.path);
    }
    const db = new SQL.Database(bytes);
    try {
      // Reading the schema makes bad bytes fail here, with a clear message, not on first use.
      db.exec('SELECT count(*) FROM sqlite_master');
      // The database lives in memory (sql.js); a rollback journal in memory too spares every
      // transaction a second in-memory file. Durability is the export's (or the file's) job.
      db.exec('PRAGMA journal_mode = MEMORY');
    } catch (error) {
      db.close();
      throw new Error(`Cannot open the store: ${error instanceof Error ? error.message : String(error)}`);
    }
    return db;
  }

  private table(tableName: string): TableInfo {
    if (typeof tableName !== 'string' || tableName === '') throw new TypeError('A table name must be a non-empty string');
    const table = this.tables.get(tableName.toLowerCase());
    if (table === undefined) throw new Error(`Definition not found for table "${tableName}"`);
    return table;
  }

  private transaction(db: Database, work: () => void): void {
    db.run('BEGIN');
    try {
      work();
      db.run('COMMIT');
    } catch (error) {
      db.run('ROLLBACK');
      throw error;
    }
  }

  private persist(db: Database): void {
    const path = this.options.path;
    if (path === undefined || this.fs === undefined) return;
    // Write then rename, so a crash mid-write leaves the previous file whole.
    const temporary = `${path}.tmp`;
    this.fs.writeFileSync(temporary, db.export());
    this.fs.renameSync(temporary, path);
  }

  private prepare(db: Database, sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private dropStatementsOf(quotedTable: string): void {
    for (const [sql, statement] of this.statements) {
      if (sql.includes(quotedTable)) {
        statement.free();
        this.statements.delete(sql);
      }
    }
  }

  private upsertRecords(db: Database, table: TableInfo, data: LocalRecord | readonly LocalRecord[]): void {
    const records = Array.isArray(data) ? (data as readonly LocalRecord[]) : [data as LocalRecord];
    for (const record of records) {
      if (record === null || record === undefined) continue;
      if (typeof record !== 'object') throw new TypeError(`Cannot upsert ${typeof record} into table '${table.name}': records are objects`);
      const id = propertyOf(record, 'id');
      checkId(table, id);
      // Properties without a column are not stored, as in the SDK.
      const cells = new Map<string, CellValue>();
      for (const [property, value] of Object.entries(record)) {
        if (value === undefined) continue;
        const column = table.columns.get(property);
        if (column === undefined || column.name.toLowerCase() === 'id') continue;
        cells.set(column.name, toCell(value, column.type, column.name));
      }
      const statement = this.upsertStatement(db, table, [...cells.keys()]);
      statement.run([id as StoreId, ...cells.values()]);
    }
  }

  /** The prepared upsert for one set of columns (a page of server records shares one). */
  private upsertStatement(db: Database, table: TableInfo, names: readonly string[]): Statement {
    const key = `upsert\u0000${table.quoted}\u0000${names.join('\u0000')}`;
    let statement = this.statements.get(key);
    if (statement === undefined) {
      const quotedNames = names.map(quoteIdentifier);
      const insertColumns = ['"id"', ...quotedNames].join(', ');
      const placeholders = new Array(names.length + 1).fill('?').join(', ');
      const onConflict = names.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${quotedNames.map((name) => `${name} = excluded.${name}`).join(', ')}`;
      statement = db.prepare(`INSERT INTO ${table.quoted} (${insertColumns}) VALUES (${placeholders}) ON CONFLICT("id") ${onConflict}`);
      this.statements.set(key, statement);
    }
    return statement;
  }

  private deleteIds(db: Database, table: TableInfo, ids: readonly StoreId[]): void {
    const present = ids.filter((id) => id !== null && id !== undefined);
    for (const id of present) checkId(table, id);
    for (let start = 0; start < present.length; start += MAX_IDS_PER_STATEMENT) {
      const chunk = present.slice(start, start + MAX_IDS_PER_STATEMENT);
      const statement = this.prepare(db, `DELETE FROM ${table.quoted} WHERE "id" IN (${new Array(chunk.length).fill('?').join(', ')})`);
      statement.run([...chunk]);
    }
  }

  private rowToRecord(statement: Statement, table: TableInfo): LocalRecord {
    const names = statement.getColumnNames();
    const values = statement.get();
    const record: LocalRecord = {};
    for (let i = 0; i < names.length; i++) {
      const stored = names[i]!;
      const column = table.columns.get(stored);
      record[column?.name ?? stored] = fromCell(values[i] ?? null, column?.type, stored);
    }
    return record;
  }

  private columnMap(table: TableInfo): ColumnMap {
    const map: Record<string, ColumnMap[string]> = {};
    for (const { name, type } of table.columns.entries()) map[name] = { sql: quoteIdentifier(name), type: filterTypeOf(type) };
    return map;
  }

  private whereClause(table: TableInfo, filter: FilterExpression | undefined): { sql: string; params: CellValue[] } {
    if (filter === undefined) return { sql: '', params: [] };
    const compiled = compileFilter(filter, this.columnMap(table));
    return { sql: ` WHERE ${compiled.sql}`, params: compiled.params };
  }

  private orderByClause(table: TableInfo, ordering: readonly OrderByClause[]): { sql: string; params: CellValue[] } {
    if (ordering.length === 0) return { sql: '', params: [] };
    const compiled = compileOrderBy(ordering, this.columnMap(table));
    return { sql: ` ORDER BY ${compiled.sql}`, params: compiled.params };
  }
}

function validateDefinition(definition: StoreTableDefinition): { name: string; columns: ColumnSet } {
  if (typeof definition !== 'object' || definition === null) throw new TypeError('A table definition must be an object');
  const { name, columnDefinitions } = definition;
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError('A table definition needs a non-empty name');
  if (typeof columnDefinitions !== 'object' || columnDefinitions === null) throw new TypeError(`Table '${name}' needs columnDefinitions`);
  const seen = new Set<string>();
  for (const [column, type] of Object.entries(columnDefinitions)) {
    if (column === '') throw new TypeError(`Table '${name}' has a column with an empty name`);
    if (!isColumnTypeName(type)) {
      throw new ColumnTypeError(`Column type ${JSON.stringify(type)} of column '${column}' in table '${name}' is not supported; use object, array, date, integer, int, float, real, string, text, boolean or bool`);
    }
    if (seen.has(column.toLowerCase())) throw new TypeError(`Duplicate definition for column "${column}" in table "${name}"`);
    seen.add(column.toLowerCase());
  }
  const columns = new ColumnSet(columnDefinitions as Record<string, ColumnTypeName>);
  const idType = columns.typeOf('id');
  if (idType === undefined) throw new TypeError(`Table '${name}' must define an 'id' column`);
  if (!['string', 'text', 'integer', 'int'].includes(idType)) throw new TypeError(`The 'id' column of table '${name}' must be a string or an integer, not ${idType}`);
  return { name, columns };
}

function checkId(table: TableInfo, id: unknown): asserts id is StoreId {
  const ok = table.integerIds ? typeof id === 'number' && Number.isSafeInteger(id) && id > 0 : isValidId(id);
  if (!ok) throw new TypeError(`Invalid id ${JSON.stringify(id) ?? String(id)} for table '${table.name}'`);
}
