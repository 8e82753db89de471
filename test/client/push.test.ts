import { describe, test, expect } from 'vitest';
import { MobileServiceClient } from '../../src/client/client.js';
import { MobileServiceHttpError } from '../../src/client/http.js';
import { PushFailedError, MAX_HANDLER_CALLS } from '../../src/client/push.js';
import type { PushError } from '../../src/client/push-error.js';
import { SqlJsStore } from '../../src/client/sqljs-store.js';
import { TransportError } from '../../src/protocol/http.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { createClient, createWorld, gate, settle, TODO_COLUMNS, type TestClient, type World } from './helpers.js';

/** A record on the server and in the client, then changed on the server by someone else. */
async function conflictSetup(): Promise<{ world: World; c: TestClient }> {
  const world = await createWorld();
  const c = await createClient(world);
  await c.table.insert({ id: 'a', text: 'mine', complete: false });
  await c.context.push();
  world.clock.advance(10);
  world.backend.update('todoitem', 'a', { text: 'theirs' });
  world.clock.advance(10);
  await c.table.update({ id: 'a', text: 'mine, edited' });
  c.link.requests.length = 0;
  return { world, c };
}

describe('what push sends', () => {
  test('an insert is a POST without system properties, and the answer updates the local record', async () => {
    const world = await createWorld();
    const { table, context, link } = await createClient(world);
    await table.insert({ id: 'a', text: 'milk', complete: false, version: 'stale', deleted: false });
    await context.push();
    expect(link.requests).toHaveLength(1);
    const [request] = link.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/tables/todoitem' });
    expect(JSON.parse(request!.body!)).toEqual({ id: 'a', text: 'milk', complete: false });
    expect(request!.headers['zumo-api-version']).toBe('2.0.0');
    const server = world.backend.get('todoitem', 'a')!;
    const local = await table.lookup('a');
    expect(local).toMatchObject({ version: server.version, updatedAt: new Date(server.updatedAt!), text: 'milk' });
  });

  test('an update is a PATCH with If-Match of the local version and no system properties in the body', async () => {
    const world = await createWorld();
    const { table, context, link } = await createClient(world);
    await table.insert({ id: 'a', text: 'milk', complete: false });
    await context.push();
    const version = (await table.lookup('a'))!['version'] as string;
    await table.update({ id: 'a', complete: true });
    await context.push();
    const patch = link.requests[1]!;
    expect(patch).toMatchObject({ method: 'PATCH', url: '/tables/todoitem/a' });
    expect(patch.headers['if-match']).toBe(`"${version}"`);
    expect(JSON.parse(patch.body!)).toEqual({ id: 'a', text: 'milk', complete: true });
    expect(world.backend.get('todoitem', 'a')).toMatchObject({ complete: true });
    expect((await table.lookup('a'))!['version']).toBe(world.backend.get('todoitem', 'a')!.version);
  });

  test('a delete is a DELETE with If-Match of the version the record had', async () => {
    const world = await createWorld();
    const { table, context, link } = await createClient(world);
    await table.insert({ id: 'a', text: 'milk' });
    await context.push();
    const version = (await table.lookup('a'))!['version'] as string;
    await table.del({ id: 'a' });
    await context.push();
    expect(link.requests[1]).toMatchObject({
      method: 'DELETE',
      url: '/tables/todoitem/a',
      headers: { 'if-match': `"${version}"` },
    });
    expect(world.backend.get('todoitem', 'a')).toBeUndefined();
    expect(await context.getPendingOperations()).toEqual([]);
  });

  test('ids are escaped in URLs', async () => {
    const world = await createWorld();
    const { table, context, link } = await createClient(world);
    await table.update({ id: 'a b&c=d#e', text: 'x' });
    await context.push().catch(() => undefined);
    expect(link.requests[0]!.url).toBe('/tables/todoitem/a%20b%26c%3Dd%23e');
  });

  test('operations go out in log order, one at a time', async () => {
    const world = await createWorld();
    const { table, context, link } = await createClient(world);
    await table.insert({ id: 'b', text: '1' });
    await table.insert({ id: 'a', text: '2' });
    await table.insert({ id: 'c', text: '3' });
    await context.push();
    expect(link.requests.map((r) => JSON.parse(r.body!).id)).toEqual(['b', 'a', 'c']);
  });
});

describe('push outcomes', () => {
  test('a 412 goes to onConflict with both records, typed', async () => {
    const { world, c } = await conflictSetup();
    let seen: PushError | undefined;
    c.context.pushHandler = { onConflict: (e) => void (seen = e), onError: () => expect.fail('not an error') };
    const conflicts = await c.context.push();
    expect(seen!.isConflict()).toBe(true);
    expect(seen!.getStatus()).toBe(412);
    expect(seen!.getTableName()).toBe('todoitem');
    expect(seen!.getAction()).toBe('update');
    expect(seen!.getServerRecord()).toMatchObject({
      id: 'a',
      text: 'theirs',
      version: world.backend.get('todoitem', 'a')!.version,
    });
    expect(seen!.getServerRecord()!['updatedAt']).toBeInstanceOf(Date);
    expect(seen!.getClientRecord()).toMatchObject({ id: 'a', text: 'mine, edited' });
    expect(seen!.getError()).toBeInstanceOf(MobileServiceHttpError);
    expect(conflicts).toEqual([seen]);
  });

  test('a 409 (insert of a taken id) goes to onConflict without a server record', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    world.backend.insert('todoitem', { id: 'a', text: 'theirs' });
    await c.table.insert({ id: 'a', text: 'mine' });
    let seen: PushError | undefined;
    c.context.pushHandler = { onConflict: (e) => void (seen = e) };
    await c.context.push();
    expect(seen!.getStatus()).toBe(409);
    expect(seen!.isConflict()).toBe(true);
    expect(seen!.getServerRecord()).toBeNull();
    expect(seen!.getAction()).toBe('insert');
  });

  test.each([
    ['a 404', (r: TestClient) => void r],
    ['a network failure', (r: TestClient) => void (r.link.offline = true)],
    [
      'a 500',
      (r: TestClient) => void (r.link.override = () => ({ status: 500, headers: {}, body: '{"error":"boom"}' })),
    ],
  ])('%s goes to onError', async (_, breakIt) => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.update({ id: 'missing-on-server', text: 'x' });
    breakIt(c);
    const calls: string[] = [];
    c.context.pushHandler = {
      onConflict: () => calls.push('conflict'),
      onError: (e) => void calls.push(`error:${e.isConflict()}`),
    };
    await expect(c.context.push()).rejects.toThrow(PushFailedError);
    expect(calls).toEqual(['error:false']);
  });

  test('an unhandled conflict keeps the operation, skips it and is returned; the push goes on', async () => {
    const { world, c } = await conflictSetup();
    await c.table.insert({ id: 'b', text: 'other' });
    const conflicts = await c.context.push();
    expect(conflicts.map((e) => [e.getItemId(), e.getStatus()])).toEqual([['a', 412]]);
    expect(world.backend.get('todoitem', 'b')).toMatchObject({ text: 'other' });
    expect((await c.context.getPendingOperations()).map((o) => [o.itemId, o.action])).toEqual([['a', 'update']]);
    expect(world.backend.get('todoitem', 'a')).toMatchObject({ text: 'theirs' });
  });

  test('an unhandled error stops the push and names table, action and record id', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.update({ id: 'ghost', text: 'x' });
    await c.table.insert({ id: 'b', text: 'never sent' });
    const failure = await c.context.push().then(
      () => expect.fail('push should reject'),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PushFailedError);
    expect((failure as Error).message).toMatch(/tableName : todoitem, action: update, and record ID: ghost/);
    expect((failure as PushFailedError).pushError.getStatus()).toBe(404);
    expect(c.link.requests).toHaveLength(1);
    expect(world.backend.get('todoitem', 'b')).toBeUndefined();
    expect((await c.context.getPendingOperations()).map((o) => o.itemId)).toEqual(['ghost', 'b']);
  });

  test('a handler that throws counts as not handled, even if it set isHandled', async () => {
    const { c } = await conflictSetup();
    c.context.pushHandler = {
      onConflict: (e) => {
        e.isHandled = true;
        throw new Error('handler bug');
      },
    };
    const conflicts = await c.context.push();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.isHandled).toBe(false);
  });

  test('isHandled without a resolution retries the operation, at most five handler calls per push', async () => {
    const { c } = await conflictSetup();
    let calls = 0;
    c.context.pushHandler = {
      onConflict: (e) => {
        calls++;
        e.isHandled = true;
      },
    };
    const conflicts = await c.context.push();
    expect(calls).toBe(MAX_HANDLER_CALLS);
    expect(c.link.requests).toHaveLength(MAX_HANDLER_CALLS + 1);
    expect(conflicts).toHaveLength(1);
    // The cap is per push: the next push calls the handler again.
    await c.context.push();
    expect(calls).toBe(2 * MAX_HANDLER_CALLS);
  });

  test('a handled transient error is retried and the push completes', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.insert({ id: 'a', text: 'x' });
    c.link.offline = true;
    c.context.pushHandler = {
      onError: (e) => {
        expect(e.getError()).toBeInstanceOf(TransportError);
        c.link.offline = false;
        e.isHandled = true;
      },
    };
    expect(await c.context.push()).toEqual([]);
    expect(world.backend.get('todoitem', 'a')).toMatchObject({ text: 'x' });
  });

  test('a resolution the handler starts without waiting for it is still waited for', async () => {
    const { world, c } = await conflictSetup();
    c.context.pushHandler = {
      onConflict: (e) => {
        void e.cancelAndDiscard(); // as the tutorial's handler does: the promise is not returned
      },
    };
    expect(await c.context.push()).toEqual([]);
    expect(await c.table.lookup('a', true)).toBeNull();
    expect(await c.context.getPendingOperations()).toEqual([]);
    expect(world.backend.get('todoitem', 'a')).toMatchObject({ text: 'theirs' });
  });

  test('a request that gets no answer within the timeout is a TransportError of kind timeout', async () => {
    const clock = new ManualClock();
    const client = new MobileServiceClient('https://x', {
      transport: () => new Promise(() => undefined),
      clock,
      random: new SeededRandom(1),
      requestTimeoutMs: 1000,
    });
    const store = new SqlJsStore();
    await store.defineTable({ name: 'todoitem', columnDefinitions: TODO_COLUMNS });
    const context = client.getSyncContext();
    await context.initialize(store);
    await client.getSyncTable('todoitem').insert({ id: 'a' });
    let kind: string | undefined;
    context.pushHandler = { onError: (e) => void (kind = (e.getError() as TransportError).kind) };
    const pushing = context.push();
    await settle(50);
    clock.advance(1000);
    await expect(pushing).rejects.toThrow(PushFailedError);
    expect(kind).toBe('timeout');
  });
});

describe('hostile answers to a push', () => {
  test.each([
    ['a body that is not JSON', '<html>gateway</html>', /not JSON/],
    ['a body that is not a record', '[1,2,3]', /not a record/],
  ])('%s stops the push with a clear error and keeps the operation', async (_, body, message) => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.insert({ id: 'a', text: 'x' });
    c.link.override = () => ({ status: 201, headers: {}, body });
    await expect(c.context.push()).rejects.toThrow(message);
    expect((await c.context.getPendingOperations()).map((o) => [o.action, o.locked])).toEqual([['insert', false]]);
    expect(await c.table.lookup('a')).toMatchObject({ text: 'x', version: null });
  });
});

describe('writes made while an operation is in flight', () => {
  test('an update made while the insert is in flight is not overwritten by the insert answer, and pushes without conflict', async () => {
    const world = await createWorld();
    const { table, context, link } = await createClient(world);
    await table.insert({ id: 'a', text: 'first', complete: false });
    const hold = gate();
    link.inFlight = () => hold.promise;
    const pushing = context.push();
    await settle();
    await table.update({ id: 'a', text: 'second' });
    link.inFlight = undefined;
    hold.open();
    const conflicts = await pushing;
    expect(conflicts).toEqual([]);
    expect(link.requests.map((r) => r.method)).toEqual(['POST', 'PATCH']);
    // The PATCH carried the version the POST produced: the client does not conflict with itself.
    expect(link.responses.map((r) => r.status)).toEqual([201, 200]);
    expect(world.backend.get('todoitem', 'a')).toMatchObject({ text: 'second' });
    expect(await table.lookup('a')).toMatchObject({
      text: 'second',
      version: world.backend.get('todoitem', 'a')!.version,
    });
  });

  test('a newer local edit survives the answer even when the push of the newer operation has not happened yet', async () => {
    const world = await createWorld();
    const { table, context, link } = await createClient(world);
    await table.insert({ id: 'a', text: 'first' });
    const hold = gate();
    link.inFlight = () => hold.promise;
    // Stop after the insert: the update's PATCH fails, so only the insert's answer is applied.
    link.override = (request) => (request.method === 'PATCH' ? new TransportError('network', 'down') : undefined);
    const pushing = context.push();
    await settle();
    await table.update({ id: 'a', text: 'second' });
    link.inFlight = undefined;
    hold.open();
    await expect(pushing).rejects.toThrow(PushFailedError);
    expect(await table.lookup('a')).toMatchObject({
      text: 'second',
      version: world.backend.get('todoitem', 'a')!.version,
    });
  });

  test('a delete made while the update is in flight is pushed with the new version and the record is not brought back', async () => {
    const world = await createWorld();
    const { table, context, link } = await createClient(world);
    await table.insert({ id: 'a', text: 'first' });
    await context.push();
    await table.update({ id: 'a', text: 'second' });
    const hold = gate();
    link.inFlight = () => hold.promise;
    const pushing = context.push();
    await settle();
    await table.del({ id: 'a' });
    link.inFlight = undefined;
    hold.open();
    expect(await pushing).toEqual([]);
    expect(link.requests.map((r) => `${r.method}`)).toEqual(['POST', 'PATCH', 'DELETE']);
    expect(link.responses.map((r) => r.status)).toEqual([201, 200, 200]);
    expect(await table.lookup('a', true)).toBeNull();
    expect(world.backend.get('todoitem', 'a')).toBeUndefined();
  });
});
