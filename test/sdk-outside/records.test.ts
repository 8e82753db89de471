/**
 * docs/sdk-findings.md 8–12 and P10 — what the SDK does to records and tables — reproduced outside the
 * simulator: the real SDK in Node (syncwright/sdk) against `syncwright serve` on 127.0.0.1, its
 * store a database file in a folder that outlives the app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Device, Serve, TODOITEM } from './support.js';

let serve: Serve;
let device: Device | undefined;
beforeEach(async () => {
  serve = await Serve.start();
});
afterEach(async () => {
  await device?.close();
  device = undefined;
  await serve.close();
});

describe('records the store does not have', () => {
  test('8: an update of a missing record creates it locally and queues an update (404 on push); a delete of one queues a delete', async () => {
    const errors: string[] = [];
    device = await Device.open(serve.url, {
      pushHandler: {
        onError: (pushError) =>
          void errors.push(`${pushError.getAction()}: ${(pushError.getError() as Error).message}`),
      },
    });
    await device.context.update('todoitem', { id: 'ghost', text: 'x' });
    expect(await device.rows()).toEqual([{ id: 'ghost', text: 'x', complete: null, version: null }]);
    await expect(Promise.resolve(device.context.push())).rejects.toMatchObject({
      message: expect.stringMatching(/action: update, and record ID: ghost: The item does not exist/),
    });
    expect(errors).toEqual(['update: The item does not exist']);

    const other = await Device.open(serve.url);
    try {
      await other.context.del('todoitem', { id: 'nowhere' });
      await Promise.resolve(other.context.push()).catch(() => undefined);
      expect((await serve.exchanges()).at(-1)).toMatchObject({ method: 'DELETE', url: '/tables/todoitem/nowhere' });
    } finally {
      await other.close();
    }
  });
});

describe('values and versions', () => {
  test('9: a string that looks like an ISO date comes back JSON-quoted, and the next update pushes the corrupted text', async () => {
    device = await Device.open(serve.url);
    await device.context.insert('todoitem', { id: 'a', text: '2026-05-01T12:00:00Z', complete: false });
    await device.context.push();
    // The insert's answer is parsed with a reviver that makes ISO strings Dates; the string
    // column then stores JSON.stringify(date).
    expect((await device.lookup('a'))!['text']).toBe('"2026-05-01T12:00:00.000Z"');
    expect((await serve.row('todoitem', 'a'))!['text']).toBe('2026-05-01T12:00:00Z');

    await serve.insert('todoitem', { id: 'b', text: '2026-05-01T12:00:00.000Z', complete: false });
    await device.context.pull(device.query(), 'all');
    expect((await device.lookup('b'))!['text']).toBe('"2026-05-01T12:00:00.000Z"');

    await device.context.update('todoitem', { ...(await device.lookup('b')), complete: true });
    await device.context.push();
    expect((await serve.row('todoitem', 'b'))!['text']).toBe('"2026-05-01T12:00:00.000Z"');
  });

  test("10: without a version column (the package README's sample table) updates go out without If-Match and overwrite other users' changes", async () => {
    device = await Device.open(serve.url, {
      tables: [{ name: 'todoitem', columnDefinitions: { id: 'string', text: 'string', complete: 'boolean' } }],
    });
    await device.context.insert('todoitem', { id: 'a', text: 'v1', complete: false });
    await device.context.push();
    await serve.update('todoitem', 'a', { text: 'server' });
    await device.context.update('todoitem', { id: 'a', text: 'mine', complete: false });
    expect(await device.context.push()).toEqual([]);
    const patch = (await serve.exchanges()).find((exchange) => exchange.method === 'PATCH')!;
    expect(patch.headers['if-match']).toBeUndefined();
    expect(patch.status).toBe(200);
    expect((await serve.row('todoitem', 'a'))!['text']).toBe('mine');
  });

  test('11: local ids are case-insensitive: inserting "abc" after "ABC" fails and lookup("abc") finds "ABC"; the server keeps both', async () => {
    device = await Device.open(serve.url);
    await device.context.insert('todoitem', { id: 'ABC', text: 'x', complete: false });
    await expect(
      Promise.resolve(device.context.insert('todoitem', { id: 'abc', text: 'y', complete: false })),
    ).rejects.toMatchObject({ message: 'Record with id ABC already exists in the table todoitem' });
    expect(await device.lookup('abc')).toMatchObject({ id: 'ABC' });
    await serve.insert('todoitem', { id: 'abc', text: 'y', complete: false });
    await device.context.push();
    expect((await serve.rows('todoitem')).map((row) => row.id).sort()).toEqual(['ABC', 'abc']);
  });
});

describe('an app upgrade', () => {
  let folder: string;
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  test('12: a string column added by a later defineTable gets NUMERIC affinity: "007" is stored as 7 and every read fails', async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'syncwright-upgrade-'));
    const v1 = await Device.open(serve.url, {
      storeDir: folder,
      tables: [{ name: 'item', columnDefinitions: { id: 'string', text: 'string' } }],
    });
    await v1.context.insert('item', { id: 'a', text: 'x' });
    await v1.kill();
    // Version 2 of the app, over the same database file, adds a column:
    // defineTable runs ALTER TABLE item ADD COLUMN code string.
    device = await Device.open(serve.url, {
      storeDir: folder,
      tables: [{ name: 'item', columnDefinitions: { id: 'string', text: 'string', code: 'string' } }],
    });
    await device.context.insert('item', { id: 'b', text: 'y', code: '007' });
    await expect(Promise.resolve(device.context.read(device.query('item')))).rejects.toMatchObject({
      message: expect.stringMatching(/Converting value 7 of type number to type string is not supported/),
    });
  });

  // What the simulator saw (P10): not only reads — the push reads each operation's record through
  // the same deserializer, so the upgraded app's insert never leaves and blocks the queue behind it.
  test('P10: after an upgrade that adds a string column, the push of a record holding a string-number there fails, every time, and the queue never drains', async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'syncwright-upgrade-'));
    await serve.insert('todoitem', { id: 'a', text: 'x', complete: false });
    const v1 = await Device.open(serve.url, { storeDir: folder });
    await v1.context.pull(v1.query(), 'all');
    await v1.kill();
    // Version 2 of the app adds a string column: ALTER TABLE todoitem ADD COLUMN note string.
    device = await Device.open(serve.url, {
      storeDir: folder,
      tables: [{ ...TODOITEM, columnDefinitions: { ...TODOITEM.columnDefinitions, note: 'string' } }],
    });
    await device.context.insert('todoitem', { id: 'b', text: 'y', complete: false, note: '0' });
    // Queued behind the insert: the delete of a record the server has.
    await device.context.del('todoitem', { id: 'a' });
    const before = (await serve.exchanges()).length;
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(Promise.resolve(device.context.push())).rejects.toMatchObject({
        message: expect.stringMatching(
          /Failed to deserialize value .*"note":0.*Converting value 0 of type number to type string is not supported/,
        ),
      });
    }
    // Nothing was sent: neither the insert nor the delete queued behind it.
    expect((await serve.exchanges()).slice(before)).toEqual([]);
    expect(await serve.row('todoitem', 'b')).toBeUndefined();
    expect(await serve.row('todoitem', 'a')).toMatchObject({ id: 'a', deleted: false });
  });
});
