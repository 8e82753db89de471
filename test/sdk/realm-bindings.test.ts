/**
 * The realm's intrinsics reach module code as constants bound around each module (REALM_BINDINGS
 * in src/sdk/realm.ts), not through the vm context's global: the same values, and a module's own
 * declarations still shadow them as they would shadow globals.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { SandboxLoader, ScriptCache } from '../../src/sdk/loader.js';
import { PAGE_GLOBALS, REALM_BINDINGS, SdkRealm } from '../../src/sdk/realm.js';

function load(realm: SdkRealm, source: string): unknown {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdk-bindings-'));
  writeFileSync(path.join(dir, 'module.js'), source);
  return new SandboxLoader({ realm, scope: [], builtins: {}, cache: new ScriptCache() }).load(
    path.join(dir, 'module.js'),
  );
}

describe('the realm bindings', () => {
  test('cover the intrinsics module code reads, and leave out eval, the page globals and the read-only values', () => {
    for (const name of ['Array', 'Object', 'JSON', 'parseInt', 'encodeURIComponent', 'RegExp', 'Promise', 'Map']) {
      expect(REALM_BINDINGS).toContain(name);
    }
    for (const name of ['eval', 'globalThis', 'undefined', 'NaN', 'Infinity', ...PAGE_GLOBALS]) {
      expect(REALM_BINDINGS).not.toContain(name);
    }
  });

  test("module code reads each of them as the realm's own value", () => {
    const realm = new SdkRealm();
    const read = load(realm, `module.exports = [${REALM_BINDINGS.join(', ')}];`) as unknown[];
    expect(read).toHaveLength(REALM_BINDINGS.length);
    REALM_BINDINGS.forEach((name, i) => expect(read[i], name).toBe(realm.evaluateGlobal(name)));
    // Not the host's: an array the module makes is the realm's.
    expect(load(realm, 'module.exports = Array.isArray([]) && [] instanceof Array;')).toBe(true);
    expect(realm.evaluateGlobal('Array')).not.toBe(Array);
  });

  test('they are bound when the realm is made, so module code no longer looks the names up on its global', () => {
    const realm = new SdkRealm();
    // Through the global, this replacement would reach the module; through the binding it cannot.
    realm.evaluateGlobal('globalThis.parseInt = function () { return "looked up"; };');
    expect(load(realm, "module.exports = parseInt('5', 10);")).toBe(5);
    // A name that is not an intrinsic still comes from the global.
    realm.evaluateGlobal('globalThis.notAnIntrinsic = "from the global";');
    expect(load(realm, 'module.exports = notAnIntrinsic;')).toBe('from the global');
  });

  test("a module's own declarations shadow them as they would shadow the globals", () => {
    const realm = new SdkRealm();
    // A lexical declaration of a bound name is no redeclaration error.
    expect(
      load(realm, 'const Map = "mine"; let JSON = 1; class Set {} module.exports = [Map, JSON, typeof Set];'),
    ).toEqual(['mine', 1, 'function']);
    // A var is hoisted in the module's own scope: undefined until assigned, as it would be.
    expect(load(realm, 'var Promise = Promise || "fallback"; module.exports = Promise;')).toBe('fallback');
    expect(load(realm, 'function Array() { return "mine"; } module.exports = Array();')).toBe('mine');
  });

  test('a direct eval in a module stays direct: it sees the module’s variables', () => {
    const realm = new SdkRealm();
    expect(load(realm, 'var secret = 42; module.exports = eval("secret + 1");')).toBe(43);
    expect(load(realm, "'use strict'; var secret = 7; module.exports = eval('secret');")).toBe(7);
  });

  test("a module that assigns to an intrinsic's name fails at once: it cannot reach the realm's global", () => {
    const realm = new SdkRealm();
    // The realm's TypeError, not the host's.
    expect(() => load(realm, 'Array = function () {};')).toThrow(/Assignment to constant variable/);
    expect(realm.evaluateGlobal('typeof Array.isArray')).toBe('function');
    expect(realm.changedIntrinsics()).toEqual([]);
  });
});
