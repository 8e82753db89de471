import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBackend } from '../../src/backend/backend.js';
import { createApp, type ExpressAppOptions } from '../../src/serve/express.js';
import { createHandlers } from '../../src/serve/msw.js';
import { startServer } from '../../src/serve/serve.js';
import { parseTablesFile, TablesFileError } from '../../src/backend/tables-file.js';
import type { Backend } from '../../src/backend/types.js';
import type { HttpRequest } from '../../src/protocol/http.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { API, JSON_HEADERS, START } from './support.js';

/** What the suite compares across doors. */
interface Observed {
  status: number;
  body: string;
  etag: string | null;
  /** The Link header with its origin cut off: each door has its own. */
  link: string | null;
  contentType: string | null;
  serverVersion: string | null;
  cacheControl: string | null;
  allow: string | null;
}

type Door = (request: HttpRequest) => Promise<Observed>;

function observe(status: number, body: string, get: (name: string) => string | null): Observed {
  return {
    status,
    body,
    etag: get('etag'),
    link: get('link')?.replace(/^https?:\/\/[^/]+/, '') ?? null,
    contentType: get('content-type'),
    serverVersion: get('x-zumo-server-version'),
    cacheControl: get('cache-control'),
    allow: get('allow'),
  };
}

function fetchDoor(origin: string): Door {
  return async (request) => {
    const response = await fetch(`${origin}${request.url}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    return observe(response.status, await response.text(), (name) => response.headers.get(name));
  };
}

function inProcessDoor(backend: Backend): Door {
  return async (request) => {
    const response = await backend.handle(request);
    return observe(response.status, response.body, (name) => response.headers[name] ?? null);
  };
}

async function listen(backend: Backend, options: ExpressAppOptions = {}): Promise<{ origin: string; server: Server }> {
  const server = createServer(createApp(backend, options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

const newBackend = () => createBackend({ clock: new ManualClock(START), seed: 'doors', maxBodyBytes: 2048 });

const get = (url: string, headers: Record<string, string> = API): HttpRequest => ({ method: 'GET', url, headers });
const write = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): HttpRequest => ({
  method,
  url,
  headers: { ...JSON_HEADERS, ...headers },
  ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
});

/** The protocol cases, in order, each run on a fresh backend per door. */
const SCRIPT: HttpRequest[] = [
  write('POST', '/tables/todoitem', { id: 'a', text: 'apple', complete: false }),
  write('POST', '/tables/todoitem', { id: 'a', text: 'again' }),
  write('POST', '/tables/todoitem', { text: 'avocado' }),
  write('POST', '/tables/todoitem', { id: 'b', text: 'banana' }),
  write('POST', '/tables/todoitem', { id: 'c', text: 'apricot', complete: true }),
  get('/tables/todoitem/a'),
  write('PATCH', '/tables/todoitem/a', { text: 'stale' }, { 'if-match': '"not-the-version"' }),
  write('PATCH', '/tables/todoitem/a', { text: 'stale', version: 'not-the-version' }),
  write('PATCH', '/tables/todoitem/a', { complete: true }),
  write('DELETE', '/tables/todoitem/b'),
  get('/tables/todoitem/b'),
  get('/tables/todoitem/b?__includeDeleted=true'),
  write('POST', '/tables/todoitem/b'),
  write('DELETE', '/tables/todoitem/c'),
  get(
    "/tables/todoitem?__includeDeleted=true&$filter=startswith(text,'a')&$orderby=updatedAt&$top=2&$inlinecount=allpages",
  ),
  get(
    "/tables/todoitem?$filter=(updatedAt%20ge%20datetimeoffset'1969-12-31T00:00:00.000Z')&$orderby=updatedAt&$top=2&$skip=2&__includeDeleted=true",
  ),
  get('/tables/todoitem?$select=id,text&$orderby=text desc'),
  get('/tables/todoitem'),
  // Bad input.
  write('POST', '/tables/todoitem', '{"text": '),
  write('POST', '/tables/todoitem', '{"text":"x"}', { 'content-type': 'text/plain' }),
  write('POST', '/tables/todoitem', '[1,2]'),
  write('POST', '/tables/todoitem', { id: 'x', complete: 'yes' }),
  write('POST', '/tables/todoitem', { id: 'x', updatedAt: '2026-01-01T00:00:00Z' }),
  write('POST', '/tables/todoitem', { id: 'big', text: 'x'.repeat(3000) }),
  write('PATCH', '/tables/todoitem/a', { id: 'other' }),
  write('PATCH', '/tables/todoitem/zzz', { text: 'x' }),
  write('PUT', '/tables/todoitem/a', { text: 'x' }),
  get(`/tables/todoitem/${'x'.repeat(300)}`),
  get('/tables/nope'),
  get('/tables/todoitem?$filter=text eq'),
  get('/tables/todoitem?$filter=colour eq 1'),
  get("/tables/todoitem?$filter=text eq 'x'' ; DROP TABLE todoitem; --'"),
  get('/tables/todoitem?$orderby=colour'),
  get('/tables/todoitem?$top=1001'),
  get('/tables/todoitem?$top=-1'),
  get('/tables/todoitem', {}),
  get('/tables/todoitem?ZUMO-API-VERSION=2.0.0'),
  { method: 'OPTIONS', url: '/tables/todoitem', headers: {} },
];

async function runScript(door: Door): Promise<Observed[]> {
  const results: Observed[] = [];
  for (const request of SCRIPT) results.push(await door(request));
  return results;
}

describe('three front doors over one core', () => {
  let inProcess: Observed[];
  let overExpress: Observed[];
  let overMsw: Observed[];

  beforeAll(async () => {
    inProcess = await runScript(inProcessDoor(await newBackend()));

    const expressBackend = await newBackend();
    const { origin, server } = await listen(expressBackend);
    try {
      overExpress = await runScript(fetchDoor(origin));
    } finally {
      await close(server);
    }

    const baseUrl = 'http://syncwright.test';
    const mswServer = setupServer(...createHandlers(await newBackend(), { baseUrl }));
    mswServer.listen({ onUnhandledRequest: 'error' });
    try {
      overMsw = await runScript(fetchDoor(baseUrl));
    } finally {
      mswServer.close();
    }
  });

  test('the script covers the interesting answers', () => {
    expect(new Set(inProcess.map((o) => o.status))).toEqual(new Set([200, 201, 400, 404, 405, 409, 412, 413, 415]));
    expect(inProcess.some((o) => o.link !== null)).toBe(true);
  });

  test('express answers every case exactly as the in-process core does', () => {
    SCRIPT.forEach((request, i) => expect(overExpress[i], `${request.method} ${request.url}`).toEqual(inProcess[i]));
  });

  test('msw handlers answer every case exactly as the in-process core does', () => {
    SCRIPT.forEach((request, i) => expect(overMsw[i], `${request.method} ${request.url}`).toEqual(inProcess[i]));
  });

  test('the Link header is absolute on every door, built on the address the request reached', () => {
    const index = SCRIPT.findIndex((request) => request.url.includes('$inlinecount'));
    expect(inProcess[index]!.link).toBe(
      "/tables/todoitem?__includeDeleted=true&%24filter=startswith(text%2C'a')&%24orderby=updatedAt&%24top=2&%24inlinecount=allpages&%24skip=2; rel=next",
    );
  });
});

describe('the express front door', () => {
  let backend: Backend;
  let origin: string;
  let server: Server;

  beforeAll(async () => {
    backend = await createBackend({ clock: new ManualClock(START), seed: 'cors', maxBodyBytes: 1024 });
    ({ origin, server } = await listen(backend, { corsOrigins: ['http://app.test'] }));
  });
  afterAll(() => close(server));

  test('answers a CORS preflight from an allowed origin as the server answers OPTIONS, with CORS headers', async () => {
    const response = await fetch(`${origin}/tables/todoitem/a`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.test',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'content-type,if-match,zumo-api-version',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('allow')).toBe('GET,HEAD,POST,PATCH,DELETE');
    expect(response.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(response.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type,if-match,zumo-api-version');
  });

  test('exposes ETag and Link to browser apps of allowed origins', async () => {
    const response = await fetch(`${origin}/tables/todoitem`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, origin: 'http://app.test' },
      body: '{"id":"c1"}',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(response.headers.get('access-control-expose-headers')).toBe('ETag, Link');
    expect(response.headers.get('vary')).toBe('Origin');
  });

  test('gives other origins no CORS headers', async () => {
    const response = await fetch(`${origin}/tables/todoitem`, { headers: { ...API, origin: 'http://evil.test' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('answers a body over the limit with a JSON 413 and stores nothing', async () => {
    const response = await fetch(`${origin}/tables/todoitem`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ id: 'huge', text: 'x'.repeat(200_000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'The request body is larger than the limit of 1024 bytes' });
    expect(backend.get('todoitem', 'huge')).toBeUndefined();
  });

  test("sends the core's ETag (the weak one the real server's express computes), none of its own, and no x-powered-by", async () => {
    const response = await fetch(`${origin}/tables/todoitem`, { headers: API });
    const core = await backend.handle({ method: 'GET', url: '/tables/todoitem', headers: API });
    expect(response.headers.get('etag')).toBe(core.headers.etag);
    expect(response.headers.get('etag')).toMatch(/^W\/"[0-9a-f]+-/);
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});

describe('syncwright serve', () => {
  test('mirrors the curl session of docs/concepts/backend.md against a real server on 127.0.0.1', async () => {
    const server = await startServer({ port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
        fetch(`${server.url}${path}`, {
          method,
          headers: { ...JSON_HEADERS, ...headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });

      const created = await call('POST', '/tables/todoitem', { id: 'item-1', text: 'buy apples', complete: false });
      expect(created.status).toBe(201);
      const record = (await created.json()) as { version: string };
      expect(created.headers.get('etag')).toBe(`"${record.version}"`);

      const again = await call('POST', '/tables/todoitem', { id: 'item-1', text: 'buy avocados' });
      expect(again.status).toBe(409);
      expect(await again.json()).toEqual({ id: 'item-1', text: 'buy avocados' });

      await call('PATCH', '/tables/todoitem/item-1', { complete: true });
      const stale = await call(
        'PATCH',
        '/tables/todoitem/item-1',
        { text: 'stale edit' },
        { 'if-match': `"${record.version}"` },
      );
      expect(stale.status).toBe(412);
      const current = (await stale.json()) as { version: string };
      expect(current).toMatchObject({ id: 'item-1', text: 'buy apples', complete: true });
      expect(stale.headers.get('etag')).toBe(`"${current.version}"`);

      const deleted = await call('DELETE', '/tables/todoitem/item-1');
      expect(deleted.status).toBe(200);
      expect(await deleted.json()).toMatchObject({ id: 'item-1', deleted: true });

      const query = await fetch(
        `${server.url}/tables/todoitem?__includeDeleted=true&$filter=startswith(text,'a')&$orderby=updatedAt&$top=2&$inlinecount=allpages`,
        { headers: API },
      );
      expect(query.status).toBe(200);
      expect(await query.json()).toEqual({ results: [], count: 0 });
      const buys = await fetch(
        `${server.url}/tables/todoitem?__includeDeleted=true&$filter=startswith(text,'buy')&$inlinecount=allpages`,
        { headers: API },
      );
      expect(((await buys.json()) as { count: number }).count).toBe(1);
    } finally {
      await server.close();
    }
  });

  test('serves the tables of a tables file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syncwright-tables-'));
    try {
      const file = join(dir, 'tables.json');
      await writeFile(
        file,
        JSON.stringify({ tables: [{ name: 'note', columns: { body: 'string', pinned: 'boolean' }, pageSize: 10 }] }),
      );
      const server = await startServer({ port: 0, tablesFile: file });
      try {
        const response = await fetch(`${server.url}/tables/note`, {
          method: 'POST',
          headers: JSON_HEADERS,
          body: '{"body":"hi","pinned":true}',
        });
        expect(response.status).toBe(201);
        expect((await fetch(`${server.url}/tables/todoitem`, { headers: API })).status).toBe(404);
      } finally {
        await server.close();
      }
      await writeFile(file, '{"tables":[{"name":"note","columns":{"done":"bool"}}]}');
      await expect(startServer({ port: 0, tablesFile: file })).rejects.toThrow(
        `${file}: tables[0].columns.done: expected one of "string", "number", "boolean", "date", "object", but found "bool"`,
      );
      await expect(startServer({ port: 0, tablesFile: join(dir, 'missing.json') })).rejects.toThrow(
        /missing\.json: expected a readable JSON file of table definitions, but found no such file/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('reports a port in use clearly', async () => {
    const first = await startServer({ port: 0 });
    try {
      const port = Number(new URL(first.url).port);
      await expect(startServer({ port })).rejects.toThrow(`Cannot listen on 127.0.0.1:${port}: the port is in use`);
    } finally {
      await first.close();
    }
  });
});

describe('tables files', () => {
  const error = (text: string): TablesFileError => {
    try {
      parseTablesFile(text, 'tables.json');
    } catch (caught) {
      if (caught instanceof TablesFileError) return caught;
      throw caught;
    }
    throw new Error('expected the file to be refused');
  };

  test('accept { tables: [...] } and a bare array, filling in defaults', () => {
    const tables = parseTablesFile('[{"name":"todoitem","columns":{"text":"string"}}]');
    expect(tables).toEqual([
      { name: 'todoitem', columns: { text: 'string' }, pageSize: 50, maxTop: 1000, softDelete: true },
    ]);
    expect(parseTablesFile('{"tables":[{"name":"a","columns":{},"softDelete":false}]}')[0]!.softDelete).toBe(false);
  });

  test.each([
    ['{"tables": [', '', 'valid JSON'],
    ['42', '', '{ "tables": [ … ] } or an array of table definitions'],
    ['{"table": []}', 'table', "only the key 'tables'"],
    ['{"tables": {}}', 'tables', 'an array of table definitions'],
    ['{"tables": []}', 'tables', 'at least one table'],
    [
      '[{"name":"a b","columns":{}}]',
      '[0].name',
      'a table name made of letters, digits and _ (not starting with a digit)',
    ],
    ['[{"name":"a"}]', '[0].columns', 'an object mapping column names to types'],
    [
      '[{"name":"a","columns":{"id":"string"}}]',
      '[0].columns.id',
      'a column that is not a system property (id, createdAt, updatedAt, version, deleted are implicit)',
    ],
    ['[{"name":"a","columns":{},"pageSize":0}]', '[0].pageSize', 'a positive integer no larger than maxTop (1000)'],
    ['[{"name":"a","columns":{},"maxTop":-5}]', '[0].maxTop', 'a positive integer'],
    ['[{"name":"a","columns":{},"softDelete":"yes"}]', '[0].softDelete', 'true or false'],
    [
      '[{"name":"a","columns":{},"colour":1}]',
      '[0].colour',
      'one of name, columns, pageSize, maxTop, softDelete, autoIncrement, references',
    ],
    ['[{"name":"a","columns":{}},{"name":"A","columns":{}}]', '[1].name', 'a table name not used by an earlier table'],
  ])('%s is refused at %j: expected %s', (text, path, expected) => {
    const refused = error(text);
    expect(refused.file).toBe('tables.json');
    expect(refused.path).toBe(path);
    expect(refused.expected).toBe(expected);
    expect(refused.message.startsWith('tables.json: ')).toBe(true);
  });
});
