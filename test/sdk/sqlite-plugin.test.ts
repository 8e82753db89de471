import { beforeAll, describe, expect, test } from 'vitest';
import type { SqlJsStatic } from 'sql.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { AppTimers } from '../../src/sdk/app-timers.js';
import { loadSqlJs } from '../../src/sqlite/sqljs.js';
import type { StoreWrite, StoreWriteVerdict } from '../../src/kernel/driver.js';
import {
  DeviceFile,
  describeWrite,
  readRows,
  SqlErrorCode,
  SqlitePlugin,
  type DeviceFileSource,
  type SqlError,
  type SqliteDatabase,
  type SqliteResultSet,
  type SqliteTransaction,
} from '../../src/sdk/sqlite-plugin.js';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSqlJs();
});

/** A plugin whose bridge hops wait in a queue until the test runs them. */
function setup(files?: ReadonlyMap<string, DeviceFileSource>): {
  plugin: SqlitePlugin;
  db: SqliteDatabase;
  run: () => number;
  step: () => void;
  queued: () => number;
} {
  const tasks: (() => void)[] = [];
  const plugin = new SqlitePlugin({ sql: SQL, schedule: (task) => tasks.push(task), ...(files ? { files } : {}) });
  const db = plugin.openDatabase({ name: 'test.db', location: 'default' });
  const run = (): number => {
    let count = 0;
    while (tasks.length > 0) {
      tasks.shift()!();
      count++;
    }
    return count;
  };
  run();
  return { plugin, db, run, step: () => tasks.shift()!(), queued: () => tasks.length };
}

interface Outcome {
  success: boolean;
  error: SqlError | undefined;
}

function transaction(db: SqliteDatabase, fn: (tx: SqliteTransaction) => void): Outcome {
  const outcome: Outcome = { success: false, error: undefined };
  db.transaction(
    fn,
    (error) => (outcome.error = error),
    () => (outcome.success = true),
  );
  return outcome;
}

function count(plugin: SqlitePlugin, table = 'item'): number {
  return Number(plugin.query('test.db', `SELECT COUNT(*) AS n FROM ${table}`)[0]!['n']);
}

function createTable(db: SqliteDatabase, run: () => number): void {
  transaction(db, (tx) => tx.executeSql('CREATE TABLE item (id TEXT PRIMARY KEY, text TEXT, n INTEGER)'));
  run();
}

describe('transactions', () => {
  test('a transaction commits its statements and then calls its success callback', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    const outcome = transaction(db, (tx) => {
      tx.executeSql('INSERT INTO item (id, text) VALUES (?, ?)', ['a', 'one']);
      tx.executeSql('INSERT INTO item (id, text) VALUES (?, ?)', ['b', 'two']);
    });
    run();
    expect(outcome).toEqual({ success: true, error: undefined });
    expect(count(plugin)).toBe(2);
  });

  test('a failing statement without an error callback rolls the whole transaction back', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    const outcome = transaction(db, (tx) => {
      tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']);
      tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']);
    });
    run();
    expect(outcome.success).toBe(false);
    expect(outcome.error?.code).toBe(SqlErrorCode.CONSTRAINT_ERR);
    expect(outcome.error?.message).toMatch(/a statement with no error handler failed: .*UNIQUE constraint failed/);
    expect(count(plugin)).toBe(0);
  });

  test('an error callback that returns anything but false rolls back', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    const outcome = transaction(db, (tx) => {
      tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']);
      tx.executeSql('INSERT INTO nowhere (id) VALUES (1)', [], null, () => true);
    });
    run();
    expect(outcome.error?.message).toMatch(/error callback did not return false: .*no such table/);
    expect(outcome.error?.code).toBe(SqlErrorCode.SYNTAX_ERR);
    expect(count(plugin)).toBe(0);
  });

  test('an error callback returning false lets the transaction go on and commit', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    let seen: SqlError | undefined;
    const outcome = transaction(db, (tx) => {
      tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']);
      tx.executeSql('INSERT INTO nowhere (id) VALUES (1)', [], null, (_tx, error) => {
        seen = error;
        return false;
      });
      tx.executeSql('INSERT INTO item (id) VALUES (?)', ['b']);
    });
    run();
    expect(seen?.message).toMatch(/no such table: nowhere/);
    expect(outcome).toEqual({ success: true, error: undefined });
    expect(count(plugin)).toBe(2);
  });

  test('a success callback that throws rolls back, and later statements of the batch get no callback', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    const called: string[] = [];
    const outcome = transaction(db, (tx) => {
      tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a'], () => {
        called.push('first');
        throw new Error('app bug');
      });
      tx.executeSql('INSERT INTO item (id) VALUES (?)', ['b'], () => void called.push('second'));
    });
    run();
    expect(called).toEqual(['first']);
    expect(outcome.error).toEqual({ code: SqlErrorCode.UNKNOWN_ERR, message: 'app bug' });
    expect(count(plugin)).toBe(0);
  });

  test('a transaction function that throws reaches the error callback and writes nothing', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    const outcome = transaction(db, (tx) => {
      tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']);
      throw new Error('validation failed');
    });
    run();
    expect(outcome.error?.message).toBe('validation failed');
    expect(count(plugin)).toBe(0);
  });

  test('statement callbacks may queue more statements into the same transaction', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    const outcome = transaction(db, (tx) => {
      tx.executeSql('SELECT COUNT(*) AS n FROM item', [], (tx2, result) => {
        tx2.executeSql('INSERT INTO item (id, n) VALUES (?, ?)', ['a', result.rows.item(0)!['n']]);
      });
    });
    run();
    expect(outcome.success).toBe(true);
    expect(plugin.query('test.db', 'SELECT n FROM item')).toEqual([{ n: 0 }]);
  });

  test('adding a statement after the transaction finished throws the InvalidStateError', () => {
    const { db, run } = setup();
    let kept: SqliteTransaction | undefined;
    transaction(db, (tx) => {
      kept = tx;
      tx.executeSql('SELECT 1');
    });
    run();
    expect(() => kept!.executeSql('SELECT 1')).toThrow(
      expect.objectContaining({ code: 11, message: expect.stringMatching(/already finalized/) }),
    );
  });

  test('transactions on one database run one at a time, in call order', () => {
    const { db, run } = setup();
    createTable(db, run);
    const order: string[] = [];
    for (const name of ['t1', 't2', 't3']) {
      db.transaction(
        (tx) => {
          order.push(`${name} start`);
          tx.executeSql('INSERT INTO item (id) VALUES (?)', [name], () => void order.push(`${name} statement`));
        },
        null,
        () => void order.push(`${name} done`),
      );
    }
    db.executeSql(
      'SELECT COUNT(*) AS n FROM item',
      [],
      (result) => void order.push(`count ${String(result.rows.item(0)!['n'])}`),
    );
    run();
    expect(order).toEqual([
      't1 start',
      't1 statement',
      't1 done',
      't2 start',
      't2 statement',
      't2 done',
      't3 start',
      't3 statement',
      't3 done',
      'count 3',
    ]);
  });

  test('callbacks never run synchronously: every step is a scheduled task', () => {
    const { db, run, queued } = setup();
    const order: string[] = [];
    db.transaction(
      (tx) => {
        order.push('fn');
        tx.executeSql('SELECT 1', [], () => void order.push('statement'));
      },
      null,
      () => void order.push('success'),
    );
    expect(order).toEqual([]);
    expect(queued()).toBe(1);
    // start, statement results, commit/success: three hops across the bridge.
    expect(run()).toBe(3);
    expect(order).toEqual(['fn', 'statement', 'success']);
  });

  test('callbacks are delivered through the clock when the plugin is scheduled on app timers', () => {
    const clock = new ManualClock(0);
    const timers = new AppTimers({
      clock,
      onError: (error) => {
        throw error;
      },
    });
    const plugin = new SqlitePlugin({ sql: SQL, schedule: (task) => timers.post(task) });
    let done = false;
    const db = plugin.openDatabase({ name: 'clock.db', location: 'default' });
    db.executeSql('SELECT 1', [], () => (done = true));
    expect(done).toBe(false);
    expect(timers.pending).toBeGreaterThan(0);
    clock.advance(0);
    expect(done).toBe(true);
    expect(timers.pending).toBe(0);
  });
});

describe('result sets', () => {
  test('rows are read with item(i) and length; inserts report insertId and rowsAffected', () => {
    const { db, run } = setup();
    createTable(db, run);
    const results: SqliteResultSet[] = [];
    transaction(db, (tx) => {
      tx.executeSql(
        'INSERT INTO item (id, text, n) VALUES (?, ?, ?)',
        ['a', 'x', 1],
        (_tx, result) => void results.push(result),
      );
      tx.executeSql(
        'INSERT OR IGNORE INTO item (id, text, n) VALUES (?, ?, ?)',
        ['a', 'y', 2],
        (_tx, result) => void results.push(result),
      );
      tx.executeSql(
        'INSERT INTO item (id, text, n) VALUES (?, ?, ?)',
        ['b', null, 2.5],
        (_tx, result) => void results.push(result),
      );
      tx.executeSql('UPDATE item SET n = n + 1', [], (_tx, result) => void results.push(result));
      tx.executeSql('SELECT id, text, n FROM item ORDER BY id', [], (_tx, result) => void results.push(result));
    });
    run();
    const [insert, ignored, second, update, select] = results;
    expect(insert).toMatchObject({ rowsAffected: 1, insertId: 1 });
    expect(ignored!.rowsAffected).toBe(0);
    expect(ignored!.insertId).toBeUndefined();
    expect(second).toMatchObject({ rowsAffected: 1, insertId: 2 });
    expect(update!.rowsAffected).toBe(2);
    expect(update!.insertId).toBeUndefined();
    expect(select!.rowsAffected).toBe(0);
    expect(select!.rows.length).toBe(2);
    expect(select!.rows.item(0)).toEqual({ id: 'a', text: 'x', n: 2 });
    expect(select!.rows.item(1)).toEqual({ id: 'b', text: null, n: 3.5 });
  });

  test('parameters bind as the plugin binds them: undefined is NULL, booleans and objects become strings', () => {
    const { plugin, db, run } = setup();
    transaction(db, (tx) => {
      tx.executeSql('CREATE TABLE v (a, b, c, d)');
      tx.executeSql('INSERT INTO v VALUES (?, ?, ?, ?)', [undefined, true, { x: 1 }, 7]);
    });
    run();
    expect(plugin.query('test.db', 'SELECT * FROM v')).toEqual([{ a: null, b: 'true', c: '[object Object]', d: 7 }]);
  });

  test('SQL text in a parameter is stored as data, never run', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    const hostile = "x'); DROP TABLE item; --";
    transaction(db, (tx) => tx.executeSql('INSERT INTO item (id, text) VALUES (?, ?)', ['a', hostile]));
    run();
    expect(plugin.query('test.db', 'SELECT text FROM item')).toEqual([{ text: hostile }]);
  });

  test('a statement that does not parse is a SYNTAX_ERR error callback, not a crash', () => {
    const { db, run } = setup();
    let error: SqlError | undefined;
    db.executeSql('SELEKT nonsense', [], null, (e) => (error = e));
    run();
    expect(error?.code).toBe(SqlErrorCode.SYNTAX_ERR);
    expect(error?.message).toMatch(/syntax error/);
  });

  test('a read transaction refuses writes', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    let error: SqlError | undefined;
    db.readTransaction(
      (tx) => tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']),
      (e) => (error = e),
    );
    run();
    expect(error?.message).toMatch(/invalid sql for a read-only transaction/);
    expect(count(plugin)).toBe(0);
  });

  test('sqlBatch runs its statements in one transaction', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    let failed: SqlError | undefined;
    db.sqlBatch(
      [['INSERT INTO item (id) VALUES (?)', ['a']], 'INSERT INTO item (id) VALUES (1/0 + "x" + )'],
      null,
      (e) => (failed = e),
    );
    run();
    expect(failed).toBeDefined();
    expect(count(plugin)).toBe(0);
  });
});

describe('reading rows', () => {
  /** What sql.js's getAsObject gives, row by row: the shape readRows keeps. */
  function rowsByGetAsObject(db: import('sql.js').Database, sql: string): Record<string, unknown>[] {
    const statement = db.prepare(sql);
    const rows: Record<string, unknown>[] = [];
    while (statement.step()) rows.push(statement.getAsObject());
    statement.free();
    return rows;
  }

  test.each([
    ['no rows', 'SELECT 1 AS a WHERE 0'],
    ['several rows and types', 'SELECT * FROM t ORDER BY id'],
    [
      'a column named twice (the last value wins, in the first place)',
      'SELECT id AS x, text AS y, id + 1 AS x FROM t ORDER BY id',
    ],
    ['a column named __proto__', 'SELECT text AS __proto__, id FROM t ORDER BY id'],
    ['a column named constructor', 'SELECT text AS constructor FROM t'],
  ])('%s: as getAsObject makes them', (_name, sql) => {
    const db = new SQL.Database();
    db.run(
      "CREATE TABLE t (id INTEGER, text TEXT, real REAL, blob BLOB); INSERT INTO t VALUES (1, 'a', 1.5, x'00ff'), (2, NULL, -0.25, NULL), (3, '{}', NULL, x'')",
    );
    const statement = db.prepare(sql);
    const rows = readRows(statement);
    statement.free();
    const expected = rowsByGetAsObject(db, sql);
    expect(rows).toEqual(expected);
    for (let i = 0; i < rows.length; i++) {
      expect(Object.keys(rows[i]!)).toEqual(Object.keys(expected[i]!));
      expect(Object.getPrototypeOf(rows[i])).toBe(Object.prototype);
    }
    db.close();
  });
});

describe('the device file across app restarts', () => {
  test("a file's version counts the statements that may change it, failed ones included, not reads or BEGIN/COMMIT", () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    const file = plugin.openFile('test.db')!;
    const start = file.version;
    expect(plugin.query('test.db', 'SELECT * FROM item')).toEqual([]);
    db.readTransaction((tx) => tx.executeSql('  select count(*) from item'));
    run();
    expect(file.version).toBe(start);
    transaction(db, (tx) => tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']));
    run();
    expect(file.version).toBe(start + 1);
    const failed = transaction(db, (tx) => tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']));
    run();
    expect(failed.error).toBeDefined();
    // The INSERT that failed (and rolled back) counts: a count is never too low.
    expect(file.version).toBe(start + 2);
    db.transaction((tx) => tx.executeSql('SELECT * FROM item'));
    run();
    expect(file.version).toBe(start + 2);
    const stillThere = plugin.openFile('test.db');
    expect(stillThere).toBe(file);
    plugin.kill();
    expect(plugin.openFile('test.db')).toBeUndefined();
  });

  test('more statement texts than the cache holds: each answers right, the cache stays bounded', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    transaction(db, (tx) => tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']));
    run();
    const file = plugin.openFile('test.db')!;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 300; i++) {
        expect(plugin.query('test.db', `SELECT id, ${i} AS n FROM item`)).toEqual([{ id: 'a', n: i }]);
      }
    }
    expect(file.statements.size).toBeLessThanOrEqual(128);
  });

  test('kill() keeps committed transactions and drops the one still open', () => {
    const { plugin, db, run, step } = setup();
    createTable(db, run);
    transaction(db, (tx) => tx.executeSql('INSERT INTO item (id) VALUES (?)', ['committed']));
    run();
    let called = false;
    transaction(db, (tx) => tx.executeSql('INSERT INTO item (id) VALUES (?)', ['uncommitted'], () => (called = true)));
    step(); // the transaction starts: BEGIN and the INSERT run, their results wait on the bridge
    expect(plugin.isWriting('test.db')).toBe(true);
    const files = plugin.kill();
    run();
    expect(called).toBe(false);
    const file = files.get('test.db')!;
    const reopened = new SQL.Database(file instanceof DeviceFile ? file.bytes() : file);
    expect(reopened.exec('SELECT id FROM item ORDER BY id')[0]!.values).toEqual([['committed']]);
    reopened.close();
  });

  test("a new plugin opened from the killed one's files sees exactly the committed rows", () => {
    const first = setup();
    createTable(first.db, first.run);
    transaction(first.db, (tx) => tx.executeSql('INSERT INTO item (id, text) VALUES (?, ?)', ['a', 'kept']));
    first.run();
    const files = first.plugin.kill();
    const second = setup(files);
    expect(second.plugin.query('test.db', 'SELECT id, text FROM item')).toEqual([{ id: 'a', text: 'kept' }]);
  });

  test('the device file stays open across a restart: the next app takes it over, a second live app gets a copy', () => {
    const first = setup();
    createTable(first.db, first.run);
    transaction(first.db, (tx) => tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']));
    first.run();
    const files = first.plugin.kill();
    const file = files.get('test.db');
    expect(file).toBeInstanceOf(DeviceFile);
    const second = setup(files);
    const third = setup(files);
    transaction(second.db, (tx) => tx.executeSql('INSERT INTO item (id) VALUES (?)', ['b']));
    second.run();
    expect(second.plugin.query('test.db', 'SELECT id FROM item ORDER BY id')).toEqual([{ id: 'a' }, { id: 'b' }]);
    // The third app opened the same files while the second held them: it has a copy of its own.
    expect(third.plugin.query('test.db', 'SELECT id FROM item ORDER BY id')).toEqual([{ id: 'a' }]);
    // After the second app dies the file is free again, with what the second app committed.
    const again = setup(second.plugin.kill());
    expect(again.plugin.query('test.db', 'SELECT id FROM item ORDER BY id')).toEqual([{ id: 'a' }, { id: 'b' }]);
    (file as DeviceFile).close();
    expect(() => (file as DeviceFile).bytes()).toThrow(/closed/);
  });

  test('after kill() nothing of the old plugin calls back and its handles stay silent', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    const calls: string[] = [];
    db.transaction(
      (tx) => tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']),
      () => void calls.push('error'),
      () => void calls.push('success'),
    );
    plugin.kill();
    run();
    db.executeSql(
      'SELECT 1',
      [],
      () => void calls.push('late'),
      () => void calls.push('late error'),
    );
    run();
    expect(calls).toEqual([]);
  });

  test('query() refuses to read while a write transaction is open, and whenIdle() resolves once it ends', async () => {
    const tasks: (() => void)[] = [];
    const plugin = new SqlitePlugin({ sql: SQL, schedule: (task) => tasks.push(task) });
    const db = plugin.openDatabase({ name: 'test.db', location: 'default' });
    const step = (): void => tasks.shift()!();
    step(); // open
    db.transaction((tx) => tx.executeSql('CREATE TABLE t (x)'));
    step(); // start: BEGIN and CREATE run natively
    expect(plugin.isWriting('test.db')).toBe(true);
    expect(() => plugin.query('test.db', 'SELECT 1')).toThrow(/inside a write transaction/);
    let idle = false;
    const waiting = plugin.whenIdle('test.db').then(() => (idle = true));
    step(); // statement results delivered, COMMIT runs
    await waiting;
    expect(idle).toBe(true);
    expect(plugin.query('test.db', 'SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 0 }]);
  });

  test('exportFile() returns the committed bytes of a database that reopens', () => {
    const { plugin, db, run } = setup();
    createTable(db, run);
    transaction(db, (tx) => tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']));
    run();
    const bytes = plugin.exportFile('test.db')!;
    const copy = new SQL.Database(bytes);
    expect(copy.exec('SELECT id FROM item')[0]!.values).toEqual([['a']]);
    copy.close();
  });
});

describe('store writes and crashes between them', () => {
  function reporting(verdicts: (write: StoreWrite, n: number) => StoreWriteVerdict = () => 'continue'): {
    plugin: SqlitePlugin;
    db: SqliteDatabase;
    run: () => void;
    writes: StoreWrite[];
  } {
    const tasks: (() => void)[] = [];
    const writes: StoreWrite[] = [];
    const plugin = new SqlitePlugin({
      sql: SQL,
      schedule: (task) => tasks.push(task),
      onWrite: (write) => {
        writes.push(write);
        return verdicts(write, writes.length);
      },
    });
    const db = plugin.openDatabase({ name: 'test.db', location: 'default' });
    const run = (): void => {
      while (tasks.length > 0) tasks.shift()!();
    };
    run();
    return { plugin, db, run, writes };
  }

  test('each data-changing statement is a write, the COMMIT of a transaction that wrote is one, reads are none', () => {
    const { db, run, writes } = reporting();
    db.executeSql('CREATE TABLE IF NOT EXISTS [item] (id TEXT PRIMARY KEY, text TEXT)');
    run();
    transaction(db, (tx) => {
      tx.executeSql('INSERT OR IGNORE INTO [item] (id) VALUES (?)', ['a']);
      tx.executeSql('UPDATE [item] SET text = ? WHERE id = ?', ['secret', 'a']);
      tx.executeSql('SELECT * FROM [item]');
    });
    run();
    transaction(db, (tx) => tx.executeSql('SELECT * FROM item'));
    run();
    db.executeSql('DELETE FROM item WHERE id = ?', ['a']);
    run();
    expect(writes).toEqual([
      { kind: 'autocommit', statement: 'create', table: 'item' },
      { kind: 'statement', statement: 'insert', table: 'item' },
      { kind: 'statement', statement: 'update', table: 'item' },
      { kind: 'commit', statement: 'commit' },
      { kind: 'autocommit', statement: 'delete', table: 'item' },
    ]);
    // Verbs and tables only: no value ever reaches a write.
    expect(JSON.stringify(writes)).not.toContain('secret');
  });

  test('a crash after a statement: the rest of the transaction never runs and the next app sees none of it', () => {
    const { plugin, db, run, writes } = reporting((write) =>
      write.kind === 'statement' && write.statement === 'insert' ? 'crash' : 'continue',
    );
    db.executeSql('CREATE TABLE item (id TEXT PRIMARY KEY, text TEXT)');
    run();
    const outcome = transaction(db, (tx) => {
      tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']);
      tx.executeSql('UPDATE item SET text = ? WHERE id = ?', ['x', 'a']);
    });
    run();
    expect(plugin.killed).toBe(true);
    expect(outcome).toEqual({ success: false, error: undefined });
    expect(writes.map((write) => write.statement)).toEqual(['create', 'insert']);
    const next = setup(plugin.kill());
    expect(next.plugin.query('test.db', 'SELECT COUNT(*) AS n FROM item')).toEqual([{ n: 0 }]);
  });

  test('a crash right after a COMMIT: the next app has the whole transaction', () => {
    const { plugin, db, run } = reporting((write) => (write.kind === 'commit' ? 'crash' : 'continue'));
    db.executeSql('CREATE TABLE item (id TEXT PRIMARY KEY, text TEXT)');
    run();
    const outcome = transaction(db, (tx) => {
      tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']);
      tx.executeSql('UPDATE item SET text = ? WHERE id = ?', ['x', 'a']);
    });
    run();
    expect(plugin.killed).toBe(true);
    // The app died before it heard of the commit.
    expect(outcome.success).toBe(false);
    const next = setup(plugin.kill());
    expect(next.plugin.query('test.db', 'SELECT id, text FROM item')).toEqual([{ id: 'a', text: 'x' }]);
  });

  test.each([
    ['disk-full', { code: SqlErrorCode.QUOTA_ERR, message: 'sqlite3_step failure: database or disk is full' }],
    ['locked', { code: SqlErrorCode.UNKNOWN_ERR, message: 'sqlite3_step failure: database is locked' }],
  ] as const)(
    'a store fault (%s) fails the statement through its error callback and rolls the transaction back',
    (fault, error) => {
      const { plugin, db, run } = reporting((write) =>
        write.kind === 'statement' && write.statement === 'update' ? fault : 'continue',
      );
      db.executeSql('CREATE TABLE item (id TEXT PRIMARY KEY, text TEXT)');
      run();
      const heard: SqlError[] = [];
      const outcome = transaction(db, (tx) => {
        tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']);
        tx.executeSql('UPDATE item SET text = ? WHERE id = ?', ['x', 'a'], null, (_tx, failure) => {
          heard.push(failure);
          // Asking to go on does not save it: the transaction is gone with the failed statement.
          return false;
        });
      });
      run();
      expect(heard).toEqual([error]);
      expect(outcome.success).toBe(false);
      expect(outcome.error).toEqual({ code: error.code, message: `the transaction rolled back: ${error.message}` });
      expect(plugin.query('test.db', 'SELECT COUNT(*) AS n FROM item')).toEqual([{ n: 0 }]);
      // The database is usable afterwards: the next transaction commits.
      const next = transaction(db, (tx) => tx.executeSql('INSERT INTO item (id) VALUES (?)', ['b']));
      run();
      expect(next.success).toBe(true);
      expect(plugin.query('test.db', 'SELECT id FROM item')).toEqual([{ id: 'b' }]);
    },
  );

  test('a store fault on a statement without an error callback reaches the transaction error callback', () => {
    const { plugin, db, run } = reporting((write) => (write.kind === 'statement' ? 'disk-full' : 'continue'));
    db.executeSql('CREATE TABLE item (id TEXT PRIMARY KEY, text TEXT)');
    run();
    const outcome = transaction(db, (tx) => tx.executeSql('INSERT INTO item (id) VALUES (?)', ['a']));
    run();
    expect(outcome).toEqual({
      success: false,
      error: {
        code: SqlErrorCode.QUOTA_ERR,
        message: 'a statement with no error handler failed: sqlite3_step failure: database or disk is full',
      },
    });
    expect(plugin.isWriting('test.db')).toBe(false);
    expect(plugin.query('test.db', 'SELECT COUNT(*) AS n FROM item')).toEqual([{ n: 0 }]);
  });

  test('describeWrite reads the verb and the table of the statements the SDK writes', () => {
    expect(describeWrite('INSERT OR IGNORE INTO [todoitem] ([id],[text]) VALUES (?,?)')).toEqual({
      statement: 'insert',
      table: 'todoitem',
    });
    expect(describeWrite('UPDATE [__operations] SET [x] = ? WHERE [id] = ?')).toEqual({
      statement: 'update',
      table: '__operations',
    });
    expect(describeWrite('DELETE FROM todoitem WHERE id in (?)')).toEqual({ statement: 'delete', table: 'todoitem' });
    expect(describeWrite('CREATE TABLE IF NOT EXISTS [__config] (id TEXT)')).toEqual({
      statement: 'create',
      table: '__config',
    });
    expect(describeWrite('ALTER TABLE "odd ""name""" ADD COLUMN x')).toEqual({
      statement: 'alter',
      table: 'odd "name"',
    });
    expect(describeWrite('SELECT * FROM item')).toBeUndefined();
    expect(describeWrite('BEGIN')).toBeUndefined();
  });
});
