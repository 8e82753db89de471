/**
 * azure-query-js's transformConstraint, remembered by source and values: a copy is the tree it
 * replaces (same nodes, prototypes and values), a fresh one each time, with the caller's own
 * date in it; a function that could read anything but its values is transformed every time.
 */
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { ConstraintCache, isSelfContained } from '../../src/sdk/constraint-cache.js';
import { SandboxLoader } from '../../src/sdk/loader.js';
import { SdkRealm } from '../../src/sdk/realm.js';

const SDK_ENTRY = createRequire(import.meta.url).resolve('azure-mobile-apps-client');
const QUERY_JS = createRequire(SDK_ENTRY).resolve('azure-query-js');
const QUERY_NODES = createRequire(QUERY_JS).resolve('./QueryNodes');
const QUERY_JAVASCRIPT = createRequire(QUERY_JS).resolve('./JavaScript');

interface QueryLike {
  where(constraint: unknown, ...values: unknown[]): QueryLike;
  toOData(): string;
  getComponents(): { filters: Record<string, unknown> };
}
type QueryClass = new (table: string) => QueryLike;

/** azure-query-js loaded for one app instance of `realm`, behind `cache` (or none). */
function instance(realm: SdkRealm, cache: ConstraintCache | null): QueryClass {
  const shims = cache === null ? undefined : cache.forInstance(realm);
  const loader = new SandboxLoader({
    realm,
    scope: [],
    builtins: {},
    ...(shims === undefined
      ? {}
      : {
          shims: new Map([
            [QUERY_NODES, shims.queryNodes],
            [QUERY_JAVASCRIPT, shims.javaScript],
          ]),
        }),
  });
  return (loader.load(QUERY_JS) as { Query: QueryClass }).Query;
}

/** A tree with every object's class named, in property order. */
function shape(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Object.prototype.toString.call(value) === '[object Date]') return ['date', (value as Date).getTime()];
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  return [
    prototype?.constructor?.name ?? 'null',
    Reflect.ownKeys(value).map((key) => [String(key), shape((value as Record<string, unknown>)[key as string])]),
  ];
}

function setup() {
  const realm = new SdkRealm();
  const cache = new ConstraintCache();
  const evaluate = (code: string): unknown => realm.evaluateGlobal(code);
  // The query functions of azure-mobile-apps-client 2.0.1 (sync/operations.js, sync/pull.js),
  // functions of the realm as the SDK's own code makes them.
  const byItem = evaluate(
    '(function (tableName, itemId) {\n return this.tableName === tableName && this.itemId === itemId;\n })',
  );
  const afterId = evaluate('(function(lastProcessedOperationId) {\n return this.id > lastProcessedOperationId;\n })');
  const since = evaluate(`(function(lastKnownUpdatedAt) {
            // Ideally we would have liked to set this[tableConstants.sysProps.updatedAtColumnName]
            // but this isn't supported
            return this.updatedAt >= lastKnownUpdatedAt;
        })`);
  return { realm, cache, evaluate, byItem, afterId, since };
}

describe('the constraint cache', () => {
  test('a copy is the tree the real transform makes, node classes and values alike, in every instance', () => {
    const { realm, cache, evaluate, byItem, afterId, since } = setup();
    const real = instance(realm, null);
    const first = instance(realm, cache);
    const second = instance(realm, cache);
    const date = (ms: number): unknown => evaluate(`new Date(${ms})`);
    const cases: [unknown, unknown[]][] = [
      [byItem, ['todoitem', 'r1']],
      [byItem, ['todoitem', 'r2']],
      [afterId, [3]],
      [afterId, [0]],
      [since, [date(86_400_000)]],
    ];
    for (const Query of [first, second, first]) {
      for (const [func, values] of cases) {
        const expected = new real('__operations').where(func, ...values);
        const actual = new Query('__operations').where(func, ...values);
        expect(actual.toOData()).toBe(expected.toOData());
        expect(shape(actual.getComponents().filters)).toEqual(shape(expected.getComponents().filters));
      }
    }
    // Each (function, values) pair transformed once; every later call a copy.
    expect(cache.stats).toEqual({ hits: 10, misses: 5, entries: 5 });
  });

  test('each call gets a fresh copy: writing into one tree changes no later one', () => {
    const { realm, cache, byItem } = setup();
    const Query = instance(realm, cache);
    const first = new Query('t').where(byItem, 'todoitem', 'r1');
    const before = first.toOData();
    const tree = first.getComponents().filters as { left: { right: { value: unknown } } };
    tree.left.right.value = 'changed';
    expect(new Query('t').where(byItem, 'todoitem', 'r1').toOData()).toBe(before);
    expect(cache.stats.hits).toBe(1);
  });

  test("a date passed in is the caller's own object in the copy, not a copy of it", () => {
    const { realm, cache, evaluate, since } = setup();
    const Query = instance(realm, cache);
    const first = evaluate('new Date(1000)');
    const second = evaluate('new Date(1000)');
    new Query('t').where(since, first);
    const copy = new Query('t').where(since, second).getComponents().filters as { right: { value: unknown } };
    expect(cache.stats.hits).toBe(1);
    expect(copy.right.value).toBe(second);
  });

  test('a function that reads a global is transformed every time (its result follows the global)', () => {
    const { realm, cache, evaluate } = setup();
    const Query = instance(realm, cache);
    const overLimit = evaluate('(function () { return this.count > limit; })');
    evaluate('globalThis.limit = 3');
    const three = new Query('t').where(overLimit).toOData();
    evaluate('globalThis.limit = 4');
    const four = new Query('t').where(overLimit).toOData();
    expect(three).toContain('3');
    expect(four).toContain('4');
    expect(cache.stats).toEqual({ hits: 0, misses: 0, entries: 0 });
  });

  test('sources past the bound go to the real transform, and no two sources ever share an entry', () => {
    const { realm, cache, evaluate } = setup();
    const Query = instance(realm, cache);
    // 600 different functions (the bound is 512), each asked twice with the same value.
    const functions = Array.from({ length: 600 }, (_, i) =>
      evaluate(`(function (value) { return this.c${i} === value; })`),
    );
    for (let round = 0; round < 2; round++) {
      functions.forEach((fn, i) => {
        expect(new Query('t').where(fn, 'v').toOData()).toBe(`/t?$filter=(c${i} eq 'v')`);
      });
    }
    expect(cache.stats.hits).toBe(512);
    expect(cache.stats.entries).toBe(512);
  });

  test('values other than primitives and dates go to the real transform', () => {
    const { realm, cache, evaluate, afterId } = setup();
    const Query = instance(realm, cache);
    const boxed = evaluate('({ valueOf: function () { return 5; } })');
    new Query('t').where(afterId, boxed);
    new Query('t').where(afterId, boxed);
    expect(cache.stats).toEqual({ hits: 0, misses: 0, entries: 0 });
  });
});

describe('isSelfContained', () => {
  test("the SDK's own query functions are", () => {
    expect(
      isSelfContained(
        'function (tableName, itemId) {\n return this.tableName === tableName && this.itemId === itemId;\n }',
      ),
    ).toBe(true);
    expect(isSelfContained('function(id) {\n return this.id > id;\n }')).toBe(true);
    expect(isSelfContained('function(d) {\n // a comment (with a call)\n return this.updatedAt >= d;\n }')).toBe(true);
  });

  test.each([
    ['a global', 'function (a) { return this.x > limit; }'],
    ['a call', 'function (a) { return this.x > a.valueOf(); }'],
    ['new', 'function (a) { return this.x > new Date; }'],
    ['a string', "function (a) { return this.x === 'a'; }"],
    ['a regular expression', 'function (a) { return /a/.test; }'],
    ['a computed member', 'function (a) { return this[a]; }'],
    ['an arrow function', '(a) => this.x > a'],
    ['a block comment hiding nothing but leaving a call', 'function (a) { return this.x > g/* */(a); }'],
  ])('%s is not', (_what, source) => {
    expect(isSelfContained(source)).toBe(false);
  });
});
