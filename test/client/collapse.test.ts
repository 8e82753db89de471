import { describe, test, expect } from 'vitest';
import { collapse, CollapseError, type OperationAction } from '../../src/client/collapse.js';
import { Query } from '../../src/client/query.js';
import { createClient, createWorld, gate, settle } from './helpers.js';

describe('collapse rules', () => {
  test.each<[OperationAction, OperationAction, string]>([
    ['insert', 'update', 'nop'],
    ['insert', 'delete', 'remove'],
    ['update', 'update', 'nop'],
    ['update', 'delete', 'modify'],
    ['delete', 'delete', 'nop'],
  ])('pending %s then %s → %s', (pending, next, decision) => {
    expect(collapse({ action: pending, locked: false }, next)).toBe(decision);
  });

  test.each<[OperationAction, OperationAction]>([
    ['delete', 'insert'],
    ['delete', 'update'],
    ['insert', 'insert'],
    ['update', 'insert'],
  ])('pending %s then %s is an error', (pending, next) => {
    expect(() => collapse({ action: pending, locked: false }, next)).toThrow(CollapseError);
  });

  test.each<[OperationAction, OperationAction]>([
    ['insert', 'update'],
    ['insert', 'delete'],
    ['update', 'update'],
    ['update', 'delete'],
  ])('a locked (in-flight) %s followed by %s logs a new operation', (pending, next) => {
    expect(collapse({ action: pending, locked: true }, next)).toBe('add');
  });

  test('a write after a locked delete is still an error', () => {
    expect(() => collapse({ action: 'delete', locked: true }, 'update')).toThrow(CollapseError);
  });

  test('no pending operation → a new one', () => {
    expect(collapse(undefined, 'update')).toBe('add');
  });
});

describe('collapse in the operation log', () => {
  async function logAfter(
    writes: (t: Awaited<ReturnType<typeof createClient>>['table']) => Promise<unknown>,
  ): Promise<{ action: string; itemId: string }[]> {
    const world = await createWorld();
    const { table, context } = await createClient(world);
    await writes(table);
    return (await context.getPendingOperations()).map(({ action, itemId }) => ({ action, itemId }));
  }

  test('insert + update → one insert carrying the updated record', async () => {
    const world = await createWorld();
    const { table, context, link } = await createClient(world);
    await table.insert({ id: 'a', text: 'one', complete: false });
    await table.update({ id: 'a', text: 'two' });
    expect((await context.getPendingOperations()).map((o) => o.action)).toEqual(['insert']);
    await context.push();
    expect(link.requests.map((r) => r.method)).toEqual(['POST']);
    expect(world.backend.get('todoitem', 'a')).toMatchObject({ text: 'two', complete: false });
  });

  test('insert + delete → nothing logged, nothing pushed', async () => {
    const world = await createWorld();
    const { table, context, link } = await createClient(world);
    await table.insert({ id: 'a', text: 'one' });
    await table.del({ id: 'a' });
    expect(await context.getPendingOperations()).toEqual([]);
    await context.push();
    expect(link.requests).toEqual([]);
  });

  test('update + update → one update', async () => {
    expect(
      await logAfter(async (t) => {
        await t.update({ id: 'a', text: '1' });
        await t.update({ id: 'a', text: '2' });
      }),
    ).toEqual([{ action: 'update', itemId: 'a' }]);
  });

  test('update + delete → one delete', async () => {
    expect(
      await logAfter(async (t) => {
        await t.update({ id: 'a', text: '1' });
        await t.del({ id: 'a' });
      }),
    ).toEqual([{ action: 'delete', itemId: 'a' }]);
  });

  test('delete + delete → one delete', async () => {
    expect(
      await logAfter(async (t) => {
        await t.del({ id: 'a' });
        await t.del({ id: 'a' });
      }),
    ).toEqual([{ action: 'delete', itemId: 'a' }]);
  });

  test('insert or update after a pending delete is refused and changes nothing', async () => {
    const world = await createWorld();
    const { table, context } = await createClient(world);
    await table.del({ id: 'a' });
    await expect(table.insert({ id: 'a', text: 'back' })).rejects.toThrow(/DELETE operation is pending/);
    await expect(table.update({ id: 'a', text: 'back' })).rejects.toThrow(/DELETE operation is pending/);
    expect(await table.lookup('a', true)).toBeNull();
    expect((await context.getPendingOperations()).map((o) => o.action)).toEqual(['delete']);
  });

  test('inserting an id that exists locally is refused', async () => {
    const world = await createWorld();
    const { table } = await createClient(world);
    await table.insert({ id: 'a', text: 'one' });
    await expect(table.insert({ id: 'a', text: 'two' })).rejects.toThrow(
      'Record with id a already exists in the table todoitem',
    );
  });

  test('operations on different records do not collapse', async () => {
    expect(
      await logAfter(async (t) => {
        await t.insert({ id: 'a' });
        await t.update({ id: 'b', text: 'x' });
        await t.del({ id: 'c' });
      }),
    ).toEqual([
      { action: 'insert', itemId: 'a' },
      { action: 'update', itemId: 'b' },
      { action: 'delete', itemId: 'c' },
    ]);
  });

  test('a write to the record being pushed logs a new operation behind the locked one', async () => {
    const world = await createWorld();
    const { table, context, link } = await createClient(world);
    await table.insert({ id: 'a', text: 'one' });
    const hold = gate();
    link.inFlight = () => hold.promise;
    const pushing = context.push();
    await settle();
    expect(await context.getPendingOperations()).toMatchObject([{ action: 'insert', locked: true }]);
    await table.update({ id: 'a', text: 'two' });
    expect((await context.getPendingOperations()).map((o) => [o.action, o.locked])).toEqual([
      ['insert', true],
      ['update', false],
    ]);
    link.inFlight = undefined;
    hold.open();
    await pushing;
    expect(await context.getPendingOperations()).toEqual([]);
    expect(world.backend.get('todoitem', 'a')).toMatchObject({ text: 'two' });
  });

  test('a local write and its log entry are one atomic batch', async () => {
    const world = await createWorld();
    const { table, context, store } = await createClient(world);
    // A value the column cannot hold fails the batch: neither the record nor the operation stays.
    await expect(table.insert({ id: 'a', complete: 'not a boolean' })).rejects.toThrow();
    expect(await table.lookup('a', true)).toBeNull();
    expect(await context.getPendingOperations()).toEqual([]);
    expect(await store.read(new Query('__operations'))).toEqual([]);
  });
});
