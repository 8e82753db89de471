import { describe, test, expect } from 'vitest';
import { MobileServiceClient } from '../../src/client/client.js';
import { MobileServiceHttpError } from '../../src/client/http.js';
import { Query } from '../../src/client/query.js';
import { createWorld, TestLink } from './helpers.js';
import { SeededRandom } from '../../src/kernel/random.js';

async function onlineTable() {
  const world = await createWorld();
  const link = new TestLink(world.backend);
  const client = new MobileServiceClient('https://syncwright.test', {
    transport: link.transport,
    clock: world.clock,
    random: new SeededRandom('online'),
  });
  return { world, link, table: client.getTable('todoitem') };
}

describe('online table', () => {
  test('insert, lookup, update, read and del go straight to the server', async () => {
    const { world, table, link } = await onlineTable();
    const inserted = await table.insert({ id: 'a', text: 'milk', complete: false });
    expect(inserted).toMatchObject({ id: 'a', text: 'milk', version: world.backend.get('todoitem', 'a')!.version });
    expect(inserted['updatedAt']).toBeInstanceOf(Date);
    expect(await table.lookup('a')).toMatchObject({ text: 'milk' });
    world.clock.advance(5);
    const updated = await table.update({ id: 'a', complete: true, version: inserted['version'] });
    expect(updated).toMatchObject({ complete: true });
    expect(link.requests[2]!.headers['if-match']).toBe(`"${String(inserted['version'])}"`);
    expect((await table.read(new Query('todoitem').where({ complete: true }))).map((r) => r['id'])).toEqual(['a']);
    expect((await table.where({ complete: false }).read()).length).toBe(0);
    await table.del({ id: 'a', version: updated['version'] });
    expect(world.backend.get('todoitem', 'a')).toBeUndefined();
  });

  test('a stale version is a 412 MobileServiceHttpError with the status and message', async () => {
    const { world, table } = await onlineTable();
    const inserted = await table.insert({ id: 'a', text: 'milk' });
    world.backend.update('todoitem', 'a', { text: 'theirs' });
    const error = await table.update({ id: 'a', text: 'mine', version: inserted['version'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MobileServiceHttpError);
    expect((error as MobileServiceHttpError).status).toBe(412);
  });

  test('read with a total count', async () => {
    const { world, table } = await onlineTable();
    for (const id of ['a', 'b', 'c']) world.backend.insert('todoitem', { id, text: id });
    const page = await table.read(new Query('todoitem').orderBy('id').take(2).includeTotalCount());
    expect(page.map((r) => r['id'])).toEqual(['a', 'b']);
    expect(page.totalCount).toBe(3);
  });

  test('a query on another table is refused', async () => {
    const { table } = await onlineTable();
    await expect(table.read(new Query('other'))).rejects.toThrow(/not on 'todoitem'/);
  });

  test('invalid ids are refused before any request', async () => {
    const { table, link } = await onlineTable();
    await expect(table.lookup('../etc/passwd')).rejects.toThrow(/Invalid id/);
    await expect(table.del({ id: '' })).rejects.toThrow(/Invalid id/);
    expect(link.requests).toEqual([]);
  });
});
