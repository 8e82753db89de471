/**
 * The reference client held to the rules of docs/semantics.md that the other client tests do
 * not already pin. Each test names the rule it checks.
 */
import { describe, expect, test } from 'vitest';
import { createReferenceDriver } from '../../src/client/driver.js';
import type { PushError } from '../../src/client/push-error.js';
import { PushFailedError } from '../../src/client/push.js';
import { PULLTIME_TABLE } from '../../src/client/pull.js';
import { OPERATION_TABLE } from '../../src/client/operation-log.js';
import { Query } from '../../src/client/query.js';
import { SqlJsStore } from '../../src/client/sqljs-store.js';
import type { StoreOperation } from '../../src/client/store.js';
import { TransportError } from '../../src/protocol/http.js';
import { TODOITEM_TABLE } from '../../src/protocol/records.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { createClient, createWorld, gate, settle, TestLink, type TestClient, type World } from './helpers.js';

/** A SqlJsStore that remembers, per committed batch, which tables it wrote. */
class BatchLog extends SqlJsStore {
  readonly batches: { tables: string[]; operations: StoreOperation[] }[] = [];

  override async executeBatch(operations: readonly (StoreOperation | null | undefined)[]): Promise<void> {
    await super.executeBatch(operations);
    const written = operations.filter((operation): operation is StoreOperation => operation != null);
    this.batches.push({ tables: [...new Set(written.map((operation) => operation.tableName))], operations: written });
  }

  /** The batches that wrote `table`. */
  writing(table: string): { tables: string[]; operations: StoreOperation[] }[] {
    return this.batches.filter((batch) => batch.tables.includes(table));
  }
}

async function markOf(c: TestClient, queryId: string): Promise<string | undefined> {
  const row = await c.store.lookup(PULLTIME_TABLE, `todoitem:${queryId}`, true);
  return row === null ? undefined : (row['value'] as Date).toISOString();
}

/** Five records, one per millisecond: r0 … r4. */
function fiveRecords(world: World): void {
  for (let i = 0; i < 5; i++) {
    world.backend.insert('todoitem', { id: `r${i}`, text: `item ${i}` });
    world.clock.advance(1);
  }
}

function stampOf(world: World, id: string): string {
  return new Date(world.backend.get('todoitem', id)!.updatedAt!).toISOString();
}

describe('local writes and reads', () => {
  test('local.no-resurrection: a record that only ever existed on the device leaves nothing to delete; a same-id record a pull brings is another one', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.insert({ id: 'a', text: 'mine, never pushed' });
    await c.table.del({ id: 'a' });
    expect(await c.context.getPendingOperations()).toEqual([]);
    world.backend.insert('todoitem', { id: 'a', text: 'someone else’s' });
    await c.context.pull(new Query('todoitem'));
    expect(await c.table.lookup('a')).toMatchObject({ text: 'someone else’s' });
    expect(c.link.lines().some((line) => line.startsWith('DELETE'))).toBe(false);
  });

  test('local.insert-id: an insert without an id gets a new one; with one it keeps it', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    const made = await c.table.insert({ text: 'no id' });
    expect(typeof made['id']).toBe('string');
    expect(await c.table.lookup(String(made['id']))).toMatchObject({ text: 'no id' });
    await c.table.insert({ id: 'mine', text: 'given' });
    expect((await c.context.getPendingOperations()).map((o) => [o.itemId, o.action])).toEqual([
      [made['id'], 'insert'],
      ['mine', 'insert'],
    ]);
  });

  test('local.write-missing-record: an update of a missing record creates it and queues an update; a delete queues a delete', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.update({ id: 'u', text: 'made by update' });
    await c.table.del({ id: 'd' });
    expect(await c.table.lookup('u')).toMatchObject({ id: 'u', text: 'made by update' });
    expect(await c.table.lookup('d', true)).toBeNull();
    expect((await c.context.getPendingOperations()).map((o) => [o.itemId, o.action])).toEqual([
      ['u', 'update'],
      ['d', 'delete'],
    ]);
  });

  test('local.read-committed: an update merges the properties it names into the record', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.insert({ id: 'a', text: 'milk', complete: false });
    await c.table.update({ id: 'a', complete: true });
    expect(await c.table.lookup('a')).toMatchObject({ text: 'milk', complete: true });
  });
});

describe('push', () => {
  test('push.success: the answer and the removal of the operation are one transaction', async () => {
    const world = await createWorld();
    const store = new BatchLog();
    const c = await createClient(world, { store });
    await c.table.insert({ id: 'a', text: 'x' });
    store.batches.length = 0;
    await c.context.push();
    expect(store.writing(OPERATION_TABLE)).toEqual([
      {
        tables: ['todoitem', OPERATION_TABLE],
        operations: [
          expect.objectContaining({ tableName: 'todoitem', action: 'upsert' }),
          { tableName: OPERATION_TABLE, action: 'delete', id: 1 },
        ],
      },
    ]);
    expect(await c.table.lookup('a')).toMatchObject({ version: world.backend.get('todoitem', 'a')!.version });
  });

  test('push.orphan-dropped: an insert whose record was deleted while it was pushed is not sent again', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.insert({ id: 'a', text: 'x' });
    const inFlight = gate();
    const arrived = gate();
    c.link.inFlight = async () => {
      arrived.open();
      await inFlight.promise;
    };
    c.link.override = (_, index) =>
      index === 0 ? { status: 500, headers: {}, body: '{"error":"try again"}' } : undefined;
    const handled: string[] = [];
    c.context.pushHandler = {
      onError: (pushError) => {
        handled.push(`${pushError.getAction()} ${pushError.getStatus()}`);
        if (pushError.getAction() === 'insert') pushError.isHandled = true;
        else return pushError.cancel();
      },
    };
    const push = c.context.push();
    await arrived.promise;
    c.link.inFlight = undefined;
    await c.table.del({ id: 'a' }); // the insert is locked: the delete is logged behind it
    inFlight.open();
    await push;
    // The retried insert found no record and was dropped; only the delete went out next (404: never created).
    expect(c.link.lines()).toEqual(['POST /tables/todoitem', 'DELETE /tables/todoitem/a']);
    expect(handled).toEqual(['insert 500', 'delete 404']);
    expect(await c.context.getPendingOperations()).toEqual([]);
    expect(world.backend.get('todoitem', 'a')).toBeUndefined();
  });
});

describe('handler outcomes', () => {
  test('handler.resolution-failed: a resolution that fails changes nothing and leaves the conflict unhandled', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.insert({ id: 'a', text: 'mine' });
    await c.context.push();
    world.clock.advance(10);
    world.backend.update('todoitem', 'a', { text: 'theirs' });
    await c.table.del({ id: 'a' });
    let failure: unknown;
    c.context.pushHandler = {
      onConflict: (pushError: PushError) => {
        // A delete cannot be updated: the resolution rejects; the handler does not wait for it.
        pushError.cancelAndUpdate(pushError.getServerRecord()!).catch((error: unknown) => (failure = error));
      },
    };
    const conflicts = await c.context.push();
    expect((failure as Error).message).toBe('Cannot update a deleted record');
    expect(conflicts.map((conflict) => [conflict.getAction(), conflict.isHandled, conflict.resolution])).toEqual([
      ['delete', false, undefined],
    ]);
    expect((await c.context.getPendingOperations()).map((o) => o.action)).toEqual(['delete']);
    expect(await c.table.lookup('a', true)).toBeNull();
  });

  test('handler.threw: a resolution applied before the handler threw stays applied, and the conflict is still returned unhandled', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.insert({ id: 'a', text: 'mine' });
    await c.context.push();
    world.clock.advance(10);
    world.backend.update('todoitem', 'a', { text: 'theirs' });
    await c.table.update({ id: 'a', text: 'mine again' });
    c.context.pushHandler = {
      onConflict: async (pushError: PushError) => {
        await pushError.cancelAndDiscard();
        throw new Error('handler bug after discarding');
      },
    };
    const conflicts = await c.context.push();
    expect(conflicts.map((conflict) => [conflict.getItemId(), conflict.isHandled])).toEqual([['a', false]]);
    expect(await c.context.getPendingOperations()).toEqual([]);
    expect(await c.table.lookup('a', true)).toBeNull();
  });

  test('handler.error-unhandled: an error the handler leaves unresolved stops the push; no handler at all does the same', async () => {
    for (const pushHandler of [{ onError: () => undefined }, undefined]) {
      const world = await createWorld();
      const c = await createClient(world);
      await c.table.update({ id: 'ghost', text: 'x' });
      await c.table.insert({ id: 'b', text: 'behind it' });
      c.context.pushHandler = pushHandler;
      await expect(c.context.push()).rejects.toThrow(PushFailedError);
      expect(c.link.lines()).toEqual(['PATCH /tables/todoitem/ghost']);
    }
  });
});

describe('pull', () => {
  test('pull.pushes-first: a push that fails fails the pull before it asks for anything', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.update({ id: 'ghost', text: 'x' }); // the server has no 'ghost': 404, unhandled
    await expect(c.context.pull(new Query('todoitem'), 'all')).rejects.toThrow(PushFailedError);
    expect(c.link.lines()).toEqual(['PATCH /tables/todoitem/ghost']);
    expect(await markOf(c, 'all')).toBeUndefined();
  });

  test('pull.mark-atomic: each mark is written in the batch that stores its page', async () => {
    const world = await createWorld();
    fiveRecords(world);
    const store = new BatchLog();
    const c = await createClient(world, { store });
    await c.context.pull(new Query('todoitem'), 'all', { pageSize: 2 });
    const marks = store.writing(PULLTIME_TABLE);
    // One mark per page; each page with records stores them in the batch that moves the mark.
    const pages = c.link.responses.map((response) => (JSON.parse(response.body) as unknown[]).length);
    expect(pages.at(-1)).toBe(0);
    expect(marks.map((batch) => batch.tables)).toEqual(
      pages.map((length) => (length > 0 ? ['todoitem', PULLTIME_TABLE] : [PULLTIME_TABLE])),
    );
    expect(store.writing('todoitem')).toEqual(marks.slice(0, -1));
  });

  test('pull.mark-bound and pull.failure: a pull cut short keeps its stored pages, and its mark is no later than the last record stored', async () => {
    const world = await createWorld();
    fiveRecords(world);
    const c = await createClient(world);
    c.link.override = (_, index) =>
      index === 1 ? new TransportError('network', 'Unexpected connection failure: the link went down') : undefined;
    await expect(c.context.pull(new Query('todoitem'), 'all', { pageSize: 2 })).rejects.toThrow(TransportError);
    expect((await c.table.read(new Query('todoitem').orderBy('id'))).map((r) => r['id'])).toEqual(['r0', 'r1']);
    expect(await markOf(c, 'all')).toBe(stampOf(world, 'r1'));
    c.link.override = undefined;
    c.link.requests.length = 0;
    await c.context.pull(new Query('todoitem'), 'all', { pageSize: 2 });
    expect(c.link.lines()[0]).toContain(`updatedAt ge datetimeoffset'${stampOf(world, 'r1')}'`);
    expect((await c.table.read(new Query('todoitem').orderBy('id'))).map((r) => r['id'])).toEqual([
      'r0',
      'r1',
      'r2',
      'r3',
      'r4',
    ]);
  });

  test('pull.user-filter: a record that no longer matches the filter stays as it was pulled', async () => {
    const world = await createWorld();
    world.backend.insert('todoitem', { id: 'a', text: 'buy milk', complete: false });
    const c = await createClient(world);
    const open = new Query('todoitem').where({ complete: false });
    await c.context.pull(open, 'open');
    world.clock.advance(10);
    world.backend.update('todoitem', 'a', { complete: true });
    await c.context.pull(open, 'open');
    expect(await c.table.lookup('a')).toMatchObject({ complete: false });
    await c.context.pull(new Query('todoitem'));
    expect(await c.table.lookup('a')).toMatchObject({ complete: true });
  });

  test('pull.deleted-removed: a tombstone removes the local copy, but a filtered pull misses the deletion of a record that left its filter', async () => {
    const world = await createWorld();
    world.backend.insert('todoitem', { id: 'a', text: 'gone later', complete: false });
    world.backend.insert('todoitem', { id: 'b', text: 'done, then gone', complete: false });
    const c = await createClient(world);
    const open = new Query('todoitem').where({ complete: false });
    await c.context.pull(open, 'open');
    world.clock.advance(10);
    world.backend.delete('todoitem', 'a');
    world.backend.update('todoitem', 'b', { complete: true });
    world.clock.advance(10);
    world.backend.delete('todoitem', 'b');
    await c.context.pull(open, 'open');
    expect((await c.table.read()).map((record) => record['id'])).toEqual(['b']);
    await c.context.pull(new Query('todoitem'));
    expect(await c.table.read()).toEqual([]);
  });

  test('concurrency.local-steps: a record written locally while its page is on the wire is left alone by that page', async () => {
    const world = await createWorld();
    world.backend.insert('todoitem', { id: 'a', text: 'server' });
    const c = await createClient(world);
    const inFlight = gate();
    const arrived = gate();
    c.link.inFlight = async () => {
      arrived.open();
      await inFlight.promise;
    };
    const pull = c.context.pull(new Query('todoitem'));
    await arrived.promise;
    c.link.inFlight = undefined;
    await c.table.insert({ id: 'a', text: 'local, written during the pull' });
    inFlight.open();
    await pull;
    expect(await c.table.lookup('a')).toMatchObject({ text: 'local, written during the pull' });
    expect((await c.context.getPendingOperations()).map((o) => o.action)).toEqual(['insert']);
  });
});

describe('purge and concurrency', () => {
  test('purge.atomic: records, operations and marks go in one transaction', async () => {
    const world = await createWorld();
    world.backend.insert('todoitem', { id: 'a', text: 'x' });
    const store = new BatchLog();
    const c = await createClient(world, { store });
    await c.context.pull(new Query('todoitem'), 'all');
    await c.table.insert({ id: 'b', text: 'local' });
    store.batches.length = 0;
    await c.context.purge(new Query('todoitem'), true);
    expect(store.batches.map((batch) => batch.tables.sort())).toEqual([
      [OPERATION_TABLE, PULLTIME_TABLE, 'todoitem'].sort(),
    ]);
    expect(await c.table.read()).toEqual([]);
    expect(await c.context.getPendingOperations()).toEqual([]);
    expect(await markOf(c, 'all')).toBeUndefined();
  });

  test('concurrency.one-at-a-time: a pull and a purge called during a push run after it, in call order', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.insert({ id: 'a', text: 'x' });
    const inFlight = gate();
    const arrived = gate();
    c.link.inFlight = async () => {
      arrived.open();
      await inFlight.promise;
    };
    const order: string[] = [];
    const push = c.context.push().then(() => order.push('push'));
    await arrived.promise;
    c.link.inFlight = undefined;
    const pull = c.context.pull(new Query('todoitem')).then(() => order.push('pull'));
    const purge = c.context.purge(new Query('todoitem')).then(() => order.push('purge'));
    inFlight.open();
    await Promise.all([push, pull, purge]);
    expect(order).toEqual(['push', 'pull', 'purge']);
    expect(c.link.lines().map((line) => line.split('?')[0])).toEqual([
      'POST /tables/todoitem',
      'GET /tables/todoitem',
      'GET /tables/todoitem',
      'GET /tables/todoitem',
    ]);
    expect(await c.table.read()).toEqual([]);
  });
});

describe('restart', () => {
  test('restart.unlocked: the operation a push had locked when the app died is pending, unlocked, and pushed again', async () => {
    const world = await createWorld();
    const link = new TestLink(world.backend);
    const driver = await createReferenceDriver({
      name: 'client-1',
      url: 'https://syncwright.test',
      transport: link.transport,
      clock: world.clock,
      random: new SeededRandom('client-1'),
      tables: [TODOITEM_TABLE],
      pushHandler: {},
    });
    await driver.insert('todoitem', { id: 'a', text: 'one' });
    const hold = gate();
    link.inFlight = () => hold.promise;
    void driver.push();
    await settle();
    expect((await driver.snapshot()).operations).toEqual([
      { id: 1, table: 'todoitem', action: 'insert', itemId: 'a', locked: true },
    ]);
    await driver.restart();
    link.inFlight = undefined;
    hold.open();
    await settle();
    expect((await driver.snapshot()).operations).toEqual([{ id: 1, table: 'todoitem', action: 'insert', itemId: 'a' }]);
    // The server applied the first POST; the second meets the record it made (finding 13's 409).
    expect(await driver.push()).toEqual({
      unhandledConflicts: [{ table: 'todoitem', action: 'insert', itemId: 'a', status: 409 }],
    });
    expect(link.lines()).toEqual(['POST /tables/todoitem', 'POST /tables/todoitem']);
    await driver.close();
  });
});
