import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Backend } from '../../src/backend/types.js';
import type { JsonObject, TableDefinition } from '../../src/protocol/records.js';
import { newBackend, send, START } from './support.js';

const ITEM: TableDefinition = {
  name: 'item',
  columns: { text: 'string', n: 'number', done: 'boolean', due: 'date', meta: 'object' },
};

let backend: Backend;

beforeAll(async () => {
  const context = await newBackend({ tables: [ITEM] });
  backend = context.backend;
  const rows: JsonObject[] = [
    { id: 'a', text: 'apple', n: 1, done: false, due: '2026-01-01T10:20:30.000Z', meta: { color: 'red' } },
    { id: 'b', text: 'Banana', n: 2.5, done: true, due: '2025-12-31T23:59:59.500Z', meta: { color: 'yellow' } },
    { id: 'c', text: "it's", n: -3, done: false, due: null, meta: null },
    { id: 'd', text: null, n: null, done: null, due: '1969-12-31T23:59:58.500Z', meta: [1, 2] },
    { id: 'e', text: 'apricot', n: 7, done: true, due: '2026-06-15T00:00:00.000Z', meta: {} },
  ];
  for (const row of rows) {
    expect(backend.insert('item', row)).toMatchObject({ status: 201 });
    context.clock.advance(10);
  }
  backend.delete('item', 'e');
});

async function ids(query: string): Promise<string[]> {
  const reply = await send(backend, 'GET', `/tables/item?${query}`);
  expect(reply.status, reply.body).toBe(200);
  return (reply.json as { id: string }[]).map((record) => record.id);
}

const q = (filter: string) => `$filter=${encodeURIComponent(filter)}&$orderby=id`;

describe('$filter over HTTP', () => {
  test.each([
    ["text eq 'apple'", ['a']],
    // SQL's three-valued logic, as on the real server: a null text is neither 'apple' nor not 'apple'.
    ["text ne 'apple'", ['b', 'c']],
    ["not (text eq 'apple')", ['b', 'c']],
    ['text eq null', ['d']],
    ['n gt 1 and n lt 5', ['b']],
    ['n lt 0 or done', ['b', 'c']],
    ['not done', ['a', 'c']],
    ['done eq false', ['a', 'c']],
    ['(n add 1) mul 2 eq 4', ['a']],
    ['n mod 2 eq 0.5', ['b']],
    ["startswith(text, 'ap')", ['a']],
    ["endswith(text, 'ana')", ['b']],
    ["substringof('pp', text)", ['a']],
    ["tolower(text) eq 'banana'", ['b']],
    ["length(text) eq 4 and indexof(text, '''') eq 2", ['c']],
    ["concat(concat(text, '-'), 'x') eq 'apple-x'", ['a']],
    ["replace(text, 'a', 'o') eq 'opple'", ['a']],
    ["substring(text, 1, 3) eq 'ana'", ['b']],
    ['year(due) eq 2026', ['a']],
    ['month(due) eq 12 and day(due) eq 31', ['b', 'd']],
    ['hour(due) eq 23 and minute(due) eq 59 and second(due) eq 58', ['d']],
    ['floor(n) eq 2 and ceiling(n) eq 3 and round(n) eq 3', ['b']],
    ["due ge datetime'2026-01-01T00:00:00Z'", ['a']],
    ["due lt datetimeoffset'2026-01-01T00:00:00.000Z'", ['b', 'd']],
    ["meta/color eq 'yellow'", ['b']],
    ["createdAt eq datetimeoffset'2026-01-01T00:00:00.010Z'", ['b']],
    ["id eq 'c' or id eq 'd'", ['c', 'd']],
  ])('%s', async (filter, expected) => {
    expect(await ids(q(filter))).toEqual(expected);
  });

  test('a filter carrying SQL is just a string to compare with', async () => {
    expect(await ids(q("text eq 'x'' ; DROP TABLE todoitem; --'"))).toEqual([]);
    expect(await ids(q("text eq 'apple'' OR 1=1 --'"))).toEqual([]);
    expect(backend.rows('item')).toHaveLength(4);
  });

  test('soft-deleted rows are left out unless __includeDeleted has a value — any value, even false', async () => {
    expect(await ids("$filter=startswith(text,'ap')")).toEqual(['a']);
    expect(await ids("$filter=startswith(text,'ap')&__includeDeleted=true")).toEqual(['a', 'e']);
    expect(await ids("$filter=startswith(text,'ap')&__includeDeleted=false")).toEqual(['a', 'e']);
    expect(await ids("$filter=startswith(text,'ap')&__includeDeleted=")).toEqual(['a']);
  });

  test('the deleted column can be filtered on', async () => {
    expect(await ids('$filter=deleted eq true&__includeDeleted=1')).toEqual(['e']);
  });

  test('table names in URLs are case-insensitive', async () => {
    const reply = await send(backend, 'GET', "/tables/ITEM?$filter=id eq 'a'");
    expect(reply.status).toBe(200);
    expect(reply.json).toHaveLength(1);
  });
});

describe('$orderby', () => {
  test('sorts by several columns, each asc or desc', async () => {
    expect(await ids('$orderby=done desc,n asc')).toEqual(['b', 'c', 'a', 'd']);
    expect(await ids('$orderby=n desc')).toEqual(['b', 'a', 'c', 'd']);
  });

  test('without $orderby rows come in insertion order', async () => {
    expect(await ids('')).toEqual(['a', 'b', 'c', 'd']);
  });

  test('updatedAt ties come back in insertion order, and an update keeps a row in its place', async () => {
    const { backend: tied } = await newBackend();
    for (const id of ['z', 'm', 'a', 'q']) tied.insert('todoitem', { id });
    // Same millisecond: updating 'z' last must not move it behind the others.
    tied.update('todoitem', 'z', { text: 'changed' });
    const reply = await send(tied, 'GET', '/tables/todoitem?$orderby=updatedAt');
    expect(reply.json.map((r: { id: string }) => r.id)).toEqual(['z', 'm', 'a', 'q']);
    const desc = await send(tied, 'GET', '/tables/todoitem?$orderby=updatedAt desc');
    expect(desc.json.map((r: { id: string }) => r.id)).toEqual(['z', 'm', 'a', 'q']);
  });

  test('an unknown $orderby property answers 400 naming it', async () => {
    const reply = await send(backend, 'GET', '/tables/item?$orderby=colour');
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: "Invalid $orderby: unknown property 'colour'" });
  });
});

describe('$select and $inlinecount', () => {
  test('$select returns only the named properties', async () => {
    const reply = await send(backend, 'GET', "/tables/item?$select=id,text&$filter=id eq 'a'");
    expect(reply.json).toEqual([{ id: 'a', text: 'apple' }]);
  });

  test('an unknown $select property answers 400 naming it', async () => {
    const reply = await send(backend, 'GET', '/tables/item?$select=id,colour');
    expect(reply.status).toBe(400);
    expect(reply.json.error).toContain("'colour'");
  });

  test('$inlinecount=allpages wraps the page as { results, count } with a count that ignores paging', async () => {
    const reply = await send(backend, 'GET', '/tables/item?$inlinecount=allpages&$top=1&$skip=1&$orderby=id');
    expect(reply.json).toEqual({ results: [expect.objectContaining({ id: 'b' })], count: 4 });
    const deleted = await send(backend, 'GET', '/tables/item?$inlinecount=allpages&$top=1&__includeDeleted=true');
    expect(deleted.json.count).toBe(5);
    const filtered = await send(backend, 'GET', '/tables/item?$inlinecount=allpages&$filter=done eq true');
    expect(filtered.json.count).toBe(1);
  });
});

describe('reading one record', () => {
  test('GET /tables/:t/:id answers 200 with the record and its ETag', async () => {
    const reply = await send(backend, 'GET', '/tables/item/a');
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      id: 'a',
      text: 'apple',
      n: 1,
      done: false,
      due: '2026-01-01T10:20:30.000Z',
      meta: { color: 'red' },
    });
    expect(reply.json.createdAt).toBe(new Date(START).toISOString());
    expect(reply.headers.etag).toBe(`"${reply.json.version}"`);
  });

  test('ids are matched exactly, percent-encoding decoded', async () => {
    backend.insert('item', { id: 'with space/slash' });
    const reply = await send(backend, 'GET', `/tables/item/${encodeURIComponent('with space/slash')}`);
    expect(reply.status).toBe(200);
    expect((await send(backend, 'GET', '/tables/item/A')).status).toBe(404);
    backend.delete('item', 'with space/slash');
  });
});

describe('values round-trip through storage', () => {
  test('every value comes back as written, whether listed by a query, read by id or returned by the write', async () => {
    const { backend: shapes } = await newBackend({ tables: [ITEM] });
    // Every millisecond from 0000-01-01 to 9999-12-31.
    const date = fc
      .integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 })
      .map((ms) => new Date(ms).toISOString());
    const row = fc.record({
      text: fc.option(fc.string({ unit: 'grapheme', maxLength: 20 })),
      n: fc.option(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(0.1 + 0.2))),
      done: fc.option(fc.boolean()),
      due: fc.option(date),
      meta: fc.option(
        fc.oneof(
          fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })),
          fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
        ),
      ),
    });
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(row, async (values) => {
        const id = `shape-${counter++}`;
        const outcome = shapes.insert('item', { id, ...values } as JsonObject);
        expect(outcome.kind).toBe('written');
        const byId = shapes.get('item', id);
        const listed = await send(shapes, 'GET', `/tables/item?$filter=${encodeURIComponent(`id eq '${id}'`)}`);
        expect(listed.json).toEqual([byId]);
        expect(byId).toEqual({ ...(outcome as { record: object }).record });
        expect(JSON.parse(JSON.stringify(byId))).toEqual(
          JSON.parse(
            JSON.stringify({
              id,
              ...values,
              createdAt: byId!.createdAt,
              updatedAt: byId!.updatedAt,
              version: byId!.version,
              deleted: false,
            }),
          ),
        );
      }),
      { numRuns: 400 },
    );
  });
});
