/**
 * `loadRealSdk` (`syncwright/sdk`): the real SDK in a context of its own, on the wall clock,
 * over real HTTP to `syncwright serve` on 127.0.0.1, with its databases in a folder.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createSqlitePlugin, loadRealSdk, type RealSdk } from '../../src/sdk/node/index.js';
import { startServer, type RunningServer } from '../../src/serve/serve.js';

const TODOITEM = {
  name: 'todoitem',
  columnDefinitions: { id: 'string', text: 'string', complete: 'boolean', version: 'string' },
} as const;

let server: RunningServer;
let folder: string;
const loaded: RealSdk[] = [];

beforeEach(async () => {
  server = await startServer({ port: 0 });
  folder = mkdtempSync(path.join(tmpdir(), 'syncwright-load-'));
});

afterEach(async () => {
  for (const sdk of loaded.splice(0)) await sdk.close();
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

async function load(options: Parameters<typeof loadRealSdk>[0] = {}): Promise<RealSdk> {
  const sdk = await loadRealSdk({ storeDir: folder, ...options });
  loaded.push(sdk);
  return sdk;
}

async function start(sdk: RealSdk) {
  const client = new sdk.WindowsAzure.MobileServiceClient(server.url);
  const store = new sdk.WindowsAzure.MobileServiceSqliteStore('app.db');
  await store.defineTable({ ...TODOITEM, columnDefinitions: { ...TODOITEM.columnDefinitions } });
  const context = client.getSyncContext();
  await context.initialize(store);
  return { client, store, context };
}

describe('loadRealSdk', () => {
  test("the package's Cordova exports, talking to serve with the installation id it was given", async () => {
    const sdk = await load({ installationId: 'device-1' });
    expect(Object.keys(sdk.WindowsAzure).sort()).toEqual(['MobileServiceClient', 'MobileServiceSqliteStore', 'Query']);
    expect(sdk.installationId).toBe('device-1');
    const { context } = await start(sdk);
    await context.insert('todoitem', { id: 'a', text: 'Buy milk', complete: false });
    expect(await context.push()).toEqual([]);
    expect(server.backend.rows('todoitem').map((row) => [row.id, row['text']])).toEqual([['a', 'Buy milk']]);
    const sent = server.traffic.history.flatMap((event) => (event.kind === 'http-request' ? [event.request] : []));
    expect(sent.map((request) => request.headers['x-zumo-installation-id'])).toEqual(['device-1']);
  });

  test('a restart over the same folder finds what the app committed: its records and its queue', async () => {
    const first = await load();
    const app = await start(first);
    await app.context.insert('todoitem', { id: 'a', text: 'offline', complete: false });
    await first.close();
    expect(readdirSync(folder)).toEqual(['app.db']);

    const second = await load();
    const again = await start(second);
    expect(JSON.parse(JSON.stringify(await again.context.lookup('todoitem', 'a')))).toMatchObject({ text: 'offline' });
    expect(await again.context.push()).toEqual([]);
    expect(server.backend.rows('todoitem').map((row) => row.id)).toEqual(['a']);
  });

  test('the page keeps its own Date: the wall clock, in the host time zone', async () => {
    const sdk = await load();
    const { context } = await start(sdk);
    const before = Date.now();
    await context.insert('todoitem', { id: 'a', text: 'x', complete: false });
    await context.push();
    await context.pull(new sdk.WindowsAzure.Query('todoitem'), 'all');
    const pull = server.traffic.history.find(
      (event) => event.kind === 'http-request' && event.request.method === 'GET',
    ) as { request: { url: string } } | undefined;
    // The SDK's first-pull bound is `new Date(1970, 0, 0)`, local time of the page.
    expect(decodeURIComponent(pull!.request.url)).toContain(`datetimeoffset'${new Date(1970, 0, 0).toISOString()}'`);
    expect(Date.parse(server.backend.rows('todoitem')[0]!.updatedAt!)).toBeGreaterThanOrEqual(before - 1000);
  });

  test('two apps in one process keep their own module state', async () => {
    const a = await load({ storeDir: path.join(folder, 'a') });
    const b = await load({ storeDir: path.join(folder, 'b') });
    expect(a.installationId).not.toBe(b.installationId);
    expect(a.WindowsAzure.MobileServiceClient).not.toBe(b.WindowsAzure.MobileServiceClient);
  });

  test('close() stops the app: a push in flight never settles and nothing of it runs again', async () => {
    const sdk = await load();
    const { context } = await start(sdk);
    await context.insert('todoitem', { id: 'a', text: 'x', complete: false });
    let settled = false;
    context.push().then(
      () => (settled = true),
      () => (settled = true),
    );
    await sdk.close();
    // A second app over the folder runs to the end of its own push meanwhile.
    const again = await start(await load());
    expect(await again.context.push()).toEqual([]);
    expect(settled).toBe(false);
  });

  test('a storeDir that is a file is refused with the path named', async () => {
    const file = path.join(folder, 'not-a-folder');
    writeFileSync(file, 'x');
    await expect(loadRealSdk({ storeDir: file })).rejects.toThrow(
      `${file}: expected a folder for the databases, found: EEXIST`,
    );
  });

  test('a bad installation id is refused with the option named', async () => {
    await expect(loadRealSdk({ installationId: ' ' })).rejects.toThrow(
      'loadRealSdk: installationId: expected a non-empty string, found " "',
    );
  });
});

describe('createSqlitePlugin', () => {
  test('a window.sqlitePlugin on the wall clock, writing its databases to the folder at each commit', async () => {
    const plugin = await createSqlitePlugin({ storeDir: folder });
    const db = plugin.openDatabase({ name: 'own.db', location: 'default' });
    await new Promise<void>((resolve, reject) =>
      db.transaction(
        (tx) => {
          tx.executeSql('CREATE TABLE t (x)');
          tx.executeSql('INSERT INTO t VALUES (1)');
        },
        (error) => reject(new Error(error.message)),
        resolve,
      ),
    );
    expect(readdirSync(folder)).toEqual(['own.db']);
    plugin.kill();
  });
});
