/**
 * Binding a cached sql.js statement without throwing away its compiled plan.
 *
 * sql.js's `Statement.bind` and `Statement.reset` both call `sqlite3_clear_bindings`. SQLite
 * marks a statement expired there whenever its planner looked at a bound value while compiling it
 * (`Vdbe.expmask`; `sqlite3_clear_bindings` expires on any bit of it), and an expired statement
 * compiles its SQL again on its next step. The SDK's `SELECT * FROM [__operations] WHERE
 * (([tableName] = @p1) AND ([itemId] = @p2)) ORDER BY [id]`, run for every operation-table
 * lookup, is such a statement: each run cost a compile (about 15 µs against 2–3 µs), about 4% of
 * an SDK run.
 *
 * The binder resets with `sqlite3_reset` alone and binds every parameter of the statement itself,
 * exactly as sql.js would (integers that fit 32 bits as INTEGER, other numbers as REAL, strings as
 * UTF-8 text of their full length, null as NULL), and NULL for each parameter the values do not
 * reach, which is what clearing gave. A binding a plan depends on still expires the statement on
 * its own (SQLite's rule for a changed value), so no stale plan can run.
 *
 * It needs the statement's native handle, which sql.js keeps under a minified name. The name is
 * found once per module by asking sql.js's own registry of open statements (the database's map
 * from handle to statement), never by guessing at memory. A module where that fails, a closed
 * statement or a value of another kind (a blob) goes through sql.js's own `bind`/`reset`, as
 * before; {@link StatementBinder.keepsPlans} says which path a module takes.
 */
import type { SqlJsStatic, SqlValue, Statement } from 'sql.js';

/** The sql.js module's raw exports the binder calls (C functions of the WebAssembly module). */
interface RawSqlite {
  _sqlite3_reset(statement: number): number;
  _sqlite3_bind_text(statement: number, index: number, text: number, bytes: number, destructor: number): number;
  _sqlite3_bind_int(statement: number, index: number, value: number): number;
  _sqlite3_bind_double(statement: number, index: number, value: number): number;
  _sqlite3_bind_blob(statement: number, index: number, blob: number, bytes: number, destructor: number): number;
  _free(pointer: number): void;
  stringToNewUTF8(text: string): number;
  lengthBytesUTF8(text: string): number;
}

export interface StatementBinder {
  /** True when this module's statements keep their plan; false when they use sql.js's own path. */
  readonly keepsPlans: boolean;
  /**
   * Resets `statement` and binds `values` to its parameters in order, NULL to any the values do
   * not reach. More values than parameters is sql.js's error ("column index out of range").
   */
  bind(statement: Statement, values: readonly SqlValue[]): void;
  /** Ends a run of `statement`; its bindings stay until the next {@link bind}. */
  reset(statement: Statement): void;
}

const SQLITE_OK = 0;
/** SQLite copies the text before the call returns, so the buffer can be freed at once. */
const SQLITE_TRANSIENT = -1;

const binders = new WeakMap<SqlJsStatic, StatementBinder>();

/** The binder for statements of databases of `SQL` (one per module). */
export function statementBinder(SQL: SqlJsStatic): StatementBinder {
  let binder = binders.get(SQL);
  if (binder === undefined) {
    binder = makeBinder(SQL);
    binders.set(SQL, binder);
  }
  return binder;
}

function makeBinder(SQL: SqlJsStatic): StatementBinder {
  const raw = rawSqlite(SQL);
  const handleKey = raw === undefined ? undefined : findHandleKey(SQL);
  if (raw === undefined || handleKey === undefined) return SQL_JS_BINDER;
  /** Parameters per statement; false for another module's (a handle means nothing in its memory). */
  const parameterCounts = new WeakMap<Statement, number | false>();

  const handleOf = (statement: Statement): number => {
    const handle = (statement as unknown as Record<string, unknown>)[handleKey];
    return typeof handle === 'number' ? handle : 0;
  };

  /**
   * The statement's parameter count, learnt once (binding NULL past the last parameter is
   * SQLite's SQLITE_RANGE, so the statement must be reset first); false for a statement of
   * another module's database.
   */
  const parametersOf = (statement: Statement, handle: number): number | false => {
    const known = parameterCounts.get(statement);
    if (known !== undefined) return known;
    let count: number | false = false;
    if ((statement as unknown as { db?: unknown }).db instanceof SQL.Database) {
      raw._sqlite3_reset(handle);
      count = 0;
      while (raw._sqlite3_bind_blob(handle, count + 1, 0, 0, 0) === SQLITE_OK) count++;
    }
    parameterCounts.set(statement, count);
    return count;
  };

  return {
    keepsPlans: true,
    bind(statement, values) {
      const handle = handleOf(statement);
      if (handle === 0) return viaSqlJs(statement, values);
      for (const value of values) if (!bindsNatively(value)) return viaSqlJs(statement, values);
      const count = parametersOf(statement, handle);
      if (count === false || values.length > count) return viaSqlJs(statement, values);
      raw._sqlite3_reset(handle);
      // Text sql.js bound earlier lives in its own buffers; once every parameter is rebound below,
      // nothing reads them again.
      statement.freemem();
      for (let index = 1; index <= count; index++) {
        const code = bindOne(raw, handle, index, index <= values.length ? values[index - 1]! : null);
        // sql.js's own path reports a failure in its own words.
        if (code !== SQLITE_OK) return viaSqlJs(statement, values);
      }
    },
    reset(statement) {
      const handle = handleOf(statement);
      if (handle === 0 || parametersOf(statement, handle) === false) return void statement.reset();
      raw._sqlite3_reset(handle);
    },
  };
}

function viaSqlJs(statement: Statement, values: readonly SqlValue[]): void {
  statement.bind(values as SqlValue[]);
}

const SQL_JS_BINDER: StatementBinder = {
  keepsPlans: false,
  bind: viaSqlJs,
  reset(statement) {
    statement.reset();
  },
};

function bindsNatively(value: SqlValue): boolean {
  return value === null || typeof value === 'number' || typeof value === 'string';
}

function bindOne(raw: RawSqlite, handle: number, index: number, value: SqlValue): number {
  if (value === null) return raw._sqlite3_bind_blob(handle, index, 0, 0, 0);
  if (typeof value === 'number') {
    return value === (value | 0)
      ? raw._sqlite3_bind_int(handle, index, value)
      : raw._sqlite3_bind_double(handle, index, value);
  }
  const text = value as string;
  const pointer = raw.stringToNewUTF8(text);
  try {
    return raw._sqlite3_bind_text(handle, index, pointer, raw.lengthBytesUTF8(text), SQLITE_TRANSIENT);
  } finally {
    raw._free(pointer);
  }
}

function rawSqlite(SQL: SqlJsStatic): RawSqlite | undefined {
  const module = SQL as unknown as Partial<Record<keyof RawSqlite, unknown>>;
  const names: (keyof RawSqlite)[] = [
    '_sqlite3_reset',
    '_sqlite3_bind_text',
    '_sqlite3_bind_int',
    '_sqlite3_bind_double',
    '_sqlite3_bind_blob',
    '_free',
    'stringToNewUTF8',
    'lengthBytesUTF8',
  ];
  return names.every((name) => typeof module[name] === 'function') ? (module as RawSqlite) : undefined;
}

/**
 * The statement property that holds its native handle: the one whose value is a key under which
 * the database's registry of open statements holds this very statement.
 */
function findHandleKey(SQL: SqlJsStatic): string | undefined {
  const db = new SQL.Database();
  try {
    const statement = db.prepare('SELECT ?');
    const registries = Object.values(db as unknown as Record<string, unknown>).filter(
      (value): value is Record<string, unknown> => typeof value === 'object' && value !== null,
    );
    for (const [key, value] of Object.entries(statement as unknown as Record<string, unknown>)) {
      if (typeof value !== 'number' || value === 0) continue;
      if (
        registries.some((registry) => Object.hasOwn(registry, String(value)) && registry[String(value)] === statement)
      )
        return key;
    }
    return undefined;
  } finally {
    db.close();
  }
}
