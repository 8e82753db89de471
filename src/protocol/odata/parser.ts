/**
 * A recursive-descent parser for OData v3 `$filter`, with the spec's precedence (loosest first):
 * `or`, `and`, `eq ne`, `gt ge lt le`, `add sub`, `mul div mod`, `not`, then primaries
 * (parentheses, literals, function calls, property paths). Binary operators associate left.
 */
import {
  FUNCTION_NAMES,
  FUNCTIONS,
  isFunctionName,
  RESERVED_OPERAND_WORDS,
  type ArithmeticOperator,
  type ComparisonOperator,
  type FilterExpression,
} from './ast.js';
import { ODataParseError } from './errors.js';
import { describeToken, tokenize, type Token } from './lexer.js';

/**
 * Limits that keep hostile filters from exhausting the stack here or SQLite's expression depth
 * (1000) later. Real filters are nowhere near them: the JS client's pull filter has height 3.
 */
export const MAX_FILTER_NESTING = 100;
export const MAX_FILTER_HEIGHT = 300;

/**
 * Parses `$filter` text.
 *
 * @example
 * parseFilter("startswith(text,'a') and complete eq false")
 * // { kind: 'logical', operator: 'and', left: { kind: 'call', name: 'startswith', … }, right: … }
 * @throws ODataParseError with the position of the problem and what was expected there.
 */
export function parseFilter(text: string): FilterExpression {
  return new FilterParser(text).parse();
}

const EQUALITY: readonly string[] = ['eq', 'ne'];
const RELATIONAL: readonly string[] = ['gt', 'ge', 'lt', 'le'];
const ADDITIVE: readonly string[] = ['add', 'sub'];
const MULTIPLICATIVE: readonly string[] = ['mul', 'div', 'mod'];

class FilterParser {
  private readonly tokens: Token[];
  private index = 0;
  private nesting = 0;
  /** Height of each built node, to bound the tree without walking it. */
  private readonly heights = new WeakMap<FilterExpression, number>();

  constructor(private readonly text: string) {
    this.tokens = tokenize(text, '$filter');
  }

  parse(): FilterExpression {
    if (this.peek().kind === 'end') this.fail(this.peek(), 'a filter expression');
    const expression = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end')
      this.fail(
        next,
        next.kind === 'symbol' && next.text === ')'
          ? "an operator or the end of the filter (this ')' closes nothing)"
          : 'an operator or the end of the filter',
      );
    return expression;
  }

  private parseOr(): FilterExpression {
    let left = this.parseAnd();
    while (this.atWord('or')) {
      this.index++;
      left = this.node({ kind: 'logical', operator: 'or', left, right: this.parseAnd() }, left);
    }
    return left;
  }

  private parseAnd(): FilterExpression {
    let left = this.parseEquality();
    while (this.atWord('and')) {
      this.index++;
      left = this.node({ kind: 'logical', operator: 'and', left, right: this.parseEquality() }, left);
    }
    return left;
  }

  private parseEquality(): FilterExpression {
    let left = this.parseRelational();
    for (let op = this.atOneOf(EQUALITY); op !== undefined; op = this.atOneOf(EQUALITY)) {
      this.index++;
      left = this.node(
        { kind: 'comparison', operator: op as ComparisonOperator, left, right: this.parseRelational() },
        left,
      );
    }
    return left;
  }

  private parseRelational(): FilterExpression {
    let left = this.parseAdditive();
    for (let op = this.atOneOf(RELATIONAL); op !== undefined; op = this.atOneOf(RELATIONAL)) {
      this.index++;
      left = this.node(
        { kind: 'comparison', operator: op as ComparisonOperator, left, right: this.parseAdditive() },
        left,
      );
    }
    return left;
  }

  private parseAdditive(): FilterExpression {
    let left = this.parseMultiplicative();
    for (let op = this.atOneOf(ADDITIVE); op !== undefined; op = this.atOneOf(ADDITIVE)) {
      this.index++;
      left = this.node(
        { kind: 'arithmetic', operator: op as ArithmeticOperator, left, right: this.parseMultiplicative() },
        left,
      );
    }
    return left;
  }

  private parseMultiplicative(): FilterExpression {
    let left = this.parseUnary();
    for (let op = this.atOneOf(MULTIPLICATIVE); op !== undefined; op = this.atOneOf(MULTIPLICATIVE)) {
      this.index++;
      left = this.node(
        { kind: 'arithmetic', operator: op as ArithmeticOperator, left, right: this.parseUnary() },
        left,
      );
    }
    return left;
  }

  private parseUnary(): FilterExpression {
    if (this.atWord('not')) {
      const token = this.next();
      this.enter(token);
      const operand = this.parseUnary();
      this.nesting--;
      return this.node({ kind: 'not', operand });
    }
    return this.parsePrimary();
  }

  private parsePrimary(): FilterExpression {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return this.node({ kind: 'string', value: token.value });
      case 'number':
        return this.node({ kind: 'number', value: token.value });
      case 'date':
        return this.node({ kind: 'date', type: token.type, text: token.text });
      case 'symbol':
        if (token.text === '(') {
          this.enter(token);
          const inner = this.parseOr();
          this.expectSymbol(')', "')' to close the parenthesis");
          this.nesting--;
          return inner;
        }
        return this.fail(token, 'an operand (a property, a literal, a function call or a parenthesis)');
      case 'identifier':
        return this.parseIdentifier(token);
      case 'end':
        return this.fail(token, 'an operand (a property, a literal, a function call or a parenthesis)');
    }
  }

  private parseIdentifier(token: Token & { kind: 'identifier' }): FilterExpression {
    switch (token.text) {
      case 'true':
        return this.node({ kind: 'boolean', value: true });
      case 'false':
        return this.node({ kind: 'boolean', value: false });
      case 'null':
        return this.node({ kind: 'null' });
    }
    const after = this.peek();
    if (after.kind === 'symbol' && after.text === '(') return this.parseCall(token);
    const path = [token.text];
    while (this.atSymbol('/')) {
      this.index++;
      const segment = this.next();
      if (segment.kind !== 'identifier' || RESERVED_OPERAND_WORDS.includes(segment.text)) {
        return this.fail(segment, 'a property name after /');
      }
      path.push(segment.text);
    }
    return this.node({ kind: 'property', path });
  }

  private parseCall(nameToken: Token & { kind: 'identifier' }): FilterExpression {
    const name = nameToken.text;
    if (!isFunctionName(name)) {
      return this.fail(nameToken, `a known function (${FUNCTION_NAMES.join(', ')})`);
    }
    this.index++; // the '('
    this.enter(nameToken);
    const args: FilterExpression[] = [];
    if (!this.atSymbol(')')) {
      args.push(this.parseOr());
      while (this.atSymbol(',')) {
        this.index++;
        args.push(this.parseOr());
      }
    }
    const close = this.peek();
    const { minArgs, maxArgs } = FUNCTIONS[name];
    if (close.kind === 'symbol' && close.text === ')' && (args.length < minArgs || args.length > maxArgs)) {
      const count = minArgs === maxArgs ? `${minArgs}` : `${minArgs} to ${maxArgs}`;
      this.fail(close, `${count} argument${maxArgs === 1 ? '' : 's'} for ${name}() (it got ${args.length})`);
    }
    this.expectSymbol(')', `',' or ')' to end the arguments of ${name}()`);
    this.nesting--;
    return this.node({ kind: 'call', name, args }, ...args);
  }

  /** Records a node's height, refusing trees taller than MAX_FILTER_HEIGHT. */
  private node<T extends FilterExpression>(node: T, ...children: FilterExpression[]): T {
    let height = 1;
    const parts: FilterExpression[] =
      node.kind === 'comparison' || node.kind === 'logical' || node.kind === 'arithmetic'
        ? [node.left, node.right]
        : node.kind === 'not'
          ? [node.operand]
          : children;
    for (const child of parts) height = Math.max(height, (this.heights.get(child) ?? 1) + 1);
    if (height > MAX_FILTER_HEIGHT) {
      this.fail(this.peekBehind(), `a filter with at most ${MAX_FILTER_HEIGHT} levels of operators`);
    }
    this.heights.set(node, height);
    return node;
  }

  private enter(token: Token): void {
    this.nesting++;
    if (this.nesting > MAX_FILTER_NESTING)
      this.fail(token, `at most ${MAX_FILTER_NESTING} nested parentheses, calls or nots`);
  }

  private expectSymbol(symbol: ')' | ',', expected: string): void {
    const token = this.peek();
    if (token.kind === 'symbol' && token.text === symbol) {
      this.index++;
      return;
    }
    this.fail(token, expected);
  }

  private atWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'identifier' && token.text === word;
  }

  private atOneOf(words: readonly string[]): string | undefined {
    const token = this.peek();
    return token.kind === 'identifier' && words.includes(token.text) ? token.text : undefined;
  }

  private atSymbol(symbol: string): boolean {
    const token = this.peek();
    return token.kind === 'symbol' && token.text === symbol;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private peekBehind(): Token {
    return this.tokens[Math.max(0, this.index - 1)]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private fail(token: Token, expected: string): never {
    throw new ODataParseError({
      parameter: '$filter',
      text: this.text,
      position: token.start,
      expected,
      found: describeToken(token, this.text),
    });
  }
}
