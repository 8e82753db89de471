/**
 * docs/sdk-findings.md 1, 2, P1, P2, P3 and P5, reproduced outside the simulator: the real SDK in
 * Node (syncwright/sdk) against `syncwright serve` on 127.0.0.1, on the wall clock. The window
 * — an answer still on its way while the app writes again — is opened by holding the answer on
 * the server, not by timing.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
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

describe('a write made while its record is being pushed', () => {
  test("1, P3: an edit made while the record's insert is on the wire is lost — the insert's answer overwrites it and the queued update sends the old value", async () => {
    device = await Device.open(serve.url);
    await device.context.insert('todoitem', { id: 'a', text: 'Buy milk', complete: false });
    const hold = await serve.arm({ action: 'hold', method: 'POST', path: '/tables/todoitem' });
    const push = device.context.push();
    await serve.until(hold, 'held');

    await device.context.update('todoitem', { ...(await device.lookup('a')), text: 'Buy oat milk' });
    expect(await device.lookup('a')).toMatchObject({ text: 'Buy oat milk' });
    await serve.release(hold);
    expect(await push).toEqual([]);

    const writes = (await serve.exchanges()).filter((exchange) => exchange.method !== 'GET');
    expect(
      writes.map((exchange) => [exchange.method, (exchange.body as { text: string }).text, exchange.status]),
    ).toEqual([
      ['POST', 'Buy milk', 201],
      // The update made during the push was queued, but it sends what the insert's answer wrote over it.
      ['PATCH', 'Buy milk', 200],
    ]);
    expect(await serve.row('todoitem', 'a')).toMatchObject({ text: 'Buy milk' });
    expect(await device.lookup('a')).toMatchObject({ text: 'Buy milk' });
    // Nothing is left to push: "Buy oat milk" is gone, and no handler was asked.
    expect(await device.context.push()).toEqual([]);
    expect(await serve.exchanges()).toHaveLength(2);
  });

  test('2: a record deleted while its insert is on the wire comes back locally; the server deletes it', async () => {
    device = await Device.open(serve.url);
    await device.context.insert('todoitem', { id: 'a', text: 'v1', complete: false });
    const hold = await serve.arm({ action: 'hold', method: 'POST', path: '/tables/todoitem' });
    const push = device.context.push();
    await serve.until(hold, 'held');

    await device.context.del('todoitem', { id: 'a' });
    expect(await device.rows()).toEqual([]);
    await serve.release(hold);
    expect(await push).toEqual([]);

    expect(await serve.row('todoitem', 'a')).toMatchObject({ deleted: true });
    const server = await serve.row('todoitem', 'a');
    // Back in the local table, at the insert's version, with no operation to explain it.
    const inserted = (await serve.history()).find((event) => event.kind === 'http-response');
    expect(await device.rows()).toEqual([
      {
        id: 'a',
        text: 'v1',
        complete: false,
        version: inserted?.kind === 'http-response' ? JSON.parse(inserted.response.body).version : 'missing',
      },
    ]);
    expect(server!.version).not.toBe((await device.lookup('a'))!['version']);
    // The delete went out without If-Match: its version was read before the insert had one.
    const del = (await serve.exchanges()).find((exchange) => exchange.method === 'DELETE')!;
    expect(del.headers['if-match']).toBeUndefined();
    // A pull brings the tombstone and removes it again.
    await device.context.pull(device.query(), 'all');
    expect(await device.rows()).toEqual([]);
  });

  test('P5: a record deleted while its update is on the wire comes back locally, and its delete conflicts with its own update', async () => {
    // The causal core syncwright hunt found (no-resurrection/local.no-resurrection/delete/back-locally).
    await serve.insert('todoitem', { id: 'r1', text: 'v100', complete: false });
    device = await Device.open(serve.url);
    await device.context.pull(device.query(), 'all');
    await device.context.update('todoitem', { ...(await device.lookup('r1')), text: 'v0', complete: false });
    const hold = await serve.arm({ action: 'hold', method: 'PATCH', path: '/tables/todoitem/r1' });
    const push = device.context.push();
    await serve.until(hold, 'held');

    await device.context.del('todoitem', { id: 'r1' });
    expect(await device.rows()).toEqual([]);
    await serve.release(hold);
    const patched = JSON.parse(await heldAnswerBody(serve, hold)).version as string;
    // The app's own delete conflicts: it went out with the version read before the PATCH answered.
    const conflicts = await push;
    expect(conflicts).toHaveLength(1);
    const exchanges = (await serve.exchanges()).filter((exchange) => exchange.method !== 'GET');
    expect(exchanges.map((exchange) => [exchange.method, exchange.status])).toEqual([
      ['PATCH', 200],
      ['DELETE', 412],
    ]);
    expect(exchanges[1]!.headers['if-match']).toBe(exchanges[0]!.headers['if-match']);
    // Back in the local table at the update's version; the server keeps it too.
    expect(await device.rows()).toEqual([{ id: 'r1', text: 'v0', complete: false, version: patched }]);
    expect(await serve.row('todoitem', 'r1')).toMatchObject({ text: 'v0', deleted: false, version: patched });
  });

  test('P1: an update made while the previous update of the record is on the wire never reaches the server', async () => {
    // The minimal program of scenarios/regressions/sdk/generated-none-update-during-push.json.
    for (const [id, text, complete] of [
      ['r1', 'v100', false],
      ['r2', 'v101', true],
      ['r3', 'v102', false],
    ] as const)
      await serve.insert('todoitem', { id, text, complete });
    device = await Device.open(serve.url);
    await device.context.pull(device.query(), 'all');
    await device.context.update('todoitem', { ...(await device.lookup('r1')), text: 'v0', complete: false });

    const hold = await serve.arm({ action: 'hold', method: 'PATCH', path: '/tables/todoitem/r1' });
    const push = device.context.push();
    await serve.until(hold, 'held');
    await device.context.update('todoitem', { ...(await device.lookup('r1')), text: 'v1', complete: true });
    await serve.release(hold);
    expect(await push).toEqual([]);

    const patches = (await serve.exchanges()).filter((exchange) => exchange.method === 'PATCH');
    expect(patches.map((patch) => [patch.body, patch.status])).toEqual([
      [{ id: 'r1', text: 'v0', complete: false }, 200],
      // The second operation, logged for the update made during the push, sends v0 again.
      [{ id: 'r1', text: 'v0', complete: false }, 200],
    ]);
    expect(patches[1]!.headers['if-match']).toBe(`"${JSON.parse(await heldAnswerBody(serve, hold)).version}"`);
    await device.context.pull(device.query(), 'all');
    expect(await serve.row('todoitem', 'r1')).toMatchObject({ text: 'v0', complete: false });
    expect(await device.lookup('r1')).toMatchObject({ text: 'v0', complete: false });
  });

  test('P2: the same loss on a device whose first pull failed — and its first PATCH goes out without If-Match', async () => {
    for (const [id, text, complete] of [
      ['r1', 'v100', false],
      ['r2', 'v101', true],
      ['r3', 'v102', false],
    ] as const)
      await serve.insert('todoitem', { id, text, complete });
    device = await Device.open(serve.url);
    // The device's first request, its pull, gets no answer.
    const lost = await serve.arm({ action: 'lose', method: 'GET', path: '/tables/todoitem' });
    await expect(Promise.resolve(device.context.pull(device.query(), 'all'))).rejects.toMatchObject({
      message: 'Unexpected connection failure.',
    });
    expect((await serve.admin<{ intercept: { state: string } }>('GET', `/intercepts/${lost}`)).intercept.state).toBe(
      'lost',
    );
    expect(await device.rows()).toEqual([]);

    // So r1 is not in the store: updating it creates it locally, with no version (finding 8).
    await device.context.update('todoitem', { id: 'r1', text: 'v0', complete: false });
    const hold = await serve.arm({ action: 'hold', method: 'PATCH', path: '/tables/todoitem/r1' });
    const push = device.context.push();
    await serve.until(hold, 'held');
    await device.context.update('todoitem', { ...(await device.lookup('r1')), text: 'v1', complete: true });
    await serve.release(hold);
    expect(await push).toEqual([]);

    const patches = (await serve.exchanges()).filter((exchange) => exchange.method === 'PATCH');
    expect(patches.map((patch) => [patch.headers['if-match'] === undefined, patch.body])).toEqual([
      // Unconditional: the editor's v100 is overwritten without a conflict.
      [true, { id: 'r1', text: 'v0', complete: false }],
      [false, { id: 'r1', text: 'v0', complete: false }],
    ]);
    expect(await serve.row('todoitem', 'r1')).toMatchObject({ text: 'v0', complete: false });
    expect(await device.lookup('r1')).toMatchObject({ text: 'v0', complete: false });
  });
});

/** The body of the answer an intercept held (serve's history keeps it). */
async function heldAnswerBody(serve: Serve, intercept: number): Promise<string> {
  const { intercept: view } = await serve.admin<{ intercept: { request: { requestId: number } } }>(
    'GET',
    `/intercepts/${intercept}`,
  );
  const answer = (await serve.history()).find(
    (event) => event.kind === 'http-response' && event.requestId === view.request.requestId,
  );
  if (answer?.kind !== 'http-response') throw new Error(`no answer recorded for intercept ${intercept}`);
  return answer.response.body;
}
