/**
 * docs/sdk-findings.md 3, 5, 6, 7 and P4 — what the SDK's push error methods do — reproduced
 * outside the simulator: the real SDK in Node (syncwright/sdk) against `syncwright serve` on
 * 127.0.0.1. Conflicts come from a real 412: another user edits the record through the admin
 * API between the device's sync and its push.
 */
import vm from 'node:vm';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { PushErrorLike, PushHandler } from '../../src/kernel/driver.js';
import type { SdkPushError } from '../../src/sdk/node/index.js';
import { sharedRealm } from '../../src/sdk/realm.js';
import { Device, Serve, TODOITEM } from './support.js';

let serve: Serve;
let device: Device | undefined;
beforeEach(async () => {
  serve = await Serve.start();
});
afterEach(async () => {
  await device?.close();
  device = undefined;
  await serve.close();
});

/** The device pushes `a`, another user edits it on the server, the device edits it too. */
async function conflictOnA(pushHandler: PushHandler, tables = [TODOITEM]): Promise<Device> {
  device = await Device.open(serve.url, { pushHandler, tables });
  await device.context.insert('todoitem', { id: 'a', text: 'v1', complete: false });
  expect(await device.context.push()).toEqual([]);
  await serve.update('todoitem', 'a', { text: 'server' });
  // The SDK's own copy, so that date columns keep their Dates.
  const record = await device.context.lookup('todoitem', 'a');
  await device.context.update('todoitem', { ...record, text: 'mine' });
  return device;
}

function statusOf(pushError: PushErrorLike | SdkPushError): unknown {
  return (pushError.getError() as { request?: { status?: unknown } }).request?.status;
}

describe('push error methods on a real 412', () => {
  test('3: isHandled = true without resolving re-pushes the same operation; after five handler calls the push aborts', async () => {
    let calls = 0;
    device = await Device.open(serve.url, {
      pushHandler: {
        onError: (pushError) => {
          calls++;
          pushError.isHandled = true;
        },
      },
    });
    // A record the server does not have: each PATCH is answered 404.
    await device.context.update('todoitem', { id: 'ghost', text: 'x' });
    await expect(Promise.resolve(device.context.push())).rejects.toMatchObject({
      message: expect.stringMatching(/action: update, and record ID: ghost: The item does not exist/),
    });
    expect(calls).toBe(5);
    expect((await serve.exchanges()).map((exchange) => `${exchange.method} ${exchange.status}`)).toEqual(
      Array(6).fill('PATCH 404'),
    );
  });

  test('5: changeAction("delete") deletes the server record but not the local one', async () => {
    await conflictOnA({ onConflict: (pushError) => pushError.changeAction('delete', pushError.getServerRecord()!) });
    expect(await device!.context.push()).toEqual([]);
    expect(await serve.row('todoitem', 'a')).toMatchObject({ deleted: true });
    // pushError.js deletes `id: logRecord.id`, the operation's number, so the record stays.
    expect(await device!.rows()).toEqual([expect.objectContaining({ id: 'a', text: 'mine' })]);
  });

  test('6: cancelAndUpdate refuses a delete conflict ("Cannot update a deleted record"), which stays unhandled', async () => {
    let failure: unknown;
    device = await Device.open(serve.url, {
      pushHandler: {
        onConflict: async (pushError) => {
          try {
            await pushError.cancelAndUpdate(pushError.getServerRecord()!);
          } catch (error) {
            failure = error;
            throw error;
          }
        },
      },
    });
    await device.context.insert('todoitem', { id: 'a', text: 'v1', complete: false });
    await device.context.push();
    await serve.update('todoitem', 'a', { text: 'server' });
    await device.context.del('todoitem', { id: 'a' });
    const unhandled = await device.context.push();
    expect(unhandled.map((pushError) => [pushError.getAction(), statusOf(pushError)])).toEqual([['delete', 412]]);
    expect((failure as Error).message).toBe('Cannot update a deleted record');
    expect(await serve.row('todoitem', 'a')).toMatchObject({ text: 'server', deleted: false });
  });

  test('7: cancelAndUpdate(getServerRecord()) fails when the table declares date columns: the copy carries dates as strings', async () => {
    let failure: unknown;
    const dated = {
      name: 'todoitem',
      columnDefinitions: { ...TODOITEM.columnDefinitions, createdAt: 'date', updatedAt: 'date' },
    } as const;
    await conflictOnA(
      {
        onConflict: async (pushError) => {
          try {
            await pushError.cancelAndUpdate(pushError.getServerRecord()!);
          } catch (error) {
            failure = error;
            throw error;
          }
        },
      },
      [{ name: dated.name, columnDefinitions: { ...dated.columnDefinitions } }],
    );
    const unhandled = await device!.context.push();
    expect(unhandled.map((pushError) => [pushError.getAction(), statusOf(pushError)])).toEqual([['update', 412]]);
    expect(String((failure as Error).message)).toMatch(
      /Converting value "[^"]+" of type string to type date is not supported/,
    );
  });

  test("P4: pushError.update() resolves the conflict but leaves isHandled set to the realm's global object, not true", async () => {
    let isHandled: unknown;
    await conflictOnA({
      onConflict: async (pushError) => {
        await pushError.update({ ...pushError.getServerRecord()!, text: 'merged' });
        isHandled = pushError.isHandled;
      },
    });
    expect(await device!.context.push()).toEqual([]);
    expect(isHandled).not.toBe(true);
    // The global object of the SDK's realm (on a device, `window`): a callback called without a receiver.
    expect(isHandled).toBe(vm.runInContext('globalThis', sharedRealm().context));
    // The push went on regardless: the retried PATCH carried the merge.
    expect(await serve.row('todoitem', 'a')).toMatchObject({ text: 'merged' });
    expect((await serve.exchanges()).map((exchange) => `${exchange.method} ${exchange.status}`)).toEqual([
      'POST 201',
      'PATCH 412',
      'PATCH 200',
    ]);
  });
});

describe('a handler that calls its own sync context', () => {
  test('16: a handler that returns pull() of its own sync context hangs the push, and every later sync call', async () => {
    let called = 0;
    await conflictOnA({
      onConflict: (pushError) => {
        called++;
        // The app refreshes from the server before deciding: the pull queues behind this push.
        void pushError;
        return device!.context.pull(device!.query(), null);
      },
    });
    let settled = false;
    void Promise.resolve(device!.context.push()).then(
      () => (settled = true),
      () => (settled = true),
    );
    // The 412 reaches the device and its handler runs.
    for (let i = 0; i < 2_000 && called === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(called).toBe(1);
    const seen = (await serve.exchanges()).length;
    // Real time can only show "not yet": after half a second in which the SDK's own 1 ms timers
    // ran hundreds of times, nothing more reached the server and neither call settled.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(settled).toBe(false);
    expect((await serve.exchanges()).length).toBe(seen);
    expect((await serve.exchanges()).at(-1)).toMatchObject({ method: 'PATCH', status: 412 });
  });
});
