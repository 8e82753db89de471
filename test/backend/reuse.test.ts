/**
 * A closed backend's database is emptied and handed to the next backend with the same tables.
 * What that backend answers must be what a new database would answer.
 */
import { describe, expect, test } from 'vitest';
import { createBackend } from '../../src/backend/backend.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { send } from './support.js';

const ITEMS = { name: 'items', columns: { text: 'string' as const } };

async function history(tables = [ITEMS]): Promise<string> {
  const clock = new ManualClock();
  const backend = await createBackend({ tables, clock, seed: 7 });
  const replies: string[] = [];
  for (const id of ['b', 'a', 'c'])
    replies.push((await send(backend, 'POST', '/tables/items', { body: { id, text: id } })).body);
  // Three rows with one updatedAt: ties come back in insertion order (the table's seq).
  replies.push((await send(backend, 'GET', '/tables/items?$orderby=updatedAt')).body);
  replies.push((await send(backend, 'DELETE', '/tables/items/a')).body);
  replies.push(JSON.stringify(backend.snapshot()));
  backend.close();
  return replies.join('\n');
}

describe('a reused backend database', () => {
  test('answers exactly as a new one: no rows left, insertion order starting again', async () => {
    const first = await history();
    const second = await history();
    expect(second).toBe(first);
    expect(first).toContain('"id":"b"');
  });

  test('starts empty even after a backend that held rows, and a closed backend stays closed', async () => {
    const old = await createBackend({ tables: [ITEMS], clock: new ManualClock() });
    old.insert('items', { id: 'left-behind', text: 'x' });
    old.close();
    const next = await createBackend({ tables: [ITEMS], clock: new ManualClock() });
    expect(next.snapshot()).toEqual({ items: [] });
    expect((await send(old, 'GET', '/tables/items')).status).toBe(503);
    expect((await send(next, 'GET', '/tables/items')).json).toEqual([]);
    next.close();
  });

  test('goes only to a backend with the same table definitions', async () => {
    const old = await createBackend({ tables: [ITEMS], clock: new ManualClock() });
    old.insert('items', { id: 'x', text: 'x' });
    old.close();
    const other = await createBackend({
      tables: [{ name: 'items', columns: { text: 'string', done: 'boolean' } }],
      clock: new ManualClock(),
    });
    const reply = await send(other, 'POST', '/tables/items', { body: { id: 'y', text: 'y', done: true } });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({ id: 'y', done: true });
    other.close();
  });
});
