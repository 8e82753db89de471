import { describe, expect, test } from 'vitest';
import type { FaultPlan } from '../../src/network/fault-plan.js';
import { FaultPlanError } from '../../src/network/validate.js';
import type { ClientDriverFactory, PushHandler } from '../../src/kernel/driver.js';
import type { HistoryEvent } from '../../src/kernel/history.js';
import { SchedulerStuckError } from '../../src/kernel/scheduler.js';
import { World, type WorldOptions } from '../../src/world/world.js';
import { fakeBackend, fakeDriver } from './fakes.js';

const T = 'todoitem';

function create(options: Partial<WorldOptions> = {}): Promise<World> {
  return World.create({ seed: 'world-test', backend: fakeBackend, driver: fakeDriver, ...options });
}

const of = <K extends HistoryEvent['kind']>(world: World, kind: K) =>
  world.history.filter((e): e is Extract<HistoryEvent, { kind: K }> => e.kind === kind);

describe('World operations', () => {
  test('client operations are recorded as invoke and ok with their values', async () => {
    const world = await create();
    const client = world.client('client-1');
    const outcome = await world.settle(client.insert(T, { id: 'a', text: 'milk' }));
    expect(outcome).toEqual({ status: 'ok', value: { id: 'a', text: 'milk' } });
    expect(world.history.map((e) => [e.seq, e.actor, e.kind])).toEqual([
      [0, 'client-1', 'invoke'],
      [1, 'client-1', 'ok'],
    ]);
    expect(of(world, 'invoke')[0]!.op).toEqual({ type: 'insert', table: T, record: { id: 'a', text: 'milk' } });
    expect(of(world, 'ok')[0]!.value).toEqual({ id: 'a', text: 'milk' });
  });

  test('a push crosses the link on virtual time', async () => {
    const world = await create({ faults: { default: { latency: { kind: 'fixed', ms: 200 } } } });
    const client = world.client('client-1');
    await world.settle(client.insert(T, { id: 'a', text: 'x' }));
    const wall = performance.now();
    const outcome = await world.settle(client.push());
    expect(outcome.status).toBe('ok');
    expect(world.elapsed).toBe(400);
    expect(of(world, 'http-response')[0]).toMatchObject({
      t: 400,
      latencyMs: 400,
      actor: 'client-1',
      response: { status: 201 },
    });
    expect(performance.now() - wall).toBeLessThan(500);
  });

  test('an operation that fails is recorded as fail with the error', async () => {
    const world = await create();
    const outcome = await world.settle(world.client('client-1').update(T, { id: 'nope', text: 'x' }));
    expect(outcome).toEqual({ status: 'fail', error: 'Error: no local record nope' });
    expect(of(world, 'fail')[0]).toMatchObject({ opId: 1, error: 'Error: no local record nope' });
  });

  test('perform runs an operation given as data', async () => {
    const world = await create();
    await world.settle(world.client('client-1').perform({ type: 'insert', table: T, record: { id: 'z' } }));
    const read = await world.settle(world.client('client-1').perform({ type: 'read', table: T }));
    expect(read).toEqual({ status: 'ok', value: [{ id: 'z' }] });
  });

  test('unknown clients and duplicate names are refused clearly', async () => {
    const world = await create({ clients: ['phone', 'tablet'] });
    expect(world.clientNames).toEqual(['phone', 'tablet']);
    expect(() => world.client('client-1')).toThrow(/no client named "client-1" \(clients: phone, tablet\)/);
    await expect(create({ clients: ['a', 'a'] })).rejects.toThrow(/two clients are named "a"/);
  });

  test('an invalid fault plan is refused with its path', async () => {
    const error = await create({ faults: { default: { timeoutMs: -3 } } as FaultPlan }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FaultPlanError);
    expect((error as Error).message).toContain('default.timeoutMs');
  });

  test('an operation can be stepped interactively', async () => {
    const world = await create({ faults: { default: { latency: { kind: 'fixed', ms: 50 } } } });
    const client = world.client('client-1');
    await world.settle(client.insert(T, { id: 'a' }));
    const push = client.push();
    expect(push.status).toBe('pending');
    let steps = 0;
    while (push.status === 'pending' && (await world.step())) steps++;
    expect(push.status).toBe('ok');
    expect(steps).toBe(2);
    expect(await world.step()).toBe(false);
  });

  test('a client that waits for nothing is reported as stuck', async () => {
    const hanging: ClientDriverFactory = async (env) => ({
      ...(await fakeDriver(env)),
      push: () => new Promise(() => undefined),
    });
    const world = await create({ driver: hanging });
    const error = await world.settle(world.client('client-1').push()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchedulerStuckError);
    expect((error as Error).message).toMatch(/operation #1 \(push by client-1\)/);
  });
});

describe('editors', () => {
  test('server edits are recorded and change the server', async () => {
    const world = await create();
    const editor = world.editor('editor-1');
    const inserted = await world.settle(editor.insert(T, { id: 'e1', text: 'server' }));
    expect(inserted.status).toBe('ok');
    await world.settle(editor.update(T, 'e1', { text: 'edited' }));
    const missing = await world.settle(editor.delete(T, 'ghost'));
    expect(missing).toEqual({ status: 'fail', error: 'Error: HTTP 404: The item does not exist' });
    expect(of(world, 'invoke').map((e) => [e.actor, e.op])).toEqual([
      ['editor-1', { type: 'insert', table: T, record: { id: 'e1', text: 'server' } }],
      ['editor-1', { type: 'update', table: T, id: 'e1', changes: { text: 'edited' } }],
      ['editor-1', { type: 'delete', table: T, id: 'ghost' }],
    ]);
    const snapshot = await world.snapshot('after edits');
    expect(snapshot.server[T]).toHaveLength(1);
    expect(snapshot.server[T]![0]).toMatchObject({ id: 'e1', text: 'edited', deleted: false });
  });
});

describe('restarts', () => {
  test('a restart while a push is in flight records the push as info and reopens the client', async () => {
    const world = await create({ faults: { default: { latency: { kind: 'fixed', ms: 100 } } } });
    const client = world.client('client-1');
    await world.settle(client.insert(T, { id: 'a' }));
    const push = client.push();
    await world.advance(150);
    const restart = world.restart('client-1');
    expect(push.status).toBe('info');
    expect(await push.outcome).toEqual({ status: 'info', error: 'killed: the app restarted mid-operation' });
    expect((await world.settle(restart)).status).toBe('ok');
    expect(of(world, 'restart')[0]).toMatchObject({ client: 'client-1', midOperation: true, t: 150 });
    // The answer still arrives (the server applied the insert) but reaches nobody.
    await world.runUntilIdle();
    expect(of(world, 'http-response')).toHaveLength(1);
    expect(of(world, 'ok').filter((e) => e.opId === push.opId)).toHaveLength(0);
    // The reopened client works and still holds its pending insert.
    const snapshot = await world.snapshot('after restart');
    expect(snapshot.clients['client-1']!.operations).toMatchObject([{ action: 'insert', itemId: 'a' }]);
  });

  test('a restart with nothing in flight is not mid-operation', async () => {
    const world = await create();
    await world.settle(world.client('client-1').restart());
    expect(of(world, 'restart')[0]!.midOperation).toBe(false);
  });

  test('operations started during a restart wait for the app to reopen', async () => {
    const world = await create();
    const client = world.client('client-1');
    const restart = client.restart();
    const insert = client.insert(T, { id: 'late' });
    expect((await world.settle(insert)).status).toBe('ok');
    expect(restart.status).toBe('ok');
    expect(of(world, 'ok')[0]!.opId).toBe(restart.opId);
  });

  test('the fault plan can kill a client in the middle of its n-th request', async () => {
    const world = await create({
      faults: { links: { 'client-1': { latency: { kind: 'fixed', ms: 10 }, restarts: [{ when: { request: 1 } }] } } },
    });
    const client = world.client('client-1');
    await world.settle(client.insert(T, { id: 'a' }));
    const push = await world.settle(client.push());
    expect(push.status).toBe('info');
    expect(of(world, 'fault')[0]).toMatchObject({ fault: 'restart', detail: { request: 1, phase: 'after-server' } });
    expect(of(world, 'restart')[0]).toMatchObject({ midOperation: true, t: 10 });
  });
});

describe('network state', () => {
  test('setOffline records a partition and makes pushes fail', async () => {
    const world = await create();
    const client = world.client('client-1');
    await world.settle(client.insert(T, { id: 'a' }));
    world.setOffline('client-1', true);
    expect(client.offline).toBe(true);
    const push = await world.settle(client.push());
    expect(push).toMatchObject({ status: 'fail' });
    expect(of(world, 'partition')).toMatchObject([{ client: 'client-1', offline: true, actor: 'world' }]);
    expect(of(world, 'http-failure')[0]).toMatchObject({ failure: 'offline', applied: false });
  });

  test('a push that fails after a lost response is recorded as info (its effect is unknown)', async () => {
    const world = await create({
      faults: { default: { faults: [{ effect: { kind: 'lost-response' }, when: { request: 1 } }] } },
    });
    const client = world.client('client-1');
    await world.settle(client.insert(T, { id: 'a' }));
    const push = await world.settle(client.push());
    expect(push.status).toBe('info');
    expect(of(world, 'info')[0]!.error).toMatch(/TransportError\(lost-response\)/);
  });

  test('heal then syncAll brings every client to the server state', async () => {
    const world = await create({
      clients: 2,
      faults: {
        default: { faults: [{ effect: { kind: 'http-error', status: 503 }, when: { probability: 1 } }] },
        links: { 'client-2': { partitions: [{ from: 0 }] } },
      },
    });
    await world.settle(world.client('client-1').insert(T, { id: 'one', text: '1' }));
    await world.settle(world.client('client-2').insert(T, { id: 'two', text: '2' }));
    await world.settle(world.client('client-1').push());
    await world.advance(10);
    world.heal();
    await world.syncAll();
    const snapshot = await world.snapshot('final');
    const ids = (name: string) => snapshot.clients[name]!.tables[T]!.map((row) => row.id);
    expect(ids('client-1')).toEqual(['one', 'two']);
    expect(ids('client-2')).toEqual(['one', 'two']);
    expect(snapshot.server[T]!.map((row) => row.id)).toEqual(['one', 'two']);
    expect(of(world, 'heal')).toHaveLength(1);
    expect(of(world, 'partition').at(-1)).toMatchObject({ client: 'client-2', offline: false });
  });
});

describe('push handler recording', () => {
  test('conflicts go to the handler and the call and decision are recorded', async () => {
    const handler: PushHandler = { onConflict: (error) => error.cancelAndDiscard() };
    const world = await create({ clients: 2, pushHandler: handler });
    const [a, b] = [world.client('client-1'), world.client('client-2')];
    await world.settle(a.insert(T, { id: 'x', text: 'a' }));
    await world.settle(a.push());
    await world.settle(b.pull(T));
    await world.settle(a.update(T, { id: 'x', text: 'a2' }));
    await world.settle(a.push());
    await world.settle(b.update(T, { id: 'x', text: 'b2' }));
    await world.settle(b.push());
    const [call] = of(world, 'handler-call');
    expect(call).toMatchObject({
      actor: 'client-2',
      handler: 'onConflict',
      table: T,
      action: 'update',
      itemId: 'x',
      status: 412,
    });
    expect(call!.serverRecord).toMatchObject({ id: 'x', text: 'a2' });
    expect(call!.clientRecord).toMatchObject({ id: 'x', text: 'b2' });
    expect(of(world, 'handler-decision')[0]).toMatchObject({
      callId: call!.callId,
      decision: 'cancelAndDiscard',
      isHandled: true,
    });
  });
});

describe('determinism', () => {
  const plan: FaultPlan = {
    default: {
      latency: { kind: 'uniform', minMs: 1, maxMs: 40 },
      faults: [
        { effect: { kind: 'lost-response' }, when: { probability: 0.2 } },
        { effect: { kind: 'http-error', status: 503 }, when: { probability: 0.1 } },
      ],
    },
  };

  async function run(seed: string, ties?: WorldOptions['ties']) {
    const world = await create({
      seed,
      clients: 3,
      faults: plan,
      pushHandler: { onConflict: (e) => e.cancelAndDiscard() },
      ...(ties ? { ties } : {}),
    });
    // Every client pushes at once, so their requests race on the links.
    for (let i = 0; i < 3; i++) {
      for (const name of world.clientNames)
        await world.settle(world.client(name).insert(T, { id: `${name}-${i}`, text: 't' }));
      const pushes = world.clientNames.map((name) => world.client(name).push());
      await world.drive(Promise.all(pushes.map((p) => p.outcome)));
    }
    world.heal();
    await world.syncAll();
    await world.snapshot('end');
    return { json: JSON.stringify(world.history), choices: world.tieChoices() };
  }

  test('the same seed gives a byte-identical history; another seed another one', async () => {
    const a = await run('d1');
    expect((await run('d1')).json).toBe(a.json);
    expect((await run('d2')).json).not.toBe(a.json);
  });

  test('the recorded tie-break choices replay the same history', async () => {
    const seeded = await run('ties');
    expect(seeded.choices.length).toBeGreaterThan(0);
    const replay = await run('ties', { kind: 'list', choices: seeded.choices });
    expect(replay.json).toBe(seeded.json);
  });
});

describe('world creation', () => {
  test('a fault plan naming a link no client has is refused before anything is built', async () => {
    const error = await create({ clients: 2, faults: { links: { 'client-9': { timeoutMs: 5 } } } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FaultPlanError);
    expect((error as Error).message).toContain('links.client-9: expected the name of a client (client-1, client-2)');
  });

  test('a world needs at least one named client', async () => {
    await expect(create({ clients: 0 })).rejects.toThrow(/whole number >= 1/);
    await expect(create({ clients: [] })).rejects.toThrow(/at least one client/);
    await expect(create({ clients: [''] })).rejects.toThrow(/non-empty name/);
  });

  test('a driver that fails to open fails the creation with its error', async () => {
    const broken: ClientDriverFactory = async () => {
      throw new Error('store is corrupt');
    };
    await expect(create({ driver: broken })).rejects.toThrow('store is corrupt');
  });

  test('the explorer can see whether a step would do anything and when', async () => {
    const world = await create({ faults: { default: { latency: { kind: 'fixed', ms: 70 } } } });
    expect(world.pendingTimers).toBe(0);
    expect(world.nextTimerAt()).toBeUndefined();
    await world.settle(world.client('client-1').insert(T, { id: 'a' }));
    world.client('client-1').push();
    await world.step();
    // The step let the push reach its link and fired the request's arrival at 70 ms.
    expect(world.elapsed).toBe(70);
    expect(world.pendingTimers).toBe(1);
    expect(world.nextTimerAt()).toBe(140);
  });
});

describe('hostile input', () => {
  test('markup and SQL in records travel through the world and the history verbatim', async () => {
    const world = await create();
    const text = `<script>alert(1)</script>'; DROP TABLE todoitem; --`;
    await world.settle(world.client('client-1').insert(T, { id: 'x', text }));
    await world.settle(world.client('client-1').push());
    const json = JSON.stringify(world.history);
    expect(JSON.parse(json)).toEqual(world.history);
    expect((await world.snapshot('s')).server[T]![0]!.text).toBe(text);
  });

  test('operations on a table nobody serves fail with a message instead of crashing the run', async () => {
    const world = await create();
    expect((await world.settle(world.client('client-1').read('nope'))).status).toBe('fail');
    const edit = await world.settle(world.editor('editor-1').insert('nope', { id: 'a' }));
    expect(edit.status).toBe('fail');
    expect(world.history.at(-1)).toMatchObject({ kind: 'fail' });
  });
});

describe('misbehaving drivers', () => {
  test('a driver method that throws synchronously is recorded as a failed operation', async () => {
    const throwing: ClientDriverFactory = async (env) => {
      const driver = await fakeDriver(env);
      return Object.assign(driver, {
        read: () => {
          throw new Error('sync boom');
        },
      });
    };
    const world = await create({ driver: throwing });
    expect(await world.settle(world.client('client-1').read(T))).toEqual({ status: 'fail', error: 'Error: sync boom' });
  });
});
