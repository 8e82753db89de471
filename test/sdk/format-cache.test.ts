/** azure-odata-sql's format, remembered by its arguments: the same statements and the same writes, fresh each time. */
import { createRequire } from 'node:module';
import util from 'node:util';
import { describe, expect, test } from 'vitest';
import { FormatCache } from '../../src/sdk/format-cache.js';
import { SandboxLoader } from '../../src/sdk/loader.js';
import { SdkRealm, type PageBindings } from '../../src/sdk/realm.js';

// The azure-odata-sql the SDK's store loads, found as the SDK finds it.
const SDK_ENTRY = createRequire(import.meta.url).resolve('azure-mobile-apps-client');
const ODATA_SQL = createRequire(SDK_ENTRY).resolve('azure-odata-sql');

type Format = (query: object, config?: object) => { sql: string; parameters: { name: string; value: unknown }[] }[];

function setup(): { cache: FormatCache; real: Format; cached: Format; evaluate: (code: string) => unknown } {
  const realm = new SdkRealm();
  const page = realm.createPage({ bindings: {} as PageBindings, now: () => Date.UTC(2026, 0, 1), random: () => 0.5 });
  const loaded = new SandboxLoader({ realm, scope: page.scope, builtins: { util } }).load(ODATA_SQL) as {
    format: Format;
  };
  const cache = new FormatCache();
  const cached = (cache.shim(loaded, realm) as { format: Format }).format;
  return { cache, real: loaded.format, cached, evaluate: (code) => page.evaluate(code) };
}

// Queries as the store hands them over: what azure-query-js's toOData returns, objects of the realm.
const QUERIES = [
  "({ table: '__operations', filters: \"((tableName eq 'todoitem') and (itemId eq 'item-1'))\", ordering: 'id', orderClauses: 'id', skip: undefined, take: undefined, selections: undefined, includeTotalCount: undefined, includeDeleted: undefined })",
  "({ table: '__operations', filters: '(id gt 3)', ordering: 'id', orderClauses: 'id', skip: undefined, take: 1, selections: undefined, includeTotalCount: undefined, includeDeleted: undefined })",
  "({ table: 'todoitem', filters: \"(updatedAt ge datetimeoffset'2026-01-01T00:00:01.500Z')\", ordering: 'updatedAt', orderClauses: 'updatedAt', skip: 2, take: undefined, selections: 'id', includeTotalCount: true, includeDeleted: undefined })",
];

describe('the azure-odata-sql format cache', () => {
  test('equal arguments get the statements and the writes the real format gives, in copies of their own', () => {
    const { cache, real, cached, evaluate } = setup();
    const config = (): object => evaluate("({ flavor: 'sqlite' })") as object;
    for (const source of QUERIES) {
      const expectedQuery = evaluate(source) as Record<string, unknown>;
      const expected = real(expectedQuery, config());
      const first = evaluate(source) as Record<string, unknown>;
      const second = evaluate(source) as Record<string, unknown>;
      const one = cached(first, config());
      const two = cached(second, config());
      expect(one).toEqual(expected);
      expect(two).toEqual(expected);
      expect(two).not.toBe(one);
      expect(two[0]!.parameters).not.toBe(one[0]!.parameters);
      // The query objects were written as the real call wrote its own (take = -1 when only skip was set).
      expect(Object.entries(first)).toEqual(Object.entries(expectedQuery));
      expect(Object.entries(second)).toEqual(Object.entries(expectedQuery));
    }
    expect(cache.stats).toEqual({ hits: 3, misses: 3, entries: 3 });
    // A date parameter comes back a date of the realm with the same time.
    const dated = cached(evaluate(QUERIES[2]!) as object, config());
    const value = dated[0]!.parameters[0]!.value as Date;
    expect(Object.prototype.toString.call(value)).toBe('[object Date]');
    expect(value instanceof Date).toBe(false);
    expect(value.getTime()).toBe(Date.UTC(2026, 0, 1, 0, 0, 1, 500));
  });

  test('arguments that are not plain objects of primitives go to the real format every time', () => {
    const { cache, cached, evaluate } = setup();
    // An object of the host's realm, and one holding an object.
    cached({ table: 'todoitem', filters: '(id eq 1)' }, evaluate("({ flavor: 'sqlite' })") as object);
    cached(evaluate("({ table: 'todoitem', filters: '(id eq 1)', extra: {} })") as object);
    expect(cache.stats).toEqual({ hits: 0, misses: 0, entries: 0 });
  });

  test('a query the real format refuses throws every time, and is not kept', () => {
    const { cache, cached, evaluate } = setup();
    const bad = "({ table: 'todoitem', filters: '(id eq' })";
    expect(() => cached(evaluate(bad) as object)).toThrow();
    expect(() => cached(evaluate(bad) as object)).toThrow();
    expect(cache.stats).toEqual({ hits: 0, misses: 2, entries: 0 });
  });
});
