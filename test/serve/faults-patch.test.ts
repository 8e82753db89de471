/**
 * The admin API's `PATCH /faults`: fields merged into the faults in force (PUT replaces them),
 * `null` removing one, refused with PUT's words, hostile bodies answered with a 4xx.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/serve/serve.js';

const API = { 'zumo-api-version': '2.0.0' };

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${server!.url}/__syncwright${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

async function faults(): Promise<unknown> {
  return ((await admin('GET', '/faults')).json as { faults: unknown }).faults;
}

describe('PATCH /faults', () => {
  test('merges the fields given into the faults in force; null removes one; PUT replaces them all', async () => {
    server = await startServer({ port: 0 });
    expect((await admin('PUT', '/faults', { latency: 1, errorRate: 1, errorStatus: 502 })).status).toBe(200);
    const patched = await admin('PATCH', '/faults', { errorStatus: 503 });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ faults: { latency: 1, errorRate: 1, errorStatus: 503, offline: false } });
    expect((await fetch(`${server.url}/tables/todoitem`, { headers: API })).status).toBe(503);

    await admin('PATCH', '/faults', { errorRate: null, errorStatus: null });
    expect(await faults()).toEqual({ latency: 1, offline: false });
    expect((await fetch(`${server.url}/tables/todoitem`, { headers: API })).status).toBe(200);

    await admin('PUT', '/faults', { lostResponseRate: 0 });
    expect(await faults()).toEqual({ lostResponseRate: 0, offline: false });
    const history = (await admin('GET', '/history')).json as { events: { kind: string; text?: string }[] };
    expect(history.events.filter((event) => event.kind === 'note').map((event) => event.text)).toEqual([
      'faults set: {"latency":1,"errorRate":1,"errorStatus":502}',
      'faults merged: {"latency":1,"errorRate":1,"errorStatus":503,"offline":false}',
      'faults merged: {"latency":1,"offline":false}',
      'faults set: {"lostResponseRate":0}',
    ]);
  });

  test('a link taken down stays down through a PATCH that does not name offline', async () => {
    server = await startServer({ port: 0 });
    await admin('POST', '/offline', { offline: true, client: 'client-2' });
    await admin('PATCH', '/faults', { latency: 0 });
    expect((await admin('GET', '/faults')).json).toMatchObject({
      offline: false,
      clients: { 'client-2': { offline: true } },
    });
    await expect(
      fetch(`${server.url}/tables/todoitem`, { headers: { ...API, 'x-syncwright-client': 'client-2' } }),
    ).rejects.toThrow(/fetch failed/);
    expect((await fetch(`${server.url}/tables/todoitem`, { headers: API })).status).toBe(200);

    await admin('POST', '/offline', { offline: true });
    await admin('PATCH', '/faults', { errorStatus: 502 });
    expect(await faults()).toMatchObject({ offline: true });
    await admin('PATCH', '/faults', { offline: false });
    expect((await admin('GET', '/faults')).json).toMatchObject({
      offline: false,
      clients: { 'client-2': { offline: false } },
    });
  });

  test('bad fields are refused as PUT refuses them, and change nothing', async () => {
    server = await startServer({ port: 0 });
    await admin('PUT', '/faults', { latency: 5 });
    const bodies: unknown[] = [
      { errorRate: 2 },
      { errorRate: '0.5' },
      { bogus: 1 },
      { offline: 1 },
      { errorStatus: 418 },
      { latency: -1 },
      { plan: { default: { latency: { kind: 'slow' } } } },
      // The plan's own latency is checked even where `latency` replaces it (it was let through).
      { latency: 1, plan: { default: { latency: { kind: 'slow' } } } },
      { plan: { default: { restarts: [{ when: { at: 5 } }] } } },
      [],
      'null',
      '{oops',
    ];
    for (const body of bodies) {
      const put = await admin('PUT', '/faults', body);
      const patch = await admin('PATCH', '/faults', body);
      expect(put.status, JSON.stringify(body)).toBe(400);
      expect(patch, JSON.stringify(body)).toEqual(put);
    }
    expect(await faults()).toEqual({ latency: 5, offline: false });
  });

  test('a merged field is checked with the rest, and named as given', async () => {
    server = await startServer({ port: 0 });
    await admin('PUT', '/faults', { plan: { default: { latency: { kind: 'fixed', ms: 1 } } } });
    const bad = await admin('PATCH', '/faults', { latency: 1.5 });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      error: expect.stringMatching(
        /^invalid fault plan:\n {2}latency: expected whole milliseconds from 0 to 315360000000, found 1\.5$/,
      ),
    });
    expect(await faults()).toEqual({ plan: { default: { latency: { kind: 'fixed', ms: 1 } } }, offline: false });
  });

  test('hostile bodies get a 4xx and the server goes on answering', async () => {
    server = await startServer({ port: 0 });
    const deep = `{"plan":{"default":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    const cases: [string, number, RegExp][] = [
      [deep, 400, /expected JSON nested at most 256 levels deep/],
      ['{"latency":1e400}', 400, /latency/],
      [
        '{"errorRate":1e308,"errorStatus":-1e308}',
        400,
        /errorRate: expected a rate from 0 to 1.*\n.*errorStatus: expected one of/s,
      ],
      ['{"latency":99999999999999999999999}', 400, /latency: expected whole milliseconds from 0 to 315360000000/],
      ['{"latency":{"kind":"uniform","minMs":0,"maxMs":1e300}}', 400, /latency\.maxMs: expected/],
      ['{"plan":{"default":{"timeoutMs":1e300}}}', 400, /plan\.default\.timeoutMs: expected/],
      [`{"latency":${'1'.repeat(2 * 1024 * 1024)}}`, 413, /too large/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await admin('PATCH', '/faults', body);
      expect(answer.status, body.slice(0, 60)).toBe(status);
      expect(String((answer.json as { error: string }).error), body.slice(0, 60)).toMatch(message);
    }
    expect(await faults()).toEqual({ offline: false });
    expect((await fetch(`${server.url}/tables/todoitem`, { headers: API })).status).toBe(200);
  });
});
