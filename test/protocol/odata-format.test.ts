import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { and, call, compare, dateLiteral, literal, not, property } from '../../src/protocol/odata/ast.js';
import { formatFilter } from '../../src/protocol/odata/format.js';
import { parseFilter } from '../../src/protocol/odata/parser.js';
import { filterExpression } from './arbitraries.js';

describe('formatFilter', () => {
  test('parse(format(x)) deep-equals x for any filter tree', () => {
    fc.assert(
      fc.property(filterExpression, (expression) => {
        expect(parseFilter(formatFilter(expression))).toEqual(expression);
      }),
      { numRuns: 2000 },
    );
  });

  test('format(parse(format(x))) is stable text', () => {
    fc.assert(
      fc.property(filterExpression, (expression) => {
        const text = formatFilter(expression);
        expect(formatFilter(parseFilter(text))).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  test("writes the JS client's pull filter byte for byte", () => {
    expect(
      formatFilter(
        compare('ge', property('updatedAt'), {
          kind: 'date',
          type: 'datetimeoffset',
          text: '1969-12-31T00:00:00.000Z',
        }),
      ),
    ).toBe("(updatedAt ge datetimeoffset'1969-12-31T00:00:00.000Z')");
  });

  test('wraps every binary operation in parentheses and separates arguments with a bare comma', () => {
    const filter = and(
      call('startswith', property('text'), literal('a')),
      not(compare('eq', property('complete'), literal(true))),
    );
    expect(formatFilter(filter)).toBe("(startswith(text,'a') and not (complete eq true))");
  });

  test('doubles quotes inside strings', () => {
    expect(formatFilter(literal("it's"))).toBe("'it''s'");
  });

  test('writes -0 so that it reads back as -0', () => {
    expect(formatFilter(literal(-0))).toBe('-0');
  });

  test('writes paths with / and dates from epoch milliseconds', () => {
    expect(formatFilter(compare('lt', property('meta/due'), dateLiteral(Date.UTC(2026, 0, 2))))).toBe(
      "(meta/due lt datetimeoffset'2026-01-02T00:00:00.000Z')",
    );
  });

  test('refuses trees that no text can express', () => {
    expect(() => formatFilter({ kind: 'number', value: Number.NaN })).toThrow(RangeError);
    expect(() => formatFilter({ kind: 'property', path: ['true'] })).toThrow(RangeError);
    expect(() => formatFilter({ kind: 'property', path: ['a b'] })).toThrow(RangeError);
  });
});
