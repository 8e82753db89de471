/**
 * Writes a filter tree as `$filter` text, the way the JS client (azure-query-js) does: every
 * binary operation in parentheses, function arguments separated by a bare comma, so the pull
 * query reads `(updatedAt ge datetimeoffset'…')`. `parseFilter(formatFilter(x))` deep-equals `x`.
 */
import { RESERVED_OPERAND_WORDS, type FilterExpression } from './ast.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * @example
 * formatFilter(compare('ge', property('updatedAt'), dateLiteral(0)))
 * // "(updatedAt ge datetimeoffset'1970-01-01T00:00:00.000Z')"
 * @throws RangeError for a tree no text can express (a non-finite number, a property name that
 * is not an identifier or is one of `true false null not`).
 */
export function formatFilter(expression: FilterExpression): string {
  switch (expression.kind) {
    case 'string':
      return `'${expression.value.replace(/'/g, "''")}'`;
    case 'number':
      return formatNumber(expression.value);
    case 'boolean':
      return expression.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'date':
      return `${expression.type}'${expression.text}'`;
    case 'property':
      return expression.path.map(checkedSegment).join('/');
    case 'comparison':
    case 'logical':
    case 'arithmetic':
      return `(${formatFilter(expression.left)} ${expression.operator} ${formatFilter(expression.right)})`;
    case 'not':
      return `not ${formatFilter(expression.operand)}`;
    case 'call':
      return `${expression.name}(${expression.args.map(formatFilter).join(',')})`;
  }
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`A filter number must be finite, got ${value}`);
  // String(-0) is "0", which would read back as +0.
  return Object.is(value, -0) ? '-0' : String(value);
}

function checkedSegment(segment: string): string {
  if (!IDENTIFIER.test(segment) || RESERVED_OPERAND_WORDS.includes(segment)) {
    throw new RangeError(`'${segment}' cannot be written as a property name in a filter`);
  }
  return segment;
}
