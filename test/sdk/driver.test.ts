import { describe, expect, test } from 'vitest';
import { AbandonedOperationError, SdkError } from '../../src/sdk/app.js';
import type { JsonObject } from '../../src/protocol/records.js';
import type { PushErrorLike } from '../../src/kernel/driver.js';
import { createTestWorld, header } from './harness.js';

describe('the tutorial on the real SDK', () => {
  test('offline inserts survive a restart, push once reconnected, and pull back from the server', async () => {
    const world = await createTestWorld();
    const errors: { message: string; status: unknown; conflict: boolean; action: string }[] = [];
    const { driver, network } = await world.client('phone', {
      pushHandler: {
        onError: (pushError: PushErrorLike) => {
          const error = pushError.getError() as { message: string; request?: { status?: number } };
          errors.push({
            message: error.message,
            status: error.request?.status,
            conflict: pushError.isConflict(),
            action: pushError.getAction(),
          });
        },
      },
    });

    network.offline = true;
    const milk = await world.run(driver.insert('todoitem', { text: 'milk', complete: false }));
    const eggs = await world.run(driver.insert('todoitem', { text: 'eggs', complete: false }));
    expect(typeof milk['id']).toBe('string');

    // Offline, the push fails into onError; an unhandled error aborts the push.
    await expect(world.run(driver.push())).rejects.toThrow(
      /Push failed while pushing operation for tableName : todoitem, action: insert.*Unexpected connection failure/,
    );
    expect(errors).toEqual([
      { message: 'Unexpected connection failure.', status: 0, conflict: false, action: 'insert' },
    ]);

    // The app is killed and reopened from its database file: the items and their operations are still there.
    await world.run(driver.restart());
    const afterRestart = await world.run(driver.snapshot());
    expect(afterRestart.tables['todoitem']!.map((row) => row['text']).sort()).toEqual(['eggs', 'milk']);
    expect(afterRestart.operations.map((op) => [op.action, op.itemId])).toEqual([
      ['insert', milk['id']],
      ['insert', eggs['id']],
    ]);

    network.offline = false;
    expect(await world.run(driver.push())).toEqual({ unhandledConflicts: [] });
    await world.run(driver.pull('todoitem', { queryId: 'all' }));

    const server = world.backend
      .rows('todoitem')
      .map((row) => ({ id: row.id, text: row['text'], version: row.version }));
    const local = (await world.run(driver.snapshot())).tables['todoitem']!.map((row) => ({
      id: row['id'],
      text: row['text'],
      version: row['version'],
    }));
    expect(server.map((row) => row.text).sort()).toEqual(['eggs', 'milk']);
    expect(local).toEqual([...server].sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect((await world.run(driver.snapshot())).operations).toEqual([]);
    expect(driver.uncaughtErrors).toEqual([]);
  });

  test('the SDK sends what PROTOCOL.md says: stripped inserts, If-Match on updates, the incremental pull query', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    const item = await world.run(driver.insert('todoitem', { id: 'a', text: 'one', complete: false }));
    await world.run(driver.push());
    await world.run(driver.pull('todoitem', { queryId: 'q' }));
    await world.run(driver.update('todoitem', { ...item, text: 'two' }));
    await world.run(driver.push());

    const requests = world.log.map((exchange) => exchange.request);
    const [insert, firstPage] = requests;
    const patch = requests.find((request) => request.method === 'PATCH');
    expect(insert).toMatchObject({ method: 'POST', url: '/tables/todoitem' });
    expect(JSON.parse(insert!.body!)).toEqual({ id: 'a', text: 'one', complete: false });
    expect(header(insert!, 'zumo-api-version')).toBe('2.0.0');
    expect(header(insert!, 'x-zumo-features')).toBe('OL');
    expect(decodeURIComponent(firstPage!.url)).toBe(
      "/tables/todoitem?$filter=(updatedAt ge datetimeoffset'1969-12-31T00:00:00.000Z')&$orderby=updatedAt&$top=50&__includeDeleted=true",
    );
    expect(header(firstPage!, 'x-zumo-features')).toBe('OL,IP,TR,QS');
    const version = world.backend.get('todoitem', 'a')!;
    expect(patch).toMatchObject({ method: 'PATCH', url: '/tables/todoitem/a' });
    expect(header(patch!, 'if-match')).toMatch(/^"[^"]+"$/);
    expect(JSON.parse(patch!.body!)).toEqual({ id: 'a', text: 'two', complete: false });
    expect(version['text']).toBe('two');
  });
});

describe('conflicts', () => {
  test('a 412 reaches onConflict with the server record, and cancelAndUpdate takes it', async () => {
    const world = await createTestWorld();
    const seen: {
      conflict: boolean;
      server: JsonObject | null | undefined;
      client: JsonObject | null | undefined;
      status: unknown;
    }[] = [];
    const { driver } = await world.client('phone', {
      pushHandler: {
        onConflict: (pushError) => {
          const server = pushError.getServerRecord();
          seen.push({
            conflict: pushError.isConflict(),
            server,
            client: pushError.getClientRecord(),
            status: (pushError.getError() as { request: { status: number } }).request.status,
          });
          return pushError.cancelAndUpdate(server!);
        },
      },
    });
    await world.run(driver.insert('todoitem', { id: 'x', text: 'mine', complete: false }));
    await world.run(driver.push());
    world.backend.update('todoitem', 'x', { text: 'theirs' });
    const current = world.backend.get('todoitem', 'x')!;

    await world.run(driver.update('todoitem', { id: 'x', text: 'mine, edited' }));
    expect(await world.run(driver.push())).toEqual({ unhandledConflicts: [] });

    expect(seen).toHaveLength(1);
    expect(seen[0]!.conflict).toBe(true);
    expect(seen[0]!.status).toBe(412);
    expect(seen[0]!.server).toMatchObject({ id: 'x', text: 'theirs', version: current.version });
    expect(seen[0]!.client).toMatchObject({ id: 'x', text: 'mine, edited' });
    const local = await world.run(driver.lookup('todoitem', 'x'));
    expect(local).toMatchObject({ text: 'theirs', version: current.version });
    expect((await world.run(driver.snapshot())).operations).toEqual([]);
    expect(world.backend.get('todoitem', 'x')!['text']).toBe('theirs');
  });

  test('a conflict nobody handles is returned by push, which goes on with the next operation', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    await world.run(driver.insert('todoitem', { id: 'x', text: 'mine', complete: false }));
    await world.run(driver.push());
    world.backend.update('todoitem', 'x', { text: 'theirs' });
    await world.run(driver.update('todoitem', { id: 'x', text: 'edited' }));
    await world.run(driver.insert('todoitem', { id: 'y', text: 'next', complete: false }));

    const summary = await world.run(driver.push());
    expect(summary).toEqual({
      unhandledConflicts: [{ table: 'todoitem', action: 'update', itemId: 'x', status: 412 }],
    });
    expect(world.backend.get('todoitem', 'y')).toBeDefined();
    // The conflicting update stays queued for the next push.
    expect((await world.run(driver.snapshot())).operations.map((op) => [op.action, op.itemId])).toEqual([
      ['update', 'x'],
    ]);
  });

  test('an unhandled delete conflict is reported with the item id from the request', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    await world.run(driver.insert('todoitem', { id: 'gone', text: 'a', complete: false }));
    await world.run(driver.push());
    world.backend.update('todoitem', 'gone', { text: 'b' });
    await world.run(driver.delete('todoitem', 'gone'));
    expect(await world.run(driver.push())).toEqual({
      unhandledConflicts: [{ table: 'todoitem', action: 'delete', itemId: 'gone', status: 412 }],
    });
  });
});

describe('isolation', () => {
  test('two SDK clients in one process share nothing: installation ids, operation queues, module state', async () => {
    const world = await createTestWorld();
    const a = await world.client('alice');
    const b = await world.client('bob');
    await world.run(a.driver.insert('todoitem', { id: 'from-alice', text: 'a', complete: false }));

    const appA = a.driver.current!;
    const appB = b.driver.current!;
    expect(appA.installationId).not.toBe(appB.installationId);
    expect(appA.api.MobileServiceClient).not.toBe(appB.api.MobileServiceClient);
    expect((await world.run(a.driver.snapshot())).operations).toHaveLength(1);
    expect(await world.run(b.driver.snapshot())).toEqual({ tables: { todoitem: [] }, operations: [] });

    await world.run(a.driver.push());
    await world.run(b.driver.push());
    const ids = new Map(
      world.log.map((exchange) => [exchange.client, header(exchange.request, 'x-zumo-installation-id')]),
    );
    expect(ids.get('alice')).toBe(appA.installationId);
    expect(world.log.every((exchange) => exchange.client === 'alice')).toBe(true);

    // Nothing of the sandboxes leaked into the host realm.
    for (const name of ['window', 'cordova', 'sqlitePlugin', 'WindowsAzure', 'localStorage']) {
      expect(name in globalThis).toBe(false);
    }
  });

  test('the same seed gives the same installation id and the same generated record ids', async () => {
    const first = await createTestWorld();
    const second = await createTestWorld();
    const one = await first.client('phone', { seed: 7 });
    const two = await second.client('phone', { seed: 7 });
    const three = await second.client('tablet', { seed: 8 });
    const a = await first.run(one.driver.insert('todoitem', { text: 'x', complete: false }));
    const b = await second.run(two.driver.insert('todoitem', { text: 'x', complete: false }));
    const c = await second.run(three.driver.insert('todoitem', { text: 'x', complete: false }));
    expect(one.driver.current!.installationId).toBe(two.driver.current!.installationId);
    expect(a['id']).toBe(b['id']);
    expect(c['id']).not.toBe(a['id']);
    expect(three.driver.current!.installationId).not.toBe(one.driver.current!.installationId);
  });

  test("the installation id survives a restart, like the device's web storage", async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    const before = driver.current!.installationId;
    await world.run(driver.restart());
    expect(driver.current!.installationId).toBe(before);
  });
});

describe('restart', () => {
  test('an operation in flight is abandoned and its late answer never touches the reopened app', async () => {
    const world = await createTestWorld();
    const { driver, network } = await world.client('phone');
    await world.run(driver.insert('todoitem', { id: 'a', text: 'one', complete: false }));
    network.holding = true;
    const push = driver.push();
    push.catch(() => undefined);
    // Drive time until the insert has reached the server and its answer is held.
    await world.run(
      (async () => {
        while (network.heldCount === 0) await world.clock.lane('test').sleep(1);
      })(),
    );
    expect(world.backend.get('todoitem', 'a')).toBeDefined();
    const restarting = driver.restart();
    await expect(push).rejects.toBeInstanceOf(AbandonedOperationError);
    await world.run(restarting);
    network.release();
    await world.scheduler.runUntilIdle();
    // The old instance never learned of the answer: the insert is still queued in the new one.
    const snapshot = await world.run(driver.snapshot());
    expect(snapshot.operations.map((op) => [op.action, op.itemId])).toEqual([['insert', 'a']]);
    expect(snapshot.tables['todoitem']).toEqual([{ id: 'a', text: 'one', complete: false, version: null }]);
  });

  test('a restart while the app is still starting abandons the start and starts again', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    const first = driver.restart();
    first.catch(() => undefined);
    const second = driver.restart();
    await expect(first).rejects.toBeInstanceOf(AbandonedOperationError);
    await world.run(second);
    expect(await world.run(driver.read('todoitem'))).toEqual([]);
  });

  test('a snapshot waiting for a write transaction learns of a kill instead of hanging', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    const app = driver.current!;
    // A write transaction of the page's own, stopped between BEGIN and COMMIT.
    const db = app.plugin.openDatabase({ name: 'syncwright.db', location: 'default' });
    db.transaction((tx) => tx.executeSql("INSERT INTO todoitem (id, text) VALUES ('zz', 'uncommitted')"));
    while (!app.plugin.isWriting('syncwright.db')) expect(world.clock.fireNext()).toBe(true);

    const snapshot = driver.snapshot();
    snapshot.catch(() => undefined);
    await world.run(driver.restart());
    await expect(snapshot).rejects.toBeInstanceOf(AbandonedOperationError);
    expect(await world.run(driver.snapshot())).toEqual({ tables: { todoitem: [] }, operations: [] });
  });
});

describe('snapshots', () => {
  test('rows are sorted by id and JSON-safe, dates as ISO strings; the log maps to PendingOperation', async () => {
    const world = await createTestWorld([
      { name: 'note', columns: { title: 'string', due: 'date', n: 'number', done: 'boolean', meta: 'object' } },
    ]);
    const { driver } = await world.client('phone', {
      driver: { systemColumns: ['version', 'createdAt', 'updatedAt', 'deleted'] },
    });
    await world.run(
      driver.insert('note', {
        id: 'b',
        title: 'second',
        due: '2026-03-01T10:00:00.000Z',
        n: 1.5,
        done: true,
        meta: { tags: ['x'] },
      }),
    );
    await world.run(driver.insert('note', { id: 'a', title: 'first', due: null, n: 2, done: false, meta: null }));
    await world.run(driver.update('note', { id: 'b', title: 'second!' }));
    await world.run(driver.delete('note', 'a'));

    const snapshot = await world.run(driver.snapshot());
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot.tables['note']).toEqual([
      {
        id: 'b',
        title: 'second!',
        due: '2026-03-01T10:00:00.000Z',
        n: 1.5,
        done: true,
        meta: { tags: ['x'] },
        version: null,
        createdAt: null,
        updatedAt: null,
        deleted: null,
      },
    ]);
    // insert+update collapse into the insert; insert+delete cancel out.
    expect(snapshot.operations).toEqual([{ id: 1, table: 'note', action: 'insert', itemId: 'b' }]);
    // What read() returns is what the snapshot shows.
    expect(await world.run(driver.read('note'))).toEqual(snapshot.tables['note']);

    await world.run(driver.push());
    const pushed = (await world.run(driver.snapshot())).tables['note']![0]!;
    expect(pushed['updatedAt']).toBe(world.backend.get('note', 'b')!.updatedAt);
    expect(pushed['deleted']).toBe(false);
  });

  test('a snapshot of an unchanged file is the last one again, frozen; any statement but a read makes it fresh', async () => {
    const world = await createTestWorld();
    const { driver, network } = await world.client('phone');
    await world.run(driver.insert('todoitem', { id: 'a', text: 'milk', complete: false }));
    const first = await world.run(driver.snapshot());
    expect(Object.isFrozen(first) && Object.isFrozen(first.tables['todoitem']![0])).toBe(true);
    expect(() => (first.tables['todoitem']![0]!['text'] = 'changed')).toThrow(TypeError);
    // Reads leave the file alone: the same snapshot comes back.
    await world.run(driver.read('todoitem'));
    expect(await world.run(driver.snapshot())).toBe(first);

    await world.run(driver.update('todoitem', { id: 'a', text: 'oat milk' }));
    const second = await world.run(driver.snapshot());
    expect(second).not.toBe(first);
    expect(second.tables['todoitem']!.map((row) => row['text'])).toEqual(['oat milk']);
    expect(first.tables['todoitem']!.map((row) => row['text'])).toEqual(['milk']);

    // A push that fails offline writes nothing the snapshot shows, yet the rows are read again.
    network.offline = true;
    await expect(world.run(driver.push())).rejects.toThrow();
    const third = await world.run(driver.snapshot());
    expect(third).toEqual(second);

    // A restart reopens the same file: its start-up statements count as edits.
    await world.run(driver.restart());
    const fourth = await world.run(driver.snapshot());
    expect(fourth).not.toBe(third);
    expect(fourth).toEqual(third);
  });
});

describe('bad input', () => {
  test('an unknown table is a clear error before the SDK is involved', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    await expect(driver.insert('nope', { text: 'x' })).rejects.toThrow('sdk driver: unknown table "nope"');
    await expect(driver.pull('nope')).rejects.toThrow(/unknown table/);
  });

  test('a table name that is not an identifier is refused when the driver is made', async () => {
    const world = await createTestWorld();
    await expect(world.client('phone', { tables: [{ name: 'x; DROP TABLE y', columns: {} }] })).rejects.toThrow(
      /not a plain identifier/,
    );
  });

  test('SQL in a pull filter never reaches a database: refused by the query parser or answered 400, the store intact', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    await world.run(driver.insert('todoitem', { id: 'a', text: 'keep', complete: false }));

    // azure-query-js checks the literal's parentheses before anything is sent.
    await expect(
      world.run(driver.pull('todoitem', { filter: "text eq 'x'); DROP TABLE todoitem; --" })),
    ).rejects.toThrow(/Unbalanced parentheses/);
    expect(world.log).toHaveLength(0);

    // A balanced one goes to the server, which refuses to parse it.
    const pull = driver.pull('todoitem', { filter: "text eq 'x'; DROP TABLE todoitem" });
    await expect(world.run(pull)).rejects.toBeInstanceOf(SdkError);
    expect(world.log.at(-1)!.response?.status).toBe(400);
    expect(await world.run(driver.read('todoitem'))).toHaveLength(1);
    expect(world.backend.rows('todoitem')).toEqual([]);
  });

  test('markup in text is stored and pushed as data', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    const text = '<script>alert("x")</script>\'; DROP TABLE todoitem; --';
    await world.run(driver.insert('todoitem', { id: 'a', text, complete: false }));
    await world.run(driver.push());
    expect(world.backend.get('todoitem', 'a')!['text']).toBe(text);
    expect((await world.run(driver.lookup('todoitem', 'a')))!['text']).toBe(text);
  });

  test("a value the column cannot hold is the SDK's own error, as an SdkError", async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    await expect(world.run(driver.insert('todoitem', { id: 'a', text: 'x', complete: 'yes' }))).rejects.toThrow(
      /Converting value "yes" of type string to type boolean is not supported/,
    );
    expect(await world.run(driver.snapshot())).toEqual({ tables: { todoitem: [] }, operations: [] });
  });

  test('an id the SDK does not accept is its own clear error', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    await expect(world.run(driver.insert('todoitem', { id: 'a/b', text: 'x', complete: false }))).rejects.toThrow(
      'instance.id "a/b" is not valid.',
    );
    await expect(world.run(driver.delete('todoitem', ''))).rejects.toThrow(/is not valid/);
  });

  test('a closed driver refuses further calls', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    await driver.close();
    await expect(driver.read('todoitem')).rejects.toThrow('sdk driver: the client is closed');
  });
});

describe('time', () => {
  test('every step of the SDK runs on the injected clock: operations take virtual time and no real timers', async () => {
    const world = await createTestWorld();
    const { driver } = await world.client('phone');
    const before = world.clock.now();
    const fired = world.clock.fired;
    await world.run(driver.insert('todoitem', { text: 'x', complete: false }));
    expect(world.clock.now()).toBeGreaterThan(before);
    expect(world.clock.fired - fired).toBeGreaterThan(10);
    expect(world.clock.pending).toBe(0);
  });
});
