/** Turns `$filter` text into tokens. Keywords stay identifiers: their meaning depends on place. */
import { parseIsoTimestamp } from '../datetime.js';
import { ODataParseError, type QueryParameterName } from './errors.js';

interface Span {
  /** Offset of the token's first character. */
  readonly start: number;
  /** Offset just after its last character. */
  readonly end: number;
}

export type Token =
  | (Span & { readonly kind: 'identifier'; readonly text: string })
  | (Span & { readonly kind: 'string'; readonly value: string })
  | (Span & { readonly kind: 'number'; readonly value: number })
  | (Span & { readonly kind: 'date'; readonly type: 'datetime' | 'datetimeoffset'; readonly text: string })
  | (Span & { readonly kind: 'symbol'; readonly text: '(' | ')' | ',' | '/' })
  | (Span & { readonly kind: 'end' });

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/y;
// OData type suffixes (5L, 1.5M, 2d, 1f) are accepted and dropped: every number is a double here.
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?/y;
const IDENTIFIER_CHAR = /[A-Za-z0-9_]/;
const WHITESPACE = /\s/;
const SYMBOLS = new Set(['(', ')', ',', '/']);

export function tokenize(text: string, parameter: QueryParameterName = '$filter'): Token[] {
  const tokens: Token[] = [];
  const fail = (position: number, expected: string, found: string): never => {
    throw new ODataParseError({ parameter, text, position, expected, found });
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (WHITESPACE.test(ch)) {
      i++;
      continue;
    }
    if (SYMBOLS.has(ch)) {
      tokens.push({ kind: 'symbol', text: ch as '(' | ')' | ',' | '/', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (ch === "'") {
      const { value, end } = readQuoted(text, i, fail);
      tokens.push({ kind: 'string', value, start: i, end });
      i = end;
      continue;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (match === null) fail(i, 'a number after the minus sign', describeChar(text, i + 1));
      const end = i + match![0].length;
      if (end < text.length && IDENTIFIER_CHAR.test(text[end]!))
        fail(end, 'a space, an operator or a closing parenthesis after the number', describeChar(text, end));
      const value = Number(match![0].replace(/[mMdDfFlL]$/, ''));
      if (!Number.isFinite(value)) fail(i, 'a finite number', `'${match![0]}'`);
      tokens.push({ kind: 'number', value, start: i, end });
      i = end;
      continue;
    }
    IDENTIFIER.lastIndex = i;
    const identifier = IDENTIFIER.exec(text);
    if (identifier !== null) {
      const word = identifier[0];
      const end = i + word.length;
      if (text[end] === "'") {
        const type = word.toLowerCase();
        if (type !== 'datetime' && type !== 'datetimeoffset') {
          fail(i, "a datetime'…' or datetimeoffset'…' literal (no other typed literals are supported)", `${word}'…'`);
        }
        const quoted = readQuoted(text, end, fail);
        if (parseIsoTimestamp(quoted.value) === undefined) {
          fail(end + 1, 'an ISO-8601 date and time such as 2026-01-31T12:00:00.000Z', `'${quoted.value}'`);
        }
        tokens.push({
          kind: 'date',
          type: type as 'datetime' | 'datetimeoffset',
          text: quoted.value,
          start: i,
          end: quoted.end,
        });
        i = quoted.end;
        continue;
      }
      tokens.push({ kind: 'identifier', text: word, start: i, end });
      i = end;
      continue;
    }
    fail(i, 'an operand, an operator or a parenthesis', describeChar(text, i));
  }
  tokens.push({ kind: 'end', start: text.length, end: text.length });
  return tokens;
}

/** Reads `'…'` starting at the opening quote; `''` inside stands for one quote. */
function readQuoted(
  text: string,
  start: number,
  fail: (position: number, expected: string, found: string) => never,
): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    const close = text.indexOf("'", i);
    if (close < 0) return fail(start, "a closing quote (') for the string that starts here", 'the end of the text');
    value += text.slice(i, close);
    if (text[close + 1] === "'") {
      value += "'";
      i = close + 2;
      continue;
    }
    return { value, end: close + 1 };
  }
}

function describeChar(text: string, position: number): string {
  if (position >= text.length) return 'the end of the text';
  return `'${String.fromCodePoint(text.codePointAt(position)!)}'`;
}

/** How a token reads in an error message. */
export function describeToken(token: Token, text: string): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the text';
    case 'string':
      return `the string ${abbreviate(text.slice(token.start, token.end))}`;
    case 'number':
      return `the number ${text.slice(token.start, token.end)}`;
    case 'date':
      return `the date ${abbreviate(text.slice(token.start, token.end))}`;
    case 'identifier':
    case 'symbol':
      return `'${token.text}'`;
  }
}

function abbreviate(source: string): string {
  return source.length <= 40 ? source : `${source.slice(0, 37)}…`;
}
