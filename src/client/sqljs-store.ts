/**
 * The SDK's MobileServiceSqliteStore on sql.js (SQLite compiled to WebAssembly). The same
 * storage convention as the SDK and the simulated backend: dates are INTEGER epoch ms, booleans
 * INTEGER 0/1, objects and arrays JSON TEXT. Every write is one SQLite transaction.
 *
 * Opening is asynchronous (sql.js compiles WebAssembly), so, as in the SDK, a store initialises
 * itself lazily on its first call; `SqlJsStore.open(…)` initialises eagerly and surfaces a bad
 * file or bad bytes at once. The tables live in SQLite's in-memory store (see
 * `sqljs-database.ts`); {@link SqlJsStore.export} gives an ordinary SQLite file.
 */
import type { SqlJsStatic, Statement } from 'sql.js';
import type { StoreFault, StoreWrite, StoreWriteVerdict } from '../kernel/driver.js';
import type { FilterExpression } from '../protocol/odata/ast.js';
import type { OrderByClause } from '../protocol/odata/query.js';
import { loadSqlJs } from '../sqlite/sqljs.js';
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
import {
  cachedStatement,
  exportStoreDatabase,
  openStoreDatabase,
  quoteIdentifier,
  QUOTED_MEMORY_SCHEMA,
  releaseStoreDatabase,
  takeStoreDatabase,
  withTransaction,
  type CachedStatement,
  type StoreDatabase,
} from './sqljs-database.js';
import {
  StoreClosedError,
  type MobileServiceStore,
  type StoreChange,
  type StoreChangeListener,
  type StoreId,
  type StoreOperation,
  type StoreTableDefinition,
} from './store.js';

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
  /** The table in SQL: `"mem"."name"`. */
  quoted: string;
  /**
   * The lookup by id, as one flat string made once: a key built per call is a fresh string the
   * statement cache must hash and compare in full, on every lookup (one per record pulled).
   */
  readonly lookupSql: string;
  columns: ColumnSet;
  /** Whether ids are integers (the operation log) or strings (data tables). */
  integerIds: boolean;
  /** The columns as the OData compiler needs them, built once. */
  columnMap: ColumnMap;
  /** How the last record written was laid out: the next one (a page of records) likely the same. */
  upsertPlan: UpsertPlan | undefined;
  /** Compiled orderings by their clauses as JSON: a store reads with a handful of them. */
  readonly orderings: Map<string, { sql: string; params: CellValue[] }>;
}

/** Where the properties of records with one list of properties go in an upsert. */
interface UpsertPlan {
  /** The record's own properties, in order. */
  readonly keys: readonly string[];
  /** Per property: its column, and its place among the statement's values (0 is the id); none when not stored. */
  readonly targets: readonly (
    { readonly column: string; readonly type: ColumnTypeName; readonly slot: number } | undefined
  )[];
  /** The columns written, in statement order. */
  readonly names: readonly string[];
  /** The statement's key in the cache. */
  readonly statementKey: string;
}

/** The file system calls a file-backed store needs; loaded only when a path is given. */
interface FileSystem {
  existsSync(path: string): boolean;
  readFileSync(path: string): Uint8Array;
  writeFileSync(path: string, data: Uint8Array): void;
  renameSync(from: string, to: string): void;
}

/** The open database of a store, and what it was opened with. */
interface OpenDatabase extends StoreDatabase {
  readonly sql: SqlJsStatic;
  /** Opened without bytes and never exported: emptied, it can serve the next store. */
  reusable: boolean;
}

/**
 * Hears each write of a store (see {@link SqlJsStore.setWriteListener}): every data-changing
 * statement right after it ran, every COMMIT of a transaction that wrote right after it committed.
 */
export type StoreWriteListener = (write: StoreWrite) => StoreWriteVerdict;

/** Thrown inside a transaction to end it when the app dies after one of its statements. */
class CrashedMidTransaction extends Error {}

/** SQLite's words for each store fault (sqlite3_errstr of SQLITE_FULL and SQLITE_BUSY). */
const STORE_FAULT_MESSAGES: Readonly<Record<StoreFault, string>> = {
  'disk-full': 'database or disk is full',
  locked: 'database is locked',
};

/**
 * SQLite failed a write statement of the store (a store fault the world decided, see
 * `StoreWriteVerdict`): the call's transaction rolled back, the store is as before it.
 */
class StoreWriteError extends Error {
  constructor(readonly fault: StoreFault) {
    super(`The local store could not write: ${STORE_FAULT_MESSAGES[fault]}`);
    this.name = 'StoreWriteError';
  }
}

/** What every call of a crashed store returns: the dead app's code never goes on. */
function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

/** SQLite's limit on `?` parameters per statement is 999 in older builds; stay below it. */
const MAX_IDS_PER_STATEMENT = 500;

export class SqlJsStore implements MobileServiceStore {
  private readonly options: SqlJsStoreOptions;
  private opened: OpenDatabase | undefined;
  private opening: Promise<OpenDatabase> | undefined;
  private closed = false;
  private fs: FileSystem | undefined;
  private readonly tables = new Map<string, TableInfo>();
  /** By lower-cased table name. */
  private readonly watchers = new Map<string, Set<StoreChangeListener>>();
  private writeListener: StoreWriteListener | undefined;
  /** The app died after a write: nothing of this instance runs again (its reopen excepted). */
  private crashed = false;
  /** Statements the open transaction has run so far. */
  private statementsInTransaction = 0;

  /**
   * `new SqlJsStore()` keeps the store in memory; `new SqlJsStore('store.db')` keeps it in that
   * file (Node); `new SqlJsStore({ bytes })` starts from an exported store.
   */
  constructor(pathOrOptions?: string | SqlJsStoreOptions) {
    this.options =
      typeof pathOrOptions === 'string'
        ? pathOrOptions === ':memory:'
          ? {}
          : { path: pathOrOptions }
        : { ...(pathOrOptions ?? {}) };
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

  /**
   * Reports every write from now on: each data-changing statement (an upsert of one record, a
   * delete of ids, a delete by query, CREATE TABLE, ALTER TABLE) right after it ran, and each
   * COMMIT of a transaction that ran one. Every write call of the store is one transaction, so a
   * call reports its statements, then its commit. CREATE TABLE runs in a transaction of its own.
   *
   * A `crash` verdict kills this instance right there: a transaction not yet committed rolls
   * back, the call that wrote never settles, and neither does any later call — the dead app's
   * code never goes on. {@link reopen} still hands the committed data to the next instance.
   * A store fault (`disk-full`, `locked`) fails the statement: the call's transaction rolls back
   * and the call rejects with a {@link StoreWriteError}; the store stays usable.
   */
  setWriteListener(listener: StoreWriteListener | undefined): void {
    this.writeListener = listener;
  }

  getColumns(tableName: string): ColumnSet | undefined {
    return this.tables.get(tableName.toLowerCase())?.columns;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async defineTable(definition: StoreTableDefinition): Promise<void> {
    const open = await this.database();
    const { db } = open;
    const { name, columns } = validateDefinition(definition);
    const lowerName = name.toLowerCase();
    const quoted = `${QUOTED_MEMORY_SCHEMA}.${quoteIdentifier(name)}`;
    const existing = this.tables.get(lowerName);
    const idType = columns.typeOf('id')!;
    const createSql = (target: string): string => {
      const clauses = columns.entries().map(({ name: column, type }) => {
        const clause = `${quoteIdentifier(column)} ${sqliteTypeOf(type)}`;
        return column.toLowerCase() === 'id' ? `${clause} PRIMARY KEY` : clause;
      });
      return `CREATE TABLE ${target} (${clauses.join(', ')})`;
    };
    let schemaChanged = false;
    const leftover = open.leftovers.get(lowerName);
    if (leftover !== undefined) {
      // An emptied table of the database's earlier store: the very table CREATE would make, or gone.
      open.leftovers.delete(lowerName);
      if (leftover.sql !== createSql(quoteIdentifier(name))) {
        const leftoverQuoted = `${QUOTED_MEMORY_SCHEMA}.${quoteIdentifier(leftover.name)}`;
        db.run(`DROP TABLE ${leftoverQuoted}`);
        open.columns.delete(lowerName);
        this.dropStatementsOf(leftoverQuoted);
      }
    }
    let present = open.columns.get(lowerName);
    if (present === undefined) {
      present =
        db
          .exec(`PRAGMA ${QUOTED_MEMORY_SCHEMA}.table_info(${quoteIdentifier(name)})`)[0]
          ?.values.map((row) => String(row[1]).toLowerCase()) ?? [];
    }
    const missing = columns.entries().filter(({ name: column }) => !present.includes(column.toLowerCase()));
    if (present.length === 0) {
      if (
        !this.transaction(() => {
          db.run(createSql(quoted));
          this.wrote('create', name);
        })
      )
        return never();
      schemaChanged = true;
    } else if (missing.length > 0) {
      if (
        !this.transaction(() => {
          for (const { name: column, type } of missing) {
            db.run(`ALTER TABLE ${quoted} ADD COLUMN ${quoteIdentifier(column)} ${sqliteTypeOf(type)}`);
            this.wrote('alter', name);
          }
        })
      )
        return never();
      schemaChanged = true;
    }
    open.columns.set(
      lowerName,
      present.length === 0
        ? missing.map(({ name: column }) => column.toLowerCase())
        : [...present, ...missing.map(({ name: column }) => column.toLowerCase())],
    );
    // A later definition refines an earlier one: columns it leaves out keep their types.
    const merged = new ColumnSet({ ...(existing?.columns.toDefinitions() ?? {}), ...columns.toDefinitions() });
    this.tables.set(lowerName, {
      name,
      quoted,
      lookupSql: `SELECT * FROM ${quoted} WHERE "id" = ?`,
      columns: merged,
      integerIds: idType === 'integer' || idType === 'int',
      columnMap: columnMapOf(merged),
      upsertPlan: undefined,
      orderings: new Map(),
    });
    // A statement prepared before a column was added names the old columns until it runs again;
    // one on an unchanged table stays valid (its decoder follows the new definition).
    if (schemaChanged) this.dropStatementsOf(quoted);
    this.persist(open);
  }

  async upsert(tableName: string, data: LocalRecord | readonly LocalRecord[]): Promise<void> {
    const open = await this.database();
    if (!this.transaction(() => this.upsertRecords(this.table(tableName), data))) return never();
    this.notify({ action: 'upsert', tableName, data });
    this.persist(open);
  }

  watch(tableName: string, listener: StoreChangeListener): () => void {
    const key = tableName.toLowerCase();
    let listeners = this.watchers.get(key);
    if (listeners === undefined) {
      listeners = new Set();
      this.watchers.set(key, listeners);
    }
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** Tells the table's watchers of a change just committed. */
  private notify(change: StoreChange): void {
    if (this.watchers.size === 0) return;
    const listeners = this.watchers.get(change.tableName.toLowerCase());
    if (listeners !== undefined) for (const listener of listeners) listener(change);
  }

  async lookup(tableName: string, id: StoreId, suppressRecordNotFoundError = false): Promise<LocalRecord | null> {
    await this.database();
    const table = this.table(tableName);
    checkId(table, id);
    const cached = this.prepare(table.lookupSql);
    const { statement } = cached;
    try {
      statement.bind([id]);
      if (statement.step()) return this.rowToRecord(cached, table);
    } finally {
      statement.reset();
    }
    if (suppressRecordNotFoundError) return null;
    throw new Error(`Item with id "${id}" does not exist.`);
  }

  async read(query: Query): Promise<ReadResult> {
    await this.database();
    const components = query.getComponents();
    const table = this.table(components.table);
    const where = this.whereClause(table, components.filter);
    const selections = components.selections.map((name) => {
      const column = table.columns.get(name);
      if (column === undefined)
        throw new Error(`Unknown column '${name}' in the selection of a query on table '${table.name}'`);
      return quoteIdentifier(column.name);
    });
    const columnsSql = selections.length > 0 ? selections.join(', ') : '*';
    const orderBy = this.orderByClause(table, components.ordering);
    let limit = '';
    if (components.take !== undefined) limit = ` LIMIT ${components.take}`;
    if (components.skip !== undefined && components.skip > 0)
      limit = `${limit === '' ? ' LIMIT -1' : limit} OFFSET ${components.skip}`;
    const records: ReadResult = [];
    const cached = this.prepare(`SELECT ${columnsSql} FROM ${table.quoted}${where.sql}${orderBy.sql}${limit}`);
    const { statement } = cached;
    try {
      // Statements are cached by their text, so the same text always takes the same number of values.
      const params = orderBy.params.length === 0 ? where.params : [...where.params, ...orderBy.params];
      if (params.length > 0) statement.bind(params);
      while (statement.step()) records.push(this.rowToRecord(cached, table));
    } finally {
      statement.reset();
    }
    if (components.includeTotalCount) {
      const { statement: count } = this.prepare(`SELECT COUNT(*) FROM ${table.quoted}${where.sql}`);
      try {
        if (where.params.length > 0) count.bind(where.params);
        records.totalCount = count.step() ? Number(count.get()[0] ?? 0) : 0;
      } finally {
        count.reset();
      }
    }
    return records;
  }

  async del(tableNameOrQuery: string | Query, ids?: StoreId | readonly StoreId[]): Promise<void> {
    const open = await this.database();
    if (typeof tableNameOrQuery === 'string') {
      const table = this.table(tableNameOrQuery);
      const list = ids === undefined ? [] : Array.isArray(ids) ? (ids as readonly StoreId[]) : [ids as StoreId];
      if (!this.transaction(() => this.deleteIds(table, list))) return never();
      for (const id of list) this.notify({ action: 'delete', tableName: tableNameOrQuery, id });
      this.persist(open);
      return;
    } else {
      const components = tableNameOrQuery.getComponents();
      const table = this.table(components.table);
      const where = this.whereClause(table, components.filter);
      const orderBy = this.orderByClause(table, components.ordering);
      let limit = '';
      if (components.take !== undefined) limit = ` LIMIT ${components.take}`;
      if (components.skip !== undefined && components.skip > 0)
        limit = `${limit === '' ? ' LIMIT -1' : limit} OFFSET ${components.skip}`;
      const done = this.transaction(() => {
        const { statement } = this.prepare(
          `DELETE FROM ${table.quoted} WHERE "id" IN (SELECT "id" FROM ${table.quoted}${where.sql}${orderBy.sql}${limit})`,
        );
        statement.run([...where.params, ...orderBy.params]);
        this.wrote('delete', table.name);
      });
      if (!done) return never();
      this.notify({ action: 'delete-where', tableName: components.table });
      this.persist(open);
    }
  }

  async executeBatch(operations: readonly (StoreOperation | null | undefined)[]): Promise<void> {
    if (!Array.isArray(operations)) throw new TypeError('executeBatch expects an array of operations');
    const open = await this.database();
    const done = this.transaction(() => {
      for (const operation of operations) {
        if (operation === null || operation === undefined) continue;
        const table = this.table(operation.tableName);
        switch (operation.action) {
          case 'upsert':
            this.upsertRecords(table, operation.data);
            break;
          case 'delete':
            this.deleteIds(table, [operation.id]);
            break;
          default:
            throw new Error(`Operation '${String((operation as { action?: unknown }).action)}' is not supported`);
        }
      }
    });
    if (!done) return never();
    // Watchers follow the database, which has the change even if writing the file fails.
    for (const operation of operations) if (operation !== null && operation !== undefined) this.notify(operation);
    this.persist(open);
  }

  /**
   * The committed contents of the store as SQLite file bytes. Writes are synchronous inside
   * one call, so no half-done transaction is ever exported.
   */
  export(): Uint8Array {
    if (this.closed) throw new StoreClosedError();
    if (this.opened === undefined) {
      if (this.options.bytes !== undefined) return new Uint8Array(this.options.bytes);
      throw new Error('The store has not been opened yet: call init() (or any other method) first');
    }
    return this.exportBytes(this.opened);
  }

  /**
   * Closes this store and returns a new one over the same committed data: what an app that is
   * killed and started again finds in its file, without the copies an export and an open make.
   * Writes are synchronous inside one call, so nothing uncommitted is handed over. Whatever
   * still holds this store gets {@link StoreClosedError}; the new store needs its tables
   * defined again, as a store opened from bytes does.
   */
  async reopen(): Promise<SqlJsStore> {
    // A crashed instance still holds the committed data (its open transaction rolled back).
    const open = this.crashed && this.opened !== undefined ? this.opened : await this.database();
    this.closed = true;
    this.watchers.clear();
    this.opened = undefined;
    const { bytes: _bytes, ...options } = this.options;
    const store = new SqlJsStore(options);
    store.opened = open;
    store.fs = this.fs;
    return store;
  }

  /** Closes the store. Every later call rejects with {@link StoreClosedError}. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watchers.clear();
    const open = this.opened ?? (this.opening === undefined ? undefined : await this.opening.catch(() => undefined));
    this.opened = undefined;
    if (open === undefined) return;
    releaseStoreDatabase(open.sql, open, open.reusable);
  }

  private async database(): Promise<OpenDatabase> {
    if (this.crashed) return never();
    if (this.closed) throw new StoreClosedError();
    if (this.opened === undefined) {
      this.opening ??= this.openDatabase();
      const open = await this.opening;
      if (this.opened === undefined && !this.closed) this.opened = open;
    }
    // The store may have been closed while this call waited.
    if (this.closed || this.opened === undefined) throw new StoreClosedError();
    return this.opened;
  }

  private async openDatabase(): Promise<OpenDatabase> {
    const SQL = await (this.options.loadSqlJs ?? loadSqlJs)();
    let bytes = this.options.bytes;
    if (this.options.path !== undefined) {
      this.fs = (await import('node:fs')) as FileSystem;
      if (bytes === undefined && this.fs.existsSync(this.options.path)) bytes = this.fs.readFileSync(this.options.path);
    }
    if (bytes === undefined) return { ...takeStoreDatabase(SQL), sql: SQL, reusable: true };
    return {
      db: openStoreDatabase(SQL, bytes),
      leftovers: new Map(),
      statements: new Map(),
      columns: new Map(),
      sql: SQL,
      reusable: false,
    };
  }

  private exportBytes(open: OpenDatabase): Uint8Array {
    // The main schema has staged tables now: not a database to hand to the next store.
    open.reusable = false;
    return exportStoreDatabase(open.db, open.leftovers);
  }

  private table(tableName: string): TableInfo {
    if (typeof tableName !== 'string' || tableName === '')
      throw new TypeError('A table name must be a non-empty string');
    const table = this.tables.get(tableName.toLowerCase());
    if (table === undefined) throw new Error(`Definition not found for table "${tableName}"`);
    return table;
  }

  /**
   * Runs `work` in one transaction and reports its commit when it wrote. False when the app
   * crashed on one of its writes (the transaction rolled back, or its commit was the last write).
   */
  private transaction(work: () => void): boolean {
    this.statementsInTransaction = 0;
    try {
      withTransaction(this.opened!, work);
    } catch (error) {
      if (error instanceof CrashedMidTransaction) return false;
      throw error;
    }
    if (this.statementsInTransaction > 0) this.report({ kind: 'commit', statement: 'commit' });
    return !this.crashed;
  }

  /** A statement inside the open transaction has run. */
  private wrote(statement: string, table: string): void {
    this.statementsInTransaction++;
    if (this.writeListener === undefined) return;
    const verdict = this.report({ kind: 'statement', statement, table });
    if (this.crashed) throw new CrashedMidTransaction();
    // withTransaction rolls the transaction back on the way out.
    if (verdict === 'disk-full' || verdict === 'locked') throw new StoreWriteError(verdict);
  }

  private report(write: StoreWrite): StoreWriteVerdict | undefined {
    const verdict = this.writeListener?.(write);
    if (verdict === 'crash') {
      this.crashed = true;
      this.watchers.clear();
    }
    return verdict;
  }

  private persist(open: OpenDatabase): void {
    const path = this.options.path;
    if (path === undefined || this.fs === undefined) return;
    // Write then rename, so a crash mid-write leaves the previous file whole.
    const temporary = `${path}.tmp`;
    this.fs.writeFileSync(temporary, this.exportBytes(open));
    this.fs.renameSync(temporary, path);
  }

  /** The cached statement for `key` (its SQL text, unless `sql` builds the text). */
  private prepare(key: string, sql?: () => string): CachedStatement {
    return cachedStatement(this.opened!, key, sql);
  }

  private dropStatementsOf(quotedTable: string): void {
    const statements = this.opened!.statements;
    for (const [key, { statement }] of statements) {
      if (key.includes(quotedTable)) {
        statement.free();
        statements.delete(key);
      }
    }
  }

  private upsertRecords(table: TableInfo, data: LocalRecord | readonly LocalRecord[]): void {
    const records = Array.isArray(data) ? (data as readonly LocalRecord[]) : [data as LocalRecord];
    for (const record of records) {
      if (record === null || record === undefined) continue;
      if (typeof record !== 'object')
        throw new TypeError(`Cannot upsert ${typeof record} into table '${table.name}': records are objects`);
      const id = propertyOf(record, 'id');
      checkId(table, id);
      if (this.upsertPlanned(table, id, record)) {
        this.wrote('upsert', table.name);
        continue;
      }
      // Properties without a column are not stored, as in the SDK.
      const cells = new Map<string, CellValue>();
      for (const [property, value] of Object.entries(record)) {
        if (value === undefined) continue;
        const column = table.columns.get(property);
        if (column === undefined || column.name.toLowerCase() === 'id') continue;
        cells.set(column.name, toCell(value, column.type, column.name));
      }
      const statement = this.upsertStatement(table, [...cells.keys()]);
      statement.run([id, ...cells.values()]);
      this.wrote('upsert', table.name);
    }
  }

  /**
   * Writes a record the way the loop above would, through the plan for its list of properties
   * (made once for a page of records that share it). False, having written nothing, for a
   * record with an undefined property: the general loop leaves that column out.
   */
  private upsertPlanned(table: TableInfo, id: StoreId, record: LocalRecord): boolean {
    const keys = Object.keys(record);
    let plan = table.upsertPlan;
    if (plan === undefined || !sameKeys(plan.keys, keys)) {
      plan = upsertPlanFor(table, keys);
      table.upsertPlan = plan;
    }
    const values: (StoreId | CellValue)[] = new Array<StoreId | CellValue>(plan.names.length + 1);
    values[0] = id;
    const { targets } = plan;
    for (let i = 0; i < keys.length; i++) {
      const target = targets[i];
      if (target === undefined) continue;
      const value = record[keys[i]!];
      if (value === undefined) return false;
      // Two properties for one column (`text` and `Text`): the later one's value is kept, as above.
      values[target.slot] = toCell(value, target.type, target.column);
    }
    this.upsertStatement(table, plan.names, plan.statementKey).run(values);
    return true;
  }

  /** The prepared upsert for one set of columns (a page of server records shares one). */
  private upsertStatement(table: TableInfo, names: readonly string[], key = upsertKey(table, names)): Statement {
    return this.prepare(key, () => {
      const quotedNames = names.map(quoteIdentifier);
      const insertColumns = ['"id"', ...quotedNames].join(', ');
      const placeholders = new Array(names.length + 1).fill('?').join(', ');
      const onConflict =
        names.length === 0
          ? 'DO NOTHING'
          : `DO UPDATE SET ${quotedNames.map((name) => `${name} = excluded.${name}`).join(', ')}`;
      return `INSERT INTO ${table.quoted} (${insertColumns}) VALUES (${placeholders}) ON CONFLICT("id") ${onConflict}`;
    }).statement;
  }

  private deleteIds(table: TableInfo, ids: readonly StoreId[]): void {
    const present = ids.filter((id) => id !== null && id !== undefined);
    for (const id of present) checkId(table, id);
    for (let start = 0; start < present.length; start += MAX_IDS_PER_STATEMENT) {
      const chunk = present.slice(start, start + MAX_IDS_PER_STATEMENT);
      const { statement } = this.prepare(
        `DELETE FROM ${table.quoted} WHERE "id" IN (${new Array(chunk.length).fill('?').join(', ')})`,
      );
      statement.run([...chunk]);
      this.wrote('delete', table.name);
    }
  }

  private rowToRecord(cached: CachedStatement, table: TableInfo): LocalRecord {
    // The statement's columns are fixed while it is cached (a column added to the table drops it).
    let decoder = cached.decoder;
    if (decoder === undefined || cached.decoderSource !== table) {
      decoder = cached.statement.getColumnNames().map((stored) => {
        const column = table.columns.get(stored);
        return { property: column?.name ?? stored, stored, type: column?.type };
      });
      cached.decoder = decoder;
      cached.decoderSource = table;
    }
    const values = cached.statement.get();
    const record: LocalRecord = {};
    for (let i = 0; i < decoder.length; i++) {
      const { property, stored, type } = decoder[i]!;
      record[property] = fromCell(values[i] ?? null, type, stored);
    }
    return record;
  }

  private whereClause(table: TableInfo, filter: FilterExpression | undefined): { sql: string; params: CellValue[] } {
    if (filter === undefined) return NO_CLAUSE;
    const compiled = compileFilter(filter, table.columnMap);
    return { sql: ` WHERE ${hideValuesFromPlanner(compiled.sql)}`, params: compiled.params };
  }

  private orderByClause(table: TableInfo, ordering: readonly OrderByClause[]): { sql: string; params: CellValue[] } {
    if (ordering.length === 0) return NO_CLAUSE;
    const key = JSON.stringify(ordering.map((clause) => [clause.property, clause.direction]));
    let clause = table.orderings.get(key);
    if (clause === undefined) {
      const compiled = compileOrderBy(ordering, table.columnMap);
      clause = { sql: ` ORDER BY ${compiled.sql}`, params: compiled.params };
      if (table.orderings.size < 100) table.orderings.set(key, clause);
    }
    return clause;
  }
}

const NO_CLAUSE: { sql: string; params: CellValue[] } = Object.freeze({
  sql: '',
  params: Object.freeze([]) as unknown as CellValue[],
});

/**
 * `?` → `+?` outside quoted names and strings. When SQLite's planner looks at the value bound
 * to a parameter (it does for `column = ?` in a query with ORDER BY), the statement is prepared
 * again after every new binding: that doubled the cost of the operation log's reads. A unary
 * plus changes neither the value, nor its affinity (a parameter has none), nor the plan; it only
 * keeps the planner from reading the value.
 */
export function hideValuesFromPlanner(sql: string): string {
  if (!sql.includes('?')) return sql;
  let result = '';
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i]!;
    if (quote !== undefined) {
      // A doubled quote inside a quoted run closes and reopens it: the toggle handles both.
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'" || char === '`') {
      quote = char;
    } else if (char === '[') {
      quote = ']';
    } else if (char === '?') {
      result += '+';
    }
    result += char;
  }
  return result;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function upsertKey(table: TableInfo, names: readonly string[]): string {
  return `upsert\u0000${table.quoted}\u0000${names.join('\u0000')}`;
}

/** The plan for records with these properties: each stored property's column, in first-seen order. */
function upsertPlanFor(table: TableInfo, keys: readonly string[]): UpsertPlan {
  const names: string[] = [];
  const slots = new Map<string, number>();
  const targets = keys.map((key) => {
    const column = table.columns.get(key);
    if (column === undefined || column.name.toLowerCase() === 'id') return undefined;
    let slot = slots.get(column.name);
    if (slot === undefined) {
      names.push(column.name);
      slot = names.length;
      slots.set(column.name, slot);
    }
    return { column: column.name, type: column.type, slot };
  });
  return { keys, targets, names, statementKey: upsertKey(table, names) };
}

function columnMapOf(columns: ColumnSet): ColumnMap {
  const map: Record<string, ColumnMap[string]> = {};
  for (const { name, type } of columns.entries()) map[name] = { sql: quoteIdentifier(name), type: filterTypeOf(type) };
  return map;
}

function validateDefinition(definition: StoreTableDefinition): { name: string; columns: ColumnSet } {
  if (typeof definition !== 'object' || definition === null)
    throw new TypeError('A table definition must be an object');
  const { name, columnDefinitions } = definition;
  if (typeof name !== 'string' || name.trim() === '') throw new TypeError('A table definition needs a non-empty name');
  if (typeof columnDefinitions !== 'object' || columnDefinitions === null)
    throw new TypeError(`Table '${name}' needs columnDefinitions`);
  const seen = new Set<string>();
  for (const [column, type] of Object.entries(columnDefinitions)) {
    if (column === '') throw new TypeError(`Table '${name}' has a column with an empty name`);
    if (!isColumnTypeName(type)) {
      throw new ColumnTypeError(
        `Column type ${JSON.stringify(type)} of column '${column}' in table '${name}' is not supported; use object, array, date, integer, int, float, real, string, text, boolean or bool`,
      );
    }
    if (seen.has(column.toLowerCase()))
      throw new TypeError(`Duplicate definition for column "${column}" in table "${name}"`);
    seen.add(column.toLowerCase());
  }
  const columns = new ColumnSet(columnDefinitions as Record<string, ColumnTypeName>);
  const idType = columns.typeOf('id');
  if (idType === undefined) throw new TypeError(`Table '${name}' must define an 'id' column`);
  if (!['string', 'text', 'integer', 'int'].includes(idType))
    throw new TypeError(`The 'id' column of table '${name}' must be a string or an integer, not ${idType}`);
  return { name, columns };
}

function checkId(table: TableInfo, id: unknown): asserts id is StoreId {
  const ok = table.integerIds ? typeof id === 'number' && Number.isSafeInteger(id) && id > 0 : isValidId(id);
  if (!ok) throw new TypeError(`Invalid id ${JSON.stringify(id) ?? String(id)} for table '${table.name}'`);
}
