/**
 * The OData v3 `$filter` language as a typed tree. Parentheses leave no trace: grouping is
 * the shape of the tree. Literals keep what the wire needs to write them back exactly (a date
 * literal keeps its text), so `parseFilter(formatFilter(x))` gives `x` back.
 */
import { formatTimestamp } from '../datetime.js';

export type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type LogicalOperator = 'and' | 'or';
export type ArithmeticOperator = 'add' | 'sub' | 'mul' | 'div' | 'mod';

export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
export const LOGICAL_OPERATORS: readonly LogicalOperator[] = ['and', 'or'];
export const ARITHMETIC_OPERATORS: readonly ArithmeticOperator[] = ['add', 'sub', 'mul', 'div', 'mod'];

export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
}

export interface NumberLiteral {
  readonly kind: 'number';
  /** Always finite. */
  readonly value: number;
}

export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
}

export interface NullLiteral {
  readonly kind: 'null';
}

/** `datetime'2026-01-01T00:00:00.000Z'` or `datetimeoffset'…'`; a text without a zone is UTC. */
export interface DateLiteral {
  readonly kind: 'date';
  readonly type: 'datetime' | 'datetimeoffset';
  /** The ISO-8601 text between the quotes, as written. */
  readonly text: string;
}

/** `text`, or `address/city` for a property inside an object column. */
export interface PropertyPath {
  readonly kind: 'property';
  readonly path: readonly string[];
}

export interface Comparison {
  readonly kind: 'comparison';
  readonly operator: ComparisonOperator;
  readonly left: FilterExpression;
  readonly right: FilterExpression;
}

export interface Logical {
  readonly kind: 'logical';
  readonly operator: LogicalOperator;
  readonly left: FilterExpression;
  readonly right: FilterExpression;
}

export interface Arithmetic {
  readonly kind: 'arithmetic';
  readonly operator: ArithmeticOperator;
  readonly left: FilterExpression;
  readonly right: FilterExpression;
}

export interface Not {
  readonly kind: 'not';
  readonly operand: FilterExpression;
}

export interface FunctionCall {
  readonly kind: 'call';
  readonly name: FunctionName;
  readonly args: readonly FilterExpression[];
}

export type Literal = StringLiteral | NumberLiteral | BooleanLiteral | NullLiteral | DateLiteral;

export type FilterExpression = Literal | PropertyPath | Comparison | Logical | Arithmetic | Not | FunctionCall;

/** The static type a function returns; the SQL compiler uses it to type-check and convert. */
export type FunctionReturnType = 'string' | 'number' | 'boolean';

interface FunctionSignature {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly returns: FunctionReturnType;
}

/** Every supported function with its arity. */
export const FUNCTIONS = {
  substringof: { minArgs: 2, maxArgs: 2, returns: 'boolean' },
  startswith: { minArgs: 2, maxArgs: 2, returns: 'boolean' },
  endswith: { minArgs: 2, maxArgs: 2, returns: 'boolean' },
  indexof: { minArgs: 2, maxArgs: 2, returns: 'number' },
  tolower: { minArgs: 1, maxArgs: 1, returns: 'string' },
  toupper: { minArgs: 1, maxArgs: 1, returns: 'string' },
  trim: { minArgs: 1, maxArgs: 1, returns: 'string' },
  length: { minArgs: 1, maxArgs: 1, returns: 'number' },
  concat: { minArgs: 2, maxArgs: 2, returns: 'string' },
  replace: { minArgs: 3, maxArgs: 3, returns: 'string' },
  substring: { minArgs: 2, maxArgs: 3, returns: 'string' },
  year: { minArgs: 1, maxArgs: 1, returns: 'number' },
  month: { minArgs: 1, maxArgs: 1, returns: 'number' },
  day: { minArgs: 1, maxArgs: 1, returns: 'number' },
  hour: { minArgs: 1, maxArgs: 1, returns: 'number' },
  minute: { minArgs: 1, maxArgs: 1, returns: 'number' },
  second: { minArgs: 1, maxArgs: 1, returns: 'number' },
  floor: { minArgs: 1, maxArgs: 1, returns: 'number' },
  ceiling: { minArgs: 1, maxArgs: 1, returns: 'number' },
  round: { minArgs: 1, maxArgs: 1, returns: 'number' },
} as const satisfies Record<string, FunctionSignature>;

export type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

export function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(FUNCTIONS, name);
}

/** Words that cannot be property names, because in an operand's place they mean something else. */
export const RESERVED_OPERAND_WORDS: readonly string[] = ['true', 'false', 'null', 'not'];

// Small constructors, so that code building filters (a client's pull query) reads like the filter.

export function property(name: string): PropertyPath {
  return { kind: 'property', path: name.split('/') };
}

export function literal(value: string | number | boolean | null | Date): Literal {
  if (value === null) return { kind: 'null' };
  if (value instanceof Date) return { kind: 'date', type: 'datetimeoffset', text: value.toISOString() };
  switch (typeof value) {
    case 'string':
      return { kind: 'string', value };
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError(`A filter number must be finite, got ${value}`);
      return { kind: 'number', value };
    case 'boolean':
      return { kind: 'boolean', value };
  }
}

/** A `datetimeoffset'…'` literal for epoch milliseconds, its text as `Date#toISOString` writes it. */
export function dateLiteral(epochMs: number, type: DateLiteral['type'] = 'datetimeoffset'): DateLiteral {
  return { kind: 'date', type, text: formatTimestamp(epochMs) };
}

export function compare(operator: ComparisonOperator, left: FilterExpression, right: FilterExpression): Comparison {
  return { kind: 'comparison', operator, left, right };
}

/** `a and b and c`, left-associated as the parser builds it. */
export function and(first: FilterExpression, ...rest: FilterExpression[]): FilterExpression {
  return rest.reduce<FilterExpression>((left, right) => ({ kind: 'logical', operator: 'and', left, right }), first);
}

export function or(first: FilterExpression, ...rest: FilterExpression[]): FilterExpression {
  return rest.reduce<FilterExpression>((left, right) => ({ kind: 'logical', operator: 'or', left, right }), first);
}

export function not(operand: FilterExpression): Not {
  return { kind: 'not', operand };
}

export function call(name: FunctionName, ...args: FilterExpression[]): FunctionCall {
  return { kind: 'call', name, args };
}
