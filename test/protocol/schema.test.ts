/**
 * The adapter every input format's schema goes through (src/protocol/schema.ts): zod's issues
 * in syncwright's words and in the order a reader fixes them.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { across, dispatch, integerIn, oneOf, schemaIssues, strict } from '../../src/protocol/schema.js';

const show = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));

describe('schemaIssues', () => {
  const shape = strict({ a: integerIn(1, 5), b: oneOf(['x', 'y']), inner: strict({ c: integerIn(0, 1) }).optional() });

  test('each piece says what it expects; what was found is shown, a missing value as nothing', () => {
    expect(schemaIssues(shape, { a: 7 }, show)).toEqual([
      { path: ['a'], expected: 'an integer in [1, 5]', found: '7' },
      { path: ['b'], expected: 'one of "x", "y"', found: 'nothing' },
    ]);
    expect(schemaIssues(shape, { a: 2, b: 'x' }, show)).toEqual([]);
  });

  test("an object's unknown keys come first, one issue per key, before what is wrong inside it", () => {
    const issues = schemaIssues(shape, { a: 1.5, b: 'x', inner: { c: 3, d: 1 }, e: true, f: null }, show);
    expect(issues.map((issue) => [issue.path.join('.'), issue.expected])).toEqual([
      ['e', 'no such property (allowed: a, b, inner)'],
      ['f', 'no such property (allowed: a, b, inner)'],
      ['a', 'an integer in [1, 5]'],
      ['inner.d', 'no such property (allowed: c)'],
      ['inner.c', 'an integer in [0, 1]'],
    ]);
  });

  test('a value failing several bounds of one piece is one issue', () => {
    expect(schemaIssues(integerIn(1, 5), 9.5, show)).toHaveLength(1);
  });

  test('a check across fields comes after the field it names, with its own words for what was found', () => {
    const span = across(
      strict({ min: integerIn(0, 9), max: integerIn(0, 9), note: z.string({ error: 'a string' }) }),
      (value) => {
        const { min, max } = value as { min: number; max: number };
        return min > max ? [{ path: ['max'], expected: `an integer >= min (${min})`, found: `${max}, below it` }] : [];
      },
    );
    expect(schemaIssues(span, { min: 5, max: 2, note: 3 }, show)).toEqual([
      { path: ['max'], expected: 'an integer >= min (5)', found: '2, below it' },
      { path: ['note'], expected: 'a string', found: '3' },
    ]);
  });

  test('dispatch checks a value against the branch it asks for, or refuses it whole', () => {
    const number = integerIn(0, 9);
    const text = z.string({ error: 'a string' }).max(3, { error: 'at most 3 characters' });
    const either = dispatch([number, text], (value) =>
      typeof value === 'number' ? number : typeof value === 'string' ? text : { expected: 'a number or a string' },
    );
    expect(schemaIssues(either, 12, show)[0]!.expected).toBe('an integer in [0, 9]');
    expect(schemaIssues(either, 'long', show)[0]!.expected).toBe('at most 3 characters');
    expect(schemaIssues(either, [], show)).toEqual([{ path: [], expected: 'a number or a string', found: '[]' }]);
  });
});
