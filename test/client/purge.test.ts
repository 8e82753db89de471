import { describe, test, expect } from 'vitest';
import { Query } from '../../src/client/query.js';
import { createClient, createWorld } from './helpers.js';

describe('purge', () => {
  test('a purge of a table with pending operations is refused and changes nothing', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.insert({ id: 'a', text: 'local' });
    await expect(c.context.purge(new Query('todoitem'))).rejects.toThrow(
      'Cannot purge the table as it contains pending operations',
    );
    expect(await c.table.lookup('a')).toMatchObject({ text: 'local' });
    expect(await c.context.getPendingOperations()).toHaveLength(1);
  });

  test("a forced purge drops the table's records and pending operations, and only that table's", async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.store.defineTable({ name: 'other', columnDefinitions: { id: 'string', text: 'string' } });
    await c.table.insert({ id: 'a', text: 'local' });
    await c.context.insert('other', { id: 'x', text: 'kept' });
    await c.context.purge(new Query('todoitem'), true);
    expect(await c.table.read()).toEqual([]);
    expect((await c.context.getPendingOperations()).map((o) => [o.tableName, o.itemId])).toEqual([['other', 'x']]);
    expect(await c.context.lookup('other', 'x')).toMatchObject({ text: 'kept' });
    await c.context.push().catch(() => undefined);
    expect(c.link.requests.map((r) => r.url)).toEqual(['/tables/other']);
  });

  test('a purge with a query removes only the records it selects, and logs nothing', async () => {
    const world = await createWorld();
    world.backend.insert('todoitem', { id: 'a', text: 'x', complete: true });
    world.backend.insert('todoitem', { id: 'b', text: 'y', complete: false });
    const c = await createClient(world);
    await c.context.pull(new Query('todoitem'));
    await c.context.purge(new Query('todoitem').where({ complete: true }));
    expect((await c.table.read()).map((r) => r['id'])).toEqual(['b']);
    expect(await c.context.getPendingOperations()).toEqual([]);
    expect(world.backend.get('todoitem', 'a')).toBeDefined();
  });

  test("a purge resets the table's incremental marks, so the next incremental pull fetches everything again", async () => {
    const world = await createWorld();
    world.backend.insert('todoitem', { id: 'a', text: 'x' });
    world.clock.advance(10);
    const c = await createClient(world);
    await c.context.pull(new Query('todoitem'), 'all');
    await c.context.purge(new Query('todoitem'));
    expect(await c.table.read()).toEqual([]);
    c.link.requests.length = 0;
    await c.context.pull(new Query('todoitem'), 'all');
    expect(c.link.lines()[0]).toContain("updatedAt ge datetimeoffset'1969-12-31T00:00:00.000Z'");
    expect((await c.table.read()).map((r) => r['id'])).toEqual(['a']);
  });

  test('purge checks its arguments', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await expect(c.context.purge(new Query('todoitem'), 'yes' as never)).rejects.toThrow(
      /forcePurge must be a boolean/,
    );
  });
});
