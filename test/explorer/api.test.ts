import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test, expect } from 'vitest';
import { startExplorer, type RunningExplorer } from '../../src/explorer/server.js';
import type { SessionView } from '../../src/explorer/session.js';
import { runScenarioDetailed } from '../../src/scenario/run.js';

let explorer: RunningExplorer;
let saveDir: string;

beforeAll(async () => {
  saveDir = await mkdtemp(join(tmpdir(), 'syncwright-explorer-'));
  explorer = await startExplorer({ port: 0, seed: 4, clients: 2, saveDir });
});

afterAll(async () => {
  await explorer.close();
  await rm(saveDir, { recursive: true, force: true });
});

const JSON_TYPE = { 'content-type': 'application/json' };

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = JSON_TYPE,
): Promise<{ status: number; data: Record<string, unknown> }> {
  const response = await fetch(`${explorer.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, data: (await response.json()) as Record<string, unknown> };
}

describe('the explorer server', () => {
  test('listens on 127.0.0.1 and serves a self-contained page under a strict CSP', async () => {
    expect(explorer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(explorer.url);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const html = await response.text();
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/(?!127)/);
  });

  test('an action answers with the new state', async () => {
    const { status, data } = await call('POST', '/api/clients/client-1/operations', {
      type: 'insert',
      record: { id: 'hello', text: 'hi', complete: false },
    });
    expect(status).toBe(200);
    const view = data as unknown as SessionView;
    expect(view.clients[0]!.tables['todoitem']).toEqual([expect.objectContaining({ id: 'hello', text: 'hi' })]);
    expect(view.actions.at(-1)).toBe('client-1: insert hello');
  });

  test('text with <script> is stored and returned as data, never interpreted', async () => {
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const { data } = await call('POST', '/api/clients/client-2/operations', {
      type: 'insert',
      record: { id: 'evil', text: hostile },
    });
    const view = data as unknown as SessionView;
    expect(view.clients[1]!.tables['todoitem']![0]!['text']).toBe(hostile);
    const timeline = (await call('GET', '/api/timeline')).data as { timeline: { rows: { label: string }[] } };
    expect(timeline.timeline.rows.some((row) => row.label.includes('<script>alert(1)'))).toBe(true);
  });

  test('bad input gets a clear 4xx JSON error and the session goes on', async () => {
    const cases: [string, string, unknown, number, RegExp][] = [
      ['POST', '/api/clients/client-9/operations', { type: 'push' }, 404, /no client named "client-9"/],
      ['POST', '/api/clients/client-1/operations', { type: 'explode' }, 400, /type: expected one of insert, update/],
      [
        'POST',
        '/api/clients/client-1/operations',
        { type: 'insert', record: { text: 1 } },
        400,
        /record\.text: expected a string/,
      ],
      [
        'POST',
        '/api/clients/client-1/operations',
        { type: 'insert', record: { "x'); DROP TABLE todoitem;--": 1 } },
        400,
        /a field name of letters, digits and _/,
      ],
      [
        'POST',
        '/api/clients/client-1/operations',
        { type: 'insert', record: { secret: true } },
        400,
        /a column of todoitem \(text, complete\), id or version/,
      ],
      [
        'POST',
        '/api/clients/client-1/operations',
        { type: 'update', record: { text: 'no id' } },
        400,
        /record\.id: expected the id of the record/,
      ],
      ['POST', '/api/clients/client-1/operations', { type: 'delete', id: '' }, 400, /id: expected an id/],
      ['POST', '/api/clients/client-1/operations', { type: 'push', table: 'todoitem' }, 400, /table: expected nothing/],
      [
        'POST',
        '/api/clients/client-1/operations',
        { type: 'pull', table: 'secrets' },
        400,
        /table: expected one of todoitem/,
      ],
      ['POST', '/api/clients/client-1/operations', { type: 'pull', queryId: '../../etc' }, 400, /queryId/],
      ['POST', '/api/clients/client-1/operations', [], 400, /body: expected a JSON object/],
      ['POST', '/api/clients/client-1/offline', { offline: 'yes' }, 400, /offline: expected true or false/],
      [
        'PUT',
        '/api/links/client-1/faults',
        { latency: { minMs: 50, maxMs: 10 }, errorRate: 0, lostResponseRate: 0 },
        400,
        /latency\.maxMs: expected a number >= latency\.minMs/,
      ],
      [
        'PUT',
        '/api/links/client-1/faults',
        { latency: { minMs: 0, maxMs: 10 }, errorRate: 0.7, lostResponseRate: 0.7 },
        400,
        /errorRate \+ lostResponseRate <= 1/,
      ],
      [
        'PUT',
        '/api/links/client-1/faults',
        { latency: { minMs: 0, maxMs: 10 }, errorRate: 0, lostResponseRate: 0, errorStatus: 418 },
        400,
        /errorStatus: expected one of 500, 502, 503, 429, 401/,
      ],
      [
        'PUT',
        '/api/links/nobody/faults',
        { latency: { minMs: 0, maxMs: 10 }, errorRate: 0, lostResponseRate: 0 },
        404,
        /no client named "nobody"/,
      ],
      ['POST', '/api/server/edits', { type: 'update', id: 'hello', changes: { id: 'other' } }, 400, /changes\.id/],
      [
        'POST',
        '/api/server/edits',
        { editor: 'client-1', type: 'delete', id: 'hello' },
        400,
        /editor: expected an editor name/,
      ],
      ['POST', '/api/time', { type: 'advance', ms: -5 }, 400, /ms: expected a whole number from 0/],
      ['POST', '/api/time', { type: 'warp' }, 400, /type: expected one of step, run-until-idle, advance/],
      ['POST', '/api/world', { type: 'note', text: 'x'.repeat(600) }, 400, /text: expected a string of at most 500/],
      ['POST', '/api/conflict', { conflict: 1, decision: 'cancel' }, 409, /no conflict is waiting/],
      [
        'POST',
        '/api/conflict',
        { conflict: 1, decision: 'explode' },
        400,
        /decision: expected one of cancelAndDiscard/,
      ],
      ['POST', '/api/conflict', { conflict: 1, decision: 'update' }, 400, /record: expected the record update stores/],
      ['POST', '/api/save', { name: '../../escape' }, 400, /name: expected a file name of letters, digits/],
      ['POST', '/api/clients', { name: 'editor-7' }, 400, /a client name starting with "client"/],
      ['POST', '/api/clients', { name: 'client-1' }, 409, /already a client named "client-1"/],
      ['DELETE', '/api/clients/nobody', undefined, 404, /no client named "nobody"/],
      ['POST', '/api/reset', { seed: -1 }, 400, /seed: expected a whole number from 0/],
      ['POST', '/api/check', { mode: 'later' }, 400, /mode: expected one of now, run/],
      ['POST', '/api/counterexamples', '{"tool":{"name":"other"}}', 400, /not a syncwright results file/],
      ['POST', '/api/counterexamples', '[1,2', 400, /the uploaded file: expected valid JSON, found a syntax error/],
      ['GET', '/api/nothing-here', undefined, 404, /no such API: GET \/api\/nothing-here/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const answer = await call(method, path, body);
      expect({ path, body, status: answer.status }).toEqual({ path, body, status });
      expect(String(answer.data['error'])).toMatch(message);
    }
    expect((await call('GET', '/api/state')).status).toBe(200);
  });

  test('malformed JSON, other content types, foreign origins and foreign hosts are refused', async () => {
    const malformed = await call('POST', '/api/undo', '{not json');
    expect(malformed).toEqual({ status: 400, data: { error: 'the body is not valid JSON' } });
    const form = await call('POST', '/api/reset', 'seed=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const crossSite = await call('POST', '/api/reset', {}, { ...JSON_TYPE, origin: 'https://evil.example' });
    expect(crossSite).toMatchObject({
      status: 403,
      data: { error: 'cross-origin requests are refused (Origin: "https://evil.example")' },
    });
    // DNS rebinding: a foreign name that resolves to 127.0.0.1 still says so in its Host header.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const port = Number(new URL(explorer.url).port);
      request({ host: '127.0.0.1', port, path: '/api/state', headers: { host: `rebound.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
    expect(explorer.session.view.revision).toBeGreaterThan(0);
  });

  test('every tab sees each change live through Server-Sent Events', async () => {
    const open = async () => {
      const response = await fetch(`${explorer.url}/api/events`);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      const next = async (): Promise<SessionView> => {
        for (;;) {
          const end = buffer.indexOf('\n\n');
          if (end >= 0) {
            const chunk = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = chunk.split('\n').find((line) => line.startsWith('data: '));
            if (data !== undefined) return JSON.parse(data.slice(6)) as SessionView;
            continue;
          }
          const { value, done } = await reader.read();
          if (done) throw new Error('the stream ended');
          buffer += decoder.decode(value, { stream: true });
        }
      };
      return { next, close: () => reader.cancel() };
    };
    const [a, b] = [await open(), await open()];
    const first = await a.next();
    await b.next();
    await call('POST', '/api/world', { type: 'note', text: 'seen by both tabs' });
    const [fromA, fromB] = [await a.next(), await b.next()];
    expect(fromA.revision).toBeGreaterThan(first.revision);
    expect(fromB.revision).toBe(fromA.revision);
    expect(fromB.actions.at(-1)).toBe('note: seen by both tabs');
    await a.close();
    await b.close();
  });

  test('a conflict answered through the API, then the session saved and replayed by the runner', async () => {
    await call('POST', '/api/reset', { seed: 12, clients: 2 });
    const op = (client: string, body: unknown) => call('POST', `/api/clients/${client}/operations`, body);
    await op('client-1', { type: 'insert', record: { id: 'x', text: 'a' } });
    await op('client-1', { type: 'push' });
    await op('client-2', { type: 'pull' });
    await call('POST', '/api/server/edits', { type: 'update', id: 'x', changes: { text: 'server' } });
    await op('client-2', { type: 'update', record: { id: 'x', text: 'mine' } });
    const paused = (await op('client-2', { type: 'push' })).data as unknown as SessionView;
    expect(paused.conflict).toMatchObject({ client: 'client-2', status: 412 });
    const busy = await call('POST', '/api/time', { type: 'step' });
    expect(busy).toMatchObject({
      status: 409,
      data: { error: 'a conflict is waiting for your answer: answer it first' },
    });
    const wrongId = await call('POST', '/api/conflict', {
      conflict: paused.conflict!.id,
      decision: 'cancelAndUpdate',
      record: { id: 'y', text: 'other row' },
    });
    expect(wrongId.status).toBe(400);
    const answered = (
      await call('POST', '/api/conflict', {
        conflict: paused.conflict!.id,
        decision: 'cancelAndUpdate',
        record: paused.conflict!.serverRecord,
      })
    ).data as unknown as SessionView;
    expect(answered.conflict).toBeNull();
    expect(answered.clients[1]!.tables['todoitem']).toEqual([expect.objectContaining({ id: 'x', text: 'server' })]);
    const saved = await call('POST', '/api/save', { name: 'api-session' });
    expect(saved.status).toBe(200);
    const file = String(saved.data['file']);
    expect(file).toBe(join(saveDir, 'api-session.json'));
    expect((await call('POST', '/api/save', { name: 'api-session' })).status).toBe(409);
    const definition = JSON.parse(await readFile(file, 'utf8'));
    expect(definition.clients[1].policy).toMatchObject({
      name: 'scripted',
      conflicts: [{ decision: 'cancelAndUpdate', itemId: 'x' }],
    });
    const run = await runScenarioDetailed(file);
    expect(run.result.status).toBe('passed');
  });
});
