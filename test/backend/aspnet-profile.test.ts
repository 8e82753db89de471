/**
 * The ASP.NET profile (Microsoft.Azure.Mobile.Server on Entity Framework and SQL Server, the
 * quickstart's TodoItemController). Each expectation names the file of
 * Azure/azure-mobile-apps-net-server it was read from; docs/server-profiles.md lists them all.
 */
import { describe, expect, test } from 'vitest';
import type { BackendOptions } from '../../src/backend/types.js';
import type { TableDefinition } from '../../src/protocol/records.js';
import { collationKey } from '../../src/backend/profiles/collation.js';
import { API, newBackend, send, START } from './support.js';

const aspnet = (options: Omit<BackendOptions, 'clock'> = {}) => newBackend({ profile: 'aspnet', ...options });
const NAMES: TableDefinition = { name: 'person', columns: { name: 'string', born: 'date' } };

describe('records (MobileAppControllerConfigProvider.cs, EntityData.cs, EntityDomainManager.cs)', () => {
  test('timestamps show at most three digits, trailing zeros and an empty fraction dropped', async () => {
    const { backend, clock } = await aspnet();
    const first = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
    expect(first.json.createdAt).toBe('2026-01-01T00:00:00Z');
    clock.advance(120);
    const second = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'b' } });
    expect(second.json.createdAt).toBe('2026-01-01T00:00:00.12Z');
  });

  test('timestamps are stored to 100 ns: writes in one millisecond stay ordered, and eq on the shown value misses them', async () => {
    const { backend } = await aspnet();
    await send(backend, 'POST', '/tables/todoitem', { body: { id: 'later-id-first', text: 'first' } });
    await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a-second', text: 'second' } });
    const both = await send(backend, 'GET', '/tables/todoitem?$orderby=updatedAt');
    expect(both.json.map((row: { text: string }) => row.text)).toEqual(['first', 'second']);
    const shown = both.json[0].updatedAt;
    expect(both.json[1].updatedAt).toBe(shown);
    const texts = async (filter: string) =>
      (
        await send(backend, 'GET', `/tables/todoitem?$orderby=updatedAt&$filter=${encodeURIComponent(filter)}`)
      ).json.map((row: { text: string }) => row.text);
    // The stored values lie between the shown millisecond and the next one.
    expect(await texts(`updatedAt eq datetimeoffset'${shown}'`)).toEqual([]);
    expect(await texts(`updatedAt gt datetimeoffset'${shown}'`)).toEqual(['first', 'second']);
    expect(await texts(`updatedAt lt datetimeoffset'2026-01-01T00:00:00.001Z'`)).toEqual(['first', 'second']);
  });

  test('versions are one 8-byte counter for the whole database, in base64', async () => {
    const { backend } = await aspnet({ tables: [{ name: 'todoitem', columns: { text: 'string' } }, NAMES] });
    const a = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
    const b = await send(backend, 'POST', '/tables/person', { body: { id: 'b' } });
    const c = await send(backend, 'PATCH', '/tables/todoitem/a', { body: { text: 'x' } });
    expect([a.json.version, b.json.version, c.json.version]).toEqual(['AAAAAAAAB9E=', 'AAAAAAAAB9I=', 'AAAAAAAAB9M=']);
    expect(c.headers.etag).toBe('"AAAAAAAAB9M="');
  });

  test('an insert without an id gets 32 hex digits, answers 201 with Location, and the database sets the timestamps', async () => {
    const { backend } = await aspnet();
    const reply = await backend.handle({
      method: 'POST',
      url: '/tables/todoitem',
      headers: { ...API, 'content-type': 'application/json', host: 'app.test' },
      body: JSON.stringify({ text: 'milk', createdAt: '2000-01-01T00:00:00Z' }),
    });
    const record = JSON.parse(reply.body);
    expect(reply.status).toBe(201);
    expect(record.id).toMatch(/^[0-9a-f]{32}$/);
    expect(record.createdAt).toBe('2026-01-01T00:00:00Z');
    expect(reply.headers.location).toBe(`http://app.test/tables/todoitem/${record.id}`);
    expect(reply.headers['x-zumo-server-version']).toBe('net-2.0.4');
  });
});

describe('writes and concurrency (EntityDomainManager.cs, EntityUtils.cs, TableHttpRequestMessageExtensions.cs)', () => {
  test('a taken id is a 409 with the SQL Server error, wrapped', async () => {
    const { backend } = await aspnet();
    await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
    const reply = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a', text: 'again' } });
    expect(reply.status).toBe(409);
    expect(reply.json).toEqual({
      message:
        "The operation failed due to a conflict: 'Violation of PRIMARY KEY constraint 'PK_dbo.todoitems'. Cannot insert duplicate key in object 'dbo.todoitems'. The duplicate key value is (a).\r\nThe statement has been terminated.'.",
    });
  });

  test('stale versions: 412 with If-Match, 409 with a body version, each with the current record and its ETag', async () => {
    const { backend } = await aspnet();
    const created = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a', text: 'milk' } });
    const stale = '"AAAAAAAAAAE="';
    const precondition = await send(backend, 'PATCH', '/tables/todoitem/a', {
      body: { text: 'x' },
      headers: { 'if-match': stale },
    });
    expect(precondition.status).toBe(412);
    expect(precondition.json).toEqual(created.json);
    expect(precondition.headers.etag).toBe(created.headers.etag);
    const conflict = await send(backend, 'PATCH', '/tables/todoitem/a', {
      body: { text: 'x', version: 'AAAAAAAAAAE=' },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.json).toEqual(created.json);
    const deleted = await send(backend, 'DELETE', '/tables/todoitem/a', { headers: { 'if-match': stale } });
    expect(deleted.status).toBe(412);
  });

  test("If-Match '*' is no condition; a weak or non-base64 one is a 400", async () => {
    const { backend } = await aspnet();
    await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
    const star = await send(backend, 'PATCH', '/tables/todoitem/a', {
      body: { text: 'x' },
      headers: { 'if-match': '*' },
    });
    expect(star.status).toBe(200);
    for (const ifMatch of ['W/"AAAAAAAAB9E="', '"not base64!"']) {
      const reply = await send(backend, 'PATCH', '/tables/todoitem/a', {
        body: { text: 'y' },
        headers: { 'if-match': ifMatch },
      });
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({
        message: `The HTTP If-Match header is invalid: '${ifMatch}'. Updating an existing resource requires a single, strong ETag, or a wildcard ETag.`,
      });
    }
    expect(backend.get('todoitem', 'a')?.['text']).toBe('x');
  });

  test('a body id other than the URL id is a 400; a PATCH of nothing a 404 naming the URI', async () => {
    const { backend } = await aspnet();
    await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
    const mismatch = await send(backend, 'PATCH', '/tables/todoitem/a', { body: { id: 'b' } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.message).toBe(
      "The 'Id' field in the HTTP request body must match the values used in the request URI. Expected a value of 'a' but received 'b'.",
    );
    const missing = await backend.handle({
      method: 'PATCH',
      url: '/tables/todoitem/zz',
      headers: { ...API, 'content-type': 'application/json', host: 'app.test' },
      body: '{}',
    });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({
      message: "No HTTP resource was found that matches the request URI 'http://app.test/tables/todoitem/zz'.",
    });
  });

  test('DELETE answers 204 with no body; a GET or DELETE of nothing answers 404 with no body', async () => {
    const { backend } = await aspnet();
    await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
    const deleted = await backend.handle({ method: 'DELETE', url: '/tables/todoitem/a', headers: API });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    for (const method of ['GET', 'DELETE']) {
      const reply = await backend.handle({ method, url: '/tables/todoitem/a', headers: API });
      expect(reply.status).toBe(404);
      expect(reply.body).toBe('');
    }
  });

  test('__includedeleted=true (and only true) lets a GET see a soft-deleted record; undelete answers 200', async () => {
    const { backend } = await aspnet();
    await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
    await send(backend, 'DELETE', '/tables/todoitem/a');
    expect((await send(backend, 'GET', '/tables/todoitem/a?__includedeleted=TRUE')).json.deleted).toBe(true);
    expect((await send(backend, 'GET', '/tables/todoitem/a?__includeDeleted=1')).status).toBe(404);
    expect((await send(backend, 'GET', '/tables/todoitem?__includeDeleted=yes')).json).toEqual([]);
    const restored = await send(backend, 'POST', '/tables/todoitem/a');
    expect(restored.status).toBe(200);
    expect(restored.json.deleted).toBe(false);
  });
});

describe('the API version and unknown routes (MobileAppControllerAttribute.cs, RResources.resx)', () => {
  test('missing and unsupported versions have their own messages, and no server version header', async () => {
    const { backend } = await aspnet();
    const missing = await backend.handle({ method: 'GET', url: '/tables/todoitem', headers: {} });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body).message).toBe(
      "No API version was specified in the request, this request needs to specify a ZUMO-API-VERSION of '2.0.0'.  For more information and supported clients see: http://go.microsoft.com/fwlink/?LinkId=690568#2.0.0",
    );
    expect(missing.headers['x-zumo-server-version']).toBeUndefined();
    const wrong = await backend.handle({
      method: 'GET',
      url: '/tables/todoitem',
      headers: { 'zumo-api-version': '3.0.0' },
    });
    expect(JSON.parse(wrong.body).message).toMatch(/^An invalid API version was specified/);
    // The query string is read first.
    const both = await backend.handle({
      method: 'GET',
      url: '/tables/todoitem?zumo-api-version=1.0.0',
      headers: { 'zumo-api-version': '2.0.0' },
    });
    expect(both.status).toBe(400);
  });

  test('an unknown table is a 404 naming the URI', async () => {
    const { backend } = await aspnet();
    const reply = await backend.handle({
      method: 'GET',
      url: '/tables/nope?x=1',
      headers: { ...API, host: 'app.test' },
    });
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body)).toEqual({
      message: "No HTTP resource was found that matches the request URI 'http://app.test/tables/nope?x=1'.",
    });
  });
});

describe('paging (TableUtils.cs, TableFilterProvider.cs, TableQueryFilter.cs, LinkHeader.cs)', () => {
  async function sixty() {
    const context = await aspnet();
    for (let i = 0; i < 60; i++) context.backend.insert('todoitem', { id: `r${String(i).padStart(2, '0')}` });
    return context.backend;
  }
  const link = (reply: { headers: Record<string, string> }) => reply.headers.link;

  test('50 records a page, and a next link only when there is a next page', async () => {
    const backend = await sixty();
    const first = await send(backend, 'GET', '/tables/todoitem');
    expect(first.json).toHaveLength(50);
    expect(link(first)).toBe('http://localhost/tables/todoitem?$skip=50; rel=next');
    const last = await send(backend, 'GET', '/tables/todoitem?$skip=10');
    expect(last.json).toHaveLength(50);
    expect(link(last)).toBeUndefined();
  });

  test('$top at or under the page size is served whole without a link; above it, paged with $top reduced', async () => {
    const backend = await sixty();
    const ten = await send(backend, 'GET', '/tables/todoitem?$top=10');
    expect(ten.json).toHaveLength(10);
    expect(link(ten)).toBeUndefined();
    const many = await send(backend, 'GET', "/tables/todoitem?$filter=id ne 'x'&$top=5000&$skip=5");
    expect(many.json).toHaveLength(50);
    expect(link(many)).toBe('http://localhost/tables/todoitem?$filter=id%20ne%20%27x%27&$top=4950&$skip=55; rel=next');
  });

  test('without $orderby rows come by id, which is also the tie-break', async () => {
    const { backend } = await aspnet();
    for (const id of ['b', 'C', 'a']) backend.insert('todoitem', { id });
    const reply = await send(backend, 'GET', '/tables/todoitem?$orderby=updatedAt');
    expect(reply.json.map((row: { id: string }) => row.id)).toEqual(['b', 'C', 'a']);
    const plain = await send(backend, 'GET', '/tables/todoitem');
    expect(plain.json.map((row: { id: string }) => row.id)).toEqual(['a', 'b', 'C']);
  });
});

describe('SQL Server: collation, nulls and literals', () => {
  const PEOPLE = ['Zoe', 'amadeus', 'Amy', 'Amélie', 'zebra', 'Amelie', 'Amadeus', 'co-op', 'coop', 'Ærø', 'Aeron'];

  async function people() {
    const { backend } = await aspnet({ tables: [NAMES] });
    PEOPLE.forEach((name, i) => backend.insert('person', { id: `p${i}`, name, born: '2000-01-01T00:00:00Z' }));
    backend.insert('person', { id: 'none' });
    return backend;
  }
  const names = async (query: string) =>
    (await send(await people(), 'GET', `/tables/person?${query}`)).json.map((row: { name: string }) => row.name);

  test('$orderby sorts as a dictionary: case ignored, accents after the bare letter, hyphens nearly ignored', async () => {
    // Ties (Amadeus, amadeus) come by id, Web API's stable ordering: p1 before p6.
    expect(await names('$orderby=name')).toEqual([
      null,
      'Ærø',
      'Aeron',
      'amadeus',
      'Amadeus',
      'Amelie',
      'Amélie',
      'Amy',
      'coop',
      'co-op',
      'zebra',
      'Zoe',
    ]);
  });

  test('eq ignores case and trailing spaces but not accents', async () => {
    expect(await names(`$filter=${encodeURIComponent("name eq 'AMADEUS  '")}&$orderby=id`)).toEqual([
      'amadeus',
      'Amadeus',
    ]);
    expect(await names(`$filter=${encodeURIComponent("name eq 'Amelie'")}`)).toEqual(['Amelie']);
    expect(await names(`$filter=${encodeURIComponent("startswith(name, 'ZE')")}`)).toEqual(['zebra']);
    expect(await names(`$filter=${encodeURIComponent("name gt 'amy' and name lt 'zz'")}&$orderby=name`)).toEqual([
      'coop',
      'co-op',
      'zebra',
      'Zoe',
    ]);
  });

  test("ne keeps nulls, as Entity Framework's C# null semantics do", async () => {
    expect(await names(`$filter=${encodeURIComponent("name ne 'Zoe'")}&$top=100`)).toContain(null);
  });

  test('a datetime literal or a string beside a DateTimeOffset column is a 400; datetimeoffset works', async () => {
    const backend = await people();
    const refused = await send(
      backend,
      'GET',
      `/tables/person?$filter=${encodeURIComponent("born ge datetime'1999-01-01T00:00:00'")}`,
    );
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      message:
        "The query specified in the URI is not valid. A binary operator with incompatible types was detected. Found operand types 'Edm.DateTimeOffset' and 'Edm.DateTime' for operator kind 'GreaterThanOrEqual'.",
    });
    const text = await send(
      backend,
      'GET',
      `/tables/person?$filter=${encodeURIComponent("born lt '1999-01-01T00:00:00Z'")}`,
    );
    expect(text.json.message).toMatch(/'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'LessThan'/);
    const ok = await send(
      backend,
      'GET',
      `/tables/person?$filter=${encodeURIComponent("born ge datetimeoffset'1999-01-01T00:00:00Z' and year(born) eq 2000")}`,
    );
    expect(ok.json).toHaveLength(PEOPLE.length);
  });

  test('collation keys: equal exactly when SQL Server finds the strings equal', () => {
    expect(collationKey('Amadeus')).toBe(collationKey('amadeus  '));
    expect(collationKey('Amelie')).not.toBe(collationKey('Amélie'));
    expect(collationKey('coop')).not.toBe(collationKey('co-op'));
    expect(collationKey('Straße')).toBe(collationKey('STRASSE'));
    expect(collationKey('a') < collationKey('ab')).toBe(true);
    expect(collationKey('9') < collationKey('a')).toBe(true);
    expect(collationKey('!') < collationKey('0')).toBe(true);
  });
});

test('an ASP.NET backend made after a Node one with the same tables is not handed its tables', async () => {
  const node = await newBackend();
  node.backend.close();
  const { backend } = await aspnet();
  const reply = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
  expect(reply.json.createdAt).toBe(new Date(START).toISOString().replace('.000Z', 'Z'));
});
