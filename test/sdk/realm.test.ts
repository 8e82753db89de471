/** The SDK realm: pages apart, code shared, intrinsics untouched. */
import { beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { runStandardScenario } from '../../src/bench/world.js';
import { ManualClock } from '../../src/kernel/clock.js';
import type { AppTimers } from '../../src/sdk/app-timers.js';
import { createSdkDriver } from '../../src/sdk/driver.js';
import { SandboxLoader, ScriptCache } from '../../src/sdk/loader.js';
import { SdkRealm, sharedRealm } from '../../src/sdk/realm.js';
import type { Sandbox } from '../../src/sdk/sandbox.js';
import { offlineSandbox } from './offline-sandbox.js';
import { loadSqlJs } from '../../src/sqlite/sqljs.js';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSqlJs();
});

function instance(seed: string, realm: SdkRealm, clock = new ManualClock(0)): { box: Sandbox; timers: AppTimers } {
  return offlineSandbox(SQL, { seed, clock, realm });
}

function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdk-realm-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('pages of one realm', () => {
  test('each instance has its own window, timers, Date and Math; the intrinsics are the realm’s', () => {
    const realm = new SdkRealm();
    const a = instance('a', realm, new ManualClock(1000)).box;
    const b = instance('b', realm, new ManualClock(2000)).box;
    expect(a.evaluate('window')).toBe(a.window);
    expect(a.evaluate('window === global && global === self && self === globalThis')).toBe(true);
    expect(a.window).not.toBe(b.window);
    expect(a.evaluate('setTimeout')).not.toBe(b.evaluate('setTimeout'));
    expect([a.evaluate('Date.now()'), b.evaluate('Date.now()')]).toEqual([1000, 2000]);
    expect(a.evaluate('Math.random()')).not.toBe(b.evaluate('Math.random()'));
    expect(a.evaluate('Math.floor(2.5)')).toBe(2);
    // Shared: the page's window falls back to the realm's global for everything else.
    expect(a.evaluate('window.Array === Array')).toBe(true);
    expect(a.evaluate('Array')).toBe(b.evaluate('Array'));
    expect(a.evaluate('Object.getPrototypeOf(new Date(0))')).toBe(b.evaluate('Date.prototype'));
    expect(a.api.MobileServiceClient).not.toBe(b.api.MobileServiceClient);
  });

  test("a killed instance's code reaches only its own (disposed) timers, never a later instance's", () => {
    const realm = new SdkRealm();
    const clock = new ManualClock(0);
    const dead = instance('dead', realm, clock);
    const live = instance('live', realm, clock);
    dead.timers.dispose();
    const keepTime = dead.box.evaluate('(function () { return function () { setTimeout(function () {}, 1); }; })()');
    (keepTime as () => void)();
    expect(dead.timers.pending).toBe(0);
    expect(live.timers.pending).toBe(0);
  });

  test('module functions are made once per realm; every loader runs them afresh', () => {
    const dir = fixture({ 'counter.js': 'var n = 0; exports.next = function () { return ++n; };' });
    const cache = new ScriptCache();
    const realm = new SdkRealm();
    const load = (): { next: () => number } =>
      new SandboxLoader({ realm, scope: [], builtins: {}, cache }).load(path.join(dir, 'counter.js')) as {
        next: () => number;
      };
    const one = load();
    const two = load();
    expect([one.next(), one.next(), two.next()]).toEqual([1, 2, 1]);
    const compiled = cache.get(path.join(dir, 'counter.js'));
    expect(compiled.kind === 'script' && realm.moduleFunction(compiled.script)).toBe(
      compiled.kind === 'script' && realm.moduleFunction(compiled.script),
    );
  });
});

describe('the realm guard', () => {
  test('a module that defines a global is refused', () => {
    const dir = fixture({ 'leaky.js': 'leaked = 1;' });
    const realm = new SdkRealm();
    new SandboxLoader({ realm, scope: [], builtins: {} }).load(path.join(dir, 'leaky.js'));
    expect(realm.addedGlobals()).toEqual(['leaked']);
    expect(() => realm.assertIntact()).toThrow(/the SDK defined the global\(s\) leaked/);
  });

  test('a module that changes an intrinsic is refused', () => {
    const dir = fixture({ 'patch.js': 'Array.prototype.extra = function () {}; JSON.parse = JSON.parse;' });
    const realm = new SdkRealm();
    new SandboxLoader({ realm, scope: [], builtins: {} }).load(path.join(dir, 'patch.js'));
    expect(realm.changedIntrinsics()).toEqual([
      'Array.prototype.extra',
      'Array.prototype (properties added or removed)',
    ]);
    expect(() => realm.assertIntact()).toThrow(/the SDK changed Array.prototype.extra/);
  });

  test('the SDK defines no global and changes no intrinsic, over runs with faults and restarts', async () => {
    for (const seed of [1, 2, 3, 4]) await runStandardScenario({ seed, steps: 30, driver: createSdkDriver });
    expect(sharedRealm().addedGlobals()).toEqual([]);
    expect(sharedRealm().changedIntrinsics()).toEqual([]);
  }, 60_000);
});
