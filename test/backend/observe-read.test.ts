/** The read observer: what a table query served, and what else the table held at that moment. */
import { describe, expect, test } from 'vitest';
import type { ServedRead } from '../../src/backend/types.js';
import { ODataQueryError } from '../../src/protocol/odata/errors.js';
import { newBackend, request } from './support.js';

async function observed(url: string): Promise<{ read: ServedRead | undefined; status: number }> {
  const { backend, clock } = await newBackend();
  backend.insert('todoitem', { id: 'a', text: 'milk', complete: false });
  clock.advance(5);
  backend.insert('todoitem', { id: 'b', text: 'dog', complete: true });
  backend.delete('todoitem', 'b');
  let read: ServedRead | undefined;
  let rowsThen: unknown;
  const response = await backend.handle(request('GET', url), {
    observeRead: (seen) => {
      read = seen;
      rowsThen = seen.rowsMatching();
    },
  });
  // What the observer asked for while it ran is what the table held at the read.
  backend.insert('todoitem', { id: 'c', text: 'later' });
  expect(rowsThen).toEqual(read?.rowsMatching().filter((row) => row.id !== 'c'));
  return { read, status: response.status };
}

describe('observeRead', () => {
  test('tells the page served, in order, with system properties even when $select leaves them out', async () => {
    const { read } = await observed('/tables/todoitem?$select=text&__includeDeleted=true&$orderby=id');
    expect(read?.table).toBe('todoitem');
    expect(read?.served.map((row) => [row.id, row.deleted])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(read?.served[0]).toMatchObject({ updatedAt: '2026-01-01T00:00:00.000Z' });
    expect(read?.served[0]!.version).toMatch(/\S/);
    expect(read?.full).toBe(false);
  });

  test('says whether the page was full, and how many writes the table has taken', async () => {
    const { read } = await observed('/tables/todoitem?$top=1&__includeDeleted=true');
    expect(read?.full).toBe(true);
    expect(read?.writes).toBe(3); // two inserts and a soft delete
  });

  test('answers what a filter matches over every row, soft-deleted ones included, whatever the page asked', async () => {
    const { read } = await observed("/tables/todoitem?$filter=text eq 'nothing'");
    expect(read?.served).toEqual([]);
    expect(read?.rowsMatching().map((row) => row.id)).toEqual(['a', 'b', 'c']);
    expect(read?.rowsMatching('complete eq true').map((row) => row.id)).toEqual(['b']);
    expect(() => read?.rowsMatching('nonsense eq')).toThrow(ODataQueryError);
    expect(() => read?.rowsMatching('colour eq 1')).toThrow(ODataQueryError);
  });

  test('is not told of item reads, writes or refused queries', async () => {
    const { backend } = await newBackend();
    backend.insert('todoitem', { id: 'a', text: 'milk' });
    const reads: ServedRead[] = [];
    const observeRead = (read: ServedRead): number => reads.push(read);
    await backend.handle(request('GET', '/tables/todoitem/a'), { observeRead });
    await backend.handle(request('PATCH', '/tables/todoitem/a', { body: { text: 'oat' } }), { observeRead });
    expect((await backend.handle(request('GET', '/tables/todoitem?$top=5000'), { observeRead })).status).toBe(400);
    expect(reads).toEqual([]);
  });
});
