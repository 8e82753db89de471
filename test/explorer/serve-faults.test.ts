import { describe, test, expect } from 'vitest';
import { isLoopback, tokensMatch } from '../../src/serve/admin.js';
import { servePlanOf } from '../../src/serve/serve-faults.js';
import { startServer, type RunningServer } from '../../src/serve/serve.js';
import { main } from '../../src/cli/main.js';

const API = { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' };

async function withServer(
  options: Parameters<typeof startServer>[0],
  body: (server: RunningServer) => Promise<void>,
): Promise<void> {
  const server = await startServer({ port: 0, ...options });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

function admin(
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${server.url}/__syncwright${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('syncwright serve with faults on real traffic', () => {
  test('--lost-response-rate 1: the row is written, the client sees a failure', async () => {
    await withServer({ faults: { lostResponseRate: 1 } }, async (server) => {
      const insert = fetch(`${server.url}/tables/todoitem`, {
        method: 'POST',
        headers: API,
        body: JSON.stringify({ id: 'lost-1', text: 'did it arrive?' }),
      });
      await expect(insert).rejects.toThrow(/fetch failed/);
      expect(server.backend.rows('todoitem').map((row) => row.id)).toEqual(['lost-1']);
      const history = (await (await admin(server, 'GET', '/history')).json()) as {
        events: { kind: string; failure?: string; applied?: boolean }[];
      };
      expect(history.events.map((event) => event.kind)).toEqual(['http-request', 'fault', 'http-failure']);
      expect(history.events[2]).toMatchObject({ failure: 'lost-response', applied: true });
    });
  });

  test('--error-rate 1 answers with the error status and the backend never sees the request', async () => {
    await withServer({ faults: { errorRate: 1, errorStatus: 503 } }, async (server) => {
      const response = await fetch(`${server.url}/tables/todoitem`, {
        method: 'POST',
        headers: API,
        body: JSON.stringify({ id: 'e', text: 'x' }),
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: 'Service Unavailable' });
      expect(server.backend.rows('todoitem')).toEqual([]);
    });
  });

  test('latency delays each answer on the wall clock', async () => {
    await withServer({ faults: { latency: 60 } }, async (server) => {
      const started = performance.now();
      const response = await fetch(`${server.url}/tables/todoitem`, { headers: API });
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    });
  });

  test('offline drops every connection until the admin API brings the link back', async () => {
    await withServer({ faults: { offline: true } }, async (server) => {
      await expect(fetch(`${server.url}/tables/todoitem`, { headers: API })).rejects.toThrow(/fetch failed/);
      const online = await admin(server, 'POST', '/offline', { offline: false });
      expect(await online.json()).toMatchObject({ offline: false });
      expect((await fetch(`${server.url}/tables/todoitem`, { headers: API })).status).toBe(200);
    });
  });

  test('the admin API changes faults live, edits rows as another user, and resets', async () => {
    await withServer({}, async (server) => {
      const created = await fetch(`${server.url}/tables/todoitem`, {
        method: 'POST',
        headers: API,
        body: JSON.stringify({ id: 'r', text: 'app' }),
      });
      const record = (await created.json()) as { version: string };
      const edited = await admin(server, 'PATCH', '/tables/todoitem/r', { changes: { text: 'someone else' } });
      expect(edited.status).toBe(200);
      const stale = await fetch(`${server.url}/tables/todoitem/r`, {
        method: 'PATCH',
        headers: { ...API, 'if-match': `"${record.version}"` },
        body: JSON.stringify({ text: 'app edit' }),
      });
      expect(stale.status).toBe(412);
      expect(await stale.json()).toMatchObject({ text: 'someone else' });

      const faults = await admin(server, 'PUT', '/faults', { errorRate: 1, errorStatus: 502 });
      expect(faults.status).toBe(200);
      expect((await fetch(`${server.url}/tables/todoitem`, { headers: API })).status).toBe(502);
      await admin(server, 'PUT', '/faults', {});
      expect((await fetch(`${server.url}/tables/todoitem`, { headers: API })).status).toBe(200);

      const removed = await admin(server, 'DELETE', '/tables/todoitem/r');
      expect(await removed.json()).toMatchObject({ id: 'r', deleted: true });
      const rows = (await (await admin(server, 'GET', '/tables/todoitem')).json()) as {
        rows: { id: string; deleted: boolean }[];
      };
      expect(rows.rows).toEqual([expect.objectContaining({ id: 'r', deleted: true })]);
      const history = (await (await admin(server, 'GET', '/history')).json()) as {
        events: { actor: string; kind: string }[];
      };
      expect(history.events.filter((event) => event.actor === 'editor-1').map((event) => event.kind)).toEqual([
        'invoke',
        'ok',
        'invoke',
        'ok',
      ]);

      const reset = await admin(server, 'POST', '/reset', {});
      expect(reset.status).toBe(200);
      expect(server.backend.rows('todoitem', { includeDeleted: true })).toEqual([]);
      expect(((await (await admin(server, 'GET', '/history')).json()) as { total: number }).total).toBe(0);
    });
  });

  test('the admin API refuses a request without the token when one is set', async () => {
    await withServer({ adminToken: 'correct horse battery' }, async (server) => {
      const none = await admin(server, 'GET', '/history');
      expect(none.status).toBe(401);
      expect(await none.json()).toEqual({
        error: 'the admin API needs the admin token: send Authorization: Bearer <token>',
      });
      expect((await admin(server, 'POST', '/reset', {}, { authorization: 'Bearer correct horse' })).status).toBe(401);
      expect(
        (await admin(server, 'GET', '/history', undefined, { authorization: 'Bearer correct horse battery' })).status,
      ).toBe(200);
      expect(
        (await admin(server, 'GET', '/history', undefined, { 'x-syncwright-admin-token': 'correct horse battery' }))
          .status,
      ).toBe(200);
      // The table API is not behind the token.
      expect((await fetch(`${server.url}/tables/todoitem`, { headers: API })).status).toBe(200);
    });
    await expect(startServer({ port: 0, adminToken: 'short' })).rejects.toThrow(/at least 8 characters/);
  });

  test('the admin API answers bad input with clear errors', async () => {
    await withServer({}, async (server) => {
      const cases: [string, string, unknown, Record<string, string>, number, RegExp][] = [
        ['PUT', '/faults', { errorRate: 2 }, {}, 400, /errorRate: expected a rate from 0 to 1/],
        ['PUT', '/faults', { plan: { default: { latency: { kind: 'slow' } } } }, {}, 400, /default\.latency\.kind/],
        ['PUT', '/faults', { bogus: 1 }, {}, 400, /bogus: no such field/],
        ['POST', '/offline', { offline: 1 }, {}, 400, /offline: expected true or false/],
        ['GET', '/tables/secrets', undefined, {}, 404, /no table named "secrets"/],
        ['PATCH', '/tables/todoitem/none', { changes: { text: 'x' } }, {}, 404, /does not exist/],
        ['GET', '/history?since=-1', undefined, {}, 400, /since: expected a whole number/],
        ['POST', '/reset', undefined, { 'content-type': 'text/plain' }, 415, /Content-Type must be application\/json/],
        ['POST', '/reset', {}, { origin: 'https://evil.example' }, 403, /cross-origin admin requests are refused/],
        ['GET', '/nothing', undefined, {}, 404, /no such admin API/],
      ];
      for (const [method, path, body, headers, status, message] of cases) {
        const response = await admin(server, method, path, body, headers);
        expect({ path, status: response.status }).toEqual({ path, status });
        expect(String(((await response.json()) as { error: string }).error)).toMatch(message);
      }
      const malformed = await fetch(`${server.url}/__syncwright/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{oops',
      });
      expect(malformed.status).toBe(400);
    });
  });

  test('tokens compare in constant time over digests; loopback means 127/8 and ::1', () => {
    expect(tokensMatch('secret-token', 'secret-token')).toBe(true);
    expect(tokensMatch('secret-token', 'secret-tokeN')).toBe(false);
    expect(tokensMatch('', 'secret-token')).toBe(false);
    expect(['127.0.0.1', '127.4.5.6', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(['10.0.0.2', '::ffff:192.168.1.1', undefined].some(isLoopback)).toBe(false);
  });

  test('the fault flags become the link plan; restarts are refused for real traffic', () => {
    expect(servePlanOf({ latency: 20, errorRate: 0.1, lostResponseRate: 0.2 })).toMatchObject({
      latency: { kind: 'fixed', ms: 20 },
      faults: [
        { effect: { kind: 'http-error', status: 500 }, when: { probability: 0.1 } },
        { effect: { kind: 'lost-response' }, when: { probability: 0.2 } },
      ],
    });
    expect(() => servePlanOf({ plan: { default: { restarts: [{ when: { at: 5 } }] } } })).toThrow(/no restarts/);
  });

  test('serve refuses bad fault flags with its usage', async () => {
    const out: string[] = [];
    const io = {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => out.push(text) },
      cwd: process.cwd(),
    } as never;
    expect(await main(['serve', '--latency', 'slow'], io)).toBe(2);
    expect(out.join('')).toMatch(/--latency expects milliseconds \(200\) or a range \(50-400\), got 'slow'/);
    expect(await main(['serve', '--error-rate', '0.8', '--lost-response-rate', '0.5'], io)).toBe(2);
    expect(await main(['serve', '--faults', 'missing-plan.json'], io)).toBe(2);
    expect(out.join('')).toMatch(/--faults: cannot read missing-plan\.json/);
    expect(await main(['explore', '--policy', 'coinflip'], io)).toBe(2);
  });
});
