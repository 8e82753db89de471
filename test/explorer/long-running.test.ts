/**
 * The explorer as a long-running server: the Host allow-list with --allowed-host, JSON nested
 * 10,000 deep refused with one message, and a session whose history stops growing at its limit.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import * as input from '../../src/explorer/input.js';
import { startExplorer, type RunningExplorer } from '../../src/explorer/server.js';
import { ExplorerSession } from '../../src/explorer/session.js';
import type { TableDefinition } from '../../src/protocol/records.js';

const DEEP = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

let explorer: RunningExplorer | undefined;
afterEach(async () => {
  await explorer?.close();
  explorer = undefined;
});

function status(url: string, pathname: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: Number(new URL(url).port), path: pathname, headers: { host } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function post(path: string, body: string): Promise<{ status: number; error: string }> {
  const response = await fetch(`${explorer!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, error: ((await response.json()) as { error: string }).error };
}

describe('the explorer server', () => {
  test('answers this machine’s names and --allowed-host names, on any port; nothing else', async () => {
    explorer = await startExplorer({ port: 0, allowedHosts: ['devbox.local'] });
    const port = new URL(explorer.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'devbox.local:8080'])
      expect(await status(explorer.url, '/api/state', host), host).toBe(200);
    expect(await status(explorer.url, '/api/state', `rebind.example:${port}`)).toBe(403);
    expect(await status(explorer.url, '/', `rebind.example:${port}`)).toBe(403);
  });

  test('JSON nested 10,000 deep gets one short 400, in a request and in an uploaded results file', async () => {
    explorer = await startExplorer({ port: 0 });
    const operation = await post('/api/clients/client-1/operations', `{"type":"insert","record":${DEEP}}`);
    expect(operation).toEqual({
      status: 400,
      error: 'body: expected JSON nested at most 256 levels deep, found deeper nesting at line 1, column 282',
    });
    const results = await post('/api/counterexamples', `{"tool":{"name":"syncwright"},"scenarios":${DEEP}}`);
    expect(results.status).toBe(400);
    expect(results.error).toMatch(
      /^the uploaded file: expected JSON nested at most 256 levels deep, found deeper nesting at line 1, column \d+$/,
    );
    expect((await fetch(`${explorer.url}/api/state`)).status).toBe(200);
  });
});

describe('a session’s history limit', () => {
  test('past the limit, actions that grow the history are refused; undo, checks and saving go on', async () => {
    const session = await ExplorerSession.create({
      clients: 1,
      historyLimit: { maxEvents: 12, maxBytes: 1024 * 1024 },
    });
    try {
      let refused: unknown;
      for (let i = 0; i < 20 && refused === undefined; i++) {
        await session
          .clientOperation('client-1', { type: 'insert', table: 'todoitem', record: { text: `n${i}` } })
          .then(() => session.clientOperation('client-1', { type: 'push' }))
          .catch((error: unknown) => (refused = error));
      }
      expect(refused).toMatchObject({ status: 409 });
      expect(String((refused as Error).message)).toMatch(
        /^the session's history holds \d+ events \(\d+ KiB\), its limit is 12 events and 1024 KiB: save the session, undo or reset/,
      );
      const events = session.history.length;
      expect(events).toBeGreaterThanOrEqual(12);
      // What does not grow the history still works, and undo makes room again.
      expect(session.toScenario('saved').steps!.length).toBeGreaterThan(0);
      expect((await session.check('now')).checks.length).toBeGreaterThan(0);
      await session.undo();
      expect(session.history.length).toBeLessThan(events);
    } finally {
      await session.close();
    }
  });

  test('a byte limit works the same way', async () => {
    const session = await ExplorerSession.create({ clients: 1, historyLimit: { maxEvents: 100_000, maxBytes: 2000 } });
    try {
      await expect(
        (async () => {
          for (let i = 0; i < 50; i++) await session.note('x'.repeat(200));
        })(),
      ).rejects.toThrow(/its limit is 100000 events and 2 KiB/);
    } finally {
      await session.close();
    }
  });
});

describe('explorer input within the backend’s limits', () => {
  test('a record larger than the backend’s body limit is refused by the parser', () => {
    const table: TableDefinition = { name: 'notes', columns: { data: 'object' } };
    const data = Array.from({ length: 200 }, () => 'x'.repeat(9000));
    expect(() => input.clientOperation({ type: 'insert', table: 'notes', record: { id: 'a', data } }, [table])).toThrow(
      /^record: expected a record of at most 1 MiB as JSON, found "1\.7 MiB"$/,
    );
  });
});
