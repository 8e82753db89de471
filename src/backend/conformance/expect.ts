/** Body checks the case tables share, each with the words a difference report shows. */
import type { BodyExpectation } from './types.js';

/** The body, exactly. */
export function textBody(text: string): BodyExpectation {
  return { describe: `exactly ${JSON.stringify(text)}`, test: (body) => body === text };
}

export function emptyBody(): BodyExpectation {
  return { describe: 'no body', test: (body) => body === '' };
}

/** A JSON body deep-equal to `value` (property order aside). */
export function jsonBody(value: unknown): BodyExpectation {
  return { describe: `JSON equal to ${JSON.stringify(value)}`, test: (body) => deepEqual(parse(body), value) };
}

/**
 * A JSON object holding at least these properties: equal values, or strings a RegExp matches
 * (`/^…$/`), or `undefined` for a property that must be absent.
 */
export function jsonWith(properties: Readonly<Record<string, unknown>>): BodyExpectation {
  const shown = Object.entries(properties)
    .map(([key, value]) => `${key}: ${value instanceof RegExp ? String(value) : (JSON.stringify(value) ?? 'absent')}`)
    .join(', ');
  return {
    describe: `a JSON object with ${shown}`,
    test: (body) => {
      const parsed = parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
      const record = parsed as Record<string, unknown>;
      return Object.entries(properties).every(([key, expected]) => matches(record[key], expected));
    },
  };
}

/** A JSON array of records whose ids are exactly these, in this order. */
export function recordIds(ids: readonly (string | number)[]): BodyExpectation {
  return {
    describe: `a JSON array of the records ${JSON.stringify(ids)}, in that order`,
    test: (body) => {
      const parsed = parse(body);
      return (
        Array.isArray(parsed) &&
        deepEqual(
          (parsed as { id?: unknown }[]).map((record) => record.id),
          ids,
        )
      );
    },
  };
}

/** A JSON array (of anything). */
export function jsonArray(): BodyExpectation {
  return { describe: 'a JSON array', test: (body) => Array.isArray(parse(body)) };
}

function matches(value: unknown, expected: unknown): boolean {
  if (expected === undefined) return value === undefined;
  if (expected instanceof RegExp) return typeof value === 'string' && expected.test(value);
  return deepEqual(value, expected);
}

function parse(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key) =>
      Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
