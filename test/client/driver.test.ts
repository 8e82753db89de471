import { describe, test, expect } from 'vitest';
import { createReferenceDriver, createReferenceDriverWith } from '../../src/client/driver.js';
import type { JsonObject } from '../../src/protocol/records.js';
import { TODOITEM_TABLE } from '../../src/protocol/records.js';
import type { ClientDriver, PushErrorLike, PushHandler } from '../../src/kernel/driver.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { createWorld, gate, settle, TestLink, type World } from './helpers.js';

async function driverFor(
  world: World,
  pushHandler: PushHandler = {},
  link = new TestLink(world.backend),
): Promise<{ driver: ClientDriver; link: TestLink }> {
  const driver = await createReferenceDriver({
    name: 'client-1',
    url: 'https://syncwright.test',
    transport: link.transport,
    clock: world.clock,
    random: new SeededRandom('client-1'),
    tables: [TODOITEM_TABLE],
    pushHandler,
  });
  return { driver, link };
}

describe('reference driver', () => {
  test('local writes, push and snapshot speak plain JSON', async () => {
    const world = await createWorld();
    const { driver } = await driverFor(world);
    expect(driver.kind).toBe('reference');
    const inserted = await driver.insert('todoitem', { id: 'b', text: 'two', complete: false });
    expect(inserted).toMatchObject({ id: 'b', text: 'two', complete: false, version: null });
    await driver.insert('todoitem', { id: 'a', text: 'one', complete: true });
    expect(await driver.snapshot()).toEqual({
      tables: {
        todoitem: [
          { id: 'a', text: 'one', complete: true, version: null, createdAt: null, updatedAt: null, deleted: null },
          { id: 'b', text: 'two', complete: false, version: null, createdAt: null, updatedAt: null, deleted: null },
        ],
      },
      operations: [
        { id: 1, table: 'todoitem', action: 'insert', itemId: 'b' },
        { id: 2, table: 'todoitem', action: 'insert', itemId: 'a' },
      ],
    });
    expect(await driver.push()).toEqual({ unhandledConflicts: [] });
    const snapshot = await driver.snapshot();
    const server = world.backend.get('todoitem', 'a')!;
    expect(snapshot.operations).toEqual([]);
    expect(snapshot.tables['todoitem']![0]).toEqual({
      id: 'a',
      text: 'one',
      complete: true,
      version: server.version,
      createdAt: server.createdAt,
      updatedAt: server.updatedAt,
      deleted: false,
    });
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  test('delete, lookup and read', async () => {
    const world = await createWorld();
    const { driver } = await driverFor(world);
    await driver.insert('todoitem', { id: 'a', text: 'one' });
    await driver.insert('todoitem', { id: 'b', text: 'two' });
    await driver.delete('todoitem', 'a');
    expect(await driver.lookup('todoitem', 'a')).toBeNull();
    expect(await driver.lookup('todoitem', 'b')).toMatchObject({ text: 'two' });
    expect((await driver.read('todoitem')).map((r) => r['id'])).toEqual(['b']);
  });

  test('pull takes a filter and a queryId', async () => {
    const world = await createWorld();
    world.backend.insert('todoitem', { id: 'a', text: 'x', complete: true });
    world.backend.insert('todoitem', { id: 'b', text: 'y', complete: false });
    const { driver, link } = await driverFor(world);
    await driver.pull('todoitem', { queryId: 'open', filter: 'complete eq false' });
    expect((await driver.read('todoitem')).map((r) => r['id'])).toEqual(['b']);
    expect(link.requests[0]!.headers['x-zumo-features']).toContain('IP');
    await driver.purge('todoitem');
    expect(await driver.read('todoitem')).toEqual([]);
  });

  test('the environment handler gets JSON records, and what it hands back is typed again', async () => {
    const world = await createWorld();
    let seen: { server: JsonObject | null | undefined; client: JsonObject | null | undefined } | undefined;
    const { driver } = await driverFor(world, {
      onConflict: (e: PushErrorLike) => {
        seen = { server: e.getServerRecord(), client: e.getClientRecord() };
        return e.cancelAndUpdate(e.getServerRecord()!);
      },
    });
    await driver.insert('todoitem', { id: 'a', text: 'mine' });
    await driver.push();
    world.clock.advance(10);
    world.backend.update('todoitem', 'a', { text: 'theirs' });
    await driver.update('todoitem', { id: 'a', text: 'mine again' });
    expect(await driver.push()).toEqual({ unhandledConflicts: [] });
    const server = world.backend.get('todoitem', 'a')!;
    expect(seen!.server).toMatchObject({ text: 'theirs', updatedAt: server.updatedAt });
    expect(typeof seen!.server!['updatedAt']).toBe('string');
    expect(seen!.client).toMatchObject({ text: 'mine again' });
    expect(await driver.lookup('todoitem', 'a')).toMatchObject({
      text: 'theirs',
      version: server.version,
      updatedAt: server.updatedAt,
    });
  });

  test('unhandled conflicts are summarised with their status', async () => {
    const world = await createWorld();
    const { driver } = await driverFor(world);
    world.backend.insert('todoitem', { id: 'a', text: 'theirs' });
    await driver.insert('todoitem', { id: 'a', text: 'mine' });
    expect(await driver.push()).toEqual({
      unhandledConflicts: [{ table: 'todoitem', action: 'insert', itemId: 'a', status: 409 }],
    });
  });

  test('restart reopens the app from its committed store', async () => {
    const world = await createWorld();
    const { driver } = await driverFor(world);
    await driver.insert('todoitem', { id: 'a', text: 'one' });
    await driver.push();
    await driver.update('todoitem', { id: 'a', text: 'two' });
    const before = await driver.snapshot();
    await driver.restart();
    expect(await driver.snapshot()).toEqual(before);
    await driver.push();
    expect(world.backend.get('todoitem', 'a')).toMatchObject({ text: 'two' });
  });

  test('an operation in flight when the app is killed never touches the reopened store', async () => {
    const world = await createWorld();
    const link = new TestLink(world.backend);
    const { driver } = await driverFor(world, {}, link);
    await driver.insert('todoitem', { id: 'a', text: 'one' });
    const hold = gate();
    link.inFlight = () => hold.promise;
    const oldPush = driver.push();
    await settle();
    await driver.restart();
    const afterRestart = await driver.snapshot();
    expect(afterRestart.operations).toEqual([{ id: 1, table: 'todoitem', action: 'insert', itemId: 'a' }]);
    link.inFlight = undefined;
    hold.open();
    let oldOutcome = 'pending';
    oldPush.then(
      () => (oldOutcome = 'ok'),
      () => (oldOutcome = 'failed'),
    );
    await settle();
    // The answer reached nobody: the dead app's push stops there, neither done nor failed.
    expect(oldOutcome).toBe('pending');
    // The server applied the POST, but the reopened app did not learn of it: its store is unchanged.
    expect(world.backend.get('todoitem', 'a')).toMatchObject({ text: 'one' });
    expect(await driver.snapshot()).toEqual(afterRestart);
  });

  test('a driver built with mutations carries them', async () => {
    const world = await createWorld();
    const link = new TestLink(world.backend);
    const driver = await createReferenceDriverWith({ mutations: ['drop-if-match'] })({
      name: 'client-1',
      url: 'https://syncwright.test',
      transport: link.transport,
      clock: world.clock,
      random: new SeededRandom('client-1'),
      tables: [TODOITEM_TABLE],
      pushHandler: {},
    });
    await driver.insert('todoitem', { id: 'a', text: 'one' });
    await driver.push();
    await driver.update('todoitem', { id: 'a', text: 'two' });
    await driver.push();
    expect(link.requests[1]!.headers['if-match']).toBeUndefined();
    await driver.close();
    await expect(driver.read('todoitem')).rejects.toThrow(/closed/);
  });
});
