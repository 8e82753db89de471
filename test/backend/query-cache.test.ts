/**
 * Parsed query strings are shared between requests and backends (a pull asks the same pages
 * again and again). Sharing must not change any answer.
 */
import { describe, expect, test } from 'vitest';
import { newBackend, send } from './support.js';

const PAGE =
  "/tables/todoitem?$filter=(updatedAt%20ge%20datetimeoffset'1970-01-01T00:00:00.000Z')&$orderby=updatedAt&$top=2&__includeDeleted=true";

describe('the parsed-query cache', () => {
  test('the same query string answers from each backend’s own rows, page after page', async () => {
    const first = await newBackend();
    const second = await newBackend();
    for (const id of ['a', 'b', 'c']) first.backend.insert('todoitem', { id, text: id });
    second.backend.insert('todoitem', { id: 'z', text: 'z' });

    const one = await send(first.backend, 'GET', PAGE);
    expect(one.json.map((record: { id: string }) => record.id)).toEqual(['a', 'b']);
    // A full page links to the next one; following it must not change the cached query.
    expect(one.headers.link).toContain('%24skip=2');
    const again = await send(first.backend, 'GET', PAGE);
    expect(again.body).toBe(one.body);
    const other = await send(second.backend, 'GET', PAGE);
    expect(other.json.map((record: { id: string }) => record.id)).toEqual(['z']);
    expect(other.headers.link).toBeUndefined();
  });

  test('a query that fails to parse or to compile fails every time, with the same answer', async () => {
    const { backend } = await newBackend();
    for (const url of [
      "/tables/todoitem?$filter=text eq 'x' or",
      '/tables/todoitem?$filter=nosuchcolumn eq 1',
      "/tables/todoitem?$filter=text eq 'x'; DROP TABLE t0",
    ]) {
      const first = await send(backend, 'GET', url);
      const second = await send(backend, 'GET', url);
      expect(first.status, url).toBe(400);
      expect(second.status).toBe(400);
      expect(second.body).toBe(first.body);
    }
    expect((await send(backend, 'GET', '/tables/todoitem')).status).toBe(200);
  });

  test('one filter and order, with and without deleted rows, paged and whole, each get their own SQL', async () => {
    const { backend } = await newBackend();
    for (const id of ['a', 'b', 'c']) backend.insert('todoitem', { id, text: id });
    backend.delete('todoitem', 'b');
    const ids = (reply: { json: { id: string }[] }) => reply.json.map((record) => record.id);
    const filter = "$filter=text ne 'z'&$orderby=text";
    for (let round = 0; round < 2; round++) {
      expect(ids(await send(backend, 'GET', `/tables/todoitem?${filter}`))).toEqual(['a', 'c']);
      expect(ids(await send(backend, 'GET', `/tables/todoitem?${filter}&__includeDeleted=true`))).toEqual([
        'a',
        'b',
        'c',
      ]);
      expect(ids(await send(backend, 'GET', `/tables/todoitem?${filter}&$top=1&$skip=1`))).toEqual(['c']);
      expect(backend.rows('todoitem').map((record) => record.id)).toEqual(['a', 'c']);
      expect(backend.rows('todoitem', { includeDeleted: true }).map((record) => record.id)).toEqual(['a', 'b', 'c']);
    }
  });

  test('the same filter on two tables compiles against each table’s columns', async () => {
    const { backend } = await newBackend({
      tables: [
        { name: 'notes', columns: { text: 'string' } },
        { name: 'tasks', columns: { text: 'string', done: 'boolean' } },
      ],
    });
    backend.insert('tasks', { id: 't', text: 'x', done: true });
    expect((await send(backend, 'GET', '/tables/tasks?$filter=done eq true')).json).toHaveLength(1);
    expect((await send(backend, 'GET', '/tables/notes?$filter=done eq true')).status).toBe(400);
  });
});
