import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, expect } from 'vitest';
import { ColumnTypeError } from '../../src/client/columns.js';
import { Query } from '../../src/client/query.js';
import { SqlJsStore } from '../../src/client/sqljs-store.js';
import { StoreClosedError } from '../../src/client/store.js';

const ALL_TYPES = {
  id: 'string',
  obj: 'object',
  arr: 'array',
  when: 'date',
  i: 'integer',
  i2: 'int',
  f: 'float',
  r: 'real',
  s: 'string',
  t: 'text',
  b: 'boolean',
  b2: 'bool',
} as const;

async function storeWithAllTypes(): Promise<SqlJsStore> {
  const store = new SqlJsStore();
  await store.defineTable({ name: 'things', columnDefinitions: { ...ALL_TYPES } });
  return store;
}

describe('SqlJsStore column types', () => {
  test('every column type round-trips its JavaScript value', async () => {
    const store = await storeWithAllTypes();
    const when = new Date(Date.UTC(2026, 4, 17, 8, 30, 15, 274));
    const record = {
      id: 'a',
      obj: { nested: { deep: [1, 'two'] } },
      arr: [1, { x: true }],
      when,
      i: 42,
      i2: -7,
      f: 1.5,
      r: -0.25,
      s: 'hello',
      t: 'world',
      b: true,
      b2: false,
    };
    await store.upsert('things', record);
    const read = await store.lookup('things', 'a');
    expect(read).toEqual(record);
    expect(read!['when']).toBeInstanceOf(Date);
    expect(typeof read!['b']).toBe('boolean');
  });

  test('null and missing values read back as null', async () => {
    const store = await storeWithAllTypes();
    await store.upsert('things', { id: 'a', obj: null });
    const read = await store.lookup('things', 'a');
    expect(read).toEqual({
      id: 'a',
      obj: null,
      arr: null,
      when: null,
      i: null,
      i2: null,
      f: null,
      r: null,
      s: null,
      t: null,
      b: null,
      b2: null,
    });
  });

  test('integer and boolean columns convert between booleans and integers as the SDK does', async () => {
    const store = await storeWithAllTypes();
    await store.upsert('things', { id: 'a', i: true, b: 1, b2: 0 });
    expect(await store.lookup('things', 'a')).toMatchObject({ i: 1, b: true, b2: false });
  });

  test('a string column accepts any value, a Date as ISO text', async () => {
    const store = await storeWithAllTypes();
    await store.upsert('things', { id: 'a', s: 12, t: new Date(0) });
    expect(await store.lookup('things', 'a')).toMatchObject({ s: '12', t: '1970-01-01T00:00:00.000Z' });
  });

  test.each([
    ['when', '2026-01-01T00:00:00.000Z'],
    ['i', 1.5],
    ['f', 'x'],
    ['obj', 'text'],
    ['arr', { not: 'an array' }],
    ['b', 'yes'],
    ['r', Number.NaN],
  ])('a value that does not fit column %s is refused with a clear error', async (column, value) => {
    const store = await storeWithAllTypes();
    await expect(store.upsert('things', { id: 'a', [column]: value })).rejects.toThrow(ColumnTypeError);
    await expect(store.upsert('things', { id: 'a', [column]: value })).rejects.toThrow(
      new RegExp(`column '${column}'`),
    );
    expect(await store.lookup('things', 'a', true)).toBeNull();
  });

  test('properties without a column are not stored', async () => {
    const store = await storeWithAllTypes();
    await store.upsert('things', { id: 'a', s: 'kept', unknown: 'dropped' });
    expect(await store.lookup('things', 'a')).not.toHaveProperty('unknown');
  });

  test('an unknown column type is refused at definition time', async () => {
    const store = new SqlJsStore();
    await expect(
      store.defineTable({ name: 't', columnDefinitions: { id: 'string', x: 'uuid' as never } }),
    ).rejects.toThrow(/Column type "uuid"/);
  });

  test('a table without an id column is refused', async () => {
    const store = new SqlJsStore();
    await expect(store.defineTable({ name: 't', columnDefinitions: { text: 'string' } })).rejects.toThrow(
      /must define an 'id' column/,
    );
  });
});

describe('SqlJsStore tables and writes', () => {
  test('defineTable on an existing table adds the missing columns and keeps the data', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string' } });
    await store.upsert('todo', { id: '1', text: 'milk' });
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', complete: 'boolean' } });
    await store.upsert('todo', { id: '2', text: 'eggs', complete: true });
    expect(await store.read(new Query('todo').orderBy('id'))).toEqual([
      { id: '1', text: 'milk', complete: null },
      { id: '2', text: 'eggs', complete: true },
    ]);
  });

  test('upsert merges the properties present into an existing record', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string', complete: 'boolean' } });
    await store.upsert('todo', { id: '1', text: 'milk', complete: false });
    await store.upsert('todo', { id: '1', complete: true });
    expect(await store.lookup('todo', '1')).toEqual({ id: '1', text: 'milk', complete: true });
  });

  test('lookup of a missing record rejects unless told to suppress the error', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string' } });
    await expect(store.lookup('todo', 'nope')).rejects.toThrow('Item with id "nope" does not exist.');
    expect(await store.lookup('todo', 'nope', true)).toBeNull();
  });

  test('del removes records by id and by query', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', n: 'integer' } });
    await store.upsert(
      'todo',
      [1, 2, 3, 4, 5].map((n) => ({ id: `r${n}`, n })),
    );
    await store.del('todo', ['r1', 'r2']);
    await store.del(new Query('todo').where('n ge ?', 4));
    expect((await store.read(new Query('todo'))).map((r) => r['id'])).toEqual(['r3']);
  });

  test('executeBatch applies every operation or none', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', n: 'integer' } });
    await store.upsert('todo', { id: 'keep', n: 1 });
    await expect(
      store.executeBatch([
        { action: 'upsert', tableName: 'todo', data: { id: 'new', n: 2 } },
        { action: 'delete', tableName: 'todo', id: 'keep' },
        { action: 'upsert', tableName: 'todo', data: { id: 'bad', n: 'not a number' } },
      ]),
    ).rejects.toThrow(ColumnTypeError);
    expect((await store.read(new Query('todo'))).map((r) => r['id'])).toEqual(['keep']);
    await store.executeBatch([null, { action: 'upsert', tableName: 'todo', data: { id: 'new', n: 2 } }, undefined]);
    expect((await store.read(new Query('todo').orderBy('id'))).map((r) => r['id'])).toEqual(['keep', 'new']);
  });

  test('a table or column name with quotes and SQL in it is only a name', async () => {
    const store = new SqlJsStore();
    const name = 'x"; DROP TABLE y; --';
    await store.defineTable({ name: 'y', columnDefinitions: { id: 'string' } });
    await store.defineTable({ name, columnDefinitions: { id: 'string', 'a"b': 'string' } });
    await store.upsert(name, { id: '1', 'a"b': '<script>alert(1)</script>' });
    expect(await store.lookup(name, '1')).toEqual({ id: '1', 'a"b': '<script>alert(1)</script>' });
    await store.upsert('y', { id: 'still-here' });
    expect(await store.lookup('y', 'still-here')).toEqual({ id: 'still-here' });
  });

  test('SQL in a filter value is compared as data, never run', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string' } });
    await store.upsert('todo', { id: '1', text: 'milk' });
    const hostile = "x' OR 1=1; DROP TABLE todo; --";
    expect(await store.read(new Query('todo').where({ text: hostile }))).toEqual([]);
    expect(await store.read(new Query('todo').where('text eq ?', hostile))).toEqual([]);
    expect(await store.lookup('todo', '1')).toEqual({ id: '1', text: 'milk' });
  });

  test('a query on an unknown column is a clear error', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string' } });
    await expect(store.read(new Query('todo').where({ nope: 1 }))).rejects.toThrow(/unknown property 'nope'/);
    await expect(store.read(new Query('todo').select('nope'))).rejects.toThrow(/Unknown column 'nope'/);
  });

  test('an undefined table is a clear error', async () => {
    const store = new SqlJsStore();
    await expect(store.upsert('ghost', { id: '1' })).rejects.toThrow('Definition not found for table "ghost"');
  });

  test('a closed store rejects every call', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string' } });
    await store.close();
    await expect(store.upsert('todo', { id: '1' })).rejects.toThrow(StoreClosedError);
    await expect(store.lookup('todo', '1')).rejects.toThrow(StoreClosedError);
    expect(() => store.export()).toThrow(StoreClosedError);
  });
});

describe('SqlJsStore persistence', () => {
  test('a store reopened from its exported bytes has the same data', async () => {
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', due: 'date' } });
    await store.upsert('todo', { id: '1', due: new Date(5) });
    const bytes = store.export();
    await store.close();
    const reopened = await SqlJsStore.open(bytes);
    await reopened.defineTable({ name: 'todo', columnDefinitions: { id: 'string', due: 'date' } });
    expect(await reopened.lookup('todo', '1')).toEqual({ id: '1', due: new Date(5) });
  });

  test('garbage bytes fail to open with a clear error', async () => {
    await expect(
      SqlJsStore.open(new TextEncoder().encode('definitely not sqlite, just some text that is long enough')),
    ).rejects.toThrow(/Cannot open the store/);
  });

  test('a store on a file path keeps its data across close and reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncwright-store-'));
    try {
      const path = join(dir, 'store.db');
      const store = new SqlJsStore(path);
      await store.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string' } });
      await store.upsert('todo', { id: '1', text: 'milk' });
      await store.close();
      expect(existsSync(path)).toBe(true);
      const reopened = new SqlJsStore(path);
      await reopened.defineTable({ name: 'todo', columnDefinitions: { id: 'string', text: 'string' } });
      expect(await reopened.lookup('todo', '1')).toEqual({ id: '1', text: 'milk' });
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
