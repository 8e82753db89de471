import initSqlJs from 'sql.js';
import { describe, test, expect } from 'vitest';
import { Query } from '../../src/client/query.js';
import { hideValuesFromPlanner, SqlJsStore } from '../../src/client/sqljs-store.js';
import { StoreClosedError } from '../../src/client/store.js';

/** What a plain SQLite reader sees in exported bytes. */
async function inspect(bytes: Uint8Array): Promise<{ objects: string[]; rows: (table: string) => unknown[][] }> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(bytes);
  const objects = (
    db.exec(
      "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex%' ORDER BY type, name",
    )[0]?.values ?? []
  ).map((row) => String(row[0]));
  return { objects, rows: (table) => db.exec(`SELECT * FROM "${table}" ORDER BY 1`)[0]?.values ?? [] };
}

describe('SqlJsStore export', () => {
  test('exported bytes are a plain SQLite file with the tables in the main schema', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string', due: 'date' } });
    await store.upsert('todo', [
      { id: '1', text: 'milk', due: new Date(5) },
      { id: '2', text: 'eggs' },
    ]);
    const file = await inspect(store.export());
    expect(file.objects).toEqual(['table todo']);
    expect(file.rows('todo')).toEqual([
      ['1', 'milk', 5],
      ['2', 'eggs', null],
    ]);
  });

  test('a store keeps working after an export, and exporting again neither loses nor piles up data', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string' } });
    await store.upsert('todo', { id: '1', text: 'x'.repeat(20_000) });
    const first = store.export();
    await store.upsert('todo', { id: '2', text: 'eggs' });
    await store.del('todo', '1');
    const second = store.export();
    expect(second.length).toBeLessThan(first.length);
    expect(store.export()).toEqual(second);
    expect((await inspect(second)).rows('todo')).toEqual([['2', 'eggs']]);
    const reopened = await SqlJsStore.open(second);
    await reopened.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string' } });
    expect(await reopened.read(new Query('todo'))).toEqual([{ id: '2', text: 'eggs' }]);
  });

  test('bytes with indexes, views and triggers open with all of them working, and export them again', async () => {
    const SQL = await initSqlJs();
    const source = new SQL.Database();
    source.run('CREATE TABLE todo (id TEXT PRIMARY KEY, text TEXT)');
    source.run('CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT)');
    source.run('CREATE INDEX todo_text ON todo (text)');
    source.run('CREATE VIEW texts AS SELECT text FROM todo');
    source.run(
      "CREATE TRIGGER todo_added AFTER INSERT ON todo BEGIN INSERT INTO audit (what) VALUES ('added ' || new.id); END",
    );
    source.run("INSERT INTO todo VALUES ('1', 'milk')");
    // An AUTOINCREMENT counter ahead of the highest id: it must survive the move.
    source.run("INSERT INTO audit (what) VALUES ('gone')");
    source.run("DELETE FROM audit WHERE what = 'gone'");
    const store = await SqlJsStore.open(source.export());
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string' } });
    await store.defineTable({ name: 'audit', columnDefinitions: { id: 'integer', what: 'string' } });
    await store.upsert('todo', { id: '2', text: 'eggs' });
    // The trigger fired once, for the new row only (copying the rows at open did not fire it),
    // and its row took the id after the counter's, not after the highest id.
    expect(await store.read(new Query('audit'))).toEqual([
      { id: 1, what: 'added 1' },
      { id: 3, what: 'added 2' },
    ]);
    const file = await inspect(store.export());
    expect(file.objects).toEqual([
      'index todo_text',
      'table audit',
      'table sqlite_sequence',
      'table todo',
      'trigger todo_added',
      'view texts',
    ]);
    expect(file.rows('texts')).toEqual([['eggs'], ['milk']]);
    expect(file.rows('sqlite_sequence')).toEqual([['audit', 3]]);
  });
});

describe('SqlJsStore reopen', () => {
  test('reopen hands the committed data to a new store and closes the old one', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string' } });
    await store.upsert('todo', { id: '1', text: 'milk' });
    const next = await store.reopen();
    await expect(store.lookup('todo', '1')).rejects.toThrow(StoreClosedError);
    await expect(next.lookup('todo', '1')).rejects.toThrow('Definition not found for table "todo"');
    await next.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string', done: 'boolean' } });
    expect(await next.lookup('todo', '1')).toEqual({ id: '1', text: 'milk', done: null });
    await next.upsert('todo', { id: '1', done: true });
    expect((await inspect(next.export())).rows('todo')).toEqual([['1', 'milk', 1]]);
    await next.close();
  });
});

describe('SqlJsStore reuse of closed databases', () => {
  test('a store opened after another closed starts empty, whatever tables and columns the other had', async () => {
    const first = new SqlJsStore();
    await first.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string', extra: 'integer' } });
    await first.defineTable({ name: 'other', columnDefinitions: { id: 'string' } });
    await first.upsert('todo', { id: '1', text: 'milk', extra: 7 });
    await first.upsert('other', { id: 'x' });
    await first.close();

    const second = new SqlJsStore();
    await second.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string' } });
    expect(await second.read(new Query('todo'))).toEqual([]);
    await second.upsert('todo', { id: '2', text: 'eggs', extra: 9 });
    expect(await second.read(new Query('todo'))).toEqual([{ id: '2', text: 'eggs' }]);
    await expect(second.read(new Query('other'))).rejects.toThrow('Definition not found for table "other"');
    const file = await inspect(second.export());
    expect(file.objects).toEqual(['table todo']);
    expect(file.rows('todo')).toEqual([['2', 'eggs']]);
    await second.close();
  });

  test('a table defined as the closed store had it comes back empty', async () => {
    const columns = { id: 'string', text: 'string' } as const;
    const first = new SqlJsStore();
    await first.defineTable({ name: 'todo', columnDefinitions: { ...columns } });
    await first.upsert('todo', [
      { id: '1', text: 'milk' },
      { id: '2', text: 'eggs' },
    ]);
    expect(await first.read(new Query('todo').where({ text: 'milk' }))).toHaveLength(1);
    await first.close();

    const second = new SqlJsStore();
    await second.defineTable({ name: 'todo', columnDefinitions: { ...columns } });
    expect(await second.read(new Query('todo').where({ text: 'milk' }))).toEqual([]);
    expect(await second.lookup('todo', '1', true)).toBeNull();
    const counted = await second.read(new Query('todo').take(0).includeTotalCount());
    expect(counted.totalCount).toBe(0);
    await second.close();
  });
});

describe('hideValuesFromPlanner', () => {
  test('prefixes each parameter with a unary plus, leaving quoted names and strings alone', () => {
    expect(
      hideValuesFromPlanner(`("a?" IS ?) AND (instr("b""?", ?) = 1) AND strftime('%?', ?) = [c?] AND \`d?\` IN (?, ?)`),
    ).toBe(`("a?" IS +?) AND (instr("b""?", +?) = 1) AND strftime('%?', +?) = [c?] AND \`d?\` IN (+?, +?)`);
    expect(hideValuesFromPlanner('"id" = 1')).toBe('"id" = 1');
  });

  test('a filtered, ordered read finds the same records with and without the plus', async () => {
    const store = new SqlJsStore();
    await store.defineTable({
      name: 'todo',
      columnDefinitions: { id: 'string', text: 'string', n: 'integer', done: 'boolean' },
    });
    await store.upsert('todo', [
      { id: 'a', text: '10', n: 10, done: true },
      { id: 'b', text: 'x', n: 2, done: false },
      { id: 'c', text: '10', n: 10, done: false },
    ]);
    // Text that looks like a number, a boolean stored as an integer, a range: the column's
    // affinity applies to `+?` exactly as to `?`.
    expect((await store.read(new Query('todo').where('text eq ?', '10').orderBy('id'))).map((r) => r['id'])).toEqual([
      'a',
      'c',
    ]);
    expect(
      (await store.read(new Query('todo').where({ done: false }).orderByDescending('id'))).map((r) => r['id']),
    ).toEqual(['c', 'b']);
    expect(
      (await store.read(new Query('todo').where('n ge ? and n le ?', 2, 9).orderBy('text'))).map((r) => r['id']),
    ).toEqual(['b']);
  });
});

describe('SqlJsStore upserts of many records', () => {
  test('records sharing a layout, and ones that differ from it, are written property by property', async () => {
    const store = new SqlJsStore();
    await store.defineTable({
      name: 'todo',
      columnDefinitions: { id: 'string', text: 'string', n: 'integer', due: 'date' },
    });
    await store.upsert('todo', { id: 'b', text: 'old', n: 5, due: new Date(1) });
    await store.upsert('todo', [
      { id: 'a', text: 'x', n: 1, due: new Date(2) },
      // Same properties, one undefined: that column is left as it was.
      { id: 'b', text: 'y', n: undefined, due: new Date(3) },
      // Another order, an unknown property, and two spellings of one column: the later wins.
      { n: 3, extra: true, id: 'c', Text: 'first', text: 'second' },
      { id: 'd', text: 'z', n: 4, due: new Date(4) },
    ]);
    expect(await store.read(new Query('todo').orderBy('id'))).toEqual([
      { id: 'a', text: 'x', n: 1, due: new Date(2) },
      { id: 'b', text: 'y', n: 5, due: new Date(3) },
      { id: 'c', text: 'second', n: 3, due: null },
      { id: 'd', text: 'z', n: 4, due: new Date(4) },
    ]);
  });

  test('a value that does not fit its column fails the whole batch, wherever the record sits in the page', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', n: 'integer' } });
    await expect(
      store.upsert('todo', [
        { id: 'a', n: 1 },
        { id: 'b', n: 2 },
        { id: 'c', n: 'three' },
      ]),
    ).rejects.toThrow(/column 'n'/);
    expect(await store.read(new Query('todo'))).toEqual([]);
  });
});
