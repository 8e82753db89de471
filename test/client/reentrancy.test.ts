/**
 * A push handler that calls push(), pull() or purge() of its own sync context (rule
 * handler.reentrant-call in docs/semantics.md): the call is refused at once with a clear error,
 * and the push that called the handler still completes. Without the refusal the call would
 * queue behind that push, which waits for the handler: a handler that awaits it never returns.
 */
import { describe, expect, test } from 'vitest';
import { PushFailedError, ReentrantCallError } from '../../src/client/push.js';
import type { PushError } from '../../src/client/push-error.js';
import { Query } from '../../src/client/query.js';
import { createClient, createWorld, gate, settle, type TestClient, type World } from './helpers.js';

/** A record on the server and in the client, then changed on the server: the next push meets a 412. */
async function conflictSetup(): Promise<{ world: World; c: TestClient }> {
  const world = await createWorld();
  const c = await createClient(world);
  await c.table.insert({ id: 'a', text: 'mine', complete: false });
  await c.context.push();
  world.clock.advance(10);
  world.backend.update('todoitem', 'a', { text: 'theirs' });
  world.clock.advance(10);
  await c.table.update({ id: 'a', text: 'mine, edited' });
  c.link.requests.length = 0;
  return { world, c };
}

type SyncCall = 'push()' | 'pull()' | 'purge()';

function call(c: TestClient, which: SyncCall): Promise<unknown> {
  switch (which) {
    case 'push()':
      return c.context.push();
    case 'pull()':
      return c.context.pull(new Query('todoitem'), 'all');
    case 'purge()':
      return c.context.purge(new Query('todoitem'), true);
  }
}

function expectedMessage(which: SyncCall): string {
  return `${which} was called while a push handler (onConflict/onError) of this sync context is running; it would wait for the push that is waiting for the handler, so it is refused. Call it once push() has settled. [rule handler.reentrant-call]`;
}

const CALLS: SyncCall[] = ['push()', 'pull()', 'purge()'];

describe('a conflict handler that calls push, pull or purge', () => {
  test.each(CALLS)(
    'awaiting %s: the call is refused at once, and the outer push completes with the handler’s resolution',
    async (which) => {
      const { world, c } = await conflictSetup();
      let refused: unknown;
      c.context.pushHandler = {
        onConflict: async (pushError) => {
          refused = await call(c, which).then(
            () => 'settled',
            (error: unknown) => error,
          );
          await pushError.cancelAndUpdate(pushError.getServerRecord()!);
        },
      };
      expect(await c.context.push()).toEqual([]);
      expect(refused).toBeInstanceOf(ReentrantCallError);
      expect((refused as Error).message).toBe(expectedMessage(which));
      // The refused call did nothing: no request beyond the PATCH that met the 412, the store as the handler left it.
      expect(c.link.lines()).toEqual(['PATCH /tables/todoitem/a']);
      expect(await c.context.getPendingOperations()).toEqual([]);
      expect(await c.table.lookup('a')).toMatchObject({
        text: 'theirs',
        version: world.backend.get('todoitem', 'a')!.version,
      });
    },
  );

  test.each(CALLS)(
    '%s rejects before the handler returns, so a handler that does not wait for it sees the refusal too',
    async (which) => {
      const { c } = await conflictSetup();
      const outcomes: string[] = [];
      c.context.pushHandler = {
        onConflict: (pushError) => {
          call(c, which).then(
            () => outcomes.push('settled'),
            (error: unknown) => outcomes.push((error as Error).name),
          );
          outcomes.push('handler returned');
          return pushError.cancel();
        },
      };
      expect(await c.context.push()).toEqual([]);
      expect(outcomes).toEqual(['handler returned', 'ReentrantCallError']);
      expect(c.link.lines()).toEqual(['PATCH /tables/todoitem/a']);
    },
  );

  test('a handler that lets the refusal escape counts as having thrown: the conflict is returned unhandled', async () => {
    const { world, c } = await conflictSetup();
    c.context.pushHandler = {
      onConflict: async (pushError) => {
        pushError.isHandled = true;
        await c.context.pull(new Query('todoitem'));
      },
    };
    const conflicts = await c.context.push();
    expect(conflicts.map((conflict) => [conflict.getItemId(), conflict.getStatus(), conflict.isHandled])).toEqual([
      ['a', 412, false],
    ]);
    expect((await c.context.getPendingOperations()).map((operation) => operation.action)).toEqual(['update']);
    expect(world.backend.get('todoitem', 'a')).toMatchObject({ text: 'theirs' });
  });

  test('once the push has settled, the same calls work again', async () => {
    const { world, c } = await conflictSetup();
    let refusals = 0;
    c.context.pushHandler = {
      onConflict: async (pushError) => {
        await c.context.push().catch(() => refusals++);
        await pushError.cancelAndDiscard();
      },
    };
    await c.context.push();
    expect(refusals).toBe(1);
    await c.context.pull(new Query('todoitem'), 'all');
    expect(await c.table.lookup('a')).toMatchObject({ text: 'theirs' });
    await c.context.purge(new Query('todoitem'));
    expect(await c.table.read()).toEqual([]);
    await c.table.insert({ id: 'b', text: 'after' });
    expect(await c.context.push()).toEqual([]);
    expect(world.backend.get('todoitem', 'b')).toMatchObject({ text: 'after' });
  });

  test('a handler that throws after a refused call leaves nothing behind that refuses later calls', async () => {
    const { c } = await conflictSetup();
    c.context.pushHandler = {
      onConflict: () => {
        void c.context.purge(new Query('todoitem')).catch(() => undefined);
        throw new Error('handler bug');
      },
    };
    expect(await c.context.push()).toHaveLength(1);
    c.context.pushHandler = { onConflict: (pushError) => pushError.cancelAndDiscard() };
    expect(await c.context.push()).toEqual([]);
    await expect(c.context.purge(new Query('todoitem'))).resolves.toBeUndefined();
  });
});

describe('what a handler may still do', () => {
  test('local reads and writes from inside a handler are not refused: the push holds the store only between its steps', async () => {
    const { world, c } = await conflictSetup();
    c.context.pushHandler = {
      onConflict: async (pushError) => {
        const server = pushError.getServerRecord()!;
        await c.table.insert({ id: 'note', text: `conflict on a, server says ${String(server['text'])}` });
        expect((await c.table.lookup('a'))!['text']).toBe('mine, edited');
        expect((await c.context.getPendingOperations()).map((operation) => operation.itemId)).toEqual(['a', 'note']);
        await pushError.cancelAndUpdate(server);
      },
    };
    expect(await c.context.push()).toEqual([]);
    // The insert the handler made is behind the operation being pushed, so the same push sends it.
    expect(world.backend.get('todoitem', 'note')).toMatchObject({ text: 'conflict on a, server says theirs' });
    expect(await c.context.getPendingOperations()).toEqual([]);
  });
});

describe('an error handler that calls push, pull or purge', () => {
  test.each(CALLS)(
    '%s from onError is refused; the handler still resolves the error and the push completes',
    async (which) => {
      const world = await createWorld();
      const c = await createClient(world);
      await c.table.insert({ id: 'a', text: 'x' });
      c.link.offline = true;
      let refused: unknown;
      c.context.pushHandler = {
        onError: async (pushError) => {
          refused = await call(c, which).catch((error: unknown) => error);
          c.link.offline = false;
          pushError.isHandled = true;
        },
      };
      expect(await c.context.push()).toEqual([]);
      expect((refused as Error).message).toBe(expectedMessage(which));
      expect(world.backend.get('todoitem', 'a')).toMatchObject({ text: 'x' });
      expect(c.link.lines()).toEqual(['POST /tables/todoitem', 'POST /tables/todoitem']);
    },
  );

  test('an unhandled error after a refused call still stops the push as usual', async () => {
    const world = await createWorld();
    const c = await createClient(world);
    await c.table.insert({ id: 'a', text: 'x' });
    c.link.offline = true;
    c.context.pushHandler = {
      onError: async () => {
        await c.context.push().catch(() => undefined);
      },
    };
    await expect(c.context.push()).rejects.toThrow(PushFailedError);
    expect(world.backend.get('todoitem', 'a')).toBeUndefined();
  });
});

describe('the push a pull makes first', () => {
  test('its handler calling pull() of the same context is refused, and the outer pull completes', async () => {
    const { world, c } = await conflictSetup();
    world.backend.insert('todoitem', { id: 'b', text: 'from the server' });
    let refused: unknown;
    c.context.pushHandler = {
      onConflict: async (pushError: PushError) => {
        refused = await c.context.pull(new Query('todoitem')).catch((error: unknown) => error);
        await pushError.cancelAndDiscard();
      },
    };
    await c.context.pull(new Query('todoitem'), 'all');
    expect((refused as Error).message).toBe(expectedMessage('pull()'));
    expect((await c.table.read()).map((record) => [record['id'], record['text']])).toEqual([
      ['a', 'theirs'],
      ['b', 'from the server'],
    ]);
  });
});

describe('calls from outside the handler', () => {
  test('a call made while the push is sending, before any handler runs, waits for the push and then runs', async () => {
    const { c } = await conflictSetup();
    const inFlight = gate();
    const arrived = gate();
    c.link.inFlight = async () => {
      arrived.open();
      await inFlight.promise;
    };
    c.context.pushHandler = { onConflict: (pushError) => pushError.cancelAndDiscard() };
    const push = c.context.push();
    await arrived.promise;
    c.link.inFlight = undefined;
    const pull = c.context.pull(new Query('todoitem'));
    inFlight.open();
    expect(await push).toEqual([]);
    await pull;
    expect(await c.table.lookup('a')).toMatchObject({ text: 'theirs' });
  });

  test('a call made by other code while the handler is running is refused as well: the context cannot tell who called', async () => {
    const { c } = await conflictSetup();
    const answer = gate();
    const handlerRunning = gate();
    c.context.pushHandler = {
      onConflict: async (pushError) => {
        handlerRunning.open();
        await answer.promise;
        await pushError.cancel();
      },
    };
    const push = c.context.push();
    await handlerRunning.promise;
    await expect(c.context.pull(new Query('todoitem'))).rejects.toThrow(ReentrantCallError);
    answer.open();
    expect(await push).toEqual([]);
    await settle();
    await expect(c.context.pull(new Query('todoitem'))).resolves.toBeUndefined();
  });
});
