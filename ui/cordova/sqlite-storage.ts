/**
 * The `cordova-sqlite-storage` plugin module (`window.sqlitePlugin`) in a browser page: the
 * same plugin the Node harness runs (src/sdk/sqlite-plugin.ts, one copy) over sql.js's browser
 * build, with the databases kept in IndexedDB so that reloading the page is restarting the app.
 *
 * - At start the module holds `deviceready` (Cordova's `channel.waitForInitialization`) while
 *   it loads sql.js and its .wasm (served beside this file, never from a CDN) and reads every
 *   stored database.
 * - Each commit writes the database's bytes to IndexedDB in a `strict` readwrite transaction;
 *   the plugin calls the commit's success callback (and starts the next transaction) only
 *   after that transaction completes: a reload after a callback finds the commit, a reload
 *   before it finds the previous one.
 * - `window.__syncwrightSqlite.committedFiles()` reads the stored bytes back (base64 by
 *   database name): what a snapshot judges is what survives a restart, not what the page holds.
 */
// @ts-expect-error -- sql.js types its package entry; this is its browser build, the same API.
import initSqlJs from 'sql.js/dist/sql-wasm-browser.js';
import type { SqlJsStatic } from 'sql.js';
// The Node harness's own code, one copy: plain code with no Node API (src/ is otherwise off limits to ui/).
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import {
  SqlitePlugin,
  type ErrorCallback,
  type OpenDatabaseOptions,
  type PluginDisk,
  type SqliteDatabase,
  type VoidCallback,
} from '../../src/sdk/sqlite-plugin.js';

declare const module: { exports: unknown };
declare const cordova: { require(id: string): unknown };

const IDB_NAME = 'syncwright-cordova-sqlite';
const IDB_STORE = 'databases';
const CHANNEL = 'syncwrightSqliteStorage';

interface Channel {
  waitForInitialization(name: string): void;
  initializationComplete(name: string): void;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function openStore(): Promise<IDBDatabase> {
  const req = indexedDB.open(IDB_NAME, 1);
  req.onupgradeneeded = () => req.result.createObjectStore(IDB_STORE);
  return request(req);
}

/** Every stored database: committed bytes by name. */
async function readAll(idb: IDBDatabase): Promise<Map<string, Uint8Array>> {
  const tx = idb.transaction(IDB_STORE, 'readonly');
  const store = tx.objectStore(IDB_STORE);
  const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())]);
  const files = new Map<string, Uint8Array>();
  keys.forEach((key, i) => files.set(String(key), new Uint8Array(values[i] as ArrayBuffer)));
  return files;
}

/** Resolves once the transaction's writes are durable (`strict`: flushed before `complete`). */
function write(idb: IDBDatabase, change: (store: IDBObjectStore) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = idb.transaction(IDB_STORE, 'readwrite', { durability: 'strict' });
    change(tx.objectStore(IDB_STORE));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted'));
  });
}

function indexedDbDisk(idb: IDBDatabase, files: Map<string, Uint8Array>): PluginDisk {
  return {
    read: (name) => files.get(name),
    write: (name, bytes) => {
      files.set(name, bytes);
      // A copy of exactly these bytes: the view may sit in a larger buffer.
      const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      return write(idb, (store) => store.put(copy, name));
    },
    remove: (name) => {
      files.delete(name);
      void write(idb, (store) => store.delete(name)).catch((error: unknown) =>
        console.error(`sqlite plugin: could not delete ${name}:`, error),
      );
    },
  };
}

/** A hop across the "native bridge": a task of its own, not a timer (page clocks leave it alone). */
function bridge(): (task: () => void) => void {
  const queue: (() => void)[] = [];
  const port = new MessageChannel();
  port.port1.onmessage = () => queue.shift()?.();
  return (task) => {
    queue.push(task);
    port.port2.postMessage(null);
  };
}

function scriptBase(): string {
  const script = document.querySelector<HTMLScriptElement>('script[src$="cordova.js"]');
  const source = script?.src ?? new URL('cordova.js', document.baseURI).href;
  return `${source.slice(0, source.lastIndexOf('/') + 1)}plugins/cordova-sqlite-storage/www/`;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

let plugin: SqlitePlugin | undefined;
const notReady = (): never => {
  throw new Error('sqlitePlugin: used before deviceready');
};

const sqlitePlugin = {
  sqliteFeatures: { isSQLitePlugin: true },
  openDatabase(
    options: OpenDatabaseOptions | string,
    success?: ((db: SqliteDatabase) => void) | null,
    error?: ErrorCallback | null,
  ): SqliteDatabase {
    return (plugin ?? notReady()).openDatabase(options, success, error);
  },
  deleteDatabase(options: OpenDatabaseOptions | string, success?: VoidCallback | null, error?: ErrorCallback | null) {
    (plugin ?? notReady()).deleteDatabase(options, success, error);
  },
  echoTest(success: (value: string) => void): void {
    setTimeout(() => success('test-string'));
  },
  selfTest(success: () => void): void {
    setTimeout(success);
  },
};

const channel = cordova.require('cordova/channel') as Channel;
channel.waitForInitialization(CHANNEL);
let idb: IDBDatabase | undefined;
const initSql = initSqlJs as unknown as (config: { locateFile(file: string): string }) => Promise<SqlJsStatic>;
Promise.all([initSql({ locateFile: (file) => scriptBase() + file }), openStore()])
  .then(async ([sql, opened]) => {
    idb = opened;
    const files = await readAll(opened);
    plugin = new SqlitePlugin({ sql, schedule: bridge(), disk: indexedDbDisk(opened, files) });
  })
  .catch((error: unknown) => console.error('sqlite plugin: could not start:', error))
  .finally(() => channel.initializationComplete(CHANNEL));

(window as unknown as { sqlitePlugin: typeof sqlitePlugin }).sqlitePlugin = sqlitePlugin;
(window as unknown as { __syncwrightSqlite: object }).__syncwrightSqlite = {
  /** The committed bytes IndexedDB holds, base64 by database name. */
  async committedFiles(): Promise<Record<string, string>> {
    const files = idb === undefined ? new Map<string, Uint8Array>() : await readAll(idb);
    return Object.fromEntries([...files].map(([name, bytes]) => [name, toBase64(bytes)]));
  },
};
module.exports = sqlitePlugin;
