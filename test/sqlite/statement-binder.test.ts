/**
 * The statement binder (src/sqlite/statement-binder.ts) binds without sql.js's
 * `sqlite3_clear_bindings`, which makes SQLite compile some statements again on every run. What
 * it binds must be exactly what sql.js binds, the parameters it is not given must read NULL (as
 * clearing made them), and whatever it cannot bind itself goes through sql.js unchanged.
 */
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { loadSqlJs } from '../../src/sqlite/sqljs.js';
import { statementBinder, type StatementBinder } from '../../src/sqlite/statement-binder.js';

let SQL: SqlJsStatic;
let binder: StatementBinder;
const open: Database[] = [];

beforeAll(async () => {
  SQL = await loadSqlJs();
  binder = statementBinder(SQL);
});

afterEach(() => {
  for (const db of open.splice(0)) db.close();
  vi.restoreAllMocks();
});

function database(): Database {
  const db = new SQL.Database();
  open.push(db);
  return db;
}

/** The row and SQLite's type of each value a statement yields after binding `values` one way. */
function runWith(statement: Statement, values: SqlValue[], bind: (s: Statement, v: SqlValue[]) => void): unknown[] {
  bind(statement, values);
  try {
    return statement.step() ? statement.get() : [];
  } finally {
    binder.reset(statement);
  }
}

const VALUES: SqlValue[] = [
  0,
  -0,
  1,
  -1,
  2_147_483_647,
  2_147_483_648,
  -2_147_483_649,
  Number.MAX_SAFE_INTEGER,
  0.5,
  -1e-300,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  'text',
  'with\u0000nul inside',
  'ünïcödé ✓ 𝄞',
  "'); DROP TABLE t; --",
  'x'.repeat(100_000),
  null,
];

describe('the statement binder', () => {
  test('keeps plans on the sql.js this project pins (the fast path is not silently off)', () => {
    expect(binder.keepsPlans).toBe(true);
    expect(statementBinder(SQL)).toBe(binder);
  });

  test.each(VALUES.map((value) => [JSON.stringify(value) ?? String(value), value] as const))(
    'binds %s as sql.js does: the same value and the same SQLite type',
    (_, value) => {
      const statement = database().prepare('SELECT ?, typeof(?), length(?)');
      const values = [value, value, value];
      const ours = runWith(statement, values, (s, v) => binder.bind(s, v));
      const theirs = runWith(statement, values, (s, v) => s.bind(v));
      expect(ours).toEqual(theirs);
    },
  );

  test('binds by itself, without sql.js bind or reset, for numbers, strings and null', () => {
    const statement = database().prepare('SELECT ? || ?, ?');
    const bind = vi.spyOn(statement, 'bind');
    const reset = vi.spyOn(statement, 'reset');
    for (let run = 0; run < 3; run++) {
      binder.bind(statement, ['a', run, null]);
      expect(statement.step()).toBe(true);
      expect(statement.get()).toEqual([`a${run}`, null]);
      binder.reset(statement);
    }
    expect(bind).not.toHaveBeenCalled();
    expect(reset).not.toHaveBeenCalled();
  });

  test('a parameter the values do not reach reads NULL, even after an earlier run bound it', () => {
    const statement = database().prepare('SELECT ?, ?, ?');
    expect(runWith(statement, ['a', 'b', 'c'], (s, v) => binder.bind(s, v))).toEqual(['a', 'b', 'c']);
    expect(runWith(statement, ['x'], (s, v) => binder.bind(s, v))).toEqual(['x', null, null]);
    expect(runWith(statement, [], (s, v) => binder.bind(s, v))).toEqual([null, null, null]);
  });

  test('named parameters take the values in their order, as sql.js binds an array', () => {
    const statement = database().prepare('SELECT @p2, @p1');
    expect(runWith(statement, [1, 2], (s, v) => binder.bind(s, v))).toEqual(
      runWith(statement, [1, 2], (s, v) => s.bind(v)),
    );
  });

  test('more values than parameters is sql.js error', () => {
    const statement = database().prepare('SELECT ?');
    let theirs: unknown;
    try {
      statement.bind([1, 2]);
    } catch (error) {
      theirs = error;
    }
    expect(theirs).toBeInstanceOf(Error);
    expect(() => binder.bind(statement, [1, 2])).toThrow((theirs as Error).message);
  });

  test('a blob goes through sql.js (it binds what the binder does not)', () => {
    const statement = database().prepare('SELECT ?, typeof(?)');
    const bind = vi.spyOn(statement, 'bind');
    const blob = new Uint8Array([0, 1, 2, 255]);
    expect(runWith(statement, [blob, blob], (s, v) => binder.bind(s, v))).toEqual([blob, 'blob']);
    expect(bind).toHaveBeenCalledTimes(1);
    // …and the next run binds by itself again, with nothing of the blob left over.
    expect(runWith(statement, ['text'], (s, v) => binder.bind(s, v))).toEqual(['text', 'null']);
  });

  test('a closed statement fails as sql.js fails it', () => {
    const statement = database().prepare('SELECT ?');
    statement.free();
    expect(() => binder.bind(statement, [1])).toThrow('Statement closed');
  });

  test('a statement SQLite compiles again after a schema change runs with the values bound', () => {
    const db = database();
    db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
    db.run("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
    const statement = db.prepare('SELECT * FROM t WHERE name = ? ORDER BY id');
    expect(runWith(statement, ['two'], (s, v) => binder.bind(s, v))).toEqual([2, 'two']);
    db.run("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'");
    expect(runWith(statement, ['two'], (s, v) => binder.bind(s, v))).toEqual([2, 'two', 'x']);
  });

  test('a query whose plan reads its values gives the same rows on every run', () => {
    // The planner reads a LIKE pattern's value (its prefix can use an index); a new value must
    // still give that value's rows.
    const db = database();
    db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE)');
    db.run('CREATE INDEX t_name ON t (name)');
    db.run("INSERT INTO t VALUES (1, 'apple'), (2, 'banana'), (3, 'apricot')");
    const statement = db.prepare('SELECT group_concat(id) FROM (SELECT id FROM t WHERE name LIKE ? ORDER BY id)');
    expect(runWith(statement, ['ap%'], (s, v) => binder.bind(s, v))).toEqual(['1,3']);
    expect(runWith(statement, ['%an%'], (s, v) => binder.bind(s, v))).toEqual(['2']);
    expect(runWith(statement, ['b%'], (s, v) => binder.bind(s, v))).toEqual(['2']);
  });

  test('writes through the binder store what sql.js stores', () => {
    const ours = database();
    const theirs = database();
    for (const db of [ours, theirs]) db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, v)');
    const insertOurs = ours.prepare('INSERT INTO t (v) VALUES (?)');
    const insertTheirs = theirs.prepare('INSERT INTO t (v) VALUES (?)');
    for (const value of VALUES) {
      binder.bind(insertOurs, [value]);
      insertOurs.step();
      binder.reset(insertOurs);
      insertTheirs.run([value]);
    }
    const dump = (db: Database) => db.exec('SELECT id, v, typeof(v) FROM t ORDER BY id')[0]?.values;
    expect(dump(ours)).toEqual(dump(theirs));
  });
});
