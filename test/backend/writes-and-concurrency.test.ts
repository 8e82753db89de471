import { describe, expect, test } from 'vitest';
import { createBackend } from '../../src/backend/backend.js';
import type { TableDefinition } from '../../src/protocol/records.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { newBackend, send, START } from './support.js';

const iso = (ms: number) => new Date(ms).toISOString();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('insert (POST /tables/:t)', () => {
  test('answers 201 with the full record and its version as ETag', async () => {
    const { backend } = await newBackend();
    const reply = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a', text: 'milk', complete: false } });
    expect(reply.status).toBe(201);
    expect(reply.json).toEqual({
      id: 'a',
      text: 'milk',
      complete: false,
      createdAt: iso(START),
      updatedAt: iso(START),
      version: expect.any(String),
      deleted: false,
    });
    expect(reply.headers.etag).toBe(`"${reply.json.version}"`);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  test('generates a v4 uuid when the item has no id', async () => {
    const { backend } = await newBackend();
    const reply = await send(backend, 'POST', '/tables/todoitem', { body: { text: 'milk' } });
    expect(reply.status).toBe(201);
    expect(reply.json.id).toMatch(UUID);
    expect(reply.json.complete).toBeNull();
  });

  test("a taken id answers 409 with the request item echoed back and express's weak ETag, not a version", async () => {
    const { backend } = await newBackend();
    await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a', text: 'first' } });
    const reply = await send(backend, 'POST', '/tables/todoitem', {
      body: { id: 'a', text: 'second', complete: true },
    });
    expect(reply.status).toBe(409);
    expect(reply.json).toEqual({ id: 'a', text: 'second', complete: true });
    expect(reply.headers.etag).toMatch(/^W\/"/);
    expect(backend.get('todoitem', 'a')?.text).toBe('first');
  });

  test('an id held by a soft-deleted row is taken too', async () => {
    const { backend } = await newBackend();
    await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a', text: 'first' } });
    await send(backend, 'DELETE', '/tables/todoitem/a');
    const reply = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a', text: 'again' } });
    expect(reply.status).toBe(409);
    expect(reply.json).toEqual({ id: 'a', text: 'again' });
  });

  test('a version in the inserted item is ignored', async () => {
    const { backend } = await newBackend();
    const reply = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a', version: 'mine' } });
    expect(reply.status).toBe(201);
    expect(reply.json.version).not.toBe('mine');
  });

  test.each(['createdAt', 'updatedAt', 'deleted'])('%s in the body is reserved: 400', async (property) => {
    const { backend } = await newBackend();
    const reply = await send(backend, 'POST', '/tables/todoitem', {
      body: { id: 'a', [property]: property === 'deleted' ? false : iso(START) },
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: `Cannot update item with property '${property}' as it is reserved` });
    expect(backend.rows('todoitem', { includeDeleted: true })).toEqual([]);
  });
});

describe('update (PATCH /tables/:t/:id)', () => {
  async function withItem() {
    const context = await newBackend();
    const created = await send(context.backend, 'POST', '/tables/todoitem', {
      body: { id: 'a', text: 'milk', complete: false },
    });
    context.clock.advance(1000);
    return { ...context, created: created.json };
  }

  test('merges the body into the record: other columns keep their values', async () => {
    const { backend, created } = await withItem();
    const reply = await send(backend, 'PATCH', '/tables/todoitem/a', { body: { complete: true } });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      id: 'a',
      text: 'milk',
      complete: true,
      createdAt: created.createdAt,
      updatedAt: iso(START + 1000),
    });
    expect(reply.json.version).not.toBe(created.version);
    expect(reply.headers.etag).toBe(`"${reply.json.version}"`);
  });

  test('setting a column to null clears it', async () => {
    const { backend } = await withItem();
    const reply = await send(backend, 'PATCH', '/tables/todoitem/a', { body: { text: null } });
    expect(reply.json.text).toBeNull();
  });

  test('without If-Match the last writer wins', async () => {
    const { backend } = await withItem();
    await send(backend, 'PATCH', '/tables/todoitem/a', { body: { text: 'one' } });
    const reply = await send(backend, 'PATCH', '/tables/todoitem/a', { body: { text: 'two' } });
    expect(reply.status).toBe(200);
    expect(backend.get('todoitem', 'a')?.text).toBe('two');
  });

  test('a matching If-Match, quoted or not, lets the write through', async () => {
    const { backend, created } = await withItem();
    const quoted = await send(backend, 'PATCH', '/tables/todoitem/a', {
      body: { text: 'q' },
      headers: { 'if-match': `"${created.version}"` },
    });
    expect(quoted.status).toBe(200);
    const unquoted = await send(backend, 'PATCH', '/tables/todoitem/a', {
      body: { text: 'u' },
      headers: { 'if-match': quoted.json.version },
    });
    expect(unquoted.status).toBe(200);
  });

  test('a stale If-Match answers 412 with the current record and its ETag', async () => {
    const { backend, created } = await withItem();
    const current = await send(backend, 'PATCH', '/tables/todoitem/a', { body: { text: 'newer' } });
    const reply = await send(backend, 'PATCH', '/tables/todoitem/a', {
      body: { text: 'stale' },
      headers: { 'if-match': `"${created.version}"` },
    });
    expect(reply.status).toBe(412);
    expect(reply.json).toEqual(current.json);
    expect(reply.headers.etag).toBe(`"${current.json.version}"`);
    expect(backend.get('todoitem', 'a')?.text).toBe('newer');
  });

  test.each(['*', 'W/"{v}"', ''])('If-Match %j never matches: 412', async (header) => {
    const { backend, created } = await withItem();
    const reply = await send(backend, 'PATCH', '/tables/todoitem/a', {
      body: { text: 'x' },
      headers: { 'if-match': header.replace('{v}', created.version) },
    });
    expect(reply.status).toBe(412);
    expect(backend.get('todoitem', 'a')?.version).toBe(created.version);
  });

  test('without If-Match, a stale version in the body answers 409 with the current record', async () => {
    const { backend, created } = await withItem();
    const current = await send(backend, 'PATCH', '/tables/todoitem/a', { body: { text: 'newer' } });
    const reply = await send(backend, 'PATCH', '/tables/todoitem/a', {
      body: { text: 'stale', version: created.version },
    });
    expect(reply.status).toBe(409);
    expect(reply.json).toEqual(current.json);
    expect(reply.headers.etag).toBe(`"${current.json.version}"`);
  });

  test('a current version in the body lets the write through', async () => {
    const { backend, created } = await withItem();
    const reply = await send(backend, 'PATCH', '/tables/todoitem/a', {
      body: { text: 'ok', version: created.version },
    });
    expect(reply.status).toBe(200);
  });

  test('If-Match decides when both If-Match and a body version are present', async () => {
    const { backend, created } = await withItem();
    const reply = await send(backend, 'PATCH', '/tables/todoitem/a', {
      body: { text: 'ok', version: 'stale' },
      headers: { 'if-match': `"${created.version}"` },
    });
    expect(reply.status).toBe(200);
  });

  test('a missing record answers 404', async () => {
    const { backend } = await withItem();
    const reply = await send(backend, 'PATCH', '/tables/todoitem/zzz', { body: { text: 'x' } });
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({ error: 'The item does not exist' });
  });

  test('a soft-deleted record answers 404, whatever the If-Match', async () => {
    const { backend } = await withItem();
    const deleted = await send(backend, 'DELETE', '/tables/todoitem/a');
    const reply = await send(backend, 'PATCH', '/tables/todoitem/a', {
      body: { text: 'x' },
      headers: { 'if-match': `"${deleted.json.version}"` },
    });
    expect(reply.status).toBe(404);
  });

  test('a body id different from the URL id answers 400', async () => {
    const { backend } = await withItem();
    const reply = await send(backend, 'PATCH', '/tables/todoitem/a', { body: { id: 'b', text: 'x' } });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('The item ID and querystring ID did not match');
    const same = await send(backend, 'PATCH', '/tables/todoitem/a', { body: { id: 'a', text: 'x' } });
    expect(same.status).toBe(200);
  });

  test.each(['createdAt', 'updatedAt', 'deleted'])('%s in a PATCH body is reserved: 400', async (property) => {
    const { backend, created } = await withItem();
    const reply = await send(backend, 'PATCH', '/tables/todoitem/a', { body: { [property]: created[property] } });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: `Cannot update item with property '${property}' as it is reserved` });
  });
});

describe('delete (DELETE /tables/:t/:id)', () => {
  test('soft delete answers 200 with deleted: true, a new version and a new updatedAt', async () => {
    const { backend, clock } = await newBackend();
    const created = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a', text: 'milk' } });
    clock.advance(5);
    const reply = await send(backend, 'DELETE', '/tables/todoitem/a');
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ id: 'a', text: 'milk', deleted: true, updatedAt: iso(START + 5) });
    expect(reply.json.version).not.toBe(created.json.version);
    expect(reply.headers.etag).toBe(`"${reply.json.version}"`);
    expect((await send(backend, 'GET', '/tables/todoitem/a')).status).toBe(404);
    // A soft-deleted record is not found by id even when asked for with __includeDeleted (as on the real server).
    expect((await send(backend, 'GET', '/tables/todoitem/a?__includeDeleted=true')).status).toBe(404);
    expect((await send(backend, 'GET', '/tables/todoitem?__includeDeleted=true')).json[0].deleted).toBe(true);
    expect(backend.rows('todoitem')).toEqual([]);
    expect(backend.rows('todoitem', { includeDeleted: true })).toHaveLength(1);
  });

  test('a stale If-Match answers 412 with the current record', async () => {
    const { backend } = await newBackend();
    const created = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
    const reply = await send(backend, 'DELETE', '/tables/todoitem/a', { headers: { 'if-match': '"stale"' } });
    expect(reply.status).toBe(412);
    expect(reply.json).toEqual(created.json);
    expect(reply.headers.etag).toBe(`"${created.json.version}"`);
    expect(backend.get('todoitem', 'a')).toEqual(created.json);
  });

  test('a matching If-Match deletes', async () => {
    const { backend } = await newBackend();
    const created = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
    expect(
      (await send(backend, 'DELETE', '/tables/todoitem/a', { headers: { 'if-match': `"${created.json.version}"` } }))
        .status,
    ).toBe(200);
  });

  test('a missing or already deleted record answers 404', async () => {
    const { backend } = await newBackend();
    expect((await send(backend, 'DELETE', '/tables/todoitem/nope')).status).toBe(404);
    await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
    await send(backend, 'DELETE', '/tables/todoitem/a');
    const again = await send(backend, 'DELETE', '/tables/todoitem/a');
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ error: 'The item does not exist' });
  });

  test('on a table without soft delete the row goes away and the answer is the record as it was', async () => {
    const hard: TableDefinition = { name: 'note', columns: { body: 'string' }, softDelete: false };
    const { backend } = await newBackend({ tables: [hard] });
    const created = await send(backend, 'POST', '/tables/note', { body: { id: 'n', body: 'x' } });
    expect(created.json).not.toHaveProperty('deleted');
    const reply = await send(backend, 'DELETE', '/tables/note/n');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual(created.json);
    expect(backend.snapshot()).toEqual({ note: [] });
    expect((await send(backend, 'POST', '/tables/note/n')).status).toBe(405);
  });
});

describe('undelete (POST /tables/:t/:id)', () => {
  test('brings a soft-deleted record back: 201, deleted: false, a new version', async () => {
    const { backend, clock } = await newBackend();
    await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a', text: 'milk' } });
    const deleted = await send(backend, 'DELETE', '/tables/todoitem/a');
    clock.advance(7);
    const reply = await send(backend, 'POST', '/tables/todoitem/a');
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({ id: 'a', text: 'milk', deleted: false, updatedAt: iso(START + 7) });
    expect(reply.json.version).not.toBe(deleted.json.version);
    expect(reply.headers.etag).toBe(`"${reply.json.version}"`);
  });

  test('undeleting a live record also answers 201 with a new version', async () => {
    const { backend } = await newBackend();
    const created = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
    const reply = await send(backend, 'POST', '/tables/todoitem/a');
    expect(reply.status).toBe(201);
    expect(reply.json.version).not.toBe(created.json.version);
  });

  test('a stale If-Match answers 412; a matching one undeletes', async () => {
    const { backend } = await newBackend();
    await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } });
    const deleted = await send(backend, 'DELETE', '/tables/todoitem/a');
    const stale = await send(backend, 'POST', '/tables/todoitem/a', { headers: { 'if-match': '"old"' } });
    expect(stale.status).toBe(412);
    expect(stale.json).toEqual(deleted.json);
    const ok = await send(backend, 'POST', '/tables/todoitem/a', {
      headers: { 'if-match': `"${deleted.json.version}"` },
    });
    expect(ok.status).toBe(201);
  });

  test('a missing record answers 404', async () => {
    const { backend } = await newBackend();
    expect((await send(backend, 'POST', '/tables/todoitem/missing')).status).toBe(404);
  });
});

describe('versions and timestamps', () => {
  test('the version changes on every write: insert, update, delete, undelete', async () => {
    const { backend } = await newBackend();
    const versions = [
      (await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } })).json.version,
      (await send(backend, 'PATCH', '/tables/todoitem/a', { body: {} })).json.version,
      (await send(backend, 'PATCH', '/tables/todoitem/a', { body: { text: 'x' } })).json.version,
      (await send(backend, 'DELETE', '/tables/todoitem/a')).json.version,
      (await send(backend, 'POST', '/tables/todoitem/a')).json.version,
    ];
    expect(new Set(versions).size).toBe(versions.length);
    for (const version of versions) expect(version).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  test('several writes in one millisecond share one updatedAt', async () => {
    const { backend } = await newBackend();
    for (const id of ['a', 'b', 'c']) await send(backend, 'POST', '/tables/todoitem', { body: { id } });
    await send(backend, 'PATCH', '/tables/todoitem/a', { body: { text: 'x' } });
    const stamps = backend.rows('todoitem').map((row) => row.updatedAt);
    expect(new Set(stamps)).toEqual(new Set([iso(START)]));
  });

  test('timestamps have millisecond precision: a fractional clock is floored', async () => {
    const clock = new ManualClock(START);
    const backend = await createBackend({ clock, seed: 1 });
    clock.advance(0.75);
    expect(backend.insert('todoitem', { id: 'a' })).toMatchObject({ status: 201, record: { updatedAt: iso(START) } });
  });

  test('the same seed and the same requests give the same ids and versions', async () => {
    const run = async () => {
      const { backend } = await newBackend({ seed: 'same' });
      await send(backend, 'POST', '/tables/todoitem', { body: { text: 'a' } });
      await send(backend, 'POST', '/tables/todoitem', { body: { text: 'b' } });
      return backend.snapshot();
    };
    expect(await run()).toEqual(await run());
  });

  test('an injected random source decides ids and versions', async () => {
    const a = await createBackend({ clock: new ManualClock(START), random: new SeededRandom('x') });
    const b = await createBackend({ clock: new ManualClock(START), random: new SeededRandom('y') });
    expect(a.insert('todoitem', {})).not.toEqual(b.insert('todoitem', {}));
  });
});

describe('direct access for tests and actors', () => {
  test('direct writes move versions and updatedAt exactly as the same writes over HTTP', async () => {
    const overHttp = await newBackend({ seed: 'twin' });
    const direct = await newBackend({ seed: 'twin' });
    await send(overHttp.backend, 'POST', '/tables/todoitem', { body: { id: 'a', text: 'x' } });
    direct.backend.insert('todoitem', { id: 'a', text: 'x' });
    overHttp.clock.advance(3);
    direct.clock.advance(3);
    const v = overHttp.backend.get('todoitem', 'a')!.version;
    await send(overHttp.backend, 'PATCH', '/tables/todoitem/a', {
      body: { complete: true },
      headers: { 'if-match': `"${v}"` },
    });
    direct.backend.update('todoitem', 'a', { complete: true }, { ifMatch: v });
    await send(overHttp.backend, 'DELETE', '/tables/todoitem/a');
    direct.backend.delete('todoitem', 'a');
    await send(overHttp.backend, 'POST', '/tables/todoitem/a');
    direct.backend.undelete('todoitem', 'a');
    expect(direct.backend.snapshot()).toEqual(overHttp.backend.snapshot());
  });

  test('direct writes report outcomes the way HTTP would answer', async () => {
    const { backend } = await newBackend();
    const created = backend.insert('todoitem', { id: 'a', text: 'x' });
    expect(created).toMatchObject({ kind: 'written', status: 201 });
    expect(backend.insert('todoitem', { id: 'a' })).toEqual({
      kind: 'id-taken',
      status: 409,
      id: 'a',
      item: { id: 'a' },
    });
    expect(backend.update('todoitem', 'a', { text: 'y' }, { ifMatch: '"old"' })).toMatchObject({
      kind: 'precondition-failed',
      status: 412,
    });
    expect(backend.update('todoitem', 'zz', {})).toEqual({
      kind: 'not-found',
      status: 404,
      error: 'The item does not exist',
    });
    expect(backend.update('todoitem', 'a', { nope: 1 })).toMatchObject({ kind: 'invalid', status: 400 });
    expect(backend.insert('ghost', {})).toEqual({
      kind: 'not-found',
      status: 404,
      error: "The table 'ghost' does not exist",
    });
  });

  test('seed puts rows in place with the system properties it is given', async () => {
    const { backend } = await newBackend();
    const [row] = backend.seed('todoitem', [
      {
        id: 's1',
        text: 'seeded',
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: '2025-06-01T00:00:00.000Z',
        version: 'v1',
        deleted: true,
      },
    ]);
    expect(row).toEqual({
      id: 's1',
      text: 'seeded',
      complete: null,
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-06-01T00:00:00.000Z',
      version: 'v1',
      deleted: true,
    });
    expect(backend.get('todoitem', 's1')).toBeUndefined();
    expect(backend.get('todoitem', 's1', { includeDeleted: true })).toEqual(row);
  });

  test('seed fills in what is missing and refuses taken ids and bad values without storing anything', async () => {
    const { backend } = await newBackend();
    const [row] = backend.seed('todoitem', [{ text: 'x' }]);
    expect(row).toMatchObject({
      id: expect.stringMatching(UUID),
      createdAt: iso(START),
      updatedAt: iso(START),
      deleted: false,
    });
    expect(() => backend.seed('todoitem', [{ id: 'n1' }, { id: row!.id }])).toThrow(/taken/);
    expect(() => backend.seed('todoitem', [{ id: 'n2' }, { id: 'n3', complete: 'yes' }])).toThrow(/complete/);
    expect(() => backend.seed('todoitem', [{ id: 'n4', version: 'has "quotes"' }])).toThrow(/version/);
    expect(backend.rows('todoitem').map((r) => r.id)).toEqual([row!.id]);
  });

  test('rows come back in insertion order; the snapshot holds every row of every table sorted by id', async () => {
    const { backend } = await newBackend({
      tables: [
        { name: 'todoitem', columns: { text: 'string' } },
        { name: 'alpha', columns: {} },
      ],
    });
    for (const id of ['m', 'c', 'x']) backend.insert('todoitem', { id });
    backend.delete('todoitem', 'c');
    backend.insert('alpha', { id: 'z' });
    expect(backend.rows('todoitem').map((row) => row.id)).toEqual(['m', 'x']);
    expect(backend.rows('todoitem', { includeDeleted: true }).map((row) => row.id)).toEqual(['m', 'c', 'x']);
    const snapshot = backend.snapshot();
    expect(Object.keys(snapshot)).toEqual(['alpha', 'todoitem']);
    expect(snapshot.todoitem!.map((row) => [row.id, row.deleted])).toEqual([
      ['c', true],
      ['m', false],
      ['x', false],
    ]);
  });

  test('tables can be defined after creation and are then served', async () => {
    const { backend } = await newBackend();
    backend.defineTable({ name: 'Tag', columns: { label: 'string' } });
    expect(backend.tables().map((table) => table.name)).toEqual(['todoitem', 'Tag']);
    expect((await send(backend, 'POST', '/tables/tag', { body: { id: 't', label: 'x' } })).status).toBe(201);
    expect(() => backend.defineTable({ name: 'TAG', columns: {} })).toThrow(/already served/);
    expect(() => backend.defineTable({ name: 'bad name', columns: {} })).toThrow(/table name/);
    expect(() => backend.defineTable({ name: 'x', columns: { version: 'string' } })).toThrow(/system property/);
  });

  test('every response carries x-zumo-server-version; the records a table route renders are not to be cached', async () => {
    const { backend } = await newBackend();
    for (const reply of [
      await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a' } }),
      await send(backend, 'GET', '/tables/todoitem'),
      await send(backend, 'GET', '/tables/todoitem/nope'),
    ]) {
      expect(reply.headers['x-zumo-server-version']).toBe('node-4.0.2');
      expect(reply.headers['cache-control']).toBe('no-cache');
      expect(reply.headers['expires']).toBe('0');
      expect(reply.headers['pragma']).toBe('no-cache');
    }
    for (const reply of [await send(backend, 'GET', '/tables/nope'), await send(backend, 'GET', '/elsewhere')]) {
      expect(reply.headers['x-zumo-server-version']).toBe('node-4.0.2');
      expect(reply.headers['cache-control']).toBeUndefined();
    }
    const options = await backend.handle({ method: 'OPTIONS', url: '/tables/todoitem', headers: {} });
    expect(options.headers['x-zumo-server-version']).toBeTruthy();
  });

  test('a closed backend answers 503 over HTTP and refuses direct access', async () => {
    const { backend } = await newBackend();
    backend.close();
    const reply = await send(backend, 'GET', '/tables/todoitem');
    expect(reply.status).toBe(503);
    expect(reply.json).toEqual({ error: 'The backend is closed' });
    expect(() => backend.rows('todoitem')).toThrow('The backend is closed');
    expect(() => backend.insert('todoitem', {})).toThrow('The backend is closed');
    backend.close();
  });
});
