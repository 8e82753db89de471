/**
 * docs/sdk-findings.md P9 (and 9 as a handler sees it) reproduced outside the simulator: the real
 * SDK in Node (syncwright/sdk) against `syncwright serve` on 127.0.0.1, on the wall clock. The
 * handler starts `cancelAndDiscard()` and returns without its promise; the test keeps that promise
 * and waits for it itself, so what it checks does not depend on timing.
 */
import { expect, test } from 'vitest';
import type { PushErrorLike } from '../../src/kernel/driver.js';
import { Device, serveSession } from './support.js';

const session = serveSession();

/**
 * A device whose queue holds an update the server answers 404 (a record it does not have) and,
 * behind it, the delete of a record it has; its onError discards the update, returning the
 * discard's promise or not.
 */
async function queued(returned: boolean): Promise<{ device: Device; discards: Promise<unknown>[] }> {
  await session.serve.insert('todoitem', { id: 'r1', text: 'v100', complete: false });
  const discards: Promise<unknown>[] = [];
  const opened = await Device.open(session.serve.url, {
    pushHandler: {
      onError: (pushError: PushErrorLike) => {
        const discarding = Promise.resolve(pushError.cancelAndDiscard());
        discards.push(discarding);
        return returned ? discarding : undefined;
      },
    },
  });
  await opened.context.pull(opened.query(), 'all');
  // An update of a record the server does not have: created locally, answered 404 on push (finding 8).
  await opened.context.update('todoitem', { id: 'milk 10', text: 'v0', complete: false });
  await opened.context.del('todoitem', { id: 'r1' });
  const operations = await opened.rows('__operations');
  expect(operations.map((operation) => [operation['action'], operation['itemId']])).toEqual([
    ['update', 'milk 10'],
    ['delete', 'r1'],
  ]);
  return { device: opened, discards };
}

test('P9: a handler that does not return its cancelAndDiscard() has the error stop the push, although the discard removes the operation', async () => {
  const { device, discards } = await queued(false);
  session.device = device;
  await expect(Promise.resolve(device.context.push())).rejects.toMatchObject({
    message: expect.stringMatching(/action: update, and record ID: milk 10: The item does not exist/),
  });
  expect(discards).toHaveLength(1);
  await discards[0];
  // The discard did its work: the update's operation and its local record are gone …
  expect(await device.lookup('milk 10')).toBeUndefined();
  expect((await device.rows('__operations')).map((operation) => [operation['action'], operation['itemId']])).toEqual([
    ['delete', 'r1'],
  ]);
  // … but the push had already read isHandled (false) and stopped: the delete was never sent.
  const writes = (await session.serve.exchanges()).filter((exchange) => exchange.method !== 'GET');
  expect(writes.map((exchange) => [exchange.method, exchange.url, exchange.status])).toEqual([
    ['PATCH', '/tables/todoitem/milk%2010', 404],
  ]);
  expect((await session.serve.row('todoitem', 'r1'))!['deleted']).toBe(false);
  // The next push sends it.
  expect(await device.context.push()).toEqual([]);
  expect((await session.serve.exchanges()).at(-1)).toMatchObject({
    method: 'DELETE',
    url: '/tables/todoitem/r1',
    status: 200,
  });
});

test('P9, the same handler returning the discard: the push goes on and sends the delete', async () => {
  const { device, discards } = await queued(true);
  session.device = device;
  expect(await device.context.push()).toEqual([]);
  expect(discards).toHaveLength(1);
  const writes = (await session.serve.exchanges()).filter((exchange) => exchange.method !== 'GET');
  expect(writes.map((exchange) => [exchange.method, exchange.url, exchange.status])).toEqual([
    ['PATCH', '/tables/todoitem/milk%2010', 404],
    ['DELETE', '/tables/todoitem/r1', 200],
  ]);
  expect(await device.rows('__operations')).toEqual([]);
});

test('9, as a handler sees it: the server record of a 412 holds a date-looking string as the text of a Date', async () => {
  await session.serve.insert('todoitem', { id: 'r2', text: 'v101', complete: true });
  const given: unknown[] = [];
  const device = await Device.open(session.serve.url, {
    pushHandler: {
      onConflict: (pushError: PushErrorLike) => {
        given.push(pushError.getServerRecord());
        return pushError.cancelAndDiscard();
      },
    },
  });
  session.device = device;
  await device.context.pull(device.query(), 'all');
  await device.context.update('todoitem', { id: 'r2', text: 'v0', complete: false });
  // Another user writes a text that looks like a date.
  await session.serve.update('todoitem', 'r2', { text: '2026-01-01T00:00:00Z' });
  expect(await device.context.push()).toEqual([]);
  const conflict = (await session.serve.exchanges()).find((exchange) => exchange.status === 412);
  expect(conflict).toMatchObject({ method: 'PATCH', url: '/tables/todoitem/r2' });
  expect(given).toEqual([expect.objectContaining({ id: 'r2', text: '2026-01-01T00:00:00.000Z' })]);
  expect((await session.serve.row('todoitem', 'r2'))!['text']).toBe('2026-01-01T00:00:00Z');
});
