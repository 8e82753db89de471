/**
 * `createHandlers(backend, { faults, seed })`: the msw door takes serve's fault options, checked
 * by the same code, and applies them as serve does — a lost answer is a network error in
 * `fetch`, an error status never reaches the backend, a seed repeats the chances.
 */
import { setupServer } from 'msw/node';
import { afterEach, describe, expect, test } from 'vitest';
import { createBackend } from '../../src/backend/backend.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { FaultPlanError } from '../../src/network/validate.js';
import { createHandlers, type MswHandlerOptions } from '../../src/serve/msw.js';
import type { ServeFaults } from '../../src/serve/serve-faults.js';
import { startServer } from '../../src/serve/serve.js';
import type { Backend } from '../../src/backend/types.js';

const BASE = 'http://faulty.test';
const API = { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' };

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});

async function mocked(options: Omit<MswHandlerOptions, 'baseUrl'>): Promise<Backend> {
  const backend = await createBackend({ clock: new ManualClock(), seed: 'msw-faults' });
  const server = setupServer(...createHandlers(backend, { baseUrl: BASE, ...options }));
  server.listen({ onUnhandledRequest: 'error' });
  close = () => {
    server.close();
    backend.close();
  };
  return backend;
}

/** The statuses of `count` reads, 0 for a network error. */
async function statuses(count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++)
    seen.push(
      await fetch(`${BASE}/tables/todoitem`, { headers: API }).then(
        (r) => r.status,
        () => 0,
      ),
    );
  return seen;
}

describe('msw handlers with faults', () => {
  test('a lost answer: the write is applied and fetch fails as on a dropped connection', async () => {
    const backend = await mocked({ faults: { lostResponseRate: 1 } });
    const insert = fetch(`${BASE}/tables/todoitem`, {
      method: 'POST',
      headers: API,
      body: JSON.stringify({ id: 'a', text: 'did it arrive?' }),
    });
    await expect(insert).rejects.toThrow(TypeError);
    expect(backend.rows('todoitem').map((row) => row.id)).toEqual(['a']);
  });

  test('an error status answers without reaching the backend', async () => {
    const backend = await mocked({ faults: { errorRate: 1, errorStatus: 503 } });
    const insert = await fetch(`${BASE}/tables/todoitem`, {
      method: 'POST',
      headers: API,
      body: JSON.stringify({ id: 'b', text: 'never stored' }),
    });
    expect(insert.status).toBe(503);
    expect(await insert.json()).toEqual({ error: 'Service Unavailable' });
    expect(backend.rows('todoitem')).toEqual([]);
  });

  test('a fault plan applies as on serve: the second request fails, offline drops them all', async () => {
    await mocked({
      faults: {
        plan: { default: { faults: [{ effect: { kind: 'http-error', status: 502 }, when: { request: 2 } }] } },
      },
    });
    expect(await statuses(3)).toEqual([200, 502, 200]);
    close?.();
    await mocked({ faults: { offline: true } });
    expect(await statuses(2)).toEqual([0, 0]);
  });

  test('the same seed gives the same faults; another seed, others', async () => {
    const faults: ServeFaults = { errorRate: 0.5, errorStatus: 503 };
    await mocked({ faults, seed: 'one' });
    const first = await statuses(24);
    close?.();
    await mocked({ faults, seed: 'one' });
    const again = await statuses(24);
    close?.();
    await mocked({ faults, seed: 'two' });
    const other = await statuses(24);
    expect(new Set(first)).toEqual(new Set([200, 503]));
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  test('without faults the handlers call the backend directly, as before', async () => {
    await mocked({});
    expect(await statuses(2)).toEqual([200, 200]);
  });

  test('faults are checked by the same code as serve’s, with the same words', async () => {
    const backend = await createBackend({ clock: new ManualClock(), seed: 'bad' });
    const bad: unknown[] = [
      { errorRate: 2 },
      { bogus: 1 },
      { offline: 'yes' },
      { latency: 1.5 },
      { plan: { default: { restarts: [{ when: { at: 5 } }] } } },
      'everything',
    ];
    for (const faults of bad) {
      let mswError: unknown;
      try {
        createHandlers(backend, { baseUrl: BASE, faults: faults as ServeFaults });
      } catch (error) {
        mswError = error;
      }
      expect(mswError, JSON.stringify(faults)).toBeInstanceOf(FaultPlanError);
      await expect(startServer({ port: 0, faults: faults as ServeFaults })).rejects.toThrow(
        (mswError as Error).message,
      );
    }
    expect((await startServerError({ bogus: 1 })).message).toBe(
      'invalid fault plan:\n  bogus: expected a fault field (latency, errorRate, errorStatus, lostResponseRate, offline, plan), found a field of another name',
    );
    backend.close();
  });
});

async function startServerError(faults: unknown): Promise<Error> {
  return startServer({ port: 0, faults: faults as ServeFaults }).then(
    async (server) => {
      await server.close();
      throw new Error('started');
    },
    (error: Error) => error,
  );
}
