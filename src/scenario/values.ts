/**
 * Values and ids as apps have them, for the `wide` generator profile. Each column type has
 * value classes — the edge cases real apps write (empty and long strings, emoji, strings that
 * look like dates, numbers, booleans or JSON, huge and tiny numbers, dates with and without
 * milliseconds, null). A value is drawn by first drawing its class; the simple class comes
 * first, so fast-check shrinks a failing value toward it.
 *
 * Classes are also named in coverage (`value-<type>-<class>`): `classifyValue` reads a class
 * back from a value and its column type, so coverage counts what programs really wrote.
 */
import fc from 'fast-check';
import type { ColumnType, JsonObject, JsonValue, TableDefinition } from '../protocol/records.js';

/** The value classes of each column type, the simple one first (shrinking goes there). */
export const VALUE_CLASSES = {
  string: [
    'simple',
    'empty',
    'long',
    'unicode',
    'date-like',
    'number-like',
    'boolean-like',
    'json-like',
    'leading-zeros',
    'null',
  ],
  number: ['simple', 'large', 'tiny', 'negative', 'fractional', 'null'],
  boolean: ['simple', 'null'],
  date: ['simple', 'with-ms', 'null'],
  object: ['simple', 'empty', 'array', 'nested', 'unicode', 'null'],
} as const satisfies Record<ColumnType, readonly string[]>;

export type ValueClass<T extends ColumnType = ColumnType> = (typeof VALUE_CLASSES)[T][number];

/** The coverage counter of one class of one column type. */
export function valueCounter(type: ColumnType, valueClass: string): string {
  return `value-${type}-${valueClass}`;
}

/** Every value-class counter, for validating scenario files and naming what was never reached. */
export const VALUE_COUNTERS: readonly string[] = (Object.keys(VALUE_CLASSES) as ColumnType[]).flatMap((type) =>
  VALUE_CLASSES[type].map((valueClass) => valueCounter(type, valueClass)),
);

const EMOJI = ['😀', '👩‍👩‍👧', '🇳🇴', '✔️', 'Ωμέγα', '日本語', 'مرحبا', 'ß', 'e\u0301', 'Ⅻ'];
const WORDS = ['milk', 'eggs', 'call mum', 'Buy bread', 'todo', 'x'];

const simpleText = fc.nat({ max: 99 }).map((n) => `v${n}`);

/** A string column's values, by class. */
const STRING_VALUES: Record<ValueClass<'string'>, fc.Arbitrary<JsonValue>> = {
  simple: simpleText,
  empty: fc.constant(''),
  // Longer than any page of UI text and than SQLite's small-string paths; the id column's 255 too.
  long: fc
    .tuple(fc.constantFrom(...WORDS), fc.integer({ min: 256, max: 2_000 }))
    .map(([word, length]) => word.repeat(Math.ceil(length / word.length)).slice(0, length)),
  unicode: fc.array(fc.constantFrom(...EMOJI), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(' ')),
  'date-like': fc.tuple(fc.integer({ min: 0, max: 4_000_000 }), fc.boolean()).map(([minutes, withMs]) => {
    const iso = new Date(Date.UTC(2026, 0, 1) + minutes * 60_000 + (withMs ? 123 : 0)).toISOString();
    return withMs ? iso : iso.replace('.000Z', 'Z');
  }),
  'number-like': fc.constantFrom('0', '42', '-1', '3.14', '1e21', 'NaN', 'Infinity', '0x1F'),
  'boolean-like': fc.constantFrom('true', 'false', 'TRUE', 'null', 'undefined'),
  'json-like': fc.constantFrom('{}', '[]', '{"a":1}', '[1,"two"]', '{"id":"r1"}', '"quoted"'),
  'leading-zeros': fc.integer({ min: 0, max: 9_999 }).map((n) => `00${n}`),
  null: fc.constant(null),
};

const NUMBER_VALUES: Record<ValueClass<'number'>, fc.Arbitrary<JsonValue>> = {
  simple: fc.nat({ max: 99 }),
  large: fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 40, 1e15, 9_007_199_254_740_000),
  tiny: fc.constantFrom(Number.MIN_VALUE, 1e-300, 2.5e-10, 1e-7),
  negative: fc.integer({ min: -1_000_000, max: -1 }),
  fractional: fc.constantFrom(0.1, 0.5, 1.25, 3.141592653589793, 99.99, 1 / 3),
  null: fc.constant(null),
};

const BOOLEAN_VALUES: Record<ValueClass<'boolean'>, fc.Arbitrary<JsonValue>> = {
  simple: fc.boolean(),
  null: fc.constant(null),
};

// Every date the generator writes is in the canonical ISO form the servers answer with, so that
// a round trip compares instants, not spellings; "without ms" is a whole second.
const DATE_VALUES: Record<ValueClass<'date'>, fc.Arbitrary<JsonValue>> = {
  simple: fc.nat({ max: 27 }).map((day) => new Date(Date.UTC(2026, 0, 1 + day)).toISOString()),
  'with-ms': fc
    .tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 999 }))
    .map(([seconds, ms]) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000 + ms).toISOString()),
  null: fc.constant(null),
};

const OBJECT_VALUES: Record<ValueClass<'object'>, fc.Arbitrary<JsonValue>> = {
  simple: fc.nat({ max: 99 }).map((n) => ({ n })),
  empty: fc.constant({}),
  array: fc.array(fc.nat({ max: 9 }), { maxLength: 4 }),
  nested: fc.nat({ max: 99 }).map((n) => ({ a: { b: { c: [n, { d: 'x' }] } } })),
  unicode: fc.constantFrom(...EMOJI).map((text) => ({ [text]: text })),
  null: fc.constant(null),
};

const VALUES: { readonly [T in ColumnType]: Record<ValueClass<T>, fc.Arbitrary<JsonValue>> } = {
  string: STRING_VALUES,
  number: NUMBER_VALUES,
  boolean: BOOLEAN_VALUES,
  date: DATE_VALUES,
  object: OBJECT_VALUES,
};

/**
 * A value of a column: the simple class most of the time, each edge class now and then.
 * `withCrossShrink` lets a shrinking value jump back to the simple class.
 */
export function wideValueArbitrary(type: ColumnType): fc.Arbitrary<JsonValue> {
  const classes = VALUES[type] as Record<string, fc.Arbitrary<JsonValue>>;
  const names = VALUE_CLASSES[type] as readonly string[];
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: classes[names[0]!]!, weight: names.length },
    ...names.slice(1).map((name) => ({ arbitrary: classes[name]!, weight: 1 })),
  );
}

/** A record's values for every column of `table`, each drawn from its type's classes. */
export function wideValuesArbitrary(table: TableDefinition): fc.Arbitrary<JsonObject> {
  const columns = Object.entries(table.columns);
  if (columns.length === 0) return fc.constant({});
  return fc
    .tuple(...columns.map(([, type]) => wideValueArbitrary(type)))
    .map((values) => Object.fromEntries(columns.map(([column], i) => [column, values[i]!])) as JsonObject);
}

/**
 * Fresh ids, as apps make them: GUIDs (what the SDK itself assigns), text a user typed, unicode.
 * They are unique within a program and never one of the `r1`…`rN` ids that exist from the start.
 */
export function freshIdsArbitrary(max: number): fc.Arbitrary<string[]> {
  const typed = fc.tuple(fc.constantFrom(...WORDS), fc.nat({ max: 99 })).map(([word, n]) => `${word} ${n}`);
  const unicode = fc.tuple(fc.constantFrom(...EMOJI), fc.nat({ max: 99 })).map(([text, n]) => `${text}-${n}`);
  const guid = fc.uuid();
  const id = fc.oneof({ withCrossShrink: true }, typed, guid, unicode);
  return fc.uniqueArray(id, { minLength: 1, maxLength: Math.max(1, max) });
}

/** The class of `value` in a column of `type` (the inverse of drawing it, for coverage). */
export function classifyValue(type: ColumnType, value: JsonValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return 'null';
  switch (type) {
    case 'string':
      return typeof value === 'string' ? classifyString(value) : undefined;
    case 'number':
      if (typeof value !== 'number') return undefined;
      if (value < 0) return 'negative';
      if (!Number.isInteger(value)) return value !== 0 && Math.abs(value) < 1e-6 ? 'tiny' : 'fractional';
      return value > 1e9 ? 'large' : 'simple';
    case 'boolean':
      return typeof value === 'boolean' ? 'simple' : undefined;
    case 'date':
      if (typeof value !== 'string') return undefined;
      return /\.(?!000)\d{3}Z$/.test(value) ? 'with-ms' : 'simple';
    case 'object':
      if (typeof value !== 'object') return undefined;
      if (Array.isArray(value)) return 'array';
      if (Object.keys(value).length === 0) return 'empty';
      if (Object.keys(value).some((key) => /[^\x20-\x7e]/.test(key))) return 'unicode';
      return Object.values(value).some((inner) => inner !== null && typeof inner === 'object') ? 'nested' : 'simple';
  }
}

function classifyString(value: string): string {
  if (value === '') return 'empty';
  if (value.length > 255) return 'long';
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return 'date-like';
  if (/^00\d+$/.test(value)) return 'leading-zeros';
  if (/^(true|false|null|undefined)$/i.test(value)) return 'boolean-like';
  if (/^[{["]/.test(value)) return 'json-like';
  if (/^-?(\d|NaN|Infinity|0x)/.test(value)) return 'number-like';
  if (/[^\x20-\x7e]/.test(value)) return 'unicode';
  return 'simple';
}
