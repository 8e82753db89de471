/**
 * What can be wrong with a query. Each error's message is written for the person who sent the
 * query (it becomes the body of a 400): it says which parameter, where, and what was expected.
 */

/** A query parameter the OData query model reads. */
export type QueryParameterName = '$filter' | '$orderby' | '$select' | '$top' | '$skip' | '$inlinecount';

/** Base class of every query error the backend answers with a 400. */
export abstract class ODataQueryError extends Error {}

/** The text of a query parameter does not follow the grammar. */
export class ODataParseError extends ODataQueryError {
  override readonly name = 'ODataParseError';
  /** Which parameter held the text. */
  readonly parameter: QueryParameterName;
  /** The text that failed to parse. */
  readonly text: string;
  /** 0-based character offset of the problem in `text`. */
  readonly position: number;
  /** What the parser would have accepted at `position`, in words (`')'`, `an operand`…). */
  readonly expected: string;
  /** What it found there instead (a token, or `the end of the text`). */
  readonly found: string;

  constructor(details: {
    parameter: QueryParameterName;
    text: string;
    position: number;
    expected: string;
    found: string;
  }) {
    super(describeParseError(details));
    this.parameter = details.parameter;
    this.text = details.text;
    this.position = details.position;
    this.expected = details.expected;
    this.found = details.found;
  }
}

/** A query names a property the table does not have. */
export class UnknownColumnError extends ODataQueryError {
  override readonly name = 'UnknownColumnError';
  constructor(
    readonly property: string,
    readonly parameter: QueryParameterName = '$filter',
  ) {
    super(`Invalid ${parameter}: unknown property '${property}'`);
  }
}

/** A query parses but cannot mean anything: a date compared with a non-date, a number as a condition… */
export class InvalidFilterError extends ODataQueryError {
  override readonly name = 'InvalidFilterError';
  constructor(
    /** What is wrong, without the `Invalid $filter: ` prefix. */
    readonly detail: string,
  ) {
    super(`Invalid $filter: ${detail}`);
  }
}

function describeParseError(details: {
  parameter: string;
  text: string;
  position: number;
  expected: string;
  found: string;
}): string {
  const { parameter, text, position, expected, found } = details;
  const pointer = text.length === 0 ? '' : ` in '${excerpt(text, position)}'`;
  return `Invalid ${parameter} at position ${position}: expected ${expected} but found ${found}${pointer}`;
}

/** The text around `position`, with `⟨here⟩` marking the spot, shortened when long. */
function excerpt(text: string, position: number): string {
  const radius = 24;
  const start = Math.max(0, position - radius);
  const end = Math.min(text.length, position + radius);
  const before = (start > 0 ? '…' : '') + text.slice(start, position);
  const after = text.slice(position, end) + (end < text.length ? '…' : '');
  return `${before}⟨here⟩${after}`;
}
