import { beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { SandboxLoader, ScriptCache } from '../../src/sdk/loader.js';
import { SdkRealm } from '../../src/sdk/realm.js';
import type { Sandbox } from '../../src/sdk/sandbox.js';
import { offlineSandbox } from './offline-sandbox.js';
import { loadSqlJs } from '../../src/sqlite/sqljs.js';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSqlJs();
});

function sandbox(
  seed: string,
  clock = new ManualClock(Date.UTC(2026, 4, 1, 12)),
  storage = new Map<string, string>(),
  cache?: ScriptCache,
): Sandbox {
  return offlineSandbox(SQL, { seed, clock, storage, ...(cache ? { cache } : {}) }).box;
}

describe('the SDK sandbox', () => {
  test('the SDK detects the Cordova target and exports the SQLite store', () => {
    const box = sandbox('a');
    expect(Object.keys(box.api).sort()).toEqual(['MobileServiceClient', 'MobileServiceSqliteStore', 'Query']);
    expect(box.moduleCount).toBeGreaterThan(40);
  });

  test('each sandbox evaluates its own modules: module-level state is not shared', () => {
    const a = sandbox('a');
    const b = sandbox('b');
    expect(a.api.MobileServiceClient).not.toBe(b.api.MobileServiceClient);
    expect(a.api.MobileServiceClient._applicationInstallationId).not.toBe(
      b.api.MobileServiceClient._applicationInstallationId,
    );
    expect(a.evaluate('typeof sqlitePlugin.openDatabase')).toBe('function');
    expect(a.evaluate('sqlitePlugin')).not.toBe(b.evaluate('sqlitePlugin'));
    expect('sqlitePlugin' in globalThis).toBe(false);
  });

  test("the installation id is kept in the device's localStorage and read back by the next app instance", () => {
    const storage = new Map<string, string>();
    const first = sandbox('a', undefined, storage);
    const second = sandbox('other seed', undefined, storage);
    expect(JSON.parse(storage.get('MobileServices.Installation.config')!)).toEqual({
      applicationInstallationId: first.api.MobileServiceClient._applicationInstallationId,
    });
    expect(second.api.MobileServiceClient._applicationInstallationId).toBe(
      first.api.MobileServiceClient._applicationInstallationId,
    );
  });

  test('Date reads the clock and the device runs in UTC; Math.random draws from the seed', () => {
    const clock = new ManualClock(Date.UTC(2026, 4, 1, 12));
    const a = sandbox('seed', clock);
    const b = sandbox('seed', clock);
    expect(a.evaluate('new Date().toISOString()')).toBe('2026-05-01T12:00:00.000Z');
    expect(a.evaluate('Date.now()')).toBe(clock.now());
    // The SDK's first pull starts at new Date(1970, 0, 0): local time, so UTC here on every host.
    expect(a.evaluate('new Date(1970, 0, 0).toISOString()')).toBe('1969-12-31T00:00:00.000Z');
    expect(a.evaluate('new Date(5) instanceof Date && Object.prototype.toString.call(new Date(5))')).toBe(
      '[object Date]',
    );
    expect(a.evaluate('[Math.random(), Math.random()]')).toEqual(b.evaluate('[Math.random(), Math.random()]'));
    expect(typeof a.evaluate('Date()')).toBe('string');
  });

  test("the timers the SDK sees are the instance's, on the injected clock", () => {
    const clock = new ManualClock(0);
    const box = sandbox('t', clock);
    box.evaluate('window.hits = 0; setTimeout(function () { window.hits++; }, 10);');
    expect(box.window['hits']).toBe(0);
    clock.advance(10);
    expect(box.window['hits']).toBe(1);
  });
});

describe('the CommonJS loader', () => {
  function fixture(files: Record<string, string>): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'sdk-loader-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  }

  test('compiled code is cached for the process; each loader evaluates it afresh', () => {
    const dir = fixture({
      'counter.js': 'var n = 0; exports.next = function () { return ++n; };',
      'data.json': '{"list":[1]}',
    });
    const cache = new ScriptCache();
    const realm = new SdkRealm();
    const load = (): { next: () => number } => {
      const loader = new SandboxLoader({ realm, scope: [], builtins: {}, cache });
      return loader.load(path.join(dir, 'counter.js')) as { next: () => number };
    };
    const one = load();
    const two = load();
    expect([one.next(), one.next(), two.next()]).toEqual([1, 2, 1]);
    expect(cache.size).toBe(1);
    const loader = new SandboxLoader({ realm, scope: [], builtins: {}, cache });
    const data = loader.load(path.join(dir, 'data.json')) as { list: unknown[] };
    // JSON modules belong to the sandbox's realm.
    expect(data.list.constructor === Array).toBe(false);
  });

  test('cycles see partial exports, as in Node', () => {
    const dir = fixture({
      'a.js': "exports.name = 'a'; var b = require('./b'); exports.seen = b.seen;",
      'b.js': "var a = require('./a'); exports.seen = a.name;",
    });
    const loader = new SandboxLoader({ realm: new SdkRealm(), scope: [], builtins: {} });
    expect(loader.load(path.join(dir, 'a.js'))).toEqual({ name: 'a', seen: 'a' });
  });

  test('a Node built-in that was not given is refused with a clear error', () => {
    const dir = fixture({ 'fs-user.js': "require('fs');" });
    const loader = new SandboxLoader({ realm: new SdkRealm(), scope: [], builtins: {} });
    expect(() => loader.load(path.join(dir, 'fs-user.js'))).toThrow(
      "Cannot find module 'fs': the Node built-in is not available in the SDK sandbox",
    );
  });

  test('a module that throws is not cached half-done', () => {
    const dir = fixture({ 'bad.js': "throw new Error('boom');" });
    const loader = new SandboxLoader({ realm: new SdkRealm(), scope: [], builtins: {} });
    expect(() => loader.load(path.join(dir, 'bad.js'))).toThrow('boom');
    expect(loader.size).toBe(0);
  });
});
