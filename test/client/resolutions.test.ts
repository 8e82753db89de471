/**
 * The conflict-handling sample: two clients edit the same record, the second push gets a 412,
 * and each resolution method is applied in turn.
 */
import { describe, test, expect } from 'vitest';
import type { PushError } from '../../src/client/push-error.js';
import { Query } from '../../src/client/query.js';
import { createClient, createWorld, type TestClient, type World } from './helpers.js';

interface Sample {
  world: World;
  first: TestClient;
  second: TestClient;
  /** The server's version after the first client's edit. */
  winningVersion: string;
  /** The version the second client edited from. */
  staleVersion: string;
}

async function twoClientsEditTheSameRecord(): Promise<Sample> {
  const world = await createWorld();
  const first = await createClient(world, { name: 'first' });
  const second = await createClient(world, { name: 'second' });
  await first.table.insert({ id: 'a', text: 'original', complete: false });
  await first.context.push();
  world.clock.advance(10);
  await second.context.pull(new Query('todoitem'));
  const staleVersion = (await second.table.lookup('a'))!['version'] as string;

  world.clock.advance(10);
  await first.table.update({ id: 'a', text: 'first wins' });
  await first.context.push();
  const winningVersion = world.backend.get('todoitem', 'a')!.version;

  world.clock.advance(10);
  await second.table.update({ id: 'a', text: 'second edit', complete: true });
  second.link.requests.length = 0;
  second.link.responses.length = 0;
  return { world, first, second, winningVersion, staleVersion };
}

/** Pushes the second client with a conflict handler; returns the conflicts left and the handler calls. */
async function pushWith(
  sample: Sample,
  resolve: (e: PushError) => Promise<unknown> | unknown,
): Promise<{ left: PushError[]; calls: PushError[] }> {
  const calls: PushError[] = [];
  sample.second.context.pushHandler = {
    onConflict: (e) => {
      calls.push(e);
      return resolve(e);
    },
  };
  const left = await sample.second.context.push();
  return { left, calls };
}

describe('resolving a 412 conflict', () => {
  test('the second push meets a 412 with the server record', async () => {
    const sample = await twoClientsEditTheSameRecord();
    const { left, calls } = await pushWith(sample, () => undefined);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.getStatus()).toBe(412);
    expect(calls[0]!.getServerRecord()).toMatchObject({ text: 'first wins', version: sample.winningVersion });
    expect(left).toHaveLength(1);
  });

  test('cancelAndUpdate(serverRecord): the operation goes, the local record becomes the server copy, the server is untouched', async () => {
    const sample = await twoClientsEditTheSameRecord();
    const { left, calls } = await pushWith(sample, (e) => e.cancelAndUpdate(e.getServerRecord()!));
    expect(left).toEqual([]);
    expect(calls[0]!.isHandled).toBe(true);
    expect(await sample.second.table.lookup('a')).toMatchObject({
      text: 'first wins',
      complete: false,
      version: sample.winningVersion,
    });
    expect(await sample.second.context.getPendingOperations()).toEqual([]);
    expect(sample.world.backend.get('todoitem', 'a')).toMatchObject({
      text: 'first wins',
      version: sample.winningVersion,
    });
    expect(sample.second.link.requests.map((r) => r.method)).toEqual(['PATCH']);
  });

  test('cancelAndDiscard(): the operation and the local record go, the server is untouched, the next pull brings it back', async () => {
    const sample = await twoClientsEditTheSameRecord();
    const { left } = await pushWith(sample, (e) => e.cancelAndDiscard());
    expect(left).toEqual([]);
    expect(await sample.second.table.lookup('a', true)).toBeNull();
    expect(await sample.second.context.getPendingOperations()).toEqual([]);
    expect(sample.world.backend.get('todoitem', 'a')).toMatchObject({
      text: 'first wins',
      version: sample.winningVersion,
    });
    await sample.second.context.pull(new Query('todoitem'));
    expect(await sample.second.table.lookup('a')).toMatchObject({ text: 'first wins', version: sample.winningVersion });
  });

  test('cancel(): only the operation goes; the local edit stays until a pull replaces it', async () => {
    const sample = await twoClientsEditTheSameRecord();
    const { left } = await pushWith(sample, (e) => e.cancel());
    expect(left).toEqual([]);
    expect(await sample.second.table.lookup('a')).toMatchObject({ text: 'second edit', version: sample.staleVersion });
    expect(await sample.second.context.getPendingOperations()).toEqual([]);
    expect(sample.world.backend.get('todoitem', 'a')).toMatchObject({ text: 'first wins' });
    await sample.second.context.pull(new Query('todoitem'));
    expect(await sample.second.table.lookup('a')).toMatchObject({ text: 'first wins', version: sample.winningVersion });
  });

  test('update(value with the server version): the local record is updated and the retry goes through', async () => {
    const sample = await twoClientsEditTheSameRecord();
    const { left, calls } = await pushWith(sample, (e) =>
      e.update({ ...e.getClientRecord()!, text: 'merged', version: e.getServerRecord()!['version'] }),
    );
    expect(left).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(sample.second.link.requests.map((r) => r.method)).toEqual(['PATCH', 'PATCH']);
    expect(sample.second.link.requests[1]!.headers['if-match']).toBe(`"${sample.winningVersion}"`);
    const server = sample.world.backend.get('todoitem', 'a')!;
    expect(server).toMatchObject({ text: 'merged', complete: true });
    expect(await sample.second.table.lookup('a')).toMatchObject({ text: 'merged', version: server.version });
    expect(await sample.second.context.getPendingOperations()).toEqual([]);
  });

  test("changeAction('delete', serverRecord): the local record goes and the delete is pushed with the server version", async () => {
    const sample = await twoClientsEditTheSameRecord();
    const { left } = await pushWith(sample, (e) => e.changeAction('delete', e.getServerRecord()!));
    expect(left).toEqual([]);
    expect(await sample.second.table.lookup('a', true)).toBeNull();
    expect(sample.second.link.requests.map((r) => r.method)).toEqual(['PATCH', 'DELETE']);
    expect(sample.second.link.requests[1]!.headers['if-match']).toBe(`"${sample.winningVersion}"`);
    expect(sample.world.backend.get('todoitem', 'a')).toBeUndefined();
    expect(sample.world.backend.get('todoitem', 'a', { includeDeleted: true })).toMatchObject({ deleted: true });
    expect(await sample.second.context.getPendingOperations()).toEqual([]);
  });

  test("changeAction('update') turns a conflicting insert (409) into an update", async () => {
    const world = await createWorld();
    const c = await createClient(world);
    world.backend.insert('todoitem', { id: 'a', text: 'theirs' });
    await c.table.insert({ id: 'a', text: 'mine' });
    c.context.pushHandler = { onConflict: (e) => e.changeAction('update') };
    expect(await c.context.push()).toEqual([]);
    expect(c.link.requests.map((r) => r.method)).toEqual(['POST', 'PATCH']);
    expect(world.backend.get('todoitem', 'a')).toMatchObject({ text: 'mine' });
  });

  test('resolution methods check their arguments', async () => {
    const sample = await twoClientsEditTheSameRecord();
    const errors: string[] = [];
    await pushWith(sample, async (e) => {
      for (const attempt of [
        () => e.cancelAndUpdate({ id: 'other' }),
        () => e.update({ id: 'other' }),
        () => e.changeAction('upsert' as never),
        () => e.changeAction('update', { id: 'other' }),
      ]) {
        await attempt().catch((error: Error) => errors.push(error.message));
      }
    });
    expect(errors).toEqual([
      'Only updating the record being pushed is allowed',
      'Only updating the record being pushed is allowed',
      'Action upsert not supported.',
      'New client record value cannot change the record ID. Original ID: a New ID: other',
    ]);
  });
});
