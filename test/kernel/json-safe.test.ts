import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isErrorLike, toJsonSafe, withJsonSafeFields } from '../../src/kernel/json-safe.js';
import { HistoryRecorder } from '../../src/kernel/recorder.js';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';

/**
 * JSON.stringify is the independent judge: toJsonSafe must give what it writes, with bigints as
 * their digits and errors as their message. `__proto__` keys are left to the tests below (a string
 * under that key is dropped, which JSON.stringify would keep).
 */
const notProto = fc.string().filter((key) => key !== '__proto__');
const asJson = (value: unknown): string | undefined =>
  JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? item.toString() : isErrorLike(item) ? item.message : item,
  );

/** Only what JSON can hold: finite numbers, no undefined, plain objects and dense arrays. */
function expectPlainJson(value: unknown): void {
  if (typeof value === 'number') return expect(Number.isFinite(value)).toBe(true);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  expect(typeof value).toBe('object');
  if (Array.isArray(value)) {
    expect(Object.keys(value)).toHaveLength(value.length);
    for (const item of value) expectPlainJson(item);
    return;
  }
  expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  for (const item of Object.values(value as object)) expectPlainJson(item);
}

const values = fc.anything({
  key: notProto,
  values: [
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.double(),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0),
  ],
  maxDepth: 4,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withTypedArray: true,
});

describe('toJsonSafe against JSON.stringify', () => {
  test('plain JSON data comes out as the same JSON text, key order included', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        fc.pre(!JSON.stringify(value).includes('"__proto__"'));
        expect(JSON.stringify(toJsonSafe(value))).toBe(JSON.stringify(value));
      }),
      { numRuns: 1000 },
    );
  });

  test('dates, bigints, NaN, sparse arrays, null prototypes, maps and typed arrays read as JSON.stringify writes them', () => {
    fc.assert(
      fc.property(values, (value) => {
        fc.pre(value !== undefined);
        const copied = toJsonSafe(value);
        expect(JSON.stringify(copied)).toBe(asJson(value));
        expectPlainJson(copied);
      }),
      { numRuns: 1000 },
    );
  });

  test('a copy shares no object with its source', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const sources = new Set<unknown>();
        const collect = (item: unknown): void => {
          if (typeof item !== 'object' || item === null) return;
          sources.add(item);
          for (const child of Object.values(item)) collect(child);
        };
        collect(value);
        const copied = toJsonSafe(value);
        const check = (item: unknown): void => {
          if (typeof item !== 'object' || item === null) return;
          expect(sources.has(item)).toBe(false);
          for (const child of Object.values(item)) check(child);
        };
        check(copied);
      }),
      { numRuns: 300 },
    );
  });
});

describe('toJsonSafe on "__proto__" keys', () => {
  test('objects, arrays, numbers and null under the key are kept as data; strings and booleans are dropped, as ever', () => {
    const hostile = JSON.parse(
      '{"a":{"__proto__":"s","b":1},"c":{"__proto__":2},"d":{"__proto__":null},"e":{"__proto__":true},"f":{"__proto__":[1]}}',
    ) as unknown;
    const safe = toJsonSafe(hostile);
    expect(JSON.stringify(safe)).toBe(
      '{"a":{"b":1},"c":{"__proto__":2},"d":{"__proto__":null},"e":{},"f":{"__proto__":[1]}}',
    );
    const inner = (safe as Record<string, object>)['d']!;
    expect(Object.getPrototypeOf(inner)).toBe(Object.prototype);
  });
});

describe('withJsonSafeFields', () => {
  const bodies = fc.oneof(
    fc.object({ maxDepth: 3, withDate: true, withBigInt: true, withNullPrototype: true }),
    fc.dictionary(
      fc.constantFrom('seq', 't', 'actor', 'kind', '__proto__', '1', 'toJSON'),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    values.filter((value): value is object => typeof value === 'object' && value !== null),
  );

  test('gives what spreading a toJsonSafe copy after the head gives: values, key order and prototype', () => {
    fc.assert(
      fc.property(bodies, fc.nat(), (body, seq) => {
        const expected = { seq, t: 3, actor: 'a', ...(toJsonSafe(body) as object) };
        const actual = withJsonSafeFields({ seq, t: 3, actor: 'a' }, body);
        expect(Object.keys(actual)).toEqual(Object.keys(expected));
        expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
        expect(Object.getPrototypeOf(actual)).toBe(Object.prototype);
      }),
      { numRuns: 1000 },
    );
  });

  test('a body that contains itself is cut at the repeat, as toJsonSafe cuts it', () => {
    const body: Record<string, unknown> = { kind: 'note', text: 'x' };
    body['self'] = body;
    body['nested'] = { back: body };
    const recorder = new HistoryRecorder(new VirtualClock());
    const event = recorder.record('w', body as never);
    expect(JSON.stringify(event)).toBe(
      '{"seq":0,"t":0,"actor":"w","kind":"note","text":"x","self":"[circular]","nested":{"back":"[circular]"}}',
    );
  });

  test('a body that is no plain object (a null prototype, a toJSON) is copied as toJsonSafe copies it', () => {
    const recorder = new HistoryRecorder(new VirtualClock());
    recorder.record('w', Object.assign(Object.create(null) as object, { kind: 'note', text: 'bare' }) as never);
    recorder.record('w', { kind: 'note', text: 'raw', toJSON: () => ({ kind: 'note', text: 'custom' }) } as never);
    expect(recorder.events).toEqual([
      { seq: 0, t: 0, actor: 'w', kind: 'note', text: 'bare' },
      { seq: 1, t: 0, actor: 'w', kind: 'note', text: 'custom' },
    ]);
  });
});
