/**
 * The sql.js database under a {@link SqlJsStore}: where its tables live, how it becomes file
 * bytes and comes back from them, and the idle databases kept for the next store to open.
 *
 * sql.js keeps a database's main schema in a file of Emscripten's in-memory file system, where
 * every statement takes file locks and every commit writes pages and a journal: several times
 * the cost of SQLite's own in-memory store. So a store's tables live in a `:memory:` database
 * attached as {@link MEMORY_SCHEMA}, and the main schema is only a staging area for export:
 * exported bytes are an ordinary SQLite file with the tables in `main`.
 */
import type { Database, SqlJsStatic, Statement } from 'sql.js';
import type { ColumnTypeName } from './columns.js';

import { closeDatabase, MEMORY_SCHEMA, openDatabase } from '../sqlite/sqljs.js';

export { MEMORY_SCHEMA };
export const QUOTED_MEMORY_SCHEMA = `"${MEMORY_SCHEMA}"`;

/** `"name"` with inner quotes doubled: no name can break out of an identifier. */
export function quoteIdentifier(name: string): string {
  if (name.includes('\u0000')) throw new TypeError('A table or column name cannot contain a NUL character');
  return `"${name.replace(/"/g, '""')}"`;
}

/** Per result column: the record property and the column type (undefined: not a defined column). */
export type RowDecoder = readonly {
  readonly property: string;
  readonly stored: string;
  readonly type: ColumnTypeName | undefined;
}[];

/** A prepared statement with what turns its rows into records. */
export interface CachedStatement {
  readonly statement: Statement;
  decoder: RowDecoder | undefined;
  /** What the decoder was built from (a store's table definition): another one means a new decoder. */
  decoderSource: object | undefined;
}

/**
 * A table a store's database holds but the store has not defined (yet): left, emptied, by the
 * store that used the database before. Invisible until a definition claims it.
 */
export interface LeftoverTable {
  /** The table's name as created. */
  readonly name: string;
  /** Its CREATE statement as SQLite keeps it (no schema name). */
  readonly sql: string;
}

/** A database ready for a store: new, or idle after an earlier store closed. */
export interface StoreDatabase {
  readonly db: Database;
  /** Lower-case table name → leftover table. */
  readonly leftovers: Map<string, LeftoverTable>;
  /** Statements the earlier store prepared (still valid: the schema is unchanged). */
  readonly statements: Map<string, CachedStatement>;
  /** Lower-case table name → its columns (lower case) as SQLite has them, once known. */
  readonly columns: Map<string, readonly string[]>;
}

/** Opens a database for a store: empty, or holding what `bytes` (an exported store) holds. */
export function openStoreDatabase(SQL: SqlJsStatic, bytes: Uint8Array | undefined): Database {
  const db = openDatabase(SQL, bytes);
  try {
    // Reading the schema makes bad bytes fail here, with a clear message, not on first use.
    db.exec('SELECT count(*) FROM sqlite_master');
    // A rollback journal in memory spares every staging transaction a second file. Full
    // auto-vacuum (settable only while the main schema is empty) gives the pages of staged tables
    // back when they are dropped, so exports never carry stale free pages.
    db.exec(
      `PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY; ATTACH DATABASE ':memory:' AS ${QUOTED_MEMORY_SCHEMA}; PRAGMA main.auto_vacuum = FULL`,
    );
    if (bytes !== undefined) {
      copySchema(db, 'main', MEMORY_SCHEMA, new Set());
      dropSchemaObjects(db, 'main');
      // Bytes from elsewhere may lack auto-vacuum: a vacuum of the now empty schema applies it.
      if (Number(db.exec('PRAGMA main.auto_vacuum')[0]?.values[0]?.[0]) !== 1) db.exec('VACUUM main');
    }
  } catch (error) {
    closeDatabase(db);
    throw new Error(`Cannot open the store: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return db;
}

/**
 * The store as SQLite file bytes: its tables (leftovers excepted) are staged in the main schema,
 * which sql.js exports, then dropped again. Slower than a write; exports are rare.
 */
export function exportStoreDatabase(db: Database, leftovers: ReadonlyMap<string, LeftoverTable>): Uint8Array {
  copySchema(db, MEMORY_SCHEMA, 'main', new Set(leftovers.keys()));
  try {
    return db.export();
  } finally {
    dropSchemaObjects(db, 'main');
  }
}

/**
 * Recreates the tables, indexes, views and triggers of schema `from` in schema `to`, and copies
 * the rows. SQLite keeps each object's CREATE statement with the schema name left out and the
 * object's name right after the keywords, so naming the target schema there is exact. Tables
 * are filled before indexes and triggers exist, so no trigger fires on the copy.
 */
function copySchema(db: Database, from: string, to: string, skipTables: ReadonlySet<string>): void {
  const source = `"${from}"`;
  const target = `"${to}"`;
  const objects = (
    db.exec(`SELECT type, name, tbl_name, sql FROM ${source}.sqlite_master WHERE sql IS NOT NULL ORDER BY rowid`)[0]
      ?.values ?? []
  )
    .map(([type, name, table, sql]) => ({
      type: String(type),
      name: String(name),
      table: String(table),
      sql: String(sql),
    }))
    .filter((object) => !skipTables.has(object.table.toLowerCase()));
  const tables = objects.filter((object) => object.type === 'table');
  const others = objects.filter((object) => object.type !== 'table');
  inTransaction(db, () => {
    for (const table of tables) {
      // SQLite's own tables (AUTOINCREMENT counters, statistics) come with the tables that need them.
      if (table.name.toLowerCase().startsWith('sqlite_')) continue;
      const quoted = quoteIdentifier(table.name);
      db.run(inSchema(table.sql, target));
      db.run(`INSERT INTO ${target}.${quoted} SELECT * FROM ${source}.${quoted}`);
    }
    // The copy moved the AUTOINCREMENT counters to the highest ids copied; the source's counters
    // may be higher (rows deleted since) and are the ones to keep.
    if (tables.some((table) => table.name.toLowerCase() === 'sqlite_sequence')) {
      db.run(`DELETE FROM ${target}."sqlite_sequence"`);
      db.run(`INSERT INTO ${target}."sqlite_sequence" SELECT * FROM ${source}."sqlite_sequence"`);
    }
    for (const object of others) db.run(inSchema(object.sql, target));
  });
}

function dropSchemaObjects(db: Database, schema: string): void {
  const quotedSchema = `"${schema}"`;
  const objects = (
    db.exec(`SELECT type, name FROM ${quotedSchema}.sqlite_master WHERE type IN ('table', 'view', 'trigger')`)[0]
      ?.values ?? []
  )
    .map(([type, name]) => ({ type: String(type), name: String(name) }))
    .filter((object) => !object.name.toLowerCase().startsWith('sqlite_'));
  if (objects.length === 0) return;
  inTransaction(db, () => {
    // Indexes go with their tables.
    for (const { type, name } of objects)
      db.run(`DROP ${type.toUpperCase()} IF EXISTS ${quotedSchema}.${quoteIdentifier(name)}`);
  });
}

function inTransaction(db: Database, work: () => void): void {
  db.run('BEGIN');
  try {
    work();
    db.run('COMMIT');
  } catch (error) {
    db.run('ROLLBACK');
    throw error;
  }
}

const CREATE_PREFIX = /^CREATE\s+(?:TABLE|(?:UNIQUE\s+)?INDEX|VIEW|TRIGGER)\s+/i;

/** A CREATE statement as SQLite keeps it (schema name left out), made to create in `quotedSchema`. */
function inSchema(sql: string, quotedSchema: string): string {
  const prefix = CREATE_PREFIX.exec(sql);
  if (prefix === null) throw new Error(`Cannot copy a schema object created by: ${sql.slice(0, 100)}`);
  return `${prefix[0]}${quotedSchema}.${sql.slice(prefix[0].length)}`;
}

/**
 * Opening a database and preparing a store's statements cost more than all the writes of a
 * small store: the simulator opens one per client per run. So a closed in-memory store's
 * database is emptied (rows deleted, tables and statements kept) and handed to the next store
 * opened without bytes. A table it left is used only when the next store defines it exactly
 * as it was created — the same table a fresh database would get — and dropped otherwise.
 */
const idleDatabases = new WeakMap<SqlJsStatic, StoreDatabase[]>();
const MAX_IDLE_DATABASES = 16;
/** Deleted rows leave their pages allocated: a database that held more than this is closed, not kept. */
const MAX_IDLE_PAGES = 64;

/** A database for a store opened without bytes: an idle one if there is one. */
export function takeStoreDatabase(SQL: SqlJsStatic): StoreDatabase {
  const idle = idleDatabases.get(SQL)?.pop();
  if (idle !== undefined) return idle;
  return { db: openStoreDatabase(SQL, undefined), leftovers: new Map(), statements: new Map(), columns: new Map() };
}

/**
 * Reads build their SQL from the query, so a store sees a few dozen shapes; the cache keeps that
 * many prepared and frees the oldest beyond it (one reading arbitrary queries cannot grow it).
 */
const MAX_CACHED_STATEMENTS = 200;

/** The database's prepared statement for `key` (its SQL text, unless `sql` builds the text). */
export function cachedStatement(database: StoreDatabase, key: string, sql?: () => string): CachedStatement {
  const { statements } = database;
  let cached = statements.get(key);
  if (cached === undefined) {
    cached = {
      statement: database.db.prepare(sql === undefined ? key : sql()),
      decoder: undefined,
      decoderSource: undefined,
    };
    statements.set(key, cached);
    if (statements.size > MAX_CACHED_STATEMENTS) {
      const [oldest, evicted] = statements.entries().next().value!;
      statements.delete(oldest);
      evicted.statement.free();
    }
  }
  return cached;
}

/** Runs `work` in one transaction, with BEGIN and COMMIT prepared once per database. */
export function withTransaction(database: StoreDatabase, work: () => void): void {
  cachedStatement(database, 'BEGIN').statement.run();
  try {
    work();
    cachedStatement(database, 'COMMIT').statement.run();
  } catch (error) {
    cachedStatement(database, 'ROLLBACK').statement.run();
    throw error;
  }
}

/**
 * Gives a closed store's database back for reuse, emptied. `pristine`: opened without bytes and
 * never exported, so its main schema is as new (it is not read here: reading the file-backed
 * schema costs more than the rest). Closes the database instead when the pool is full or the
 * memory schema holds anything but the plain tables stores create.
 */
export function releaseStoreDatabase(SQL: SqlJsStatic, database: StoreDatabase, pristine: boolean): void {
  let pool = idleDatabases.get(SQL);
  if (pool === undefined) {
    pool = [];
    idleDatabases.set(SQL, pool);
  }
  if (pristine && pool.length < MAX_IDLE_DATABASES && emptyForReuse(database)) {
    pool.push(database);
    return;
  }
  for (const { statement } of database.statements.values()) statement.free();
  database.statements.clear();
  closeDatabase(database.db);
}

function emptyForReuse(database: StoreDatabase): boolean {
  try {
    const { statement } = cachedStatement(
      database,
      `SELECT type, name, sql FROM ${QUOTED_MEMORY_SCHEMA}.sqlite_master`,
    );
    const objects: { type: string; name: string; sql: string }[] = [];
    try {
      while (statement.step()) {
        const [type, name, sql] = statement.get();
        objects.push({ type: String(type), name: String(name), sql: String(sql) });
      }
    } finally {
      statement.reset();
    }
    const plain = objects.every(
      ({ type, name }) =>
        (type === 'table' && !name.toLowerCase().startsWith('sqlite_')) ||
        (type === 'index' && name.startsWith('sqlite_autoindex_')),
    );
    if (!plain) return false;
    withTransaction(database, () => {
      for (const { type, name, sql } of objects) {
        if (type !== 'table') continue;
        const lowerName = name.toLowerCase();
        // A leftover nobody claimed is still empty.
        if (!database.leftovers.has(lowerName))
          cachedStatement(database, `DELETE FROM ${QUOTED_MEMORY_SCHEMA}.${quoteIdentifier(name)}`).statement.run();
        database.leftovers.set(lowerName, { name, sql });
      }
    });
    const { statement: pages } = cachedStatement(database, `PRAGMA ${QUOTED_MEMORY_SCHEMA}.page_count`);
    try {
      return pages.step() && Number(pages.get()[0]) <= MAX_IDLE_PAGES;
    } finally {
      pages.reset();
    }
  } catch {
    return false;
  }
}
