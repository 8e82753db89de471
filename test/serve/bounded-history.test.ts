/**
 * serve's history is bounded: the newest events up to a count and a size, long bodies as their
 * length and digest, what was dropped counted and said; the admin API pages through it and
 * streams an export; checks over it say "unknown" for what they cannot see.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { runCheckers } from '../../src/check/index.js';
import type { HistoryEvent } from '../../src/kernel/history.js';
import { DEFAULT_HISTORY_LIMIT } from '../../src/kernel/history-limit.js';
import { startServer, type RunningServer } from '../../src/serve/serve.js';

const API = { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' };

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Page {
  events: HistoryEvent[];
  total: number;
  kept: number;
  dropped: { events: number; bytes: number; elidedBodies: number };
  next: number | null;
  note?: string;
}

async function page(query: string): Promise<Page> {
  const response = await fetch(`${server!.url}/__syncwright/history${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
}

describe('serve’s bounded history', () => {
  test('keeps the newest events, counts what it dropped, and pages through the rest', async () => {
    server = await startServer({ port: 0, historyLimit: { ...DEFAULT_HISTORY_LIMIT, maxEvents: 100 } });
    for (let i = 0; i < 120; i++) {
      const response = await fetch(`${server.url}/tables/todoitem?$top=1`, { headers: API });
      expect(response.status).toBe(200);
    }
    // Each request is an http-request and an http-response event.
    const first = await page('?limit=25');
    expect(first.total).toBe(240);
    expect(first.kept).toBeLessThanOrEqual(100);
    expect(first.dropped.events).toBe(240 - first.kept);
    expect(first.note).toMatch(/^the \d+ oldest of 240 events were dropped \(the history keeps at most 100 events/);
    expect(first.events).toHaveLength(25);
    expect(first.events[0]!.seq).toBe(first.dropped.events);
    // Following `next` walks every kept event once, in order.
    const seen: number[] = first.events.map((event) => event.seq);
    for (let cursor = first.next; cursor !== null;) {
      const next = await page(`?after=${cursor}&limit=25`);
      seen.push(...next.events.map((event) => event.seq));
      cursor = next.next;
    }
    expect(seen).toEqual(Array.from({ length: first.kept }, (_, i) => first.dropped.events + i));
    // The older form still works: events from a seq on.
    expect((await page('?since=230')).events.map((event) => event.seq)).toEqual([
      230, 231, 232, 233, 234, 235, 236, 237, 238, 239,
    ]);
    const faults = (await (await fetch(`${server.url}/__syncwright/faults`)).json()) as Record<string, unknown>;
    expect(faults).toMatchObject({ events: first.kept, eventsDropped: first.dropped.events });
  });

  test('a page asks for sensible numbers', async () => {
    server = await startServer({ port: 0 });
    for (const [query, message] of [
      ['?after=-2', /after: expected a whole number >= -1/],
      ['?limit=0', /limit: expected a whole number from 1 to 10000/],
      ['?limit=1e3', /limit: expected a whole number/],
      ['?after=99999999999999999999', /after: expected a whole number/],
    ] as const) {
      const response = await fetch(`${server.url}/__syncwright/history${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
  });

  test('long bodies are kept as their length and SHA-256; the export streams the whole kept history', async () => {
    server = await startServer({ port: 0 });
    const big = JSON.stringify({ id: 'big', text: 'x'.repeat(50_000) });
    expect((await fetch(`${server.url}/tables/todoitem`, { method: 'POST', headers: API, body: big })).status).toBe(
      201,
    );
    const small = JSON.stringify({ id: 'small', text: 'short' });
    expect((await fetch(`${server.url}/tables/todoitem`, { method: 'POST', headers: API, body: small })).status).toBe(
      201,
    );
    const response = await fetch(`${server.url}/__syncwright/history/export`);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment/);
    const exported = (await response.json()) as Page;
    expect(exported.total).toBe(4);
    expect(exported.dropped).toEqual({ events: 0, bytes: 0, elidedBodies: 2 });
    expect(exported.note).toMatch(/2 bodies over 4096 bytes are kept as their length and SHA-256 only/);
    const [request, answer, smallRequest] = exported.events as Extract<HistoryEvent, { kind: 'http-request' }>[];
    expect(request).toMatchObject({
      kind: 'http-request',
      bodyElided: { bytes: big.length, sha256: createHash('sha256').update(big).digest('hex') },
    });
    expect(request!.request.body).toBeUndefined();
    expect(answer).toMatchObject({ kind: 'http-response', bodyElided: { bytes: expect.any(Number) } });
    expect(smallRequest!.request.body).toBe(small);
    // The server itself kept the whole record: only the history is bounded.
    expect(server.backend.get('todoitem', 'big')?.['text']).toHaveLength(50_000);
  });

  test('checks over a trimmed history report unknown, never a violation', async () => {
    server = await startServer({ port: 0, historyLimit: { ...DEFAULT_HISTORY_LIMIT, maxEvents: 100 } });
    for (let i = 0; i < 60; i++) {
      const body = JSON.stringify({ id: `r${i}`, text: 'x' });
      await fetch(`${server.url}/tables/todoitem`, { method: 'POST', headers: API, body });
    }
    const editor = await fetch(`${server.url}/__syncwright/tables/todoitem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ record: { id: 'e1', text: 'by another user' } }),
    });
    expect(editor.status).toBe(201);
    const exported = (await (await fetch(`${server.url}/__syncwright/history/export`)).json()) as Page;
    expect(exported.dropped.events).toBeGreaterThan(0);
    const results = runCheckers(exported.events);
    expect(results.filter((result) => !result.valid)).toEqual([]);
    expect(
      results.every(
        (result) => result.unknown === `the history is incomplete (${exported.dropped.events} events were dropped)`,
      ),
    ).toBe(true);
  });

  test('a reset starts a fresh history with nothing dropped', async () => {
    server = await startServer({ port: 0, historyLimit: { ...DEFAULT_HISTORY_LIMIT, maxEvents: 100 } });
    for (let i = 0; i < 80; i++) await fetch(`${server.url}/tables/todoitem`, { headers: API });
    expect((await page('')).dropped.events).toBeGreaterThan(0);
    const reset = await fetch(`${server.url}/__syncwright/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(reset.status).toBe(200);
    expect(await page('')).toMatchObject({ events: [], total: 0, kept: 0, next: null });
  });
});
