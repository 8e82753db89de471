/**
 * The sqlite plugin's disk (outside the simulator): the bytes written are committed states only,
 * written at each commit and never in between, so an app killed between two writes reopens the
 * last commit; and the folder the real SDK in Node keeps its databases in.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { folderDisk } from '../../src/sdk/node/folder-disk.js';
import { SqlitePlugin, type PluginDisk, type SqliteDatabase, type SqlError } from '../../src/sdk/sqlite-plugin.js';
import { loadSqlJs } from '../../src/sqlite/sqljs.js';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSqlJs();
});

/** A disk in memory that remembers every write. */
function memoryDisk(): PluginDisk & { files: Map<string, Uint8Array>; writes: string[] } {
  const files = new Map<string, Uint8Array>();
  const writes: string[] = [];
  return {
    files,
    writes,
    read: (name) => files.get(name),
    write: (name, bytes) => {
      writes.push(name);
      files.set(name, bytes.slice());
    },
    remove: (name) => void files.delete(name),
  };
}

/** A plugin whose bridge hops wait until the test runs them. */
function open(disk: PluginDisk): { plugin: SqlitePlugin; db: SqliteDatabase; run: () => void; step: () => void } {
  const tasks: (() => void)[] = [];
  const plugin = new SqlitePlugin({ sql: SQL, schedule: (task) => void tasks.push(task), disk });
  const db = plugin.openDatabase({ name: 'app.db', location: 'default' });
  const run = (): void => {
    while (tasks.length > 0) tasks.shift()!();
  };
  run();
  return { plugin, db, run, step: () => tasks.shift()!() };
}

/** The rows of `item` in the bytes a disk holds. */
function rowsOn(bytes: Uint8Array | undefined): unknown[] {
  if (bytes === undefined) return [];
  const db = new SQL.Database(bytes);
  try {
    const result = db.exec('SELECT id, text FROM item ORDER BY id');
    return result[0]?.values ?? [];
  } catch {
    return [];
  } finally {
    db.close();
  }
}

describe('the disk sees committed states only', () => {
  test('a transaction is written once, at its COMMIT, with all its statements', () => {
    const disk = memoryDisk();
    const { db, run } = open(disk);
    db.transaction((tx) => {
      tx.executeSql('CREATE TABLE item (id TEXT PRIMARY KEY, text TEXT)');
      tx.executeSql('INSERT INTO item VALUES (?, ?)', ['a', 'one']);
      tx.executeSql('INSERT INTO item VALUES (?, ?)', ['b', 'two'], () => {
        // Still inside the transaction: nothing has reached the disk.
        expect(disk.writes).toEqual([]);
      });
    });
    run();
    expect(disk.writes).toEqual(['app.db']);
    expect(rowsOn(disk.files.get('app.db'))).toEqual([
      ['a', 'one'],
      ['b', 'two'],
    ]);
  });

  test('a transaction that rolls back writes nothing', () => {
    const disk = memoryDisk();
    const { db, run } = open(disk);
    db.transaction((tx) => tx.executeSql('CREATE TABLE item (id TEXT PRIMARY KEY, text TEXT)'));
    run();
    let failure: SqlError | undefined;
    db.transaction(
      (tx) => {
        tx.executeSql('INSERT INTO item VALUES (?, ?)', ['a', 'one']);
        tx.executeSql('INSERT INTO item VALUES (?, ?)', ['a', 'duplicate']);
      },
      (error) => (failure = error),
    );
    run();
    expect(failure?.message).toMatch(/UNIQUE constraint failed/);
    expect(disk.writes).toEqual(['app.db']);
    expect(rowsOn(disk.files.get('app.db'))).toEqual([]);
  });

  test('a write outside a transaction commits on its own and is written; a read is not', () => {
    const disk = memoryDisk();
    const { db, run } = open(disk);
    db.executeSql('CREATE TABLE item (id TEXT PRIMARY KEY, text TEXT)');
    db.executeSql('INSERT INTO item VALUES (?, ?)', ['a', 'one']);
    db.executeSql('SELECT * FROM item');
    run();
    expect(disk.writes).toEqual(['app.db', 'app.db']);
    expect(rowsOn(disk.files.get('app.db'))).toEqual([['a', 'one']]);
  });

  test('killed between two commits, the app reopens the first one; the second was never written', () => {
    const disk = memoryDisk();
    const first = open(disk);
    first.db.transaction((tx) => {
      tx.executeSql('CREATE TABLE item (id TEXT PRIMARY KEY, text TEXT)');
      tx.executeSql('INSERT INTO item VALUES (?, ?)', ['a', 'one']);
    });
    first.run();
    first.db.transaction((tx) => tx.executeSql('INSERT INTO item VALUES (?, ?)', ['b', 'two']));
    first.step(); // the transaction starts: BEGIN and the INSERT have run, COMMIT has not
    expect(first.plugin.isWriting('app.db')).toBe(true);
    first.plugin.kill();
    expect(disk.writes).toEqual(['app.db']);

    const second = open(disk);
    const seen: unknown[] = [];
    second.db.executeSql('SELECT id FROM item ORDER BY id', [], (result) => {
      for (let i = 0; i < result.rows.length; i++) seen.push(result.rows.item(i)!['id']);
    });
    second.run();
    expect(seen).toEqual(['a']);
  });

  test('a disk that fails to write fails the committing statement, and the app hears of it', () => {
    const disk = memoryDisk();
    disk.write = () => {
      throw new Error('ENOSPC: no space left on device');
    };
    const { db, run } = open(disk);
    let failure: SqlError | undefined;
    db.transaction(
      (tx) => tx.executeSql('CREATE TABLE item (id TEXT)'),
      (error) => (failure = error),
    );
    run();
    expect(failure?.message).toBe('unable to commit transaction: ENOSPC: no space left on device');
  });

  test('deleteDatabase removes the file from the disk', () => {
    const disk = memoryDisk();
    const { plugin, db, run } = open(disk);
    db.executeSql('CREATE TABLE item (id TEXT)');
    run();
    expect(disk.files.has('app.db')).toBe(true);
    plugin.deleteDatabase({ name: 'app.db', location: 'default' });
    run();
    expect(disk.files.has('app.db')).toBe(false);
  });

  test('without a disk the plugin never exports (the simulator pays nothing for the hook)', () => {
    const tasks: (() => void)[] = [];
    const plugin = new SqlitePlugin({ sql: SQL, schedule: (task) => void tasks.push(task) });
    const db = plugin.openDatabase('app.db');
    db.executeSql('CREATE TABLE item (id TEXT)');
    while (tasks.length > 0) tasks.shift()!();
    const connection = plugin.connection('app.db');
    let exports = 0;
    const original = connection.db.export.bind(connection.db);
    connection.db.export = () => {
      exports++;
      return original();
    };
    db.transaction((tx) => tx.executeSql('INSERT INTO item VALUES (?)', ['a']));
    while (tasks.length > 0) tasks.shift()!();
    expect(exports).toBe(0);
  });
});

describe('a disk that writes asynchronously (the browser shim over IndexedDB)', () => {
  /** A disk whose writes settle only when the test says so. */
  function slowDisk(): PluginDisk & {
    files: Map<string, Uint8Array>;
    settle: (failure?: Error) => void;
    waiting: number;
  } {
    const files = new Map<string, Uint8Array>();
    const pending: { name: string; bytes: Uint8Array; resolve: () => void; reject: (error: Error) => void }[] = [];
    return {
      files,
      get waiting() {
        return pending.length;
      },
      read: (name) => files.get(name),
      write: (name, bytes) =>
        new Promise<void>((resolve, reject) => pending.push({ name, bytes: bytes.slice(), resolve, reject })),
      remove: (name) => void files.delete(name),
      settle: (failure) => {
        const next = pending.shift()!;
        if (failure === undefined) {
          files.set(next.name, next.bytes);
          next.resolve();
        } else next.reject(failure);
      },
    };
  }
  const flush = () => new Promise((resolve) => setImmediate(resolve));

  test('the commit callback fires only once the bytes are durable, and the next transaction waits', async () => {
    const disk = slowDisk();
    const { db, run } = open(disk);
    const seen: string[] = [];
    db.transaction(
      (tx) => tx.executeSql('CREATE TABLE item (id TEXT PRIMARY KEY, text TEXT)'),
      null,
      () => seen.push('first committed'),
    );
    db.transaction(
      (tx) => tx.executeSql('INSERT INTO item VALUES (?, ?)', ['a', 'one'], () => seen.push('insert ran')),
      null,
      () => seen.push('second committed'),
    );
    run();
    await flush();
    run();
    expect(disk.waiting).toBe(1);
    expect(seen).toEqual([]);
    disk.settle();
    await flush();
    run();
    expect(seen).toEqual(['first committed', 'insert ran']);
    expect(rowsOn(disk.files.get('app.db'))).toEqual([]);
    disk.settle();
    await flush();
    run();
    expect(seen).toEqual(['first committed', 'insert ran', 'second committed']);
    expect(rowsOn(disk.files.get('app.db'))).toEqual([['a', 'one']]);
  });

  test('a write that fails to become durable reaches the error callback, not the success one', async () => {
    const disk = slowDisk();
    const { db, run } = open(disk);
    let failure: SqlError | undefined;
    let succeeded = false;
    db.transaction(
      (tx) => tx.executeSql('CREATE TABLE item (id TEXT)'),
      (error) => (failure = error),
      () => (succeeded = true),
    );
    run();
    disk.settle(new Error('QuotaExceededError: the quota has been exceeded'));
    await flush();
    run();
    expect(succeeded).toBe(false);
    expect(failure?.message).toBe('unable to commit transaction: QuotaExceededError: the quota has been exceeded');
  });

  test('a write outside a transaction calls back once durable', async () => {
    const disk = slowDisk();
    const { db, run } = open(disk);
    let done = false;
    db.executeSql('CREATE TABLE item (id TEXT)', [], () => (done = true));
    run();
    expect(done).toBe(false);
    disk.settle();
    await flush();
    run();
    expect(done).toBe(true);
  });
});

describe('the databases folder (folderDisk)', () => {
  let folder: string;
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  test('a file per database, replaced whole at each commit, with no temporary file left', () => {
    folder = mkdtempSync(path.join(tmpdir(), 'syncwright-disk-'));
    const disk = folderDisk(path.join(folder, 'nested', 'databases'));
    const { db, run } = open(disk);
    db.executeSql('CREATE TABLE item (id TEXT PRIMARY KEY, text TEXT)');
    db.executeSql('INSERT INTO item VALUES (?, ?)', ['a', 'one']);
    run();
    expect(readdirSync(path.join(folder, 'nested', 'databases'))).toEqual(['app.db']);
    expect(rowsOn(disk.read('app.db'))).toEqual([['a', 'one']]);
  });

  test('a missing file reads as no database; a stray temporary file is never read', () => {
    folder = mkdtempSync(path.join(tmpdir(), 'syncwright-disk-'));
    writeFileSync(path.join(folder, '.app.db.committing'), 'half a write');
    const disk = folderDisk(folder);
    expect(disk.read('app.db')).toBeUndefined();
  });

  test.each(['../outside.db', 'a/b.db', '.hidden', '', 'x'.repeat(201), 'con\0.db'])(
    'refuses the database name %j',
    (name) => {
      folder = mkdtempSync(path.join(tmpdir(), 'syncwright-disk-'));
      const disk = folderDisk(folder);
      expect(() => disk.read(name)).toThrow(`${folder}: database name: expected letters, digits`);
      expect(() => disk.write(name, new Uint8Array())).toThrow(/database name/);
      expect(existsSync(path.join(folder, '..', 'outside.db'))).toBe(false);
    },
  );

  test('openDatabase with a name the folder refuses reaches the error callback, not a crash', () => {
    folder = mkdtempSync(path.join(tmpdir(), 'syncwright-disk-'));
    const tasks: (() => void)[] = [];
    const plugin = new SqlitePlugin({ sql: SQL, schedule: (task) => void tasks.push(task), disk: folderDisk(folder) });
    let failure: SqlError | undefined;
    plugin.openDatabase({ name: '../escape.db' }, null, (error) => (failure = error));
    while (tasks.length > 0) tasks.shift()!();
    expect(failure?.message).toMatch(/database name: expected letters/);
  });
});
