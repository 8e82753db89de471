/**
 * serve's per-client links: a request that names its client in X-Syncwright-Client crosses
 * that client's own link, so the history says which device sent it and one device can go
 * offline alone; a bad or invented-per-request name gets a clear 400, never a crash or a link
 * per request.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/serve/serve.js';

let server: RunningServer;
beforeEach(async () => {
  server = await startServer({ port: 0 });
});
afterEach(async () => {
  await server.close();
});

function get(client?: string): Promise<Response> {
  return fetch(`${server.url}/tables/todoitem`, {
    headers: { 'zumo-api-version': '2.0.0', ...(client === undefined ? {} : { 'x-syncwright-client': client }) },
  });
}

async function offline(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/__syncwright/offline`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('per-client links', () => {
  test('each named client crosses its own link; unnamed traffic crosses http', async () => {
    expect((await get('client-1')).status).toBe(200);
    expect((await get('client-2')).status).toBe(200);
    expect((await get()).status).toBe(200);
    const links = server.traffic.history.flatMap((event) => (event.kind === 'http-request' ? [event.link] : []));
    expect(links).toEqual(['client-1', 'client-2', 'http']);
    const ids = server.traffic.history.flatMap((event) => (event.kind === 'http-request' ? [event.requestId] : []));
    expect(new Set(ids).size).toBe(3);
  });

  test('one device goes offline alone, recorded as its partition, and comes back', async () => {
    await get('client-1');
    const { status, json } = await offline({ offline: true, client: 'client-2' });
    expect(status).toBe(200);
    expect(json['clients']).toEqual({ 'client-1': { offline: false }, 'client-2': { offline: true } });
    await expect(get('client-2')).rejects.toThrow();
    expect((await get('client-1')).status).toBe(200);
    await offline({ offline: false, client: 'client-2' });
    expect((await get('client-2')).status).toBe(200);
    const partitions = server.traffic.history.filter((event) => event.kind === 'partition');
    expect(partitions.map((event) => event.kind === 'partition' && [event.client, event.offline])).toEqual([
      ['client-2', true],
      ['client-2', false],
    ]);
    const failure = server.traffic.history.find((event) => event.kind === 'http-failure');
    expect(failure).toMatchObject({ link: 'client-2', failure: 'offline', applied: false });
  });

  test('offline without a client takes every link down, those of clients yet to come too', async () => {
    await get('client-1');
    await offline({ offline: true });
    await expect(get('client-1')).rejects.toThrow();
    await expect(get('client-9')).rejects.toThrow();
    await offline({ offline: false });
    expect((await get('client-9')).status).toBe(200);
  });

  test.each([
    ['editor-1', 'not editor'],
    ['world', 'not editor'],
    ['http', 'not editor'],
    ['client 1', 'letters, digits'],
    ['x'.repeat(41), 'at most 40'],
    ['<script>alert(1)</script>', 'client name'],
  ])('a request naming itself %j gets a 400 that says what a name is', async (name, words) => {
    const response = await get(name);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string };
    expect(body.error).toContain('x-syncwright-client: expected a client name');
    expect(body.error).toContain(words);
    expect(body.error.length).toBeLessThan(400);
    expect(server.traffic.history.some((event) => event.kind === 'http-request')).toBe(false);
  });

  test('a client inventing a name per request runs out of links with a 400, not memory', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++) statuses.push((await get(`client-${i}`)).status);
    expect(statuses.slice(0, 63).every((status) => status === 200)).toBe(true);
    expect(statuses.slice(63).every((status) => status === 400)).toBe(true);
    expect(Object.keys(server.traffic.clients)).toHaveLength(63);
  });

  test('the admin API refuses a bad client name for offline', async () => {
    const bad = await offline({ offline: true, client: 'editor-1' });
    expect(bad.status).toBe(400);
    const wrongType = await offline({ offline: true, client: 3 });
    expect(wrongType.status).toBe(400);
    expect(String(wrongType.json['error'])).toContain('client: expected the name');
  });

  test('app events recorded from outside share the history and its operation ids with editors', async () => {
    const opId = server.traffic.newOperationId();
    server.traffic.record('client-1', { kind: 'invoke', opId, op: { type: 'push' } });
    server.traffic.record('client-1', { kind: 'ok', opId });
    const edit = await fetch(`${server.url}/__syncwright/tables/todoitem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ record: { id: 'a', text: 'x', complete: false } }),
    });
    expect(edit.status).toBe(201);
    const invokes = server.traffic.history.flatMap((event) => (event.kind === 'invoke' ? [event.opId] : []));
    expect(invokes).toEqual([opId, opId + 1]);
  });
});
