/**
 * Issue 17's list of differences from a running azure-mobile-apps 4.0.2 server, one describe per
 * bullet. Each expectation is the real server's answer, read in its source and observed on a
 * running copy (docs/server-profiles.md has the transcript); the simulated backend must give it
 * by default. Where the real answer is plainly broken, `compatibility: 'exact'` gives it too.
 */
import { describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { createBackend } from '../../src/backend/backend.js';
import { weakETag } from '../../src/backend/profiles/node.js';
import { ManualClock } from '../../src/kernel/clock.js';
import type { TableDefinition } from '../../src/protocol/records.js';
import { API, JSON_HEADERS, newBackend, send, START } from './support.js';

describe('PATCH and DELETE of the collection (express/middleware/tables/parseItem.js, parseQuery.js)', () => {
  test('PATCH /tables/{table} takes the id from the body', async () => {
    const { backend } = await newBackend();
    backend.insert('todoitem', { id: 'a', text: 'milk' });
    const reply = await send(backend, 'PATCH', '/tables/todoitem', { body: { id: 'a', text: 'eggs' } });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ id: 'a', text: 'eggs' });
    expect(reply.headers.etag).toBe(`"${reply.json.version}"`);
    expect(backend.get('todoitem', 'a')?.['text']).toBe('eggs');
  });

  test('an id in the path and another in the body are a 400; a PATCH with no id finds nothing', async () => {
    const { backend } = await newBackend();
    backend.insert('todoitem', { id: 'a', text: 'milk' });
    const mismatch = await send(backend, 'PATCH', '/tables/todoitem/a', { body: { id: 'b', text: 'x' } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json).toEqual({ error: 'The item ID and querystring ID did not match' });
    // The real server reads no id from the query string: only the path and the body count.
    const none = await send(backend, 'PATCH', '/tables/todoitem?id=a', { body: { text: 'x' } });
    expect(none.status).toBe(404);
    expect(none.json).toEqual({ error: 'The item does not exist' });
    expect(backend.get('todoitem', 'a')?.['text']).toBe('milk');
  });

  test('DELETE /tables/{table} deletes what its $filter matches; without one it reads no id from the body', async () => {
    const { backend } = await newBackend();
    backend.insert('todoitem', { id: 'a', text: 'milk' });
    backend.insert('todoitem', { id: 'b', text: 'bread' });
    const byFilter = await send(backend, 'DELETE', "/tables/todoitem?$filter=id eq 'b'");
    expect(byFilter.status).toBe(200);
    expect(byFilter.json).toMatchObject({ id: 'b', deleted: true });
    expect(backend.get('todoitem', 'b')).toBeUndefined();
    // The real server's SQL for this request reads `WHERE  AND [deleted] = 0`: a 500.
    const withBody = await send(backend, 'DELETE', '/tables/todoitem', { body: { id: 'a' } });
    expect(withBody.status).toBe(400);
    expect(withBody.json.error).toMatch(/deletes the records its \$filter matches/);
    expect(backend.get('todoitem', 'a')).toBeDefined();
    const exact = await createBackend({ clock: new ManualClock(START), compatibility: 'exact' });
    const real = await send(exact, 'DELETE', '/tables/todoitem', { body: { id: 'a' } });
    expect(real.status).toBe(500);
    expect(real.json).toEqual({ error: 'SQLITE_ERROR: near "AND": syntax error' });
  });
});

describe('integer ids (data/sqlite/statements/insert.js, columns/combine.js)', () => {
  test('{"id": 1} is accepted by a string-id table and stored as "1"', async () => {
    const { backend } = await newBackend();
    const reply = await send(backend, 'POST', '/tables/todoitem', { body: { id: 1, text: 'one' } });
    expect(reply.status).toBe(201);
    expect(reply.json.id).toBe('1');
    expect((await send(backend, 'GET', '/tables/todoitem/1')).json.text).toBe('one');
    const patched = await send(backend, 'PATCH', '/tables/todoitem/1', { body: { id: 1, text: 'uno' } });
    expect(patched.status).toBe(200);
  });

  test('an autoIncrement table numbers its rows, ignores ids in items, and sends ids as numbers', async () => {
    const numbers: TableDefinition = { name: 'numbers', columns: { text: 'string' }, autoIncrement: true };
    const { backend } = await newBackend({ tables: [numbers] });
    const first = await send(backend, 'POST', '/tables/numbers', { body: { text: 'first' } });
    const second = await send(backend, 'POST', '/tables/numbers', { body: { id: 7, text: 'seven' } });
    const third = await send(backend, 'POST', '/tables/numbers', { body: { id: 'x', text: 'str' } });
    expect([first.status, second.status, third.status]).toEqual([201, 201, 201]);
    expect([first.json.id, second.json.id, third.json.id]).toEqual([1, 2, 3]);
    expect(first.body.startsWith('{"text":"first","id":1,')).toBe(true);
    expect((await send(backend, 'GET', '/tables/numbers/2')).json).toMatchObject({ id: 2, text: 'seven' });
    expect((await send(backend, 'GET', '/tables/numbers')).json.map((row: { id: number }) => row.id)).toEqual([
      1, 2, 3,
    ]);
    expect((await send(backend, 'PATCH', '/tables/numbers/1', { body: { text: 'changed' } })).json.id).toBe(1);
  });
});

describe('a body without a Content-Type (express/middleware/tables/parseItem.js)', () => {
  test.each([undefined, ''])('Content-Type %j is read as JSON', async (contentType) => {
    const { backend } = await newBackend();
    const headers: Record<string, string> = { ...API, ...(contentType === undefined ? {} : { 'content-type': '' }) };
    const created = await backend.handle({
      method: 'POST',
      url: '/tables/todoitem',
      headers,
      body: '{"id":"a","text":"milk"}',
    });
    expect(created.status).toBe(201);
    const patched = await backend.handle({
      method: 'PATCH',
      url: '/tables/todoitem/a',
      headers,
      body: '{"text":"eggs"}',
    });
    expect(patched.status).toBe(200);
    expect(backend.get('todoitem', 'a')?.['text']).toBe('eggs');
  });
});

describe('the Link header of a full page (express/middleware/tables/nextLink.js)', () => {
  async function pageOf(options: { compatibility?: 'exact' } = {}) {
    const small: TableDefinition = { name: 'small', columns: { text: 'string' }, pageSize: 2 };
    const { backend } = await newBackend({ tables: [small], ...options });
    for (const id of ['s1', 's2', 's3']) backend.insert('small', { id, text: id });
    return (url: string) =>
      backend.handle({ method: 'GET', url, headers: { ...API, host: '127.0.0.1:4555' } }).then((r) => r.headers.link);
  }

  test('has no angle brackets, encodes $, and always carries $top', async () => {
    const link = await pageOf();
    expect(await link('/tables/small')).toBe('http://127.0.0.1:4555/tables/small?%24top=2&%24skip=2; rel=next');
    expect(await link("/tables/small?$filter=text ne 'x'&$skip=0&zumo-api-version=2.0.0")).toBe(
      "http://127.0.0.1:4555/tables/small?%24filter=text%20ne%20'x'&%24skip=2&zumo-api-version=2.0.0&%24top=2; rel=next",
    );
  });

  test("under exact compatibility it is the real one: the host's name only, the path '/'", async () => {
    const link = await pageOf({ compatibility: 'exact' });
    expect(await link('/tables/small')).toBe('http://127.0.0.1/?%24top=2&%24skip=2; rel=next');
    expect(await link('/tables/small?$select=text,id&$top=1')).toBe(
      'http://127.0.0.1/?%24select=text%2Cid&%24top=1&%24skip=1; rel=next',
    );
  });
});

describe('GET of a soft-deleted record (express/middleware/tables/parseQuery.js)', () => {
  test('answers 404 even with __includeDeleted=true', async () => {
    const { backend } = await newBackend();
    backend.insert('todoitem', { id: 'a', text: 'milk' });
    backend.delete('todoitem', 'a');
    for (const url of ['/tables/todoitem/a', '/tables/todoitem/a?__includeDeleted=true']) {
      const reply = await send(backend, 'GET', url);
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual({ error: 'The item does not exist' });
    }
    expect((await send(backend, 'GET', '/tables/todoitem?__includeDeleted=true')).json).toHaveLength(1);
  });
});

describe("null in $filter: SQL's three-valued logic (azure-odata-sql's format.js)", () => {
  const ROWS = [
    { id: 'f', complete: false, n: 1, text: 'a' },
    { id: 't', complete: true, n: 2, text: 'b' },
    { id: 'n', complete: null, n: null, text: null },
  ];
  const table: TableDefinition = { name: 'todo', columns: { complete: 'boolean', n: 'number', text: 'string' } };

  /** What SQL answers: a comparison with null is unknown, and unknown rows are left out. */
  const cases: [string, string[]][] = [
    ['not (complete eq true)', ['f']],
    ['complete ne true', ['f']],
    ['complete eq false', ['f']],
    ['not complete', ['f']],
    ['complete eq null', ['n']],
    ['complete ne null', ['f', 't']],
    ['null eq complete', []],
    ['null ne complete', []],
    ['n gt 1', ['t']],
    ['not (n gt 1)', ['f']],
    ['n le 1 or n gt 1', ['f', 't']],
    ["text ne 'a'", ['t']],
    ["not (text eq 'a') and not (text eq 'b')", []],
    ["text eq 'a' or complete eq null", ['f', 'n']],
    ['(n add 1) ge 2', ['f', 't']],
  ];

  test.each(cases)('%s', async (filter, expected) => {
    const { backend } = await newBackend({ tables: [table] });
    for (const row of ROWS) backend.insert('todo', row);
    const reply = await send(backend, 'GET', `/tables/todo?$filter=${encodeURIComponent(filter)}&$orderby=id`);
    expect(reply.status).toBe(200);
    expect(reply.json.map((row: { id: string }) => row.id).sort()).toEqual([...expected].sort());
  });
});

describe('the smaller differences', () => {
  test("an unknown table's 404 is express's HTML page", async () => {
    const { backend } = await newBackend();
    const reply = await backend.handle({ method: 'GET', url: '/tables/nosuch', headers: API });
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['content-security-policy']).toBe("default-src 'none'");
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.body).toBe(
      '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET /tables/nosuch</pre>\n</body>\n</html>\n',
    );
  });

  test("collection reads carry express's weak ETag (length and SHA-1 of the body)", async () => {
    const { backend } = await newBackend();
    const empty = await backend.handle({ method: 'GET', url: '/tables/todoitem', headers: API });
    expect(empty.body).toBe('[]');
    expect(empty.headers.etag).toBe('W/"2-l9Fw4VUO7kr8CvBlt4zaMCqXZ0w"');
    const error = await send(backend, 'PATCH', '/tables/todoitem/nope', { body: { text: 'x' } });
    expect(error.headers.etag).toBe('W/"23-MsGy+COoJRXDMtIsEcpeBMo/mFk"');
  });

  test('the ETag of a body is the same remembered or not, short or long, ASCII or not', () => {
    // What the etag package computes: the UTF-8 length in hex and 27 characters of base64 SHA-1.
    const expected = (body: string): string => {
      const bytes = Buffer.from(body, 'utf8');
      return `W/"${bytes.length.toString(16)}-${createHash('sha1').update(bytes).digest('base64').slice(0, 27)}"`;
    };
    const bodies = [
      '[]',
      '{"text":"é😀"}',
      'x'.repeat(4096),
      'y'.repeat(4097),
      '[' + '{"id":"1"},'.repeat(1000) + '{}]',
    ];
    for (let round = 0; round < 3; round++) {
      for (const body of bodies) expect(weakETag(body)).toBe(expected(body));
    }
    // More bodies than the memo holds, then the first ones again.
    for (let i = 0; i < 2000; i++) expect(weakETag(`[${i}]`)).toBe(expected(`[${i}]`));
    for (const body of bodies) expect(weakETag(body)).toBe(expected(body));
  });

  test('x-zumo-server-version is exactly node-4.0.2', async () => {
    const { backend } = await newBackend();
    for (const reply of [
      await backend.handle({ method: 'GET', url: '/tables/todoitem', headers: API }),
      await backend.handle({ method: 'POST', url: '/tables/todoitem', headers: JSON_HEADERS, body: '{}' }),
      await backend.handle({ method: 'GET', url: '/tables/nosuch', headers: API }),
    ])
      expect(reply.headers['x-zumo-server-version']).toBe('node-4.0.2');
  });

  test("OPTIONS answers 200 with express's Allow list, as text", async () => {
    const { backend } = await newBackend();
    for (const url of ['/tables/todoitem', '/tables/todoitem/a']) {
      const reply = await backend.handle({ method: 'OPTIONS', url, headers: {} });
      expect(reply.status).toBe(200);
      expect(reply.headers.allow).toBe('GET,HEAD,POST,PATCH,DELETE');
      expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(reply.body).toBe('GET,HEAD,POST,PATCH,DELETE');
    }
  });
});
