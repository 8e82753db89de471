import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
const API_VERSION_ERROR =
  'An invalid API version was specified in the request, this request needs to specify a ZUMO-API-VERSION of 2.0.0.';
import type { Backend } from '../../src/backend/types.js';
import type { HttpRequest } from '../../src/protocol/http.js';
import type { JsonObject, TableDefinition } from '../../src/protocol/records.js';
import { API, JSON_HEADERS, newBackend, parse, send } from './support.js';

const TYPED: TableDefinition = {
  name: 'todoitem',
  columns: { text: 'string', complete: 'boolean', n: 'number', due: 'date', meta: 'object' },
};

async function seeded() {
  const context = await newBackend({ tables: [TYPED], maxBodyBytes: 4096 });
  context.backend.seed('todoitem', [
    { id: 'keep-1', text: 'one', complete: false, n: 1 },
    { id: 'keep-2', text: 'two', complete: true, n: 2 },
  ]);
  return { ...context, before: context.backend.snapshot() };
}

/** A 4xx with a JSON error body, and nothing stored changed. */
async function expectRefused(
  backend: Backend,
  before: unknown,
  request: HttpRequest,
  status: number,
  message: string | RegExp,
) {
  const reply = parse(await backend.handle(request));
  expect(reply.status, reply.body).toBe(status);
  expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(Object.keys(reply.json)).toEqual(['error']);
  if (typeof message === 'string') expect(reply.json.error).toBe(message);
  else expect(reply.json.error).toMatch(message);
  expect(backend.snapshot()).toEqual(before);
}

const post = (body: string, headers: Record<string, string> = JSON_HEADERS): HttpRequest => ({
  method: 'POST',
  url: '/tables/todoitem',
  headers,
  body,
});

describe('bodies that are not a JSON object', () => {
  test('malformed JSON answers 400 saying the body is not valid JSON', async () => {
    const { backend, before } = await seeded();
    await expectRefused(backend, before, post('{"text": "oops",'), 400, /^The request body is not valid JSON: /);
    await expectRefused(
      backend,
      before,
      { ...post('{bad'), method: 'PATCH', url: '/tables/todoitem/keep-1' },
      400,
      /not valid JSON/,
    );
  });

  test('a non-JSON content type answers 415 naming it', async () => {
    const { backend, before } = await seeded();
    await expectRefused(
      backend,
      before,
      post('{"text":"x"}', { ...API, 'content-type': 'text/plain;charset=UTF-8' }),
      415,
      /Content-Type is 'text\/plain;charset=UTF-8'/,
    );
    await expectRefused(
      backend,
      before,
      post('text=x', { ...API, 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      /x-www-form-urlencoded/,
    );
  });

  test('a body without a content type, or with an empty one, is read as JSON (as the real parseItem.js does)', async () => {
    const { backend } = await seeded();
    expect((await backend.handle(post('{"id":"n1","text":"x"}', { ...API }))).status).toBe(201);
    expect((await backend.handle(post('{"id":"n2","text":"y"}', { ...API, 'content-type': '' }))).status).toBe(201);
    expect(backend.get('todoitem', 'n1')?.['text']).toBe('x');
  });

  test('JSON media types with parameters or a +json suffix are accepted', async () => {
    const { backend } = await seeded();
    expect(
      (await backend.handle(post('{"id":"p1"}', { ...API, 'content-type': 'application/json; charset=utf-8' }))).status,
    ).toBe(201);
    expect(
      (await backend.handle(post('{"id":"p2"}', { ...API, 'content-type': 'application/merge-patch+json' }))).status,
    ).toBe(201);
  });

  test.each([
    ['[1, 2]', 'an array'],
    ['"text"', 'a string'],
    ['42', 'a number'],
    ['null', 'null'],
    ['true', 'a boolean'],
  ])('a body of %s answers 400: it must be an object, not %s', async (body, kind) => {
    const { backend, before } = await seeded();
    await expectRefused(backend, before, post(body), 400, `The request body must be a JSON object, but it is ${kind}`);
  });

  test('an empty body answers 400', async () => {
    const { backend, before } = await seeded();
    await expectRefused(
      backend,
      before,
      { method: 'POST', url: '/tables/todoitem', headers: JSON_HEADERS },
      400,
      /but it is empty/,
    );
    await expectRefused(backend, before, post('   '), 400, /but it is empty/);
  });

  test('a body nested too deeply answers 400 instead of overflowing the stack', async () => {
    const { backend, before } = await newBackend({ tables: [TYPED] }).then((c) => ({
      ...c,
      before: c.backend.snapshot(),
    }));
    const deep = `{"meta": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    await expectRefused(backend, before, post(deep), 400, /nested more than 64 levels/);
    const deepVersion = `{"id":"d","version": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    await expectRefused(backend, before, post(deepVersion), 400, /nested more than/);
  });

  test('an oversized body answers 413', async () => {
    const { backend, before } = await seeded();
    await expectRefused(
      backend,
      before,
      post(JSON.stringify({ text: 'x'.repeat(5000) })),
      413,
      'The request body is larger than the limit of 4096 bytes',
    );
    // Counted in UTF-8 bytes, not characters: 1500 three-byte characters are 4500 bytes.
    await expectRefused(
      backend,
      before,
      post(JSON.stringify({ text: '✓'.repeat(1500) })),
      413,
      /larger than the limit/,
    );
    expect((await backend.handle(post(JSON.stringify({ id: 'fits', text: 'x'.repeat(4000) })))).status).toBe(201);
  });
});

describe('values that do not fit', () => {
  test.each<[string, JsonObject, RegExp | string]>([
    [
      'a fractional number id',
      { id: 7.5 },
      /must be a string or a whole number, but it is a fractional or huge number/,
    ],
    ['an object id', { id: { a: 1 } }, /must be a string or a whole number, but it is an object/],
    ['an empty id', { id: '' }, /1 to 255 characters/],
    ['an id that is too long', { id: 'x'.repeat(256) }, /1 to 255 characters long, but it has 256/],
    ['an id with control characters', { id: 'a\nb' }, /control characters/],
    [
      'a string for a boolean',
      { complete: 'yes' },
      "The property 'complete' must be a boolean or null, but it is a string",
    ],
    ['a boolean for a string', { text: true }, /'text' must be a string or null, but it is a boolean/],
    ['a string for a number', { n: '1' }, /'n' must be a number or null, but it is a string/],
    [
      'a non-date string for a date',
      { due: 'tomorrow' },
      /'due' must be an ISO-8601 date string or null, but "tomorrow" is not one/,
    ],
    [
      'a number for a date',
      { due: 1767225600000 },
      /'due' must be an ISO-8601 date string or null, but it is a number/,
    ],
    ['a string for an object', { meta: 'x' }, /'meta' must be an object or an array or null/],
    ['a lone surrogate', { text: 'a\ud800b' }, /not well-formed Unicode/],
    ['an unknown property', { colour: 'red' }, "The table 'todoitem' has no property 'colour'"],
    ['a __proto__ property', JSON.parse('{"__proto__": {"polluted": true}}'), /has no property '__proto__'/],
  ])('%s answers 400 naming the problem', async (_, body, message) => {
    const { backend, before } = await seeded();
    await expectRefused(backend, before, post(JSON.stringify(body)), 400, message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a wrong value in a PATCH answers 400 and leaves the record alone', async () => {
    const { backend, before } = await seeded();
    await expectRefused(
      backend,
      before,
      { ...post('{"complete":"no"}'), method: 'PATCH', url: '/tables/todoitem/keep-1' },
      400,
      /'complete' must be a boolean/,
    );
    await expectRefused(
      backend,
      before,
      { ...post('{"id":5}'), method: 'PATCH', url: '/tables/todoitem/keep-1' },
      400,
      'The item ID and querystring ID did not match',
    );
    await expectRefused(
      backend,
      before,
      { ...post('{"version":5}'), method: 'PATCH', url: '/tables/todoitem/keep-1' },
      400,
      /'version' must be a string/,
    );
  });

  test('an id in the URL that is too long answers 400', async () => {
    const { backend, before } = await seeded();
    await expectRefused(
      backend,
      before,
      { method: 'DELETE', url: `/tables/todoitem/${'x'.repeat(300)}`, headers: API },
      400,
      /1 to 255 characters/,
    );
    await expectRefused(
      backend,
      before,
      { method: 'GET', url: '/tables/todoitem/%00', headers: API },
      400,
      /control characters/,
    );
  });

  test('<script> in text is stored and returned as data, inside JSON', async () => {
    const { backend } = await seeded();
    const text = '<script>alert("x")</script>';
    const reply = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'xss', text } });
    expect(reply.status).toBe(201);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect((await send(backend, 'GET', '/tables/todoitem/xss')).json.text).toBe(text);
    // The 404 page of an unknown table is HTML: the path in it is percent-encoded, then escaped.
    for (const url of [`/tables/${encodeURIComponent('<script>')}`, '/tables/<script>alert("x")</script>']) {
      const error = await backend.handle({ method: 'GET', url, headers: API });
      expect(error.status).toBe(404);
      expect(error.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(error.body).not.toContain('<script');
      expect(error.body).toContain('<pre>Cannot GET /tables/%3Cscript%3E');
    }
  });
});

describe('requests that do not reach a table', () => {
  test('a missing API version answers 400 with the real server message', async () => {
    const { backend, before } = await seeded();
    await expectRefused(
      backend,
      before,
      { method: 'GET', url: '/tables/todoitem', headers: {} },
      400,
      API_VERSION_ERROR,
    );
    await expectRefused(
      backend,
      before,
      { method: 'POST', url: '/tables/todoitem', headers: { 'content-type': 'application/json' }, body: '{}' },
      400,
      API_VERSION_ERROR,
    );
  });

  test.each(['1.0.0', '3.0.0', '2.1.0', '2.0', 'two'])('API version %s answers 400', async (version) => {
    const { backend, before } = await seeded();
    await expectRefused(
      backend,
      before,
      { method: 'GET', url: '/tables/todoitem', headers: { 'zumo-api-version': version } },
      400,
      API_VERSION_ERROR,
    );
  });

  test('the API version may come as a query parameter in any case, or as a header in any case', async () => {
    const { backend } = await seeded();
    for (const url of [
      '/tables/todoitem?ZUMO-API-VERSION=2.0.0',
      '/tables/todoitem?zumo-api-version=2.0.1',
      '/tables/todoitem?Zumo-Api-Version=2.0.0',
    ]) {
      expect((await backend.handle({ method: 'GET', url, headers: {} })).status).toBe(200);
    }
    expect(
      (await backend.handle({ method: 'GET', url: '/tables/todoitem', headers: { 'ZUMO-API-VERSION': '2.0.0' } }))
        .status,
    ).toBe(200);
  });

  test('an empty API version header defers to the query string, and without one is refused', async () => {
    const { backend, before } = await seeded();
    const empty = { 'zumo-api-version': '' };
    expect(
      (await backend.handle({ method: 'GET', url: '/tables/todoitem?zumo-api-version=2.0.0', headers: empty })).status,
    ).toBe(200);
    for (const url of ['/tables/todoitem', '/tables/todoitem?zumo-api-version=1.0.0'])
      await expectRefused(backend, before, { method: 'GET', url, headers: empty }, 400, API_VERSION_ERROR);
  });

  test('OPTIONS needs no API version', async () => {
    const { backend } = await seeded();
    const reply = await backend.handle({ method: 'OPTIONS', url: '/tables/todoitem/keep-1', headers: {} });
    expect(reply.status).toBe(200);
    expect(reply.headers.allow).toBe('GET,HEAD,POST,PATCH,DELETE');
  });

  /** express's 404 page for a request no route takes, and nothing stored changed. */
  async function expectNoRoute(backend: Backend, before: unknown, request: HttpRequest, shown: string) {
    const reply = await backend.handle(request);
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.body).toContain(`<pre>Cannot ${request.method} ${shown}</pre>`);
    expect(backend.snapshot()).toEqual(before);
  }

  test('an unknown table answers 404 naming it', async () => {
    const { backend, before } = await seeded();
    await expectNoRoute(backend, before, { method: 'GET', url: '/tables/nope', headers: API }, '/tables/nope');
    await expectNoRoute(backend, before, { ...post('{}'), url: '/tables/nope' }, '/tables/nope');
  });

  test('paths outside /tables answer 404, as express does', async () => {
    const { backend, before } = await seeded();
    for (const url of ['/', '/tables', '/api/todoitem', '/tables/todoitem/keep-1/extra', '/tables/todoitem?x=1']) {
      await expectNoRoute(
        backend,
        before,
        { method: 'GET', url: url === '/tables/todoitem?x=1' ? '/nowhere?x=1' : url, headers: API },
        url === '/tables/todoitem?x=1' ? '/nowhere' : url,
      );
    }
    for (const url of ['no-slash', '']) {
      expect((await backend.handle({ method: 'GET', url, headers: API })).status).toBe(404);
    }
  });

  test('PUT and unknown methods answer 405 with an Allow header', async () => {
    const { backend, before } = await seeded();
    await expectRefused(
      backend,
      before,
      { ...post('{}'), method: 'PUT', url: '/tables/todoitem/keep-1' },
      405,
      /The method PUT is not allowed/,
    );
    await expectRefused(backend, before, { method: 'BREW', url: '/tables/todoitem', headers: API }, 405, /BREW/);
    const reply = await backend.handle({ method: 'PUT', url: '/tables/todoitem', headers: JSON_HEADERS, body: '{}' });
    expect(reply.headers.allow).toBe('GET, HEAD, POST, PATCH, DELETE, OPTIONS');
  });

  test('a path that is not valid percent-encoding answers 400', async () => {
    const { backend, before } = await seeded();
    await expectRefused(
      backend,
      before,
      { method: 'GET', url: '/tables/todoitem/%E0%A4%A', headers: API },
      400,
      /not valid percent-encoding/,
    );
  });
});

describe('queries that cannot run', () => {
  test('an unparseable filter answers 400 with the position of the problem', async () => {
    const { backend, before } = await seeded();
    await expectRefused(
      backend,
      before,
      { method: 'GET', url: "/tables/todoitem?$filter=text eq 'x", headers: API },
      400,
      /^Invalid \$filter at position 8: expected a closing quote/,
    );
    await expectRefused(
      backend,
      before,
      { method: 'GET', url: '/tables/todoitem?$filter=text eq', headers: API },
      400,
      /position 7/,
    );
  });

  test('an unknown column in $filter answers 400 naming it', async () => {
    const { backend, before } = await seeded();
    await expectRefused(
      backend,
      before,
      { method: 'GET', url: '/tables/todoitem?$filter=colour eq 1', headers: API },
      400,
      "Invalid $filter: unknown property 'colour'",
    );
    await expectRefused(
      backend,
      before,
      { method: 'GET', url: '/tables/todoitem?$filter=constructor eq 1', headers: API },
      400,
      /unknown property 'constructor'/,
    );
  });

  test('a filter carrying SQL after a closed string answers 400 and drops nothing', async () => {
    const { backend, before } = await seeded();
    const url = `/tables/todoitem?$filter=${encodeURIComponent("text eq 'x'; DROP TABLE todoitem; --")}`;
    await expectRefused(backend, before, { method: 'GET', url, headers: API }, 400, /position 11/);
  });

  test('a filter carrying SQL inside a string literal is only compared, and drops nothing', async () => {
    const { backend, before } = await seeded();
    const url = `/tables/todoitem?$filter=${encodeURIComponent("text eq 'x'' ; DROP TABLE todoitem; --'")}`;
    const reply = await send(backend, 'GET', url);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual([]);
    expect(backend.snapshot()).toEqual(before);
  });

  test('a filter that is not a condition answers 400', async () => {
    const { backend, before } = await seeded();
    await expectRefused(
      backend,
      before,
      { method: 'GET', url: '/tables/todoitem?$filter=n add 1', headers: API },
      400,
      /must be a condition/,
    );
  });

  test('a deeply nested or very long filter answers 400', async () => {
    const { backend, before } = await seeded();
    const deep = `${'('.repeat(5000)}n eq 1${')'.repeat(5000)}`;
    await expectRefused(
      backend,
      before,
      { method: 'GET', url: `/tables/todoitem?$filter=${encodeURIComponent(deep)}`, headers: API },
      400,
      /nested/,
    );
    const long = Array.from({ length: 400 }, (_, i) => `n eq ${i}`).join(' or ');
    await expectRefused(
      backend,
      before,
      { method: 'GET', url: `/tables/todoitem?$filter=${encodeURIComponent(long)}`, headers: API },
      400,
      /levels/,
    );
  });

  test('bad $top, $skip, $orderby, $select and $inlinecount answer 400 naming the parameter', async () => {
    const { backend, before } = await seeded();
    for (const [query, name] of [
      ['$top=abc', '$top'],
      ['$skip=-1', '$skip'],
      ['$orderby=text upward', '$orderby'],
      ['$orderby=colour', '$orderby'],
      ['$select=colour', '$select'],
      ['$inlinecount=maybe', '$inlinecount'],
    ]) {
      await expectRefused(
        backend,
        before,
        { method: 'GET', url: `/tables/todoitem?${query}`, headers: API },
        400,
        new RegExp(`Invalid \\${name}`),
      );
    }
  });
});

describe('hostile requests, generated', () => {
  const methods = fc.constantFrom(
    'GET',
    'POST',
    'PATCH',
    'DELETE',
    'PUT',
    'OPTIONS',
    'HEAD',
    'get',
    'TRACE',
    '',
    'P\u0000ST',
  );
  const ids = fc.constantFrom(
    'keep-1',
    'keep-2',
    'new-1',
    '',
    '%00',
    '%zz',
    '..',
    'x'.repeat(300),
    '%F0%9F%98%80',
    '<script>',
  );
  const tables = fc.constantFrom('todoitem', 'TODOITEM', 'nope', '', '%2e%2e', 'todoitem%00');
  const paths = fc.oneof(
    fc.tuple(tables).map(([t]) => `/tables/${t}`),
    fc.tuple(tables, ids).map(([t, id]) => `/tables/${t}/${id}`),
    fc.constantFrom(
      '/',
      '/tables',
      '/tables/todoitem/keep-1/x',
      'http://evil.test/tables/todoitem',
      '//x/tables/todoitem',
      '/tables/todoitem#frag',
    ),
    fc.string({ maxLength: 30 }),
  );
  const queryValues = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      "text eq 'a'",
      "text eq 'x'' ; DROP TABLE todoitem; --'",
      'colour eq 1',
      '((((',
      "substringof('a',text)",
      '-1',
      '0',
      '1001',
      'allpages',
      'n div 0 eq 1',
    ),
  );
  const queryString = fc
    .array(
      fc.tuple(
        fc.constantFrom(
          '$filter',
          '$orderby',
          '$top',
          '$skip',
          '$select',
          '$inlinecount',
          '__includeDeleted',
          'ZUMO-API-VERSION',
          'x',
        ),
        queryValues,
      ),
      { maxLength: 4 },
    )
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`));
  const headers = fc.record(
    {
      'zumo-api-version': fc.constantFrom('2.0.0', '2.0.9', '1.0.0', '', 'x'),
      'content-type': fc.constantFrom(
        'application/json',
        'text/plain',
        '',
        'application/json; charset=latin1',
        'application/problem+json',
      ),
      'if-match': fc.oneof(fc.constantFrom('*', 'W/"x"', '""', '"stale"'), fc.string({ maxLength: 10 })),
      host: fc.constantFrom('example.test', 'bad host', '[::1]:80', ''),
    },
    { requiredKeys: [] },
  );
  const json = fc.jsonValue({ maxDepth: 3 });
  const bodies = fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 50 }),
    json.map((value) => JSON.stringify(value)),
    fc
      .dictionary(
        fc.constantFrom(
          'id',
          'text',
          'complete',
          'n',
          'due',
          'meta',
          'version',
          'deleted',
          'updatedAt',
          'colour',
          '__proto__',
        ),
        json,
        { maxKeys: 4 },
      )
      .map((value) => JSON.stringify(value)),
  );

  test('random methods, paths, headers, query strings and bodies never get a 5xx and never change rows they do not name', async () => {
    const { backend } = await seeded();
    await fc.assert(
      fc.asyncProperty(methods, paths, queryString, headers, bodies, async (method, path, query, hdrs, body) => {
        const before = backend.snapshot().todoitem!;
        const request: HttpRequest = {
          method,
          url: `${path}${query}`,
          headers: hdrs,
          ...(body === undefined ? {} : { body }),
        };
        const response = await backend.handle(request);
        expect(response.status, JSON.stringify({ request, response })).toBeLessThan(500);
        expect(response.status).toBeGreaterThanOrEqual(200);
        if (response.body !== '' && response.headers['content-type']?.startsWith('application/json'))
          expect(() => JSON.parse(response.body)).not.toThrow();
        // Rows other than the one the URL names (or, on the collection, the body's id) stay as
        // they were; an insert may add one row; a DELETE of the collection by $filter may
        // soft-delete the rows it matches, and change nothing else of them.
        const segments = path.split('?')[0]!.split('/');
        const onCollection = segments.length === 3 || (segments.length === 4 && segments[3] === '');
        const named = new Set([decodeURIComponentSafe(segments[3] ?? '')]);
        if (onCollection && method === 'PATCH') named.add(bodyIdOf(body));
        const after = backend.snapshot().todoitem!;
        const untouched = (rows: typeof before) => rows.filter((row) => !named.has(row.id));
        const added = after.filter((row) => !before.some((old) => old.id === row.id));
        expect(added.length).toBeLessThanOrEqual(1);
        const bulkDelete = onCollection && method === 'DELETE' && query.includes('$filter=');
        const comparable = (rows: typeof before) =>
          bulkDelete
            ? rows.map(({ id, text, complete, n, due, meta }) => ({ id, text, complete, n, due, meta }))
            : rows;
        expect(comparable(untouched(after).filter((row) => !added.includes(row)))).toEqual(
          comparable(untouched(before)),
        );
        if (bulkDelete)
          for (const row of after) {
            const old = before.find((candidate) => candidate.id === row.id);
            if (old !== undefined && old.version !== row.version) expect(row.deleted).toBe(true);
          }
        if (added.length === 1) expect(response.status).toBe(201);
      }),
      { numRuns: 1500 },
    );
  });
});

function bodyIdOf(body: string | undefined): string {
  try {
    const id = (JSON.parse(body ?? '') as { id?: unknown }).id;
    return typeof id === 'string' ? id : JSON.stringify(id);
  } catch {
    return '';
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
