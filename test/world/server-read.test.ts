/** The world records what the backend served for each table query: ground truth for the pull checker. */
import { describe, expect, test } from 'vitest';
import { createReferenceDriverWith } from '../../src/client/driver.js';
import type { HistoryEvent } from '../../src/kernel/history.js';
import { historyHash } from '../../src/cli/history-hash.js';
import { World } from '../../src/world/world.js';

const T = 'todoitem';
type Read = Extract<HistoryEvent, { kind: 'server-read' }>;

async function create(seed = 'server-read'): Promise<World> {
  return World.create({ seed, clients: 1, driver: createReferenceDriverWith({ pageSize: 2 }) });
}

async function seeded(world: World): Promise<void> {
  const editor = world.editor('editor-1');
  for (const id of ['a', 'b', 'c']) await world.settle(editor.insert(T, { id, text: id, complete: id === 'b' }));
  await world.settle(editor.delete(T, 'c'));
}

const reads = (world: World): Read[] => world.history.filter((event): event is Read => event.kind === 'server-read');

describe('server-read events', () => {
  test('each page a pull reads is recorded by the server, tied to its request, with the rows served', async () => {
    const world = await create();
    await seeded(world);
    await world.settle(world.client('client-1').pull(T));
    const requests = world.history.filter((event) => event.kind === 'http-request');
    const recorded = reads(world);
    expect(recorded.map((read) => read.requestId)).toEqual(
      requests.map((event) => (event.kind === 'http-request' ? event.requestId : -1)),
    );
    expect(recorded.every((read) => read.actor === 'server' && read.link === 'client-1' && read.table === T)).toBe(
      true,
    );
    expect(recorded[0]!.served.map((row) => row.id)).toEqual(['a', 'b']);
    expect(recorded[0]!.full).toBe(true);
    expect(recorded.at(-1)!.served).toEqual([]);
    expect(recorded.at(-1)!.full).toBe(false);
  });

  test("what the pull's query held is recorded at its first page, and again only once the server changed", async () => {
    const world = await create();
    await seeded(world);
    await world.settle(world.client('client-1').pull(T));
    const withHeld = reads(world).filter((read) => read.held !== undefined);
    expect(withHeld).toHaveLength(1);
    expect(withHeld[0]!.held).toEqual([
      {
        rows: [
          expect.objectContaining({ id: 'a', deleted: false }),
          expect.objectContaining({ id: 'b', deleted: false }),
          expect.objectContaining({ id: 'c', deleted: true }),
        ],
      },
    ]);
    await world.settle(world.client('client-1').pull(T));
    expect(reads(world).filter((read) => read.held !== undefined)).toHaveLength(1);
    await world.settle(world.editor('editor-1').update(T, 'a', { text: 'changed' }));
    await world.settle(world.client('client-1').pull(T));
    expect(reads(world).filter((read) => read.held !== undefined)).toHaveLength(2);
    // Even a write that bypasses the world shows: the table counts its own writes.
    world.backend.update(T, 'b', { text: 'behind its back' });
    await world.settle(world.client('client-1').pull(T));
    expect(reads(world).filter((read) => read.held !== undefined)).toHaveLength(3);
  });

  test("a filtered pull's rows are the filter's; a filter the server cannot read is recorded as such", async () => {
    const world = await create();
    await seeded(world);
    await world.settle(world.client('client-1').pull(T, { queryId: 'open', filter: ' complete eq false ' }));
    const held = reads(world).find((read) => read.held !== undefined)!.held!;
    expect(held).toEqual([
      {
        filter: 'complete eq false',
        rows: [expect.objectContaining({ id: 'a' }), expect.objectContaining({ id: 'c' })],
      },
    ]);

    // A pull queued behind another: its query is recorded at the other's pages, error and all.
    await world.settle(world.editor('editor-1').update(T, 'a', { text: 'changed' }));
    const first = world.client('client-1').pull(T);
    const queued = world.client('client-1').pull(T, { filter: 'colour eq 1' });
    await world.settle(first);
    expect((await world.settle(queued)).status).toBe('fail');
    const refused = reads(world)
      .flatMap((read) => read.held ?? [])
      .find((entry) => entry.filter === 'colour eq 1');
    expect(refused).toMatchObject({ error: expect.stringContaining('colour') });
  });

  test('the same seed and steps record the same history, server reads included', async () => {
    const run = async (): Promise<string> => {
      const world = await create('same');
      await seeded(world);
      await world.settle(world.client('client-1').pull(T, { queryId: 'all' }));
      await world.close();
      return historyHash(world.history);
    };
    expect(await run()).toBe(await run());
  });
});
