import { describe, expect, test } from 'vitest';
import type { Backend } from '../../src/backend/types.js';
import { and, compare, dateLiteral, property, type FilterExpression } from '../../src/protocol/odata/ast.js';
import { parseFilter } from '../../src/protocol/odata/parser.js';
import { formatTableQuery } from '../../src/protocol/odata/query.js';
import type { ServerRecord } from '../../src/protocol/records.js';
import { newBackend, send, START } from './support.js';

async function withItems(count: number, options: Parameters<typeof newBackend>[0] = {}) {
  const context = await newBackend(options);
  const table = options.tables?.[0]?.name ?? 'todoitem';
  for (let i = 0; i < count; i++) context.backend.insert(table, { id: `r${String(i).padStart(4, '0')}` });
  return context;
}

describe('page size and $top limits', () => {
  test('without $top a page holds the table page size (50) and a full page carries Link rel=next', async () => {
    const { backend } = await withItems(120);
    const reply = await send(backend, 'GET', '/tables/todoitem');
    expect(reply.json).toHaveLength(50);
    expect(reply.headers.link).toBe('http://localhost/tables/todoitem?%24top=50&%24skip=50; rel=next');
  });

  test('a partial page has no Link header; neither has an empty one', async () => {
    const { backend } = await withItems(120);
    const last = await send(backend, 'GET', '/tables/todoitem?$skip=100');
    expect(last.json).toHaveLength(20);
    expect(last.headers.link).toBeUndefined();
    expect((await send(backend, 'GET', '/tables/todoitem?$skip=500')).headers.link).toBeUndefined();
  });

  test('$top above the table maximum answers 400; $top at the maximum is served', async () => {
    const { backend } = await withItems(3);
    const over = await send(backend, 'GET', '/tables/todoitem?$top=1001');
    expect(over.status).toBe(400);
    expect(over.json).toEqual({ error: 'You cannot request more than 1000 records' });
    expect((await send(backend, 'GET', '/tables/todoitem?$top=1000')).status).toBe(200);
  });

  test('$top between the page size and the maximum returns that many records', async () => {
    const { backend } = await withItems(120);
    expect((await send(backend, 'GET', '/tables/todoitem?$top=80')).json).toHaveLength(80);
  });

  test('$top=0 counts as absent: the page size applies', async () => {
    const { backend } = await withItems(60);
    expect((await send(backend, 'GET', '/tables/todoitem?$top=0')).json).toHaveLength(50);
  });

  test('a negative $top answers 400 instead of returning every row', async () => {
    const { backend } = await withItems(3);
    const reply = await send(backend, 'GET', '/tables/todoitem?$top=-1');
    expect(reply.status).toBe(400);
    expect(reply.json.error).toContain('$top');
  });

  test('page size and maximum are per table', async () => {
    const { backend } = await withItems(12, { tables: [{ name: 'small', columns: {}, pageSize: 5, maxTop: 10 }] });
    expect((await send(backend, 'GET', '/tables/small')).json).toHaveLength(5);
    expect((await send(backend, 'GET', '/tables/small?$top=11')).json).toEqual({
      error: 'You cannot request more than 10 records',
    });
  });
});

describe('the Link header', () => {
  test('is absolute, built on the Host header of the request', async () => {
    const { backend } = await withItems(3);
    const reply = await backend.handle({
      method: 'GET',
      url: '/tables/todoitem?$top=2',
      headers: { 'zumo-api-version': '2.0.0', host: 'example.test:8080' },
    });
    expect(reply.headers.link).toBe('http://example.test:8080/tables/todoitem?%24top=2&%24skip=2; rel=next');
  });

  test('uses the base URL a front door passes, then the backend default', async () => {
    const { backend } = await withItems(3, { baseUrl: 'https://fallback.test/' });
    const request = { method: 'GET', url: '/tables/todoitem?$top=1', headers: { 'zumo-api-version': '2.0.0' } };
    expect((await backend.handle(request, { baseUrl: 'https://app.example.com' })).headers.link).toBe(
      'https://app.example.com/tables/todoitem?%24top=1&%24skip=1; rel=next',
    );
    expect((await backend.handle(request)).headers.link).toBe(
      'https://fallback.test/tables/todoitem?%24top=1&%24skip=1; rel=next',
    );
  });

  test('ignores a Host header that is not a host name', async () => {
    const { backend } = await withItems(3);
    const reply = await backend.handle({
      method: 'GET',
      url: '/tables/todoitem?$top=1',
      headers: { 'zumo-api-version': '2.0.0', host: 'evil.test/><script>' },
    });
    expect(reply.headers.link).toBe('http://localhost/tables/todoitem?%24top=1&%24skip=1; rel=next');
  });

  test('keeps every parameter in its place, sets $top and grows $skip in place, and encodes them as querystring does', async () => {
    const { backend } = await withItems(10);
    const reply = await send(
      backend,
      'GET',
      "/tables/todoitem?ZUMO-API-VERSION=2.0.0&$filter=id ne 'x'&$orderby=id desc&$top=3&$skip=2&__includeDeleted=true&$inlinecount=allpages",
    );
    expect(reply.headers.link).toBe(
      "http://localhost/tables/todoitem?ZUMO-API-VERSION=2.0.0&%24filter=id%20ne%20'x'&%24orderby=id%20desc&%24top=3&%24skip=5&__includeDeleted=true&%24inlinecount=allpages; rel=next",
    );
  });

  test('followed from page to page, it visits every record exactly once', async () => {
    const { backend } = await withItems(123);
    const seen: string[] = [];
    let url: string | undefined = '/tables/todoitem?$orderby=id';
    while (url !== undefined) {
      const reply = await send(backend, 'GET', url);
      seen.push(...reply.json.map((record: ServerRecord) => record.id));
      const link = reply.headers.link;
      url = link === undefined ? undefined : /^http:\/\/localhost(\S*); rel=next$/.exec(link)![1];
    }
    expect(seen).toEqual(backend.rows('todoitem').map((record) => record.id));
  });
});

/**
 * The real JS client's incremental pull (azure-mobile-apps-client 2.0.1, sync/pull.js): pages of
 * `updatedAt ge <bound>` ordered by updatedAt; if a page ends on the bound, the next page grows
 * `$skip` by the page length, otherwise the bound moves to the last updatedAt and `$skip` goes;
 * it stops on an empty page.
 */
async function pullLikeTheJsClient(backend: Backend, table: string, userFilter?: FilterExpression) {
  const urls: string[] = [];
  const pages: ServerRecord[][] = [];
  let bound = Date.UTC(1969, 11, 31);
  let skip = 0;
  for (;;) {
    const since = compare('ge', property('updatedAt'), dateLiteral(bound));
    const query = formatTableQuery({
      filter: userFilter === undefined ? since : and(userFilter, since),
      orderBy: [{ property: 'updatedAt', direction: 'asc' }],
      top: 50,
      ...(skip > 0 ? { skip } : {}),
      inlineCount: false,
      includeDeleted: true,
    });
    const url = `/tables/${table}?${query}`;
    urls.push(url);
    const reply = await backend.handle({
      method: 'GET',
      url,
      headers: { 'zumo-api-version': '2.0.0', 'x-zumo-features': 'OL,IP,TR,QS' },
    });
    expect(reply.status).toBe(200);
    const page = JSON.parse(reply.body) as ServerRecord[];
    if (page.length === 0) break;
    pages.push(page);
    for (const record of page) expect(typeof record.deleted).toBe('boolean');
    const last = Date.parse(page[page.length - 1]!.updatedAt!);
    if (last === bound) {
      skip += page.length;
    } else {
      bound = last;
      skip = 0;
    }
  }
  return { urls, pages };
}

describe("the real JS client's incremental pull", () => {
  test('pages through groups that share one updatedAt with $skip, then moves the bound', async () => {
    const { backend, clock } = await newBackend();
    const t1 = START;
    for (let i = 0; i < 70; i++) backend.insert('todoitem', { id: `a${String(i).padStart(2, '0')}` });
    clock.advance(1);
    for (let i = 0; i < 30; i++) backend.insert('todoitem', { id: `b${String(i).padStart(2, '0')}` });
    clock.advance(1);
    const t3 = START + 2;
    for (let i = 0; i < 20; i++) backend.insert('todoitem', { id: `c${String(i).padStart(2, '0')}` });
    // Deleting moves three early rows into the last group; they keep their insertion place in it.
    for (const id of ['a00', 'a01', 'a02']) backend.delete('todoitem', id);

    const { urls, pages } = await pullLikeTheJsClient(backend, 'todoitem');

    const since = (ms: number) =>
      `$filter=(updatedAt%20ge%20datetimeoffset'${new Date(ms).toISOString()}')&$orderby=updatedAt`;
    expect(urls).toEqual([
      `/tables/todoitem?${since(Date.UTC(1969, 11, 31))}&$top=50&__includeDeleted=true`,
      `/tables/todoitem?${since(t1)}&$top=50&__includeDeleted=true`,
      `/tables/todoitem?${since(t1)}&$skip=50&$top=50&__includeDeleted=true`,
      `/tables/todoitem?${since(t3)}&$top=50&__includeDeleted=true`,
      `/tables/todoitem?${since(t3)}&$skip=23&$top=50&__includeDeleted=true`,
    ]);
    expect(urls[0]).toBe(
      "/tables/todoitem?$filter=(updatedAt%20ge%20datetimeoffset'1969-12-31T00:00:00.000Z')&$orderby=updatedAt&$top=50&__includeDeleted=true",
    );
    const ids = pages.map((page) => page.map((record) => record.id));
    expect(ids[0]).toEqual(ids[1]);
    expect(ids[2]!.slice(-3)).toEqual(['a00', 'a01', 'a02']);
    expect(pages[2]!.slice(-3).every((record) => record.deleted === true)).toBe(true);
    expect(ids[3]).toEqual([
      'a00',
      'a01',
      'a02',
      ...Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}`),
    ]);
    const pulled = new Set(pages.flat().map((record) => record.id));
    expect([...pulled].sort()).toEqual(
      backend
        .rows('todoitem', { includeDeleted: true })
        .map((record) => record.id)
        .sort(),
    );
  });

  test('and-s a user filter in front of the updatedAt bound', async () => {
    const { backend } = await newBackend();
    backend.insert('todoitem', { id: 'x', complete: true });
    backend.insert('todoitem', { id: 'y', complete: false });
    const { urls, pages } = await pullLikeTheJsClient(backend, 'todoitem', parseFilter('complete eq true'));
    expect(urls[0]).toContain('$filter=((complete%20eq%20true)%20and%20(updatedAt%20ge%20');
    expect(pages.flat().map((record) => record.id)).toEqual(['x', 'x']);
  });

  test('pulls 100,000 records, in a few thousand requests, without losing one', async () => {
    const { backend } = await newBackend();
    const rows = Array.from({ length: 100_000 }, (_, i) => ({
      id: `r${String(i).padStart(6, '0')}`,
      text: `item ${i}`,
      // Ten records per millisecond, and one big group of 500 sharing a timestamp.
      updatedAt: new Date(START + (i < 500 ? 0 : Math.floor(i / 10))).toISOString(),
    }));
    backend.seed('todoitem', rows);
    const { pages } = await pullLikeTheJsClient(backend, 'todoitem');
    const pulled = new Set(pages.flat().map((record) => record.id));
    expect(pulled.size).toBe(100_000);
  }, 120_000);
});
