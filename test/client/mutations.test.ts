/** Each deliberate bug changes what the client does; off by default. */
import { describe, test, expect } from 'vitest';
import { CLIENT_MUTATIONS, Mutations, type ClientMutation } from '../../src/client/mutations.js';
import { Query } from '../../src/client/query.js';
import { TransportError } from '../../src/protocol/http.js';
import { createClient, createWorld, gate, settle, type TestClient, type World } from './helpers.js';

async function both<T>(
  mutation: ClientMutation,
  scenario: (world: World, c: TestClient) => Promise<T>,
): Promise<{ baseline: T; mutant: T }> {
  const run = async (mutations: ClientMutation[]): Promise<T> => {
    const world = await createWorld();
    return scenario(world, await createClient(world, { mutations }));
  };
  return { baseline: await run([]), mutant: await run([mutation]) };
}

/** A record pushed, then edited on the server, then edited locally: the next push conflicts. */
async function staleEdit(world: World, c: TestClient): Promise<void> {
  await c.table.insert({ id: 'a', text: 'mine' });
  await c.context.push();
  world.clock.advance(10);
  world.backend.update('todoitem', 'a', { text: 'theirs' });
  await c.table.update({ id: 'a', text: 'mine again' });
}

describe('client mutations', () => {
  test('every mutation is known and none is on by default', () => {
    expect(CLIENT_MUTATIONS).toHaveLength(22);
    const none = new Mutations();
    for (const mutation of CLIENT_MUTATIONS) expect(none.has(mutation)).toBe(false);
    expect(() => new Mutations(['no-such-bug' as ClientMutation])).toThrow(/Unknown client mutation/);
  });

  test('wrong-collapse: update + delete stays an update, so the delete never reaches the server', async () => {
    const { baseline, mutant } = await both('wrong-collapse', async (world, c) => {
      await c.table.insert({ id: 'a', text: 'x' });
      await c.context.push();
      await c.table.update({ id: 'a', text: 'y' });
      await c.table.del({ id: 'a' });
      const actions = (await c.context.getPendingOperations()).map((o) => o.action);
      await c.context.push();
      return { actions, onServer: world.backend.get('todoitem', 'a') !== undefined };
    });
    expect(baseline).toEqual({ actions: ['delete'], onServer: false });
    expect(mutant).toEqual({ actions: ['update'], onServer: true });
  });

  test('drop-if-match: a stale update overwrites the server instead of conflicting', async () => {
    const { baseline, mutant } = await both('drop-if-match', async (world, c) => {
      await staleEdit(world, c);
      const conflicts = await c.context.push();
      return { conflicts: conflicts.length, server: world.backend.get('todoitem', 'a')!['text'] };
    });
    expect(baseline).toEqual({ conflicts: 1, server: 'theirs' });
    expect(mutant).toEqual({ conflicts: 0, server: 'mine again' });
  });

  test('push-answer-overwrites-newer-edit: the answer to the insert replaces an edit made while it was in flight', async () => {
    const { baseline, mutant } = await both('push-answer-overwrites-newer-edit', async (_, c) => {
      await c.table.insert({ id: 'a', text: 'first' });
      const hold = gate();
      c.link.inFlight = () => hold.promise;
      c.link.override = (request) => (request.method === 'PATCH' ? new TransportError('network', 'down') : undefined);
      const pushing = c.context.push().catch(() => undefined);
      await settle();
      await c.table.update({ id: 'a', text: 'second' });
      c.link.inFlight = undefined;
      hold.open();
      await pushing;
      return (await c.table.lookup('a'))!['text'];
    });
    expect(baseline).toBe('second');
    expect(mutant).toBe('first');
  });

  test('discard-keeps-row: cancelAndDiscard leaves the local row', async () => {
    const { baseline, mutant } = await both('discard-keeps-row', async (world, c) => {
      await staleEdit(world, c);
      c.context.pushHandler = { onConflict: (e) => e.cancelAndDiscard() };
      await c.context.push();
      return {
        row: (await c.table.lookup('a', true))?.['text'] ?? null,
        operations: (await c.context.getPendingOperations()).length,
      };
    });
    expect(baseline).toEqual({ row: null, operations: 0 });
    expect(mutant).toEqual({ row: 'mine again', operations: 0 });
  });

  test('pull-overwrites-pending: a pull replaces a record that has a pending operation', async () => {
    const { baseline, mutant } = await both('pull-overwrites-pending', async (world, c) => {
      await staleEdit(world, c);
      await c.context.pull(new Query('todoitem'));
      return (await c.table.lookup('a'))!['text'];
    });
    expect(baseline).toBe('mine again');
    expect(mutant).toBe('theirs');
  });

  test('paging-skips-ties: a tie group larger than a page is cut short', async () => {
    const { baseline, mutant } = await both('paging-skips-ties', async (world, c) => {
      for (let i = 0; i < 120; i++)
        world.backend.insert('todoitem', { id: `r${String(i).padStart(3, '0')}`, text: 'tie' });
      await c.context.pull(new Query('todoitem'));
      return (await c.table.read()).length;
    });
    expect(baseline).toBe(120);
    expect(mutant).toBe(50);
  });

  test('mark-past-page: a pull cut short inside a tie group saves a mark past the rest of the group', async () => {
    const { baseline, mutant } = await both('mark-past-page', async (world, c) => {
      for (const id of ['a', 'b', 'c']) world.backend.insert('todoitem', { id, text: 'same instant' });
      // The second page never arrives: the pull stops after a page of two of the three.
      c.link.override = (request, index) =>
        index === 1 ? new TransportError('network', 'the connection dropped') : undefined;
      await c.context.pull(new Query('todoitem'), 'all', { pageSize: 2 }).catch(() => undefined);
      c.link.override = undefined;
      await c.context.pull(new Query('todoitem'), 'all', { pageSize: 2 });
      return (await c.table.read()).map((row) => row['id']).sort();
    });
    expect(baseline).toEqual(['a', 'b', 'c']);
    expect(mutant).toEqual(['a', 'b']);
  });

  test('skipped-never-repulled: the mark moves past a record left alone for its pending operation', async () => {
    const { baseline, mutant } = await both('skipped-never-repulled', async (world, c) => {
      await staleEdit(world, c);
      world.clock.advance(10);
      world.backend.insert('todoitem', { id: 'b', text: 'later' });
      await c.context.pull(new Query('todoitem'), 'all'); // 'a' meets a 412, unhandled: it stays pending
      c.context.pushHandler = { onConflict: (e) => e.cancel() };
      await c.context.push();
      await c.context.pull(new Query('todoitem'), 'all');
      return (await c.table.lookup('a'))!['text'];
    });
    expect(baseline).toBe('theirs');
    expect(mutant).toBe('mine again');
  });

  test('error-does-not-stop-push: an unhandled error is skipped and the push goes on', async () => {
    const { baseline, mutant } = await both('error-does-not-stop-push', async (world, c) => {
      await c.table.update({ id: 'ghost', text: 'x' }); // 404 on the server
      await c.table.insert({ id: 'b', text: 'y' });
      const outcome = await c.context.push().then(
        () => 'resolved',
        () => 'rejected',
      );
      return { outcome, pushedB: world.backend.get('todoitem', 'b') !== undefined };
    });
    expect(baseline).toEqual({ outcome: 'rejected', pushedB: false });
    expect(mutant).toEqual({ outcome: 'resolved', pushedB: true });
  });

  test('unbounded-handler-retries: the handler is called past the cap of five', async () => {
    const { baseline, mutant } = await both('unbounded-handler-retries', async (world, c) => {
      await staleEdit(world, c);
      let calls = 0;
      c.context.pushHandler = {
        onConflict: (e) => {
          calls++;
          if (calls <= 7) e.isHandled = true;
        },
      };
      await c.context.push();
      return calls;
    });
    expect(baseline).toBe(5);
    expect(mutant).toBe(8);
  });
  test('stale-read-after-write: a read after a local write shows the record as the app last read it', async () => {
    const { baseline, mutant } = await both('stale-read-after-write', async (world, c) => {
      world.backend.insert('todoitem', { id: 'a', text: 'one' });
      await c.table.pull();
      await c.table.read();
      await c.table.update({ id: 'a', text: 'two' });
      const afterWrite = [(await c.table.lookup('a'))!['text'], (await c.table.read())[0]!['text']];
      await c.context.push();
      return { afterWrite, afterPush: (await c.table.lookup('a'))!['text'] };
    });
    expect(baseline).toEqual({ afterWrite: ['two', 'two'], afterPush: 'two' });
    expect(mutant).toEqual({ afterWrite: ['one', 'one'], afterPush: 'two' });
  });

  test('stale-list-after-push: a list keeps the version a push answer replaced; lookups and the store have the new one', async () => {
    const { baseline, mutant } = await both('stale-list-after-push', async (world, c) => {
      world.backend.insert('todoitem', { id: 'a', text: 'one' });
      await c.table.pull();
      await c.table.read();
      await c.table.update({ id: 'a', text: 'two' });
      const listedAfterWrite = (await c.table.read())[0]!['text'];
      await c.context.push();
      const server = world.backend.get('todoitem', 'a')!['version'];
      const listed = (await c.table.read())[0]!['version'];
      const looked = (await c.table.lookup('a'))!['version'];
      return { listedAfterWrite, listIsCurrent: listed === server, lookupIsCurrent: looked === server };
    });
    expect(baseline).toEqual({ listedAfterWrite: 'two', listIsCurrent: true, lookupIsCurrent: true });
    expect(mutant).toEqual({ listedAfterWrite: 'two', listIsCurrent: false, lookupIsCurrent: true });
  });

  test('pull-overwrites-newer: a pull answered from a stale cache puts back a version older than the one pushed', async () => {
    const { baseline, mutant } = await both('pull-overwrites-newer', async (world, c) => {
      world.backend.insert('todoitem', { id: 'a', text: 'one' });
      await c.table.pull();
      await c.table.update({ id: 'a', text: 'two' });
      await c.context.push();
      const sent = c.link.requests.length;
      await c.table.pull();
      const stale = { text: (await c.table.lookup('a'))!['text'], askedServer: c.link.requests.length > sent };
      await c.table.pull();
      return { stale, then: (await c.table.lookup('a'))!['text'] };
    });
    expect(baseline).toEqual({ stale: { text: 'two', askedServer: true }, then: 'two' });
    expect(mutant).toEqual({ stale: { text: 'one', askedServer: false }, then: 'two' });
  });

  test('pull-clears-table: a full pull that fails leaves the table empty', async () => {
    const { baseline, mutant } = await both('pull-clears-table', async (world, c) => {
      world.backend.insert('todoitem', { id: 'a', text: 'one' });
      world.backend.insert('todoitem', { id: 'b', text: 'two' });
      await c.table.pull();
      c.link.override = (request) =>
        request.method === 'GET' ? new TransportError('network', 'Unexpected connection failure') : undefined;
      await c.table.pull().catch(() => undefined);
      const afterFailure = (await c.table.read()).map((row) => row['id']);
      c.link.override = undefined;
      await c.table.pull();
      return { afterFailure, afterRetry: (await c.table.read()).map((row) => row['id']) };
    });
    expect(baseline).toEqual({ afterFailure: ['a', 'b'], afterRetry: ['a', 'b'] });
    expect(mutant).toEqual({ afterFailure: [], afterRetry: ['a', 'b'] });
  });
});
