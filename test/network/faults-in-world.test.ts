/**
 * Each fault kind, end to end: the simulated backend, the reference client, one link with the
 * fault, and what it leaves in the history and on the client.
 */
import { describe, expect, test } from 'vitest';
import type { LinkPlan } from '../../src/network/fault-plan.js';
import type { PushHandler } from '../../src/kernel/driver.js';
import type { HistoryEvent } from '../../src/kernel/history.js';
import { World } from '../../src/world/world.js';

const T = 'todoitem';

/** The app's policy for a retried insert that had landed: drop the local copy, the pull brings the server's. */
const discardTakenIds: PushHandler = {
  onConflict: (pushError) =>
    pushError.getServerRecord()
      ? pushError.cancelAndUpdate(pushError.getServerRecord()!)
      : pushError.cancelAndDiscard(),
};

async function worldWith(link: LinkPlan, pushHandler: PushHandler = {}): Promise<World> {
  return World.create({
    seed: 'faults',
    clients: 1,
    pushHandler,
    faults: { default: { latency: { kind: 'fixed', ms: 100 }, ...link } },
  });
}

const of = <K extends HistoryEvent['kind']>(world: World, kind: K) =>
  world.history.filter((e): e is Extract<HistoryEvent, { kind: K }> => e.kind === kind);

async function insertAndPush(world: World, id = 'a') {
  const client = world.client('client-1');
  await world.settle(client.insert(T, { id, text: 'milk', complete: false }));
  return world.settle(client.push());
}

async function serverRows(world: World) {
  return (await world.snapshot('check')).server[T]!;
}

async function expectInSync(world: World) {
  const snapshot = await world.snapshot('in sync?');
  const client = snapshot.clients['client-1']!;
  expect(client.operations).toEqual([]);
  const live = snapshot.server[T]!.filter((row) => row.deleted !== true);
  expect(client.tables[T]!.map((row) => [row.id, row.version])).toEqual(live.map((row) => [row.id, row.version]));
}

describe('lost response', () => {
  test('a lost insert response then a retry push leaves one server row, a 409, and a client in sync', async () => {
    const world = await worldWith(
      { faults: [{ effect: { kind: 'lost-response' }, when: { request: 1 } }] },
      discardTakenIds,
    );
    const first = await insertAndPush(world);
    expect(first.status).toBe('info');
    expect(of(world, 'http-failure')[0]).toMatchObject({ failure: 'lost-response', applied: true });
    expect(await serverRows(world)).toHaveLength(1);

    const retry = await world.settle(world.client('client-1').push());
    expect(retry.status).toBe('ok');
    expect(of(world, 'http-response').map((e) => e.response.status)).toEqual([409]);
    expect(of(world, 'handler-call').map((e) => [e.handler, e.status])).toEqual([
      ['onError', null],
      ['onConflict', 409],
    ]);
    expect(of(world, 'handler-decision').at(-1)!.decision).toBe('cancelAndDiscard');
    expect(await serverRows(world)).toHaveLength(1);

    await world.settle(world.client('client-1').pull(T));
    await expectInSync(world);
    expect((await world.settle(world.client('client-1').lookup(T, 'a'))).status).toBe('ok');
  });

  test('without a handler the 409 stays an unhandled conflict and the pull cannot overwrite the pending insert', async () => {
    const world = await worldWith({ faults: [{ effect: { kind: 'lost-response' }, when: { request: 1 } }] });
    await insertAndPush(world);
    const retry = await world.settle(world.client('client-1').push());
    expect(retry).toMatchObject({
      status: 'ok',
      value: { unhandledConflicts: [{ itemId: 'a', status: 409, action: 'insert' }] },
    });
    await world.settle(world.client('client-1').pull(T));
    const snapshot = await world.snapshot('stuck');
    expect(snapshot.clients['client-1']!.operations).toMatchObject([{ action: 'insert', itemId: 'a' }]);
    expect(snapshot.server[T]).toHaveLength(1);
  });
});

describe('errors the link answers itself', () => {
  test.each([500, 502, 503, 401] as const)(
    'HTTP %i fails the push through onError; the server never sees it and a later push lands',
    async (status) => {
      const world = await worldWith({ faults: [{ effect: { kind: 'http-error', status }, when: { request: 1 } }] });
      const push = await insertAndPush(world);
      expect(push.status).toBe('fail');
      expect(of(world, 'handler-call')[0]).toMatchObject({ handler: 'onError', status, action: 'insert', itemId: 'a' });
      expect(await serverRows(world)).toHaveLength(0);
      expect((await world.settle(world.client('client-1').push())).status).toBe('ok');
      await expectInSync(world);
    },
  );

  test('a 429 carries Retry-After to the client', async () => {
    const world = await worldWith({
      faults: [{ effect: { kind: 'http-error', status: 429, retryAfterSeconds: 30 }, when: { request: 1 } }],
    });
    await insertAndPush(world);
    expect(of(world, 'http-response')[0]!.response).toMatchObject({ status: 429, headers: { 'retry-after': '30' } });
    expect(of(world, 'handler-call')[0]!.status).toBe(429);
  });
});

describe('failures before the server', () => {
  test('a network failure fails the push; nothing reaches the server; the retry lands once', async () => {
    const world = await worldWith({ faults: [{ effect: { kind: 'network-failure' }, when: { request: 1 } }] });
    const push = await insertAndPush(world);
    expect(push.status).toBe('fail');
    expect(of(world, 'http-failure')[0]).toMatchObject({ failure: 'network', applied: false, latencyMs: 100 });
    expect(await serverRows(world)).toHaveLength(0);
    await world.settle(world.client('client-1').push());
    expect(await serverRows(world)).toHaveLength(1);
    await expectInSync(world);
  });

  test('a timeout makes the client wait the link timeout; the outcome is unknown to it', async () => {
    const world = await worldWith({ timeoutMs: 8000, faults: [{ effect: { kind: 'timeout' }, when: { request: 1 } }] });
    const push = await insertAndPush(world);
    expect(push.status).toBe('info');
    expect(world.elapsed).toBe(8000);
    expect(of(world, 'http-failure')[0]).toMatchObject({ failure: 'timeout', applied: false, latencyMs: 8000 });
    expect(await serverRows(world)).toHaveLength(0);
  });

  test('a timeout whose request arrived is applied on the server like a lost response', async () => {
    const world = await worldWith(
      { timeoutMs: 8000, faults: [{ effect: { kind: 'timeout', applied: true }, when: { request: 1 } }] },
      discardTakenIds,
    );
    await insertAndPush(world);
    expect(await serverRows(world)).toHaveLength(1);
    await world.settle(world.client('client-1').push());
    await world.settle(world.client('client-1').pull(T));
    await expectInSync(world);
  });
});

describe('partitions', () => {
  test('offline for an interval: pushes inside it fail as offline, the first one after it lands', async () => {
    const world = await worldWith({ partitions: [{ from: 0, until: 5000 }] });
    const client = world.client('client-1');
    await world.settle(client.insert(T, { id: 'a', text: 'x', complete: false }));
    await world.advance(1);
    const offline = await world.settle(client.push());
    expect(offline.status).toBe('fail');
    expect(of(world, 'http-failure')[0]).toMatchObject({ failure: 'offline', applied: false, latencyMs: 0 });
    await world.advance(5000);
    expect((await world.settle(client.push())).status).toBe('ok');
    expect(of(world, 'partition').map((e) => [e.t, e.offline])).toEqual([
      [0, true],
      [5000, false],
    ]);
    await expectInSync(world);
  });

  test('offline until told: the tutorial switch', async () => {
    const world = await worldWith({});
    world.setOffline('client-1', true);
    expect((await insertAndPush(world)).status).toBe('fail');
    world.setOffline('client-1', false);
    expect((await world.settle(world.client('client-1').push())).status).toBe('ok');
    await expectInSync(world);
  });
});

describe('app restarts', () => {
  test('killed after the server applied the insert: the push is info, the reopened app still holds the insert and resolves the 409', async () => {
    const world = await worldWith({ restarts: [{ when: { request: 1 }, phase: 'after-server' }] }, discardTakenIds);
    const push = await insertAndPush(world);
    expect(push).toEqual({ status: 'info', error: 'killed: the app restarted mid-operation' });
    expect(of(world, 'restart')[0]).toMatchObject({ midOperation: true, t: 100 });
    await world.runUntilIdle();
    const reopened = await world.snapshot('reopened');
    expect(reopened.clients['client-1']!.operations).toMatchObject([{ action: 'insert', itemId: 'a' }]);
    expect(reopened.server[T]).toHaveLength(1);
    await world.settle(world.client('client-1').push());
    await world.settle(world.client('client-1').pull(T));
    await expectInSync(world);
    expect(await serverRows(world)).toHaveLength(1);
  });

  test('killed before the request left: nothing on the server, the retry lands', async () => {
    const world = await worldWith({ restarts: [{ when: { request: 1 }, phase: 'before-server' }] });
    await insertAndPush(world);
    await world.runUntilIdle();
    expect(await serverRows(world)).toHaveLength(0);
    await world.settle(world.client('client-1').push());
    await expectInSync(world);
  });

  test('the killed app sends nothing more: its push stops with the request that was on its way', async () => {
    // Found by the generated defer-to-pull scenario: the dead app's push got its answer, its
    // handler failed on the closed store, and the push sent the operation again — a request
    // no living app made.
    const discardOnError: PushHandler = { onError: (pushError) => pushError.cancelAndDiscard() };
    const world = await worldWith({ restarts: [{ when: { request: 2 }, phase: 'after-server' }] }, discardOnError);
    const client = world.client('client-1');
    await insertAndPush(world);
    await world.settle(world.editor('editor-1').delete(T, 'a'));
    await world.settle(client.update(T, { id: 'a', text: 'edited' }));
    expect((await world.settle(client.push())).status).toBe('info');
    await world.runUntilIdle();
    // One PATCH (answered 404 to a dead app); no handler call, no second PATCH.
    expect(of(world, 'http-request').map((event) => event.request.method)).toEqual(['POST', 'PATCH']);
    expect(of(world, 'handler-call')).toEqual([]);
    // The reopened app pushes the update again and its handler drops it.
    await world.settle(client.push());
    expect(of(world, 'handler-call')).toHaveLength(1);
    expect(await world.snapshot('after')).toMatchObject({ clients: { 'client-1': { operations: [] } } });
  });

  test('a restart scheduled at a time kills whatever is in flight then', async () => {
    const world = await worldWith({ restarts: [{ when: { at: 150 } }] });
    const push = await insertAndPush(world);
    expect(push.status).toBe('info');
    expect(of(world, 'restart')[0]).toMatchObject({ t: 150, midOperation: true });
  });
});

describe('latency', () => {
  test('a round trip takes the latency both ways and the local write takes no time', async () => {
    const world = await worldWith({ latency: { up: { kind: 'fixed', ms: 30 }, down: { kind: 'fixed', ms: 170 } } });
    await world.settle(world.client('client-1').insert(T, { id: 'a', text: 'x', complete: false }));
    expect(world.elapsed).toBe(0);
    await world.settle(world.client('client-1').push());
    expect(world.elapsed).toBe(200);
    expect(of(world, 'http-response')[0]).toMatchObject({ t: 200, latencyMs: 200 });
  });
});
