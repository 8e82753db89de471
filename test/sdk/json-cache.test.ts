/**
 * The SDK's fromJson, remembered by the text: a copy is what the real function makes (the same
 * objects, arrays, dates and order, own `__proto__` keys included), a fresh one each time; what
 * it cannot vouch for goes to the real function.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { SqlJsStatic } from 'sql.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { JsonCache, MAX_TEXT_CHARS } from '../../src/sdk/json-cache.js';
import { SdkMutations } from '../../src/sdk/mutations.js';
import { SdkRealm } from '../../src/sdk/realm.js';
import type { Sandbox } from '../../src/sdk/sandbox.js';
import { loadSqlJs } from '../../src/sqlite/sqljs.js';
import { offlineSandbox } from './offline-sandbox.js';

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSqlJs();
});

type FromJson = (text: unknown) => unknown;

function instance(realm: SdkRealm, cache: JsonCache | null, clock: ManualClock, mutations?: SdkMutations): Sandbox {
  return offlineSandbox(SQL, {
    seed: 'json',
    clock,
    realm,
    jsonCache: cache,
    ...(mutations === undefined ? {} : { mutations }),
  }).box;
}

function setup(mutations?: SdkMutations) {
  const realm = new SdkRealm();
  const cache = new JsonCache();
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const cachedBox = instance(realm, cache, clock, mutations);
  const realBox = instance(realm, null, clock);
  const fromJsonOf = (box: Sandbox): FromJson => {
    const extensions = box.require('./Utilities/Extensions') as { fromJson: FromJson };
    return (text) => extensions.fromJson(text);
  };
  return { realm, cache, clock, cached: fromJsonOf(cachedBox), real: fromJsonOf(realBox), cachedBox };
}

/** A value with every object's prototype named, own keys in order, dates by time. */
function shape(value: unknown, realm: SdkRealm): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Object.prototype.toString.call(value) === '[object Date]') {
    return [
      'date',
      Date.prototype.getTime.call(value),
      Object.getPrototypeOf(value) === realm.evaluateGlobal('Date.prototype'),
    ];
  }
  const prototype = Object.getPrototypeOf(value) as object | null;
  const kind =
    prototype === realm.evaluateGlobal('Array.prototype')
      ? 'array'
      : prototype === realm.evaluateGlobal('Object.prototype')
        ? 'object'
        : 'other';
  return [
    kind,
    Reflect.ownKeys(value).map((key) => [
      String(key),
      shape(Reflect.getOwnPropertyDescriptor(value, key)!.value as unknown, realm),
    ]),
  ];
}

const isoDate = fc
  .date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2200, 0, 1)), noInvalidDate: true })
  .map((date) => date.toISOString());
const jsonText = fc
  .jsonValue({ maxDepth: 3 })
  .chain((value) =>
    fc
      .tuple(fc.constant(value), isoDate, fc.constantFrom('__proto__', 'updatedAt', '0', 'constructor'))
      .map(([v, date, key]) => JSON.stringify({ [key]: date, nested: [v, { [key]: v }], date })),
  );

describe('the JSON cache', () => {
  test('a kept parse copies to what the real fromJson makes, again and again', () => {
    const { realm, cached, real, cache } = setup();
    fc.assert(
      fc.property(
        fc.oneof(
          jsonText,
          fc.jsonValue().map((value) => JSON.stringify(value)),
        ),
        (text) => {
          const expected = shape(real(text), realm);
          for (let i = 0; i < 3; i++) expect(shape(cached(text), realm)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
    expect(cache.stats.hits).toBeGreaterThan(0);
  });

  test("an own __proto__ key stays an own property in the copy, and the copy's prototype is Object's", () => {
    const { realm, cached } = setup();
    const text = '{"__proto__":{"polluted":true},"a":1}';
    cached(text);
    const copy = cached(text) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(realm.evaluateGlobal('Object.prototype'));
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test('each call gets a fresh copy: changing one changes no later one', () => {
    const { cached, cache } = setup();
    const text = '{"id":"r1","updatedAt":"2026-01-01T00:00:00.000Z","tags":["a"]}';
    const first = cached(text) as { tags: string[]; updatedAt: Date };
    first.tags.push('b');
    first.updatedAt.setTime(0);
    const second = cached(text) as { tags: string[]; updatedAt: Date };
    expect(second.tags).toEqual(['a']);
    expect(second.updatedAt.getTime()).toBe(Date.UTC(2026, 0, 1));
    expect(second).not.toBe(first);
    expect(cache.stats.hits).toBe(1);
  });

  test('a parsed date is a Date of the page, whatever the clock reads', () => {
    const { cached, cachedBox, clock } = setup();
    const text = '["2026-03-04T05:06:07.890Z"]';
    cached(text);
    clock.advance(4 * 365 * 86_400_000);
    const [date] = cached(text) as [Date];
    const isPageDate = cachedBox.evaluate('(function (d) { return d instanceof Date; })') as (d: unknown) => boolean;
    expect(isPageDate(date)).toBe(true);
    expect(date.getTime()).toBe(Date.UTC(2026, 2, 4, 5, 6, 7, 890));
  });

  test('refused text throws every time and is never kept; long text and non-text go to the real function', () => {
    const { cached, real, cache } = setup();
    for (let i = 0; i < 2; i++) expect(() => cached('{"a":')).toThrow(/JSON/);
    expect(cache.stats).toEqual({ hits: 0, misses: 2, entries: 0 });
    const long = JSON.stringify(['x'.repeat(MAX_TEXT_CHARS)]);
    expect(cached(long)).toEqual(real(long));
    expect(cached(null)).toBeNull();
    expect(cached('')).toBeNull();
    expect(cache.stats).toEqual({ hits: 0, misses: 2, entries: 0 });
  });

  test('it holds a bounded number of texts, however many it sees', () => {
    const { cached, cache } = setup();
    for (let i = 0; i < 5000; i++) cached(`[${i}]`);
    expect(cache.stats.entries).toBeLessThanOrEqual(512);
    // The newest are still there.
    cached('[4999]');
    expect(cache.stats.hits).toBe(1);
  });

  test('a page whose Date follows the clock (the harness mutant) parses every time', () => {
    const { cached, cache } = setup(new SdkMutations(['date-from-time-reads-clock']));
    const text = '["2026-03-04T05:06:07.890Z"]';
    cached(text);
    cached(text);
    expect(cache.stats).toEqual({ hits: 0, misses: 0, entries: 0 });
  });
});
