import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test, expect } from 'vitest';
import { MobileServiceClient } from '../../src/client/client.js';
import { createFetchTransport } from '../../src/client/http.js';
import { Query } from '../../src/client/query.js';
import { SqlJsStore } from '../../src/client/sqljs-store.js';
import { TransportError } from '../../src/protocol/http.js';
import type { Backend } from '../../src/backend/types.js';
import { createWorld, TODO_COLUMNS } from './helpers.js';

/** The backend behind a plain node:http server on 127.0.0.1, port 0. */
async function listen(backend: Backend): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      const body = Buffer.concat(chunks).toString('utf8');
      void backend
        .handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers, ...(body === '' ? {} : { body }) })
        .then((response) => {
          res.writeHead(response.status, response.headers);
          res.end(response.body);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the default fetch transport', () => {
  test('a client with no transport syncs over real HTTP', async () => {
    const world = await createWorld();
    const { server, url } = await listen(world.backend);
    try {
      world.backend.insert('todoitem', { id: 'server', text: 'from the server' });
      const client = new MobileServiceClient(`${url}/`);
      const store = new SqlJsStore();
      await store.defineTable({ name: 'todoitem', columnDefinitions: TODO_COLUMNS });
      const context = client.getSyncContext();
      await context.initialize(store);
      await client.getSyncTable('todoitem').insert({ id: 'local', text: 'from the app' });
      await context.push();
      await context.pull(new Query('todoitem'));
      expect(world.backend.get('todoitem', 'local')).toMatchObject({ text: 'from the app' });
      expect((await context.read(new Query('todoitem').orderBy('id'))).map((r) => r['id'])).toEqual([
        'local',
        'server',
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('a refused connection is a TransportError of kind network', async () => {
    const world = await createWorld();
    const { server, url } = await listen(world.backend);
    await new Promise((resolve) => server.close(resolve));
    const transport = createFetchTransport(url);
    const failure = await transport({ method: 'GET', url: '/tables/todoitem', headers: {} }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).kind).toBe('network');
    expect((failure as TransportError).message).toMatch(/^Unexpected connection failure/);
  });

  test('an invalid URL is a TransportError, not a crash', async () => {
    const transport = createFetchTransport('not a url at all');
    await expect(transport({ method: 'GET', url: '/tables/todoitem', headers: {} })).rejects.toThrow(TransportError);
  });
});
