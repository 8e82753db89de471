import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ODataParseError } from '../../src/protocol/odata/errors.js';
import { parseFilter } from '../../src/protocol/odata/parser.js';
import {
  emptyTableQuery,
  encodeQueryValue,
  formatTableQuery,
  parseTableQuery,
  type TableQuery,
} from '../../src/protocol/odata/query.js';
import { dateLiteral } from '../../src/protocol/odata/ast.js';
import { tableQuery } from './arbitraries.js';

const parse = (text: string): TableQuery => parseTableQuery(new URLSearchParams(text));

function parseError(text: string): ODataParseError {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof ODataParseError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('parseTableQuery', () => {
  test("reads the JS client's first pull page", () => {
    const query = parse(
      "$filter=(updatedAt ge datetimeoffset'1969-12-31T00:00:00.000Z')&$orderby=updatedAt&$top=50&__includeDeleted=true",
    );
    expect(query).toEqual({
      filter: parseFilter("updatedAt ge datetimeoffset'1969-12-31T00:00:00.000Z'"),
      orderBy: [{ property: 'updatedAt', direction: 'asc' }],
      top: 50,
      inlineCount: false,
      includeDeleted: true,
    });
  });

  test('an empty query string is the empty query', () => {
    expect(parse('')).toEqual(emptyTableQuery());
  });

  test('$orderby is a comma list with optional asc/desc in any case', () => {
    expect(parse('$orderby=updatedAt desc, text,complete ASC').orderBy).toEqual([
      { property: 'updatedAt', direction: 'desc' },
      { property: 'text', direction: 'asc' },
      { property: 'complete', direction: 'asc' },
    ]);
  });

  test('$select is a comma list; * means everything', () => {
    expect(parse('$select=id, text').select).toEqual(['id', 'text']);
    expect(parse('$select=*').select).toBeUndefined();
  });

  test('$top=0 and $skip=0 count as absent', () => {
    expect(parse('$top=0&$skip=0')).toEqual(emptyTableQuery());
  });

  test('a negative $top is an error', () => {
    const error = parseError('$top=-1');
    expect(error.parameter).toBe('$top');
    expect(error.message).toContain('negative');
  });

  test('a $top or $skip that is not an integer is an error naming the parameter', () => {
    expect(parseError('$top=ten').parameter).toBe('$top');
    expect(parseError('$skip=1.5').parameter).toBe('$skip');
    expect(parseError('$skip=-3').parameter).toBe('$skip');
    expect(parseError('$top=99999999999999999999').expected).toContain('no larger than');
  });

  test('$inlinecount=allpages asks for a count; none does not; anything else is an error', () => {
    expect(parse('$inlinecount=allpages').inlineCount).toBe(true);
    expect(parse('$inlinecount=none').inlineCount).toBe(false);
    expect(parseError('$inlinecount=some').parameter).toBe('$inlinecount');
  });

  test('__includeDeleted is on for any non-empty value, even false', () => {
    expect(parse('__includeDeleted=true').includeDeleted).toBe(true);
    expect(parse('__includeDeleted=false').includeDeleted).toBe(true);
    expect(parse('__includeDeleted=0').includeDeleted).toBe(true);
    expect(parse('__includeDeleted=').includeDeleted).toBe(false);
    expect(parse('').includeDeleted).toBe(false);
  });

  test('a bad $orderby direction is reported at its position', () => {
    const error = parseError('$orderby=text sideways');
    expect(error.parameter).toBe('$orderby');
    expect(error.position).toBe(5);
    expect(error.found).toBe("'sideways'");
  });

  test('an empty $orderby item and a non-identifier property are errors', () => {
    expect(parseError('$orderby=text,,id').position).toBe(5);
    expect(parseError("$orderby=te'xt").found).toBe("'te'xt'");
    expect(parseError('$select=id,;drop').parameter).toBe('$select');
  });

  test('filter errors keep their position inside the $filter text', () => {
    const error = parseError('$filter=text eq');
    expect(error.parameter).toBe('$filter');
    expect(error.position).toBe(7);
  });

  test('parameters it does not own are left alone', () => {
    expect(parse('ZUMO-API-VERSION=2.0.0&$expand=x&foo=bar')).toEqual(emptyTableQuery());
  });
});

describe('encodeQueryValue', () => {
  /** The definition: encodeURIComponent, then `$ , : /` made readable again. */
  const reference = (value: string): string =>
    encodeURIComponent(value).replace(/%(24|2C|3A|2F)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

  test('writes what its definition writes, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        let expected: string | Error;
        try {
          expected = reference(text);
        } catch (error) {
          expected = error as Error;
        }
        if (expected instanceof Error) expect(() => encodeQueryValue(text)).toThrow(URIError);
        else expect(encodeQueryValue(text)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
    for (let code = 0; code < 0x80; code++) {
      const text = `a${String.fromCharCode(code)}%2C%24`;
      expect(encodeQueryValue(text)).toBe(reference(text));
    }
  });
});

describe('dateLiteral', () => {
  test("writes Date#toISOString's text, six-digit years and all, and refuses what it refuses", () => {
    for (const ms of [
      0,
      1,
      -1,
      Date.UTC(2026, 10, 24, 6, 17, 15, 274),
      -62_198_755_200_001,
      253_402_300_800_000,
      8.64e15,
    ])
      expect(dateLiteral(ms).text).toBe(new Date(ms).toISOString());
    expect(() => dateLiteral(Number.NaN)).toThrow(RangeError);
    expect(() => dateLiteral(8.64e15 + 1)).toThrow(RangeError);
  });
});

describe('formatTableQuery', () => {
  test('writes the query string the JS client sends for its first pull page', () => {
    const text = formatTableQuery({
      filter: parseFilter("updatedAt ge datetimeoffset'1969-12-31T00:00:00.000Z'"),
      orderBy: [{ property: 'updatedAt', direction: 'asc' }],
      top: 50,
      inlineCount: false,
      includeDeleted: true,
    });
    expect(text).toBe(
      "$filter=(updatedAt%20ge%20datetimeoffset'1969-12-31T00:00:00.000Z')&$orderby=updatedAt&$top=50&__includeDeleted=true",
    );
    expect(decodeURIComponent(text)).toBe(
      "$filter=(updatedAt ge datetimeoffset'1969-12-31T00:00:00.000Z')&$orderby=updatedAt&$top=50&__includeDeleted=true",
    );
  });

  test("keeps the client's parameter order: filter, orderby, skip, top, select, inlinecount, includeDeleted", () => {
    const text = formatTableQuery({
      filter: parseFilter('complete eq false'),
      orderBy: [{ property: 'text', direction: 'desc' }],
      select: ['id', 'text'],
      top: 10,
      skip: 20,
      inlineCount: true,
      includeDeleted: true,
    });
    expect(text).toBe(
      '$filter=(complete%20eq%20false)&$orderby=text%20desc&$skip=20&$top=10&$select=id,text&$inlinecount=allpages&__includeDeleted=true',
    );
  });

  test('encodes the characters that would change the meaning of a query string', () => {
    const text = formatTableQuery({ ...emptyTableQuery(), filter: parseFilter("text eq 'a&b=c+d#e%f'") });
    expect(text).toBe("$filter=(text%20eq%20'a%26b%3Dc%2Bd%23e%25f')");
    expect(parse(text).filter).toEqual(parseFilter("text eq 'a&b=c+d#e%f'"));
  });

  test('parse(format(q)) gives q back for any normalised query', () => {
    fc.assert(
      fc.property(tableQuery, (query) => {
        expect(parse(formatTableQuery(query))).toEqual(query);
      }),
      { numRuns: 500 },
    );
  });
});
