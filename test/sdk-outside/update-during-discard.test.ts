/**
 * docs/sdk-findings.md P8 reproduced outside the simulator: the real SDK in Node (syncwright/sdk)
 * against `syncwright serve` on 127.0.0.1, on the wall clock. A real 412 (another user edits the
 * record through the admin API) reaches the tutorial's handler, which answers cancelAndDiscard();
 * the app updates the record while that discard is still queued. The handler waits on a promise
 * the test controls, so the window is held open by the test, not by timing.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { Device, Serve } from './support.js';

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

/** A promise and the function that resolves it. */
function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

test('P8: an update made while cancelAndDiscard() runs re-creates the record without a version, and its PATCH goes out without If-Match over a server change the device never saw', async () => {
  await serve.insert('todoitem', { id: 'r3', text: 'v102', complete: false });
  const called = gate();
  const goOn = gate();
  let discardSettled = false;
  device = await Device.open(serve.url, {
    pushHandler: {
      // The tutorial's handler, which tells the test it ran and then waits for it.
      onConflict: async (pushError) => {
        const discarding = Promise.resolve(pushError.cancelAndDiscard()).then(() => {
          discardSettled = true;
        });
        called.open();
        await goOn.promise;
        return discarding;
      },
    },
  });
  await device.context.pull(device.query(), 'all');
  const pulled = (await device.lookup('r3'))!['version'];
  expect(pulled).toEqual(expect.any(String));
  // The tutorial app's update: the record's fields, no version (the local row keeps its own).
  await device.context.update('todoitem', { id: 'r3', text: 'v0', complete: true });
  expect(await device.lookup('r3')).toMatchObject({ text: 'v0', version: pulled });
  await serve.update('todoitem', 'r3', { text: 'v61' });

  const push = device.context.push();
  await called.promise;
  // The app updates the record while the discard the handler asked for has not happened yet.
  expect(discardSettled).toBe(false);
  const updating = device.context.update('todoitem', { id: 'r3', text: 'v96', complete: false });
  // Another user changes the record again; the device is never shown this version.
  const newer = await serve.update('todoitem', 'r3', { text: 'v49' });
  await updating;
  expect(discardSettled).toBe(true);
  // The discard ran first (the same task runner, first come first served) and dropped the row with
  // its version; the update then wrote the app's object as a new row: the record is back, versionless.
  expect(await device.lookup('r3')).toEqual({ id: 'r3', text: 'v96', complete: false, version: null });
  goOn.open();
  expect(await push).toEqual([]);

  const writes = (await serve.exchanges()).filter((exchange) => exchange.method !== 'GET');
  expect(writes.map((exchange) => [exchange.method, exchange.url, exchange.status])).toEqual([
    ['PATCH', '/tables/todoitem/r3', 412],
    ['PATCH', '/tables/todoitem/r3', 200],
  ]);
  expect(writes[0]!.headers['if-match']).toBe(`"${pulled}"`);
  // The queued update is sent unconditionally and overwrites v49, which the device never saw.
  expect(writes[1]!.headers['if-match']).toBeUndefined();
  expect(writes[1]!.body).toEqual({ id: 'r3', text: 'v96', complete: false });
  const server = await serve.row('todoitem', 'r3');
  expect(newer.text).toBe('v49');
  expect(server).toMatchObject({ text: 'v96', complete: false });
  expect(server!.version).not.toBe(newer.version);
  // The discarded record stays in the local table, with no pull in between.
  expect(await device.lookup('r3')).toMatchObject({ text: 'v96', version: server!.version });
});

test('P8, as the hunt met it: the update made during the push stays queued behind the discard, and the later update folds into it', async () => {
  await serve.insert('todoitem', { id: 'r3', text: 'v102', complete: false });
  const called = gate();
  const goOn = gate();
  device = await Device.open(serve.url, {
    pushHandler: {
      onConflict: async (pushError) => {
        const discarding = pushError.cancelAndDiscard();
        called.open();
        await goOn.promise;
        return discarding;
      },
    },
  });
  await device.context.pull(device.query(), 'all');
  await device.context.update('todoitem', { id: 'r3', text: 'v0', complete: true });
  await serve.update('todoitem', 'r3', { text: 'v61' });
  const hold = await serve.arm({ action: 'hold', method: 'PATCH', path: '/tables/todoitem/r3' });
  const push = device.context.push();
  await serve.until(hold, 'held');
  // Logged as a second operation: the first is locked while its PATCH is on the wire.
  await device.context.update('todoitem', { id: 'r3', text: 'v5', complete: true });
  const logged = (await device.rows('__operations')).map((operation) => operation['id']);
  expect(logged).toHaveLength(2);
  await serve.release(hold);

  await called.promise;
  const updating = device.context.update('todoitem', { id: 'r3', text: 'v96', complete: false });
  const newer = await serve.update('todoitem', 'r3', { text: 'v49' });
  await updating;
  // The discard removed the first operation only; the update folded into the second.
  expect((await device.rows('__operations')).map((operation) => operation['id'])).toEqual([logged[1]]);
  expect(await device.lookup('r3')).toEqual({ id: 'r3', text: 'v96', complete: false, version: null });
  goOn.open();
  expect(await push).toEqual([]);

  const writes = (await serve.exchanges()).filter((exchange) => exchange.method !== 'GET');
  expect(
    writes.map((exchange) => [exchange.method, exchange.status, exchange.headers['if-match'] !== undefined]),
  ).toEqual([
    ['PATCH', 412, true],
    ['PATCH', 200, false],
  ]);
  expect(writes[1]!.body).toEqual({ id: 'r3', text: 'v96', complete: false });
  expect(await serve.row('todoitem', 'r3')).toMatchObject({ text: 'v96' });
  expect(newer.text).toBe('v49');
  expect(await device.rows('__operations')).toEqual([]);
});
