/**
 * The Cordova "enable offline sync" tutorial, step by step, against the in-process backend.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, expect } from 'vitest';
import { MobileServiceClient } from '../../src/client/client.js';
import { createFetchTransport } from '../../src/client/http.js';
import type { PushHandler } from '../../src/client/push.js';
import { Query } from '../../src/client/query.js';
import { SqlJsStore } from '../../src/client/sqljs-store.js';
import type { MobileServiceSyncContext } from '../../src/client/sync-context.js';
import { type TransportError, type Transport } from '../../src/protocol/http.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { createWorld, type World } from './helpers.js';

/** fetch to a host that does not resolve, as undici reports it. */
const fetchToBadHost = async (): Promise<never> => {
  throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND yourmobileapp.invalid') });
};

interface App {
  store: SqlJsStore;
  syncContext: MobileServiceSyncContext;
  todoItemTable: ReturnType<MobileServiceClient['getSyncTable']>;
  log: string[];
}

/** onDeviceReady → initializeStore → initializeSyncContext, as the tutorial's index.js does. */
async function startApp(storePath: string, url: string, transport: Transport): Promise<App> {
  const log: string[] = [];
  const client = new MobileServiceClient(url, { transport, random: new SeededRandom(storePath) });
  const store = new SqlJsStore(storePath);
  await store.defineTable({
    name: 'todoitem',
    columnDefinitions: { id: 'string', text: 'string', complete: 'boolean', version: 'string' },
  });
  const syncContext = client.getSyncContext();
  const pushHandler: PushHandler = {
    onConflict: (pushError) => {
      log.push(`Sync conflict! ${(pushError.getError() as Error).message}`);
      // Update failed, revert to the server's copy (the promise is not returned, as in the tutorial).
      void pushError.cancelAndDiscard();
    },
    onError: (pushError) => {
      log.push(`Sync error! ${(pushError.getError() as Error).message}`);
    },
  };
  syncContext.pushHandler = pushHandler;
  await syncContext.initialize(store);
  return { store, syncContext, todoItemTable: client.getSyncTable('todoitem'), log };
}

/** syncLocalTable: push, then pull the whole table. */
async function syncLocalTable(app: App): Promise<void> {
  await app.syncContext.push();
  await app.syncContext.pull(new Query('todoitem'));
}

async function displayedTexts(app: App): Promise<string[]> {
  const items = await app.todoItemTable.where({ complete: false }).read();
  return items.map((item) => String(item['text'])).sort();
}

describe('the offline sync tutorial', () => {
  test('items added offline survive a restart and reach the server once it is reachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncwright-tutorial-'));
    const storePath = join(dir, 'store.db');
    try {
      const world: World = await createWorld();

      // 1. The backend URL is invalid: the app works offline.
      const offline = await startApp(
        storePath,
        'https://yourmobileapp.invalid',
        createFetchTransport('https://yourmobileapp.invalid', fetchToBadHost),
      );
      await offline.todoItemTable.insert({ text: 'buy milk', complete: false });
      await offline.todoItemTable.insert({ text: 'walk the dog', complete: false });
      expect(await displayedTexts(offline)).toEqual(['buy milk', 'walk the dog']);

      // 2. Syncing fails: the failure reaches onError, and nothing is lost.
      const syncFailure = await syncLocalTable(offline).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(syncFailure).toBeInstanceOf(Error);
      expect(offline.log).toEqual([
        'Sync error! Unexpected connection failure: fetch failed (getaddrinfo ENOTFOUND yourmobileapp.invalid)',
      ]);
      expect(((syncFailure as Error).cause as TransportError).kind).toBe('network');
      expect(await offline.syncContext.getPendingOperations()).toHaveLength(2);

      // 3. Close the app.
      await offline.store.close();

      // 4. Reopen it, now with a reachable backend: the items are still there, still pending.
      const online = await startApp(storePath, 'https://yourmobileapp.azurewebsites.net', (request) =>
        world.backend.handle(request),
      );
      expect(await displayedTexts(online)).toEqual(['buy milk', 'walk the dog']);
      expect((await online.syncContext.getPendingOperations()).map((o) => o.action)).toEqual(['insert', 'insert']);

      // 5. Sync: push and pull. The items are on the server, and the local copies carry server versions.
      world.clock.advance(1000);
      await syncLocalTable(online);
      expect(online.log).toEqual([]);
      expect(await online.syncContext.getPendingOperations()).toEqual([]);
      const onServer = world.backend.rows('todoitem');
      expect(onServer.map((r) => r.text).sort()).toEqual(['buy milk', 'walk the dog']);
      for (const row of onServer)
        expect(await online.todoItemTable.lookup(row.id)).toMatchObject({ text: row.text, version: row.version });

      // 6. Someone else completes an item; this app edits it too. The conflict handler discards the
      //    local change and the pull brings the server's copy.
      const milk = onServer.find((r) => r.text === 'buy milk')!;
      world.clock.advance(1000);
      world.backend.update('todoitem', milk.id, { complete: true });
      await online.todoItemTable.update({ id: milk.id, text: 'buy oat milk' });
      world.clock.advance(1000);
      await syncLocalTable(online);
      expect(online.log).toHaveLength(1);
      expect(online.log[0]).toMatch(/^Sync conflict! /);
      expect(await online.todoItemTable.lookup(milk.id)).toMatchObject({ text: 'buy milk', complete: true });
      expect(await displayedTexts(online)).toEqual(['walk the dog']);
      await online.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
