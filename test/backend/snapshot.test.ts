/**
 * A backend remembers each table's rows at its last snapshot and reads them again only once the
 * table has changed. What a snapshot gives must be what reading the table gives, after every kind
 * of write, and the caller's to change without touching the next snapshot.
 */
import { describe, expect, test } from 'vitest';
import { createBackend } from '../../src/backend/backend.js';
import type { Backend } from '../../src/backend/types.js';
import type { ServerRecord, TableDefinition } from '../../src/protocol/records.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { send } from './support.js';

const TABLES: TableDefinition[] = [
  { name: 'items', columns: { text: 'string', extra: 'object' } },
  { name: 'notes', columns: { body: 'string' }, softDelete: false },
];

/** Each table as a fresh read gives it: every row, deleted ones too, in id order. */
function readAll(backend: Backend): Record<string, ServerRecord[]> {
  const rows: Record<string, ServerRecord[]> = {};
  for (const name of ['items', 'notes']) {
    rows[name] = backend.rows(name, { includeDeleted: true }).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return rows;
}

describe('backend snapshots', () => {
  test('follow every kind of write, HTTP and direct, and nothing else', async () => {
    const clock = new ManualClock();
    const backend = await createBackend({ tables: TABLES, clock, seed: 3 });
    const writes: Array<[string, () => unknown]> = [
      ['seed', () => backend.seed('items', [{ id: 'a', text: 'seeded', extra: { tags: ['x'] } }])],
      ['insert', () => backend.insert('items', { id: 'b', text: 'b' })],
      ['POST', () => send(backend, 'POST', '/tables/notes', { body: { id: 'n', body: 'hi' } })],
      ['update', () => backend.update('items', 'a', { text: 'edited', extra: { tags: ['y'] } })],
      ['PATCH', () => send(backend, 'PATCH', '/tables/items/b', { body: { text: 'patched' } })],
      ['soft delete', () => backend.delete('items', 'b')],
      ['undelete', () => backend.undelete('items', 'b')],
      ['hard delete', () => send(backend, 'DELETE', '/tables/notes/n')],
      ['a refused write', () => backend.insert('items', { id: 'a', text: 'taken' })],
      ['a read', () => send(backend, 'GET', '/tables/items')],
    ];
    expect(backend.snapshot()).toEqual(readAll(backend));
    for (const [what, write] of writes) {
      clock.advance(1000);
      await write();
      // Twice: the second comes from what the first read.
      expect(backend.snapshot(), what).toEqual(readAll(backend));
      expect(backend.snapshot(), what).toEqual(readAll(backend));
    }
    expect(backend.snapshot()['items']!.map((row) => row['text'])).toEqual(['edited', 'patched']);
    backend.close();
  });

  test('are the caller’s to change: the next snapshot is as the table is', async () => {
    const backend = await createBackend({ tables: TABLES, clock: new ManualClock() });
    backend.insert('items', { id: 'a', text: 'a', extra: { tags: ['x'], nested: { n: 1 } } });
    const first = backend.snapshot();
    const row = first['items']![0]!;
    row['text'] = 'changed';
    (row['extra'] as { tags: string[] }).tags.push('y');
    ((row['extra'] as { nested: { n: number } }).nested as { n: number }).n = 2;
    first['items']!.push({ ...row, id: 'b' });
    const second = backend.snapshot();
    expect(second).toEqual(readAll(backend));
    expect(second['items']).toEqual([
      expect.objectContaining({ id: 'a', text: 'a', extra: { tags: ['x'], nested: { n: 1 } } }),
    ]);
    backend.close();
  });

  test('of a reused database start from its new, empty tables', async () => {
    const old = await createBackend({ tables: TABLES, clock: new ManualClock() });
    old.insert('items', { id: 'a', text: 'a' });
    expect(old.snapshot()['items']).toHaveLength(1);
    old.close();
    const next = await createBackend({ tables: TABLES, clock: new ManualClock() });
    expect(next.snapshot()).toEqual({ items: [], notes: [] });
    next.insert('items', { id: 'z', text: 'z' });
    expect(next.snapshot()).toEqual(readAll(next));
    next.close();
  });
});
