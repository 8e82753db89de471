import { describe, expect, test } from 'vitest';
import { createBackend } from '../../src/backend/backend.js';
import type { JsonObject } from '../../src/protocol/records.js';
import { newBackend, send } from './support.js';

const ORDERED = '/tables/todoitem?$orderby=updatedAt&__includeDeleted=true';

async function tiedItems(count: number, options: Parameters<typeof newBackend>[0] = {}) {
  // One clock instant for every insert: the records share an updatedAt.
  const context = await newBackend(options);
  for (let i = 0; i < count; i++) context.backend.insert('todoitem', { id: `r${i}` });
  return context;
}

const ids = (json: unknown): string[] => (json as { id: string }[]).map((record) => record.id);

describe('less kind servers', () => {
  test('ties: shuffled answers records sharing an updatedAt in a new order on requests, the same set each time', async () => {
    const { backend } = await tiedItems(8, { ties: 'shuffled' });
    const orders = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const reply = await send(backend, 'GET', ORDERED);
      expect([...ids(reply.json)].sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
      orders.add(ids(reply.json).join(','));
    }
    expect(orders.size).toBeGreaterThan(1);
    // A stable server answers one order.
    const stable = (await tiedItems(8)).backend;
    const first = ids((await send(stable, 'GET', ORDERED)).json).join(',');
    expect(ids((await send(stable, 'GET', ORDERED)).json).join(',')).toBe(first);
  });

  test('ties: shuffled is seeded — the same backend seed answers the same orders', async () => {
    const run = async () => {
      const { backend } = await tiedItems(6, { ties: 'shuffled' });
      const orders: string[] = [];
      for (let i = 0; i < 3; i++) orders.push(ids((await send(backend, 'GET', ORDERED)).json).join(','));
      return orders;
    };
    expect(await run()).toEqual(await run());
  });

  test('topCap serves fewer records than $top asks, with a Link to the next page', async () => {
    const { backend } = await tiedItems(5, { topCap: 2 });
    const reply = await send(backend, 'GET', '/tables/todoitem?$top=10');
    expect(reply.json).toHaveLength(2);
    expect(reply.headers.link).toContain('rel=next');
    expect(await send(backend, 'GET', '/tables/todoitem?$top=10&$skip=4').then((r) => r.json)).toHaveLength(1);
  });

  test('deletes: hard removes the row, leaving no tombstone, while records still carry deleted: false', async () => {
    const { backend } = await tiedItems(2, { deletes: 'hard' });
    const before = (await send(backend, 'GET', ORDERED)).json as { id: string; deleted: boolean }[];
    expect(before.map((record) => record.deleted)).toEqual([false, false]);
    expect((await send(backend, 'DELETE', '/tables/todoitem/r0')).status).toBe(200);
    expect(ids((await send(backend, 'GET', ORDERED)).json)).toEqual(['r1']);
  });

  test('bad variants are refused with the field, what it takes and what it got', async () => {
    await expect(createBackend({ topCap: 0 })).rejects.toThrow(
      'topCap: expected a whole number from 1 to 1000, found 0',
    );
    await expect(createBackend({ topCap: 1e12 })).rejects.toThrow(/topCap: expected/);
    await expect(createBackend({ ties: 'sometimes' as never })).rejects.toThrow(
      'ties: expected stable or shuffled, found "sometimes"',
    );
    await expect(createBackend({ deletes: 'soon' as never })).rejects.toThrow('deletes: expected soft or hard');
    await expect(createBackend({ nullUpdatedAt: 'yes' as never })).rejects.toThrow(
      'nullUpdatedAt: expected true or false, found "yes"',
    );
  });

  test('nullUpdatedAt: a direct insert is an imported row — no updatedAt, outside every updatedAt bound — until a write stamps it', async () => {
    const { backend } = await newBackend({ nullUpdatedAt: true });
    const imported = backend.insert('todoitem', { id: 'legacy', text: 'old' }, { direct: true });
    expect(imported.kind === 'written' && imported.record.updatedAt).toBe(null);
    backend.insert('todoitem', { id: 'fresh', text: 'new' });
    // The wire says null; a pull's bound does not match it; a query without one lists it.
    const all = (await send(backend, 'GET', '/tables/todoitem?$orderby=updatedAt')).json as JsonObject[];
    expect(all.find((record) => record['id'] === 'legacy')?.['updatedAt']).toBe(null);
    const bounded = `/tables/todoitem?$filter=${encodeURIComponent("updatedAt ge datetimeoffset'1970-01-01T00:00:00.000Z'")}`;
    expect(ids((await send(backend, 'GET', bounded)).json)).toEqual(['fresh']);
    // Seeded rows that name no updatedAt are imported too; one that names it keeps it.
    backend.seed('todoitem', [{ id: 's1' }, { id: 's2', updatedAt: '2026-01-01T00:00:00.000Z' }]);
    expect(backend.get('todoitem', 's1')?.updatedAt).toBe(null);
    expect(backend.get('todoitem', 's2')?.updatedAt).toBe('2026-01-01T00:00:00.000Z');
    // A write stamps the row: from then on it is an ordinary one.
    backend.update('todoitem', 'legacy', { text: 'touched' });
    expect(ids((await send(backend, 'GET', bounded)).json).sort()).toEqual(['fresh', 'legacy', 's2']);
    // Without the variant a direct insert is stamped as any other.
    const kind = (await newBackend()).backend.insert('todoitem', { id: 'x' }, { direct: true });
    expect(kind.kind === 'written' && typeof kind.record.updatedAt).toBe('string');
  });
});
