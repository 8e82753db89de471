/**
 * serve's controls for reproductions, over real HTTP on 127.0.0.1: hold the answer to a chosen
 * request and release it, lose it, fail it — each recorded in serve's history.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { HistoryEvent } from '../../src/kernel/history.js';
import type { InterceptView } from '../../src/serve/intercept.js';
import { startServer, type RunningServer } from '../../src/serve/serve.js';

const API = { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' };

let server: RunningServer;
beforeEach(async () => {
  server = await startServer({ port: 0 });
});
afterEach(async () => {
  await server.close();
});

async function admin(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/__syncwright${path}`, {
    method,
    headers: { ...(method === 'GET' ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function arm(spec: Record<string, unknown>): Promise<number> {
  const { status, json } = await admin('POST', '/intercepts', spec);
  expect(status, JSON.stringify(json)).toBe(201);
  return (json['intercept'] as InterceptView).id;
}

async function intercept(id: number): Promise<InterceptView> {
  return (await admin('GET', `/intercepts/${id}`)).json['intercept'] as InterceptView;
}

/** Polls until the intercept leaves `armed` (bounded). */
async function taken(id: number): Promise<InterceptView> {
  for (let i = 0; i < 1000; i++) {
    const view = await intercept(id);
    if (view.state !== 'armed') return view;
    await delay(5);
  }
  throw new Error(`intercept ${id} took no request`);
}

function insert(id: string, text = 'x') {
  return fetch(`${server.url}/tables/todoitem`, { method: 'POST', headers: API, body: JSON.stringify({ id, text }) });
}

function patch(id: string, text: string) {
  return fetch(`${server.url}/tables/todoitem/${id}`, {
    method: 'PATCH',
    headers: API,
    body: JSON.stringify({ text }),
  });
}

async function faults(): Promise<{ fault: string; detail: Record<string, unknown> }[]> {
  const events = (await admin('GET', '/history')).json['events'] as HistoryEvent[];
  return events.flatMap((event) =>
    event.kind === 'fault' && event.fault.startsWith('intercept-')
      ? [{ fault: event.fault, detail: event.detail as Record<string, unknown> }]
      : [],
  );
}

describe('hold', () => {
  test('the server applies the request at once; the answer waits for release and then arrives as it was', async () => {
    const id = await arm({ action: 'hold', method: 'POST', path: '/tables/todoitem' });
    let answered = false;
    const pending = insert('a', 'held').then((response) => {
      answered = true;
      return response;
    });
    const held = await taken(id);
    expect(held).toMatchObject({
      state: 'held',
      answerStatus: 201,
      request: { method: 'POST', url: '/tables/todoitem' },
    });
    expect(server.backend.rows('todoitem').map((row) => row.id)).toEqual(['a']);
    // Other requests go on meanwhile.
    expect((await insert('b')).status).toBe(201);
    expect(answered).toBe(false);

    const released = await admin('POST', `/intercepts/${id}/release`);
    expect(released).toMatchObject({ status: 200, json: { intercept: { state: 'released' } } });
    const response = await pending;
    expect(response.status).toBe(201);
    expect(response.headers.get('etag')).toBe(`"${server.backend.get('todoitem', 'a')!.version}"`);
    expect(((await response.json()) as { text: string }).text).toBe('held');
    expect(await faults()).toEqual([
      {
        fault: 'intercept-hold',
        detail: { intercept: id, requestId: 1, method: 'POST', url: '/tables/todoitem', status: 201 },
      },
      {
        fault: 'intercept-release',
        detail: { intercept: id, requestId: 1, method: 'POST', url: '/tables/todoitem', status: 201 },
      },
    ]);
  });

  test('a held answer can be lost instead: the connection is reset, the write stays applied', async () => {
    await insert('a', 'v1');
    const id = await arm({ action: 'hold', method: 'PATCH', path: '/tables/todoitem/*' });
    const pending = patch('a', 'v2');
    await taken(id);
    expect((await admin('POST', `/intercepts/${id}/lose`)).json).toMatchObject({ intercept: { state: 'lost' } });
    await expect(pending).rejects.toThrow(/fetch failed/);
    expect(server.backend.get('todoitem', 'a')!['text']).toBe('v2');
    expect((await faults()).map((fault) => fault.fault)).toEqual(['intercept-hold', 'intercept-lose']);
  });

  test('release and lose answer 409 unless the intercept holds an answer', async () => {
    const id = await arm({ action: 'hold', path: '/tables/todoitem' });
    expect(await admin('POST', `/intercepts/${id}/release`)).toEqual({
      status: 409,
      json: { error: `intercept ${id} holds no answer (it is armed)` },
    });
    const pending = insert('a');
    await taken(id);
    await admin('POST', `/intercepts/${id}/release`);
    expect((await admin('POST', `/intercepts/${id}/lose`)).status).toBe(409);
    expect((await pending).status).toBe(201);
  });
});

describe('lose and fail', () => {
  test('lose: the server applies the request and the client gets a reset connection, no answer', async () => {
    const id = await arm({ action: 'lose', method: 'POST', path: '/tables/todoitem' });
    await expect(insert('a')).rejects.toThrow(/fetch failed/);
    expect(server.backend.rows('todoitem').map((row) => row.id)).toEqual(['a']);
    expect(await intercept(id)).toMatchObject({ state: 'lost', answerStatus: 201 });
    expect(await faults()).toEqual([
      {
        fault: 'intercept-lose',
        detail: { intercept: id, requestId: 1, method: 'POST', url: '/tables/todoitem', status: 201, applied: true },
      },
    ]);
  });

  test('fail: the client gets the status and a JSON error, and the request is not applied', async () => {
    await insert('a', 'v1');
    const id = await arm({ action: 'fail', method: 'PATCH', path: '/tables/todoitem/a', status: 503 });
    const response = await patch('a', 'v2');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: `syncwright serve: intercept ${id} failed this request on purpose`,
    });
    expect(server.backend.get('todoitem', 'a')!['text']).toBe('v1');
    expect(await faults()).toEqual([
      {
        fault: 'intercept-fail',
        detail: { intercept: id, method: 'PATCH', url: '/tables/todoitem/a', status: 503 },
      },
    ]);
  });

  test('fail answers 500 when no status is given', async () => {
    await arm({ action: 'fail', path: '/tables/todoitem' });
    expect((await insert('a')).status).toBe(500);
  });
});

describe('choosing the request', () => {
  test('the n-th matching request: earlier ones, other methods and other paths pass untouched', async () => {
    await insert('a');
    await insert('b');
    const id = await arm({ action: 'fail', method: 'PATCH', path: '/tables/todoitem/*', occurrence: 2, status: 500 });
    expect((await patch('a', '1')).status).toBe(200);
    expect((await insert('c')).status).toBe(201);
    expect((await fetch(`${server.url}/tables/todoitem?$top=1`, { headers: API })).status).toBe(200);
    expect((await patch('b', '2')).status).toBe(500);
    expect((await patch('b', '3')).status).toBe(200);
    expect(await intercept(id)).toMatchObject({ state: 'failed', matched: 2, request: { url: '/tables/todoitem/b' } });
  });

  test('the query string is not part of the path; * stays within a segment, ** crosses them', async () => {
    const star = await arm({ action: 'fail', method: 'GET', path: '/tables/*', status: 503 });
    expect((await fetch(`${server.url}/tables/todoitem/x`, { headers: API })).status).toBe(404);
    expect((await fetch(`${server.url}/tables/todoitem?$filter=text eq 'a/b'`, { headers: API })).status).toBe(503);
    expect(await intercept(star)).toMatchObject({ state: 'failed', matched: 1 });
    const globstar = await arm({ action: 'fail', method: 'GET', path: '/tables/**', status: 503 });
    expect((await fetch(`${server.url}/tables/todoitem/x`, { headers: API })).status).toBe(503);
    expect(await intercept(globstar)).toMatchObject({ state: 'failed' });
  });

  test('a request taken by an older intercept is not counted by a newer one', async () => {
    const older = await arm({ action: 'fail', path: '/tables/todoitem', status: 503 });
    const newer = await arm({ action: 'fail', path: '/tables/todoitem', status: 502 });
    expect((await insert('a')).status).toBe(503);
    expect(await intercept(newer)).toMatchObject({ state: 'armed', matched: 0 });
    expect((await insert('a')).status).toBe(502);
    expect((await intercept(older)).state).toBe('failed');
  });

  test('a disarmed intercept takes nothing; the list shows every intercept', async () => {
    const id = await arm({ action: 'fail', path: '/tables/todoitem' });
    expect((await admin('DELETE', `/intercepts/${id}`)).json).toMatchObject({ intercept: { state: 'disarmed' } });
    expect((await insert('a')).status).toBe(201);
    expect((await admin('DELETE', `/intercepts/${id}`)).status).toBe(409);
    expect((await admin('GET', '/intercepts')).json).toMatchObject({ intercepts: [{ id, state: 'disarmed' }] });
  });

  test('a reset loses held answers and forgets every intercept', async () => {
    const id = await arm({ action: 'hold', path: '/tables/todoitem' });
    const pending = insert('a');
    await taken(id);
    await admin('POST', '/reset');
    await expect(pending).rejects.toThrow(/fetch failed/);
    expect((await admin('GET', '/intercepts')).json).toEqual({ intercepts: [] });
    // The fresh history does not hear of the intercept from before the reset.
    expect(await faults()).toEqual([]);
    expect((await insert('a')).status).toBe(201);
  });
});

describe('bad input', () => {
  test.each([
    [{ path: '/tables/todoitem' }, 'action: expected one of "hold", "lose", "fail", found nothing'],
    [{ action: 'drop', path: '/x' }, 'action: expected one of "hold", "lose", "fail", found "drop"'],
    [{ action: 'hold' }, 'path: expected a path pattern starting with "/"'],
    [{ action: 'hold', path: 'tables' }, 'path: expected a path pattern starting with "/"'],
    [{ action: 'hold', path: '/a b' }, 'path: expected a path pattern starting with "/"'],
    [{ action: 'hold', path: `/${'a'.repeat(600)}` }, 'path: expected a path pattern starting with "/"'],
    [{ action: 'hold', path: `/${'*a'.repeat(30)}` }, 'path: expected at most 20 wildcards'],
    [{ action: 'hold', path: '/x', method: 'PA TCH' }, 'method: expected an HTTP method such as "PATCH"'],
    [{ action: 'hold', path: '/x', occurrence: 0 }, 'occurrence: expected a whole number from 1 to 1000000, found 0'],
    [{ action: 'hold', path: '/x', occurrence: 1e300 }, 'occurrence: expected a whole number from 1 to 1000000'],
    [{ action: 'hold', path: '/x', status: 500 }, 'status: expected nothing unless the action is "fail", found 500'],
    [{ action: 'fail', path: '/x', status: 200 }, 'status: expected an HTTP error status from 400 to 599, found 200'],
    [
      { action: 'fail', path: '/x', extra: 1 },
      'extra: no such field (allowed: action, method, path, occurrence, status)',
    ],
    [[1, 2], 'intercept: expected a JSON object body'],
  ])('%j is refused with 400', async (spec, message) => {
    const { status, json } = await admin('POST', '/intercepts', spec);
    expect(status).toBe(400);
    expect(String(json['error'])).toContain(message);
  });

  test('JSON nested 10,000 deep is refused with a short message', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const response = await fetch(`${server.url}/__syncwright/intercepts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"action":${deep},"path":"/x"}`,
    });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: string };
    expect(error).toBe(
      'body: expected JSON nested at most 256 levels deep, found deeper nesting at line 1, column 266',
    );
    expect(error.length).toBeLessThan(200);
    expect((await admin('GET', '/intercepts')).json).toEqual({ intercepts: [] });
  });

  test('unknown ids are 404, malformed ids 400, non-JSON changes 415', async () => {
    expect(await admin('GET', '/intercepts/99')).toEqual({ status: 404, json: { error: 'no intercept 99' } });
    expect((await admin('POST', '/intercepts/abc/release')).status).toBe(400);
    const response = await fetch(`${server.url}/__syncwright/intercepts`, {
      method: 'POST',
      body: 'action=hold&path=/x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(415);
  });

  test('a pattern built to backtrack still answers: matching is linear in the path', async () => {
    const pattern = `/${'**a'.repeat(6)}**b`;
    const id = await arm({ action: 'fail', method: 'GET', path: pattern, status: 503 });
    const url = `${server.url}/tables/${'a'.repeat(3000)}`;
    expect((await fetch(url, { headers: API })).status).toBe(404);
    expect(await intercept(id)).toMatchObject({ state: 'armed', matched: 0 });
  });

  test('at most 100 intercepts armed at once', async () => {
    for (let i = 0; i < 100; i++) await arm({ action: 'fail', path: `/n${i}` });
    expect(await admin('POST', '/intercepts', { action: 'fail', path: '/one-more' })).toEqual({
      status: 409,
      json: { error: 'at most 100 intercepts may be armed or held at once' },
    });
  });

  test('with an admin token, the intercepts need it too', async () => {
    await server.close();
    server = await startServer({ port: 0, adminToken: 'secret-token-1' });
    expect((await admin('POST', '/intercepts', { action: 'fail', path: '/x' })).status).toBe(401);
    const { status } = await admin(
      'POST',
      '/intercepts',
      { action: 'fail', path: '/x' },
      { authorization: 'Bearer secret-token-1' },
    );
    expect(status).toBe(201);
  });
});
