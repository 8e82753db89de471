/**
 * What azure-mobile-apps-client 2.0.1 actually does, pinned. Each test is the evidence for an
 * entry of docs/sdk-findings.md; several are departures from the semantics of docs/semantics.md. If the
 * package is upgraded and one of these fails, the finding has changed: update the docs.
 */
import vm from 'node:vm';
import { describe, expect, test } from 'vitest';
import type { PushErrorLike } from '../../src/kernel/driver.js';
import { SdkApp } from '../../src/sdk/app.js';
import { sharedRealm } from '../../src/sdk/realm.js';
import type { SdkDriver } from '../../src/sdk/driver.js';
import { SchedulerStuckError } from '../../src/kernel/scheduler.js';
import { loadSqlJs } from '../../src/sqlite/sqljs.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { createTestWorld, header, type TestNetwork, type TestWorld } from './harness.js';

/** Drives time until the network holds an answer: the request has reached the server. */
async function untilAnswerHeld(world: TestWorld, network: TestNetwork): Promise<void> {
  await world.run(
    (async () => {
      while (network.heldCount === 0) await world.clock.lane('test').sleep(1);
    })(),
  );
}

describe('writes made while a push is in flight', () => {
  test("an update made while its insert is being pushed is lost: the insert's answer overwrites it and the queued update pushes the old value", async () => {
    const world = await createTestWorld();
    const { driver, network } = await world.client('phone');
    await world.run(driver.insert('todoitem', { id: 'a', text: 'v1', complete: false }));
    network.holding = true;
    const push = driver.push();
    await untilAnswerHeld(world, network);

    await world.run(driver.update('todoitem', { id: 'a', text: 'v2' }));
    const during = await world.run(driver.snapshot());
    expect(during.tables['todoitem']![0]!['text']).toBe('v2');
    // The insert is locked, so the update is logged as a second operation (docs/semantics.md agrees so far).
    expect(during.operations.map((op) => op.action)).toEqual(['insert', 'update']);

    network.release();
    expect(await world.run(push)).toEqual({ unhandledConflicts: [] });
    const patch = world.log.find((exchange) => exchange.request.method === 'PATCH')!;
    expect(JSON.parse(patch.request.body!)['text']).toBe('v1');
    expect(world.backend.get('todoitem', 'a')!['text']).toBe('v1');
    expect((await world.run(driver.lookup('todoitem', 'a')))!['text']).toBe('v1');
    expect((await world.run(driver.snapshot())).operations).toEqual([]);
  });

  test('a record deleted while its insert is being pushed comes back locally; the server deletes it', async () => {
    const world = await createTestWorld();
    const { driver, network } = await world.client('phone');
    await world.run(driver.insert('todoitem', { id: 'a', text: 'v1', complete: false }));
    network.holding = true;
    const push = driver.push();
    await untilAnswerHeld(world, network);

    await world.run(driver.delete('todoitem', 'a'));
    expect((await world.run(driver.snapshot())).tables['todoitem']).toEqual([]);
    network.release();
    await world.run(push);

    expect(world.backend.get('todoitem', 'a', { includeDeleted: true })!.deleted).toBe(true);
    // The deleted record is back in the local table, with the insert's version, and no operation explains it.
    expect((await world.run(driver.snapshot())).tables['todoitem']).toEqual([
      { id: 'a', text: 'v1', complete: false, version: world.log[0]!.response!.headers['etag']!.replace(/"/g, '') },
    ]);
    // The delete went out without If-Match: its version was read before the insert had one.
    const del = world.log.find((exchange) => exchange.request.method === 'DELETE')!;
    expect(header(del.request, 'if-match')).toBeUndefined();
    // A pull brings the tombstone and removes it again.
    await world.run(driver.pull('todoitem'));
    expect((await world.run(driver.snapshot())).tables['todoitem']).toEqual([]);
  });
});

describe('values', () => {
  test('a string that looks like an ISO date comes back from the server JSON-quoted, and the next update pushes the corrupted text', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    await world.run(driver.insert('todoitem', { id: 'a', text: '2026-05-01T12:00:00Z', complete: false }));
    await world.run(driver.push());
    // The insert's answer is parsed with a reviver that turns ISO strings into Dates; the string
    // column then stores JSON.stringify(date).
    expect((await world.run(driver.lookup('todoitem', 'a')))!['text']).toBe('"2026-05-01T12:00:00.000Z"');

    world.backend.insert('todoitem', { id: 'b', text: '2026-05-01T12:00:00.000Z', complete: false });
    await world.run(driver.pull('todoitem'));
    expect((await world.run(driver.lookup('todoitem', 'b')))!['text']).toBe('"2026-05-01T12:00:00.000Z"');

    await world.run(driver.update('todoitem', { id: 'b', complete: true }));
    await world.run(driver.push());
    expect(world.backend.get('todoitem', 'b')!['text']).toBe('"2026-05-01T12:00:00.000Z"');
  });

  test('ids are case-insensitive in the local store: inserting "abc" after "ABC" fails and lookup("abc") finds "ABC"', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    await world.run(driver.insert('todoitem', { id: 'ABC', text: 'x', complete: false }));
    await expect(world.run(driver.insert('todoitem', { id: 'abc', text: 'y', complete: false }))).rejects.toThrow(
      'Record with id ABC already exists in the table todoitem',
    );
    expect(await world.run(driver.lookup('todoitem', 'abc'))).toMatchObject({ id: 'ABC' });
  });
});

describe('pull', () => {
  test('pull does not push pending operations first, and skips the records that have them', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    await world.run(driver.insert('todoitem', { id: 'a', text: 'v1', complete: false }));
    await world.run(driver.push());
    world.backend.update('todoitem', 'a', { text: 'server' });
    world.backend.insert('todoitem', { id: 'b', text: 'new', complete: false });
    await world.run(driver.update('todoitem', { id: 'a', text: 'local' }));
    const sent = world.log.length;

    await world.run(driver.pull('todoitem'));
    expect(world.log.slice(sent).every((exchange) => exchange.request.method === 'GET')).toBe(true);
    const rows = (await world.run(driver.snapshot())).tables['todoitem']!;
    expect(rows.map((row) => [row['id'], row['text']])).toEqual([
      ['a', 'local'],
      ['b', 'new'],
    ]);
  });
});

describe('optimistic concurrency depends on a version column', () => {
  test("without a version column (the README's sample table) updates go out without If-Match and overwrite other users' changes", async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone', { driver: { systemColumns: [] } });
    await world.run(driver.insert('todoitem', { id: 'a', text: 'v1', complete: false }));
    await world.run(driver.push());
    world.backend.update('todoitem', 'a', { text: 'server' });
    await world.run(driver.update('todoitem', { id: 'a', text: 'mine' }));

    expect(await world.run(driver.push())).toEqual({ unhandledConflicts: [] });
    const patch = world.log.find((exchange) => exchange.request.method === 'PATCH')!;
    expect(header(patch.request, 'if-match')).toBeUndefined();
    expect(world.backend.get('todoitem', 'a')!['text']).toBe('mine');
  });
});

describe('operations on records the store does not have', () => {
  test('update of a missing record creates it locally and queues an update, which the server answers 404', async () => {
    const world = await createTestWorld();
    const errors: string[] = [];
    const { driver } = await world.client('phone', {
      pushHandler: {
        onError: (pushError: PushErrorLike) =>
          void errors.push(`${pushError.getAction()}: ${(pushError.getError() as Error).message}`),
      },
    });
    await world.run(driver.update('todoitem', { id: 'ghost', text: 'x' }));
    expect(await world.run(driver.snapshot())).toEqual({
      tables: { todoitem: [{ id: 'ghost', text: 'x', complete: null, version: null }] },
      operations: [{ id: 1, table: 'todoitem', action: 'update', itemId: 'ghost' }],
    });
    await expect(world.run(driver.push())).rejects.toThrow(
      /action: update, and record ID: ghost: The item does not exist/,
    );
    expect(errors).toEqual(['update: The item does not exist']);
  });

  test('delete of a missing record queues a delete', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    await world.run(driver.delete('todoitem', 'ghost'));
    expect((await world.run(driver.snapshot())).operations).toEqual([
      { id: 1, table: 'todoitem', action: 'delete', itemId: 'ghost' },
    ]);
  });
});

describe('push error methods', () => {
  async function conflictWorld(
    onConflict: (pushError: PushErrorLike) => unknown,
    systemColumns?: ('version' | 'createdAt' | 'updatedAt' | 'deleted')[],
  ) {
    const world = await createTestWorld();
    const client = await world.client('phone', {
      pushHandler: { onConflict },
      ...(systemColumns ? { driver: { systemColumns } } : {}),
    });
    await world.run(client.driver.insert('todoitem', { id: 'a', text: 'v1', complete: false }));
    await world.run(client.driver.push());
    world.backend.update('todoitem', 'a', { text: 'server' });
    await world.run(client.driver.update('todoitem', { id: 'a', text: 'mine' }));
    return { world, ...client };
  }

  test('changeAction("delete") deletes the server record but not the local one (it deletes by the operation id)', async () => {
    const { world, driver } = await conflictWorld((pushError) =>
      pushError.changeAction('delete', pushError.getServerRecord()!),
    );
    expect(await world.run(driver.push())).toEqual({ unhandledConflicts: [] });
    expect(world.backend.get('todoitem', 'a', { includeDeleted: true })!.deleted).toBe(true);
    expect((await world.run(driver.snapshot())).tables['todoitem']).toEqual([
      expect.objectContaining({ id: 'a', text: 'mine' }),
    ]);
  });

  test("update() leaves isHandled set to the realm's global object, not true", async () => {
    let isHandled: unknown;
    const { world, driver } = await conflictWorld(async (pushError) => {
      await pushError.update({ ...pushError.getServerRecord()!, text: 'merged' });
      isHandled = pushError.isHandled;
    });
    expect(await world.run(driver.push())).toEqual({ unhandledConflicts: [] });
    expect(isHandled).not.toBe(true);
    // The global object of the SDK's realm (on a device, `window`): a callback called without a receiver.
    expect(isHandled).toBe(vm.runInContext('globalThis', sharedRealm().context));
    expect(world.backend.get('todoitem', 'a')!['text']).toBe('merged');
  });

  test('cancelAndUpdate(getServerRecord()) fails when the table declares date columns: the copy carries dates as strings', async () => {
    let failure: unknown;
    const { world, driver } = await conflictWorld(
      async (pushError) => {
        try {
          await pushError.cancelAndUpdate(pushError.getServerRecord()!);
        } catch (error) {
          failure = error;
          throw error;
        }
      },
      ['version', 'createdAt', 'updatedAt', 'deleted'],
    );
    expect(await world.run(driver.push())).toEqual({
      unhandledConflicts: [{ table: 'todoitem', action: 'update', itemId: 'a', status: 412 }],
    });
    expect(String((failure as Error).message)).toMatch(
      /Converting value "[^"]+" of type string to type date is not supported/,
    );
  });

  test('cancelAndUpdate refuses a delete conflict ("Cannot update a deleted record"), so "server wins" must treat deletes apart', async () => {
    const world = await createTestWorld();
    let failure: unknown;
    const { driver } = await world.client('phone', {
      pushHandler: {
        onConflict: async (pushError: PushErrorLike) => {
          try {
            await pushError.cancelAndUpdate(pushError.getServerRecord()!);
          } catch (error) {
            failure = error;
            throw error;
          }
        },
      },
    });
    await world.run(driver.insert('todoitem', { id: 'a', text: 'v1', complete: false }));
    await world.run(driver.push());
    world.backend.update('todoitem', 'a', { text: 'server' });
    await world.run(driver.delete('todoitem', 'a'));
    expect(await world.run(driver.push())).toEqual({
      unhandledConflicts: [{ table: 'todoitem', action: 'delete', itemId: 'a', status: 412 }],
    });
    expect((failure as Error).message).toBe('Cannot update a deleted record');
    // The error comes from the sandbox's realm: host `instanceof Error` does not see it.
    expect(failure instanceof Error).toBe(false);
    expect(Object.prototype.toString.call(failure)).toBe('[object Error]');
  });

  test('cancelAndDiscard drops the operation and the local record; the next pull brings the server copy back', async () => {
    const { world, driver } = await conflictWorld((pushError) => pushError.cancelAndDiscard());
    expect(await world.run(driver.push())).toEqual({ unhandledConflicts: [] });
    expect(await world.run(driver.snapshot())).toEqual({ tables: { todoitem: [] }, operations: [] });
    expect(world.log.filter((exchange) => exchange.request.method === 'PATCH')).toHaveLength(1);
    await world.run(driver.pull('todoitem'));
    expect((await world.run(driver.lookup('todoitem', 'a')))!['text']).toBe('server');
  });

  test('isHandled = true without resolving re-pushes the same operation, five handler calls at most, then the push aborts', async () => {
    const world = await createTestWorld();
    let calls = 0;
    const { driver } = await world.client('phone', {
      pushHandler: {
        onError: (pushError: PushErrorLike) => {
          calls++;
          pushError.isHandled = true;
        },
      },
    });
    await world.run(driver.update('todoitem', { id: 'ghost', text: 'x' }));
    await expect(world.run(driver.push())).rejects.toThrow(/The item does not exist/);
    expect(calls).toBe(5);
    expect(world.log.map((exchange) => exchange.response?.status)).toEqual([404, 404, 404, 404, 404, 404]);
  });
});

describe('crashes', () => {
  test('an insert whose answer was lost is pushed again after a restart and comes back as a 409 conflict without a server record', async () => {
    const world = await createTestWorld();
    const conflicts: { status: unknown; server: unknown }[] = [];
    const { driver, network } = await world.client('phone', {
      pushHandler: {
        onConflict: (pushError: PushErrorLike) =>
          void conflicts.push({
            status: (pushError.getError() as { request: { status: number } }).request.status,
            server: pushError.getServerRecord(),
          }),
      },
    });
    await world.run(driver.insert('todoitem', { id: 'a', text: 'v1', complete: false }));
    network.holding = true;
    const push = driver.push();
    push.catch(() => undefined);
    await untilAnswerHeld(world, network);
    await world.run(driver.restart());
    network.release();

    expect(await world.run(driver.push())).toEqual({
      unhandledConflicts: [{ table: 'todoitem', action: 'insert', itemId: 'a', status: 409 }],
    });
    expect(conflicts).toEqual([{ status: 409, server: undefined }]);
  });
});

describe('schema', () => {
  test('a string column added to an existing table gets NUMERIC affinity, so a digit string reads back as a number and the read fails', async () => {
    const sql = await loadSqlJs();
    const world = await createTestWorld();
    const common = {
      sql,
      clock: world.clock.lane('phone'),
      random: new SeededRandom('phone'),
      transport: () => Promise.reject(new Error('no network in this test')),
      url: 'https://backend.test',
      storage: new Map<string, string>(),
      databaseName: 'schema.db',
      pushHandler: {},
    };
    const v1 = await world.run(
      SdkApp.start({
        ...common,
        files: new Map(),
        tables: [{ name: 'item', columnDefinitions: { id: 'string', text: 'string' } }],
      }),
    );
    const files = v1.kill();
    // Version 2 of the app adds a column: defineTable runs ALTER TABLE … ADD COLUMN code string.
    const v2 = await world.run(
      SdkApp.start({
        ...common,
        files,
        tables: [{ name: 'item', columnDefinitions: { id: 'string', text: 'string', code: 'string' } }],
      }),
    );
    const record = v2.sandbox.parseJson('{"id":"a","text":"x","code":"007"}') as Record<string, unknown>;
    await world.run(v2.call(() => v2.syncContext.insert('item', record)));
    expect(v2.plugin.query('schema.db', 'SELECT code, typeof(code) AS t FROM item')).toEqual([
      { code: 7, t: 'integer' },
    ]);
    await expect(world.run(v2.call(() => v2.syncContext.read(new v2.api.Query('item'))))).rejects.toThrow(
      /Converting value 7 of type number to type string is not supported/,
    );
  });
});

describe('a push handler that calls push, pull or purge of its own sync context', () => {
  type Inner = 'push' | 'pull' | 'purge';
  const startInner = (driver: SdkDriver, inner: Inner): PromiseLike<unknown> => {
    const app = driver.current!;
    if (inner === 'push') return app.syncContext.push();
    if (inner === 'pull') return app.syncContext.pull(new app.api.Query('todoitem'), null);
    return app.syncContext.purge(new app.api.Query('todoitem'), true);
  };

  /** A client whose insert of `a` will meet a 409: the server already holds `a`. */
  async function conflicting(
    onConflict: (driver: SdkDriver) => unknown,
  ): Promise<{ world: TestWorld; driver: SdkDriver }> {
    const world = await createTestWorld();
    const box: { driver?: SdkDriver } = {};
    const { driver } = await world.client('phone', { pushHandler: { onConflict: () => onConflict(box.driver!) } });
    box.driver = driver;
    world.backend.insert('todoitem', { id: 'a', text: 'theirs', complete: false });
    await world.run(driver.insert('todoitem', { id: 'a', text: 'mine', complete: false }));
    return { world, driver };
  }

  test.each<Inner>(['push', 'pull', 'purge'])(
    'a handler that returns %s() deadlocks the push: the call waits behind the push that waits for the handler',
    async (inner) => {
      const { world, driver } = await conflicting((d) => startInner(d, inner));
      const failure = await world.run(driver.push()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SchedulerStuckError);
      expect((failure as SchedulerStuckError).reason).toBe('deadlock');
      // Only the POST that met the 409 went out; the inner call never started.
      expect(world.log.map((exchange) => exchange.request.method)).toEqual(['POST']);
    },
  );

  test('a handler that calls pull() without waiting for it gets the pull queued after the push', async () => {
    const { world, driver } = await conflicting((d) => {
      void startInner(d, 'pull');
    });
    const result = await world.run(driver.push());
    expect(result.unhandledConflicts).toEqual([{ table: 'todoitem', action: 'insert', itemId: 'a', status: 409 }]);
    expect(world.log.map((exchange) => exchange.request.method)).toEqual(['POST']);
    // The pull's task runs once the push's has finished: it pages through the table then.
    await world.run(world.clock.lane('test').sleep(1_000));
    expect(world.log.map((exchange) => exchange.request.method)).toEqual(['POST', 'GET', 'GET', 'GET']);
  });
});
