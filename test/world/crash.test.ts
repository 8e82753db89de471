/** Crashes between two store writes: the world counts each client's writes and kills the app right after the n-th. */
import { describe, expect, test } from 'vitest';
import type { ClientDriver, ClientDriverFactory } from '../../src/kernel/driver.js';
import type { HistoryEvent } from '../../src/kernel/history.js';
import { createReferenceDriver } from '../../src/client/driver.js';
import { World } from '../../src/world/world.js';

const of = <K extends HistoryEvent['kind']>(events: readonly HistoryEvent[], kind: K) =>
  events.filter((e): e is Extract<HistoryEvent, { kind: K }> => e.kind === kind);

const fixed = { kind: 'fixed', ms: 10 } as const;

/**
 * Record `a` on the server and in client-1's store, by a full pull of two pages (the second asks
 * `updatedAt ge` the first's last record, so it brings `a` again): writes 1–4 of the first life.
 */
async function synced(world: World): Promise<ReturnType<World['client']>> {
  const client = world.client('client-1');
  await world.settle(world.editor('editor-1').insert('todoitem', { id: 'a', text: 'one', complete: false }));
  await world.settle(client.pull('todoitem'));
  expect(of(world.history, 'store-write').at(-1)?.last).toBe(SETUP_WRITES);
  return client;
}

const SETUP_WRITES = 4;

describe('store writes of the reference client', () => {
  test('each commit is a store-write event listing its statements, numbered per life', async () => {
    const world = await World.create({ seed: 1, faults: { default: { latency: fixed } } });
    const client = world.client('client-1');
    await world.settle(client.insert('todoitem', { id: 'a', text: 'one', complete: false }));
    await world.settle(client.update('todoitem', { id: 'a', text: 'two' }));
    const writes = of(world.history, 'store-write');
    // The update of a record whose insert is still queued changes the row alone (the insert carries it).
    expect(writes.map((w) => [w.life, w.first, w.last])).toEqual([
      [1, 1, 3],
      [1, 4, 5],
    ]);
    expect(writes[0]!.statements).toEqual([
      { statement: 'upsert', table: 'todoitem' },
      { statement: 'upsert', table: '__operations' },
    ]);
    await world.settle(client.restart());
    await world.settle(client.update('todoitem', { id: 'a', text: 'three' }));
    expect(of(world.history, 'store-write').at(-1)).toMatchObject({ life: 2, first: 1, last: 2 });
    await world.close();
  });
});

describe('a crash point', () => {
  test('between the table write and the operation-log write of a local update: neither survives', async () => {
    // The update's first write is its table row; the app dies before the log row and the commit.
    const world = await World.create({
      seed: 2,
      faults: { default: { latency: fixed }, links: { 'client-1': { crashes: [{ afterWrite: SETUP_WRITES + 1 }] } } },
    });
    const client = await synced(world);
    const update = client.update('todoitem', { id: 'a', text: 'two' });
    const outcome = await world.settle(update);
    expect(outcome.status).toBe('info');
    const crash = of(world.history, 'fault').find((f) => f.fault === 'crash');
    expect(crash?.detail).toEqual({
      life: 1,
      write: SETUP_WRITES + 1,
      kind: 'statement',
      statement: 'upsert',
      table: 'todoitem',
      lost: 1,
    });
    expect(of(world.history, 'restart')).toHaveLength(1);
    const after = await world.snapshot('after');
    const state = after.clients['client-1']!;
    expect(state.tables['todoitem']).toEqual([expect.objectContaining({ id: 'a', text: 'one' })]);
    expect(state.operations).toEqual([]);
    await world.close();
  });

  test('between the operation-log write and the commit: still neither survives', async () => {
    const world = await World.create({
      seed: 2,
      faults: { default: { latency: fixed }, links: { 'client-1': { crashes: [{ afterWrite: SETUP_WRITES + 2 }] } } },
    });
    const client = await synced(world);
    await world.settle(client.update('todoitem', { id: 'a', text: 'two' }));
    expect(of(world.history, 'fault').find((f) => f.fault === 'crash')?.detail).toMatchObject({
      write: SETUP_WRITES + 2,
      kind: 'statement',
      table: '__operations',
      lost: 2,
    });
    const state = (await world.snapshot('after')).clients['client-1']!;
    expect(state.tables['todoitem']).toEqual([expect.objectContaining({ id: 'a', text: 'one' })]);
    expect(state.operations).toEqual([]);
    await world.close();
  });

  test('right after the commit of a local update: both rows survive the restart', async () => {
    const world = await World.create({
      seed: 3,
      faults: { default: { latency: fixed }, links: { 'client-1': { crashes: [{ afterWrite: SETUP_WRITES + 3 }] } } },
    });
    const client = await synced(world);
    await world.settle(client.update('todoitem', { id: 'a', text: 'two' }));
    expect(of(world.history, 'fault').find((f) => f.fault === 'crash')?.detail).toMatchObject({
      write: SETUP_WRITES + 3,
      kind: 'commit',
      lost: 0,
    });
    const state = (await world.snapshot('after')).clients['client-1']!;
    expect(state.tables['todoitem']).toEqual([expect.objectContaining({ id: 'a', text: 'two' })]);
    expect(state.operations.map((op) => op.action)).toEqual(['update']);
    await world.close();
  });

  test("between a pull page's records and its mark: the restarted app has neither", async () => {
    const world = await World.create({
      seed: 4,
      clients: ['client-1'],
      faults: { default: { latency: fixed }, links: { 'client-1': { crashes: [{ afterWrite: 1 }] } } },
    });
    await world.settle(world.editor('editor-1').insert('todoitem', { id: 'a', text: 'one', complete: false }));
    const pull = world.client('client-1').pull('todoitem', { queryId: 'all' });
    expect((await world.settle(pull)).status).toBe('info');
    const crash = of(world.history, 'fault').find((f) => f.fault === 'crash');
    expect(crash?.detail).toMatchObject({ write: 1, kind: 'statement', table: 'todoitem' });
    const state = (await world.snapshot('after')).clients['client-1']!;
    expect(state.tables['todoitem']).toEqual([]);
    // The next incremental pull starts from nothing and gets the record.
    await world.settle(world.client('client-1').pull('todoitem', { queryId: 'all' }));
    const again = (await world.snapshot('again')).clients['client-1']!;
    expect(again.tables['todoitem']!.map((row) => row['id'])).toEqual(['a']);
    await world.close();
  });

  test('fires once, in the first life that reaches its write; a restart starts the count again', async () => {
    const world = await World.create({
      seed: 5,
      faults: { default: { latency: fixed }, links: { 'client-1': { crashes: [{ afterWrite: 5 }] } } },
    });
    const client = world.client('client-1');
    await world.settle(client.insert('todoitem', { id: 'a', text: 'one', complete: false }));
    await world.settle(client.restart());
    for (const text of ['b', 'c', 'd']) await world.settle(client.update('todoitem', { id: 'a', text }));
    const crashes = of(world.history, 'fault').filter((f) => f.fault === 'crash');
    expect(crashes).toHaveLength(1);
    expect(crashes[0]!.detail).toMatchObject({ life: 2, write: 5 });
    await world.close();
  });

  test('a driver that does not report store writes is never crashed, and the world says so', async () => {
    const silent: ClientDriverFactory = async (environment) => {
      const { onStoreWrite: _ignored, ...rest } = environment;
      const inner = await createReferenceDriver(rest);
      return new Proxy(inner, {
        get: (target, key) => (key === 'reportsStoreWrites' ? undefined : Reflect.get(target, key)),
      }) as ClientDriver;
    };
    const world = await World.create({
      seed: 6,
      driver: silent,
      faults: { links: { 'client-1': { crashes: [{ afterWrite: 1 }] } } },
    });
    await world.settle(world.client('client-1').insert('todoitem', { id: 'a', text: 'one', complete: false }));
    expect(of(world.history, 'fault')).toHaveLength(0);
    expect(of(world.history, 'note').map((n) => n.text)).toEqual([
      expect.stringContaining(
        'does not report store writes: the crash points planned for it (after write 1) never fire',
      ),
    ]);
    await world.close();
  });
});
