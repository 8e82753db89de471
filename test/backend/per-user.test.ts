import { describe, expect, test } from 'vitest';
import { createBackend } from '../../src/backend/backend.js';
import { TODOITEM_TABLE } from '../../src/protocol/records.js';
import { withOwnerColumn } from '../../src/backend/server-variants.js';
import { newBackend, send } from './support.js';

const OWNED = withOwnerColumn(TODOITEM_TABLE);
const as = (user: string) => ({ headers: { 'x-zumo-auth': user } });
const ids = (json: unknown): string[] => (json as { id: string }[]).map((record) => record.id);

async function twoUsers() {
  const context = await newBackend({ perUser: true, tables: [OWNED] });
  const { backend } = context;
  expect(
    (await send(backend, 'POST', '/tables/todoitem', { body: { id: 'a1', text: 'x' }, ...as('alice') })).status,
  ).toBe(201);
  expect(
    (await send(backend, 'POST', '/tables/todoitem', { body: { id: 'b1', text: 'y' }, ...as('bob') })).status,
  ).toBe(201);
  return context;
}

describe('a per-user server (perUser)', () => {
  test('an insert is stamped with its user in userId, whatever the body says', async () => {
    const { backend } = await twoUsers();
    const reply = await send(backend, 'POST', '/tables/todoitem', {
      body: { id: 'a2', text: 'z', userId: 'bob' },
      ...as('alice'),
    });
    expect(reply.json.userId).toBe('alice');
    expect(backend.get('todoitem', 'a2')?.['userId']).toBe('alice');
  });

  test('reads and pulls see only the user’s rows; one of another user is a 404', async () => {
    const { backend } = await twoUsers();
    expect(ids((await send(backend, 'GET', '/tables/todoitem?__includeDeleted=true', as('alice'))).json)).toEqual([
      'a1',
    ]);
    expect(ids((await send(backend, 'GET', "/tables/todoitem?$filter=text eq 'y'", as('alice'))).json)).toEqual([]);
    expect((await send(backend, 'GET', '/tables/todoitem/b1', as('alice'))).status).toBe(404);
    expect((await send(backend, 'GET', '/tables/todoitem/b1', as('bob'))).status).toBe(200);
  });

  test('an update or delete of another user’s row is a 404 and changes nothing; the owner’s goes through', async () => {
    const { backend } = await twoUsers();
    expect(
      (await send(backend, 'PATCH', '/tables/todoitem/b1', { body: { text: 'mine' }, ...as('alice') })).status,
    ).toBe(404);
    expect((await send(backend, 'DELETE', '/tables/todoitem/b1', as('alice'))).status).toBe(404);
    expect(backend.get('todoitem', 'b1')?.['text']).toBe('y');
    const own = await send(backend, 'PATCH', '/tables/todoitem/b1', {
      body: { text: 'new', userId: 'alice' },
      ...as('bob'),
    });
    expect(own.status).toBe(200);
    expect(own.json.userId).toBe('bob');
  });

  test('an insert with an id another user’s row holds is a 409 that leaves the row alone', async () => {
    const { backend } = await twoUsers();
    const reply = await send(backend, 'POST', '/tables/todoitem', { body: { id: 'b1', text: 'mine' }, ...as('alice') });
    expect(reply.status).toBe(409);
    expect(backend.get('todoitem', 'b1')).toMatchObject({ text: 'y', userId: 'bob' });
  });

  test('a request that names no user is a 401', async () => {
    const { backend } = await twoUsers();
    expect((await send(backend, 'GET', '/tables/todoitem')).status).toBe(401);
    expect((await send(backend, 'POST', '/tables/todoitem', { body: { id: 'c' } })).status).toBe(401);
  });

  test('direct writes act as the user they name, or as an admin who reaches every row', async () => {
    const { backend } = await twoUsers();
    expect(backend.update('todoitem', 'b1', { text: 'admin' }).kind).toBe('written');
    expect(backend.update('todoitem', 'b1', { text: 'alice' }, { user: 'alice' }).kind).toBe('not-found');
    expect(backend.insert('todoitem', { id: 'e1' }, { direct: true, user: 'bob' }).kind).toBe('written');
    expect(ids((await send(backend, 'GET', '/tables/todoitem', as('bob'))).json).sort()).toEqual(['b1', 'e1']);
  });

  test('the observer’s rows are the user’s: what a complete pull of that user must bring', async () => {
    const { backend } = await twoUsers();
    let matching: string[] = [];
    await backend.handle(
      { method: 'GET', url: '/tables/todoitem', headers: { 'zumo-api-version': '2.0.0', 'x-zumo-auth': 'bob' } },
      { observeRead: (read) => (matching = read.rowsMatching().map((row) => row.id)) },
    );
    expect(matching).toEqual(['b1']);
  });

  test('a table without a string userId column, or a perUser that is no map of users, is refused', async () => {
    await expect(createBackend({ perUser: true })).rejects.toThrow(
      "table 'todoitem'.columns.userId: expected a string column userId",
    );
    await expect(createBackend({ perUser: 'yes' as unknown as boolean, tables: [OWNED] })).rejects.toThrow(
      'perUser: expected true, false or a map of names to users, found "yes"',
    );
    await expect(createBackend({ perUser: { 'client-1': 'a b' }, tables: [OWNED] })).rejects.toThrow(
      'perUser.client-1: expected a user name',
    );
  });
});
