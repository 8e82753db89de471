/** esprima's parse, remembered by source: a copy is the parse it replaces, and a fresh one each time. */
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { ParseCache } from '../../src/sdk/parse-cache.js';
import { SandboxLoader } from '../../src/sdk/loader.js';
import { SdkRealm } from '../../src/sdk/realm.js';

// The esprima azure-query-js loads, found as the SDK finds it.
const SDK_ENTRY = createRequire(import.meta.url).resolve('azure-mobile-apps-client');
const ESPRIMA = createRequire(createRequire(SDK_ENTRY).resolve('azure-query-js')).resolve('esprima');

type Parse = (code: string, options?: object) => Record<string, unknown>;

/** Two esprima instances of one realm (two app instances), each behind the same cache. */
function setup(): {
  cache: ParseCache;
  real: Parse;
  cached: Parse;
  other: Parse;
  evaluate: (code: string) => unknown;
  range: () => object;
} {
  const realm = new SdkRealm();
  const cache = new ParseCache();
  const load = (): { parse: Parse } =>
    new SandboxLoader({ realm, scope: [], builtins: {} }).load(ESPRIMA) as { parse: Parse };
  const real = load();
  const cached = (cache.shim(real, realm) as { parse: Parse }).parse;
  const other = (cache.shim(load(), realm) as { parse: Parse }).parse;
  const evaluate = (code: string): unknown => realm.evaluateGlobal(code);
  // Options as azure-query-js passes them: an object literal of the realm.
  const range = (): object => evaluate('({ range: true })') as object;
  return { cache, real: real.parse, cached, other, evaluate, range };
}

/** The tree with every object's prototype named, in property order. */
function shape(value: unknown, nodePrototype: object, realmObject: object, realmArray: object): unknown {
  if (value === null || typeof value !== 'object') return value;
  const prototype = Object.getPrototypeOf(value) as object;
  const kind =
    prototype === nodePrototype
      ? 'node'
      : prototype === realmObject
        ? 'object'
        : prototype === realmArray
          ? 'array'
          : '?';
  return [
    kind,
    Reflect.ownKeys(value).map((key) => [
      String(key),
      shape((value as Record<string, unknown>)[key as string], nodePrototype, realmObject, realmArray),
    ]),
  ];
}

// The query functions of azure-mobile-apps-client 2.0.1 as azure-query-js hands them to esprima.
const SOURCES = [
  'var _$$_stmt_$$_ = function (tableName, itemId) {\n return this.tableName === tableName && this.itemId === itemId;\n };',
  'var _$$_stmt_$$_ = function(lastProcessedOperationId) {\n return this.id > lastProcessedOperationId;\n };',
  'var _$$_stmt_$$_ = function(lastKnownUpdatedAt) { return this.updatedAt >= lastKnownUpdatedAt; };',
];

describe('the esprima parse cache', () => {
  test("a copy is the parse it replaces: same tree, same property order, the caller's node prototype", () => {
    const { cache, real, cached, other, evaluate, range } = setup();
    const [realmObject, realmArray] = evaluate('[Object.prototype, Array.prototype]') as [object, object];
    for (const source of SOURCES) {
      const first = cached(source, range());
      const fresh = real(source, range());
      const copy = cached(source, range());
      const elsewhere = other(source, range());
      const expected = shape(fresh, Object.getPrototypeOf(fresh) as object, realmObject, realmArray);
      expect(shape(first, Object.getPrototypeOf(fresh) as object, realmObject, realmArray)).toEqual(expected);
      expect(shape(copy, Object.getPrototypeOf(fresh) as object, realmObject, realmArray)).toEqual(expected);
      // The other instance's copy has the other instance's Node prototype.
      expect(Object.getPrototypeOf(elsewhere)).not.toBe(Object.getPrototypeOf(fresh));
      expect(shape(elsewhere, Object.getPrototypeOf(elsewhere) as object, realmObject, realmArray)).toEqual(expected);
    }
    expect(cache.stats).toEqual({ hits: 6, misses: 3, entries: 3 });
  });

  test('each call gets a tree of its own: a change to one copy is not in the next', () => {
    const { cached, range } = setup();
    const first = cached(SOURCES[0]!, range());
    (first['body'] as Record<string, unknown>[])[0]!['__independent'] = true;
    first['body'] = [];
    const second = cached(SOURCES[0]!, range());
    expect((second['body'] as unknown[]).length).toBe(1);
    expect((second['body'] as Record<string, unknown>[])[0]!['__independent']).toBeUndefined();
  });

  test('options are part of the key; a source whose tree holds a regular expression is parsed every time', () => {
    const { cache, cached, range } = setup();
    const withRange = cached('a + 1', range());
    const without = cached('a + 1');
    expect(withRange['range']).toEqual([0, 5]);
    expect(without['range']).toBeUndefined();
    cached('x = /a+/g', range());
    const regex = cached('x = /a+/g', range());
    const body = regex['body'] as { expression: { right: { value: unknown } } }[];
    expect(Object.prototype.toString.call(body[0]!.expression.right.value)).toBe('[object RegExp]');
    expect(cache.stats).toEqual({ hits: 0, misses: 4, entries: 2 });
    // Options of another realm (or with a prototype of their own) are not kept either.
    cached('a + 1', { range: true });
    expect(cache.stats).toEqual({ hits: 0, misses: 4, entries: 2 });
  });

  test('a syntax error throws as esprima does, every time', () => {
    const { cached } = setup();
    expect(() => cached('function (')).toThrow(/Unexpected token/);
    expect(() => cached('function (')).toThrow(/Unexpected token/);
  });
});
