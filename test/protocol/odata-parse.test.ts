import { describe, expect, test } from 'vitest';
import { FUNCTION_NAMES, FUNCTIONS, type FilterExpression } from '../../src/protocol/odata/ast.js';
import { ODataParseError } from '../../src/protocol/odata/errors.js';
import { MAX_FILTER_HEIGHT, MAX_FILTER_NESTING, parseFilter } from '../../src/protocol/odata/parser.js';

const prop = (name: string): FilterExpression => ({ kind: 'property', path: name.split('/') });
const str = (value: string): FilterExpression => ({ kind: 'string', value });
const num = (value: number): FilterExpression => ({ kind: 'number', value });

function parseError(text: string): ODataParseError {
  try {
    parseFilter(text);
  } catch (error) {
    if (error instanceof ODataParseError) return error;
    throw error;
  }
  throw new Error(`expected ${text} not to parse`);
}

describe('parseFilter: operators and precedence', () => {
  test('every comparison operator parses to a comparison node', () => {
    for (const operator of ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const) {
      expect(parseFilter(`n ${operator} 1`)).toEqual({ kind: 'comparison', operator, left: prop('n'), right: num(1) });
    }
  });

  test('and binds tighter than or', () => {
    expect(parseFilter('a or b and c')).toEqual({
      kind: 'logical',
      operator: 'or',
      left: prop('a'),
      right: { kind: 'logical', operator: 'and', left: prop('b'), right: prop('c') },
    });
  });

  test('parentheses regroup and leave no node behind', () => {
    expect(parseFilter('(a or b) and c')).toEqual({
      kind: 'logical',
      operator: 'and',
      left: { kind: 'logical', operator: 'or', left: prop('a'), right: prop('b') },
      right: prop('c'),
    });
    expect(parseFilter('((((a))))')).toEqual(prop('a'));
  });

  test('multiplicative binds tighter than additive, which binds tighter than comparison', () => {
    expect(parseFilter('a add b mul c gt 1')).toEqual({
      kind: 'comparison',
      operator: 'gt',
      left: {
        kind: 'arithmetic',
        operator: 'add',
        left: prop('a'),
        right: { kind: 'arithmetic', operator: 'mul', left: prop('b'), right: prop('c') },
      },
      right: num(1),
    });
  });

  test('relational operators bind tighter than eq and ne, as OData v3 orders them', () => {
    expect(parseFilter('a gt 1 eq true')).toEqual({
      kind: 'comparison',
      operator: 'eq',
      left: { kind: 'comparison', operator: 'gt', left: prop('a'), right: num(1) },
      right: { kind: 'boolean', value: true },
    });
  });

  test('binary operators associate to the left', () => {
    expect(parseFilter('a sub b sub c')).toEqual({
      kind: 'arithmetic',
      operator: 'sub',
      left: { kind: 'arithmetic', operator: 'sub', left: prop('a'), right: prop('b') },
      right: prop('c'),
    });
  });

  test('not applies to the operand right after it and can repeat', () => {
    expect(parseFilter('not done and x')).toEqual({
      kind: 'logical',
      operator: 'and',
      left: { kind: 'not', operand: prop('done') },
      right: prop('x'),
    });
    expect(parseFilter('not not (a eq 1)')).toEqual({
      kind: 'not',
      operand: { kind: 'not', operand: { kind: 'comparison', operator: 'eq', left: prop('a'), right: num(1) } },
    });
  });

  test('div and mod are arithmetic operators', () => {
    expect(parseFilter('n div 2 mod 3 eq 0')).toMatchObject({
      kind: 'comparison',
      left: { kind: 'arithmetic', operator: 'mod' },
    });
  });
});

describe('parseFilter: literals', () => {
  test('a doubled quote inside a string stands for one quote', () => {
    expect(parseFilter("text eq 'it''s'")).toEqual({
      kind: 'comparison',
      operator: 'eq',
      left: prop('text'),
      right: str("it's"),
    });
    expect(parseFilter("text eq ''''")).toMatchObject({ right: str("'") });
    expect(parseFilter("text eq ''")).toMatchObject({ right: str('') });
  });

  test('a string keeps every character between its quotes, SQL included', () => {
    expect(parseFilter("text eq 'x'' ; DROP TABLE todoitem; --'")).toMatchObject({
      right: str("x' ; DROP TABLE todoitem; --"),
    });
    expect(parseFilter("text eq 'é ✓ 😀 <script>'")).toMatchObject({ right: str('é ✓ 😀 <script>') });
  });

  test('numbers: integers, decimals, negatives, exponents and OData type suffixes', () => {
    expect(parseFilter('n eq 42')).toMatchObject({ right: num(42) });
    expect(parseFilter('n eq -1.5')).toMatchObject({ right: num(-1.5) });
    expect(parseFilter('n eq 1e+21')).toMatchObject({ right: num(1e21) });
    expect(parseFilter('n eq 2.5E-3')).toMatchObject({ right: num(0.0025) });
    expect(parseFilter('n eq 5L')).toMatchObject({ right: num(5) });
    expect(parseFilter('n eq 1.25M')).toMatchObject({ right: num(1.25) });
    expect(Object.is((parseFilter('n eq -0') as { right: { value: number } }).right.value, -0)).toBe(true);
  });

  test('true, false and null are literals', () => {
    expect(parseFilter('a eq true')).toMatchObject({ right: { kind: 'boolean', value: true } });
    expect(parseFilter('a eq false')).toMatchObject({ right: { kind: 'boolean', value: false } });
    expect(parseFilter('a eq null')).toMatchObject({ right: { kind: 'null' } });
  });

  test("datetime'…' and datetimeoffset'…' are both date literals that keep their text", () => {
    expect(parseFilter("updatedAt ge datetimeoffset'1969-12-31T00:00:00.000Z'")).toMatchObject({
      right: { kind: 'date', type: 'datetimeoffset', text: '1969-12-31T00:00:00.000Z' },
    });
    expect(parseFilter("d lt datetime'2026-02-03T04:05:06'")).toMatchObject({
      right: { kind: 'date', type: 'datetime', text: '2026-02-03T04:05:06' },
    });
    expect(parseFilter("d lt datetimeoffset'2026-02-03T04:05:06+01:00'")).toMatchObject({ right: { kind: 'date' } });
  });

  test('property paths reach into objects with /', () => {
    expect(parseFilter("meta/color eq 'red'")).toMatchObject({ left: { kind: 'property', path: ['meta', 'color'] } });
  });

  test('a function name without parentheses is a property of that name', () => {
    expect(parseFilter('year eq 2026')).toMatchObject({ left: prop('year') });
  });
});

describe('parseFilter: functions', () => {
  test('every function parses with its arity', () => {
    for (const name of FUNCTION_NAMES) {
      const args = Array.from({ length: FUNCTIONS[name].minArgs }, (_, i) => `a${i}`);
      expect(parseFilter(`${name}(${args.join(', ')}) eq 1`)).toMatchObject({
        left: { kind: 'call', name, args: args.map((a) => prop(a)) },
      });
    }
  });

  test('substring takes two or three arguments', () => {
    expect(parseFilter("substring(text, 1) eq 'b'")).toMatchObject({
      left: { kind: 'call', name: 'substring', args: [prop('text'), num(1)] },
    });
    expect(parseFilter("substring(text, 1, 2) eq 'bc'")).toMatchObject({
      left: { args: [prop('text'), num(1), num(2)] },
    });
  });

  test('arguments may be any expression, nested calls included', () => {
    expect(parseFilter("startswith(tolower(concat(a, 'x')), 'ax')")).toEqual({
      kind: 'call',
      name: 'startswith',
      args: [
        { kind: 'call', name: 'tolower', args: [{ kind: 'call', name: 'concat', args: [prop('a'), str('x')] }] },
        str('ax'),
      ],
    });
  });
});

describe('parseFilter: errors point at the problem', () => {
  test('an unterminated string is reported where the string starts', () => {
    const error = parseError("text eq 'abc");
    expect(error.position).toBe(8);
    expect(error.expected).toContain('closing quote');
    expect(error.message).toContain('position 8');
  });

  test('a stray character after a complete filter is reported at that character', () => {
    const error = parseError("text eq 'x'; DROP TABLE todoitem; --");
    expect(error.position).toBe(11);
    expect(error.found).toBe("';'");
    expect(error.message).toContain('⟨here⟩; DROP');
  });

  test('a missing closing parenthesis expects one at the end', () => {
    const error = parseError('(a eq 1');
    expect(error.position).toBe(7);
    expect(error.expected).toContain("')'");
    expect(error.found).toBe('the end of the text');
  });

  test('a closing parenthesis with nothing to close is named as such', () => {
    expect(parseError('a eq 1)').expected).toContain('closes nothing');
  });

  test('a missing operand after an operator expects an operand', () => {
    const error = parseError('a eq');
    expect(error.position).toBe(4);
    expect(error.expected).toContain('an operand');
  });

  test('an unknown word where an operator belongs is reported with the word', () => {
    const error = parseError("text eqq 'a'");
    expect(error.position).toBe(5);
    expect(error.found).toBe("'eqq'");
  });

  test('an unknown function lists the known ones', () => {
    const error = parseError('foo(text) eq 1');
    expect(error.position).toBe(0);
    expect(error.expected).toContain('startswith');
  });

  test('a function with the wrong number of arguments says how many it takes', () => {
    expect(parseError('startswith(text) eq true').expected).toBe('2 arguments for startswith() (it got 1)');
    expect(parseError("substring('a')").expected).toContain('2 to 3 arguments');
  });

  test('a date literal that is not a date is refused', () => {
    const error = parseError("d gt datetime'2026-13-01T00:00:00Z'");
    expect(error.position).toBe(14);
    expect(error.expected).toContain('ISO-8601');
  });

  test('other typed literals are refused by name', () => {
    expect(parseError("id eq guid'0a'").found).toBe("guid'…'");
  });

  test('an empty filter expects an expression', () => {
    expect(parseError('   ').expected).toBe('a filter expression');
  });

  test('a number glued to letters is refused', () => {
    expect(parseError('n eq 5abc').position).toBe(6);
  });

  test('an infinite number is refused', () => {
    expect(parseError('n eq 1e999').expected).toBe('a finite number');
  });

  test('the error names the $filter parameter and the text', () => {
    const error = parseError('a eq');
    expect(error.parameter).toBe('$filter');
    expect(error.text).toBe('a eq');
    expect(error.message).toMatch(/^Invalid \$filter at position 4: expected/);
  });
});

describe('parseFilter: limits against hostile filters', () => {
  test('deep nesting is refused with a parse error, not a stack overflow', () => {
    const deep = '('.repeat(100_000) + 'a' + ')'.repeat(100_000);
    const error = parseError(deep);
    expect(error.expected).toContain(`at most ${MAX_FILTER_NESTING}`);
    expect(parseError('not '.repeat(50_000) + 'a').expected).toContain('nested');
  });

  test('a very long chain of operators is refused before it reaches SQLite', () => {
    const chain = Array.from({ length: MAX_FILTER_HEIGHT + 5 }, (_, i) => `a eq ${i}`).join(' or ');
    expect(parseError(chain).expected).toContain(`at most ${MAX_FILTER_HEIGHT} levels`);
  });

  test('a long but reasonable filter parses', () => {
    const chain = Array.from({ length: 100 }, (_, i) => `id eq 'x${i}'`).join(' or ');
    expect(parseFilter(chain).kind).toBe('logical');
  });
});
