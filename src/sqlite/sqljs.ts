/** sql.js is a WebAssembly module: it is loaded once per process and shared by every backend. */
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { withEventLoopHeld } from '../kernel/event-loop-hold.js';
import { liveObjects } from '../kernel/live-objects.js';

let loading: Promise<SqlJsStatic> | undefined;
let loaded: SqlJsStatic | undefined;

/**
 * The process's sql.js module, loaded on first use. SQLite's own math functions are used
 * (floor, ceil, mod), not sql.js's deprecated extension copies that warn on every first call.
 * The client's local store can share this module. Node's event loop is held while the
 * WebAssembly compiles: Node 20 can deadlock otherwise (see {@link withEventLoopHeld}).
 */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= withEventLoopHeld(() =>
    initSqlJs({ useOldExtensionFunctions: false } as Parameters<typeof initSqlJs>[0]),
  ).then(
    (module) => (loaded = module),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * The module once {@link loadSqlJs} has loaded it, for synchronous code (a checker) that runs
 * after a world did; undefined before.
 */
export function loadedSqlJs(): SqlJsStatic | undefined {
  return loaded;
}

/**
 * sql.js keeps its main database in a file of Emscripten's in-memory file system: every statement
 * takes and releases file locks and every commit writes pages and a journal to that file, about
 * 150 µs per small write. A database attached as `:memory:` is SQLite's own in-memory store and
 * skips all of it (about 15 µs per write, page queries several times faster). Tables therefore
 * live in this schema, and SQL names them `"mem"."…"`.
 */
export const MEMORY_SCHEMA = 'mem';

/** A sql.js database (empty, or from a file's bytes), counted live until {@link closeDatabase}. */
export function openDatabase(SQL: SqlJsStatic, bytes?: Uint8Array | null): Database {
  const db = new SQL.Database(bytes ?? null);
  liveObjects.created('database', db);
  return db;
}

/** Closes a database from {@link openDatabase}. */
export function closeDatabase(db: Database): void {
  db.close();
  liveObjects.closed('database');
}

/** A database with an empty in-memory schema {@link MEMORY_SCHEMA} attached. */
export async function openMemoryDatabase(): Promise<Database> {
  const SQL = await loadSqlJs();
  const db = openDatabase(SQL);
  db.exec(`PRAGMA temp_store = MEMORY; ATTACH DATABASE ':memory:' AS "${MEMORY_SCHEMA}";`);
  return db;
}
