/** The reference store's write stream: each statement and each commit, and a crash verdict that kills it between two. */
import { describe, expect, test } from 'vitest';
import type { StoreWrite, StoreWriteVerdict } from '../../src/kernel/driver.js';
import { Query } from '../../src/client/query.js';
import { SqlJsStore } from '../../src/client/sqljs-store.js';

const TABLE = { name: 'item', columnDefinitions: { id: 'string', text: 'string' } } as const;

/** A store with TABLE defined; `verdict` numbers the writes made after that from 1. */
async function store(verdict: (write: StoreWrite, n: number) => StoreWriteVerdict = () => 'continue') {
  const writes: StoreWrite[] = [];
  const opened = await SqlJsStore.open({});
  const setup: StoreWrite[] = [];
  opened.setWriteListener((write) => (setup.push(write), 'continue'));
  await opened.defineTable(TABLE);
  opened.setWriteListener((write) => {
    writes.push(write);
    return verdict(write, writes.length);
  });
  return { store: opened, writes, setup };
}

/** Whether a promise settles once every pending job has run. */
async function settles(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('the reference store reports its writes', () => {
  test('every write call is one transaction: its statements, then its commit; reads write nothing', async () => {
    const { store: s, writes, setup } = await store();
    // A new database creates the table; one reused from a closed store already has it, emptied.
    expect([
      [],
      [
        { kind: 'statement', statement: 'create', table: 'item' },
        { kind: 'commit', statement: 'commit' },
      ],
    ]).toContainEqual(setup);
    await s.upsert('item', [
      { id: 'a', text: 'x' },
      { id: 'b', text: 'y' },
    ]);
    await s.read(new Query('item'));
    await s.lookup('item', 'a');
    await s.executeBatch([
      { action: 'delete', tableName: 'item', id: 'a' },
      { action: 'upsert', tableName: 'item', data: { id: 'c', text: 'z' } },
    ]);
    await s.del(new Query('item').where({ text: 'z' }));
    await s.executeBatch([]);
    expect(writes).toEqual([
      { kind: 'statement', statement: 'upsert', table: 'item' },
      { kind: 'statement', statement: 'upsert', table: 'item' },
      { kind: 'commit', statement: 'commit' },
      { kind: 'statement', statement: 'delete', table: 'item' },
      { kind: 'statement', statement: 'upsert', table: 'item' },
      { kind: 'commit', statement: 'commit' },
      { kind: 'statement', statement: 'delete', table: 'item' },
      { kind: 'commit', statement: 'commit' },
    ]);
    await s.close();
  });

  test('a crash after a statement: the call and every later call never settle, and the reopened store has none of it', async () => {
    const { store: s } = await store((write, n) => (n === 2 ? 'crash' : 'continue'));
    // Writes 1 and 2 are this batch's statements; the app dies after the second, before the commit.
    const batch = s.executeBatch([
      { action: 'upsert', tableName: 'item', data: { id: 'a', text: 'x' } },
      { action: 'upsert', tableName: 'item', data: { id: 'b', text: 'y' } },
    ]);
    expect(await settles(batch), 'the batch').toBe(false);
    expect(await settles(s.read(new Query('item'))), 'a read').toBe(false);
    expect(await settles(s.upsert('item', { id: 'c', text: 'z' })), 'an upsert').toBe(false);
    const next = await s.reopen();
    await next.defineTable(TABLE);
    expect(await next.read(new Query('item'))).toEqual([]);
    await next.close();
  });

  test('a crash right after a commit: the reopened store has the whole transaction', async () => {
    const { store: s } = await store((write, n) => (n === 3 ? 'crash' : 'continue'));
    const batch = s.upsert('item', [
      { id: 'a', text: 'x' },
      { id: 'b', text: 'y' },
    ]);
    expect(await settles(batch)).toBe(false);
    const next = await s.reopen();
    await next.defineTable(TABLE);
    expect((await next.read(new Query('item').orderBy('id'))).map((row) => row['id'])).toEqual(['a', 'b']);
    await next.close();
  });
});
