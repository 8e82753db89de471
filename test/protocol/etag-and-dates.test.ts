import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatTimestamp, parseIsoTimestamp } from '../../src/protocol/datetime.js';
import { errorBody, errorMessageOf, isErrorBody } from '../../src/protocol/errors.js';
import { formatETag, ifMatchAllows, parseIfMatch, versionFromETag } from '../../src/protocol/etag.js';

describe('ETags and If-Match', () => {
  test('an ETag is the version in double quotes', () => {
    expect(formatETag('MQ==')).toBe('"MQ=="');
    expect(versionFromETag('"MQ=="')).toBe('MQ==');
  });

  test('quoted and unquoted If-Match values both match the version', () => {
    expect(ifMatchAllows(parseIfMatch('"MQ=="'), 'MQ==')).toBe(true);
    expect(ifMatchAllows(parseIfMatch('MQ=='), 'MQ==')).toBe(true);
    expect(ifMatchAllows(parseIfMatch(' "MQ==" '), 'MQ==')).toBe(true);
  });

  test('a different version does not match', () => {
    expect(ifMatchAllows(parseIfMatch('"Mg=="'), 'MQ==')).toBe(false);
  });

  test('* and weak validators never match', () => {
    expect(parseIfMatch('*')).toEqual({ kind: 'never', value: '*' });
    expect(ifMatchAllows(parseIfMatch('*'), 'MQ==')).toBe(false);
    expect(ifMatchAllows(parseIfMatch('W/"MQ=="'), 'MQ==')).toBe(false);
    expect(versionFromETag('W/"MQ=="')).toBeUndefined();
  });

  test('an absent If-Match lets any write through; an empty one lets none through', () => {
    expect(ifMatchAllows(parseIfMatch(undefined), 'MQ==')).toBe(true);
    expect(ifMatchAllows(parseIfMatch(''), 'MQ==')).toBe(false);
  });

  test('inner quotes are escaped the way the JS client escapes them', () => {
    expect(formatETag('a"b')).toBe('"a\\"b"');
    expect(versionFromETag('"a\\"b"')).toBe('a"b');
  });
});

describe('error bodies', () => {
  test('are {"error": message} and can be read back', () => {
    expect(errorBody('The item does not exist')).toBe('{"error":"The item does not exist"}');
    expect(errorMessageOf(errorBody('x'))).toBe('x');
    expect(errorMessageOf('not json')).toBeUndefined();
    expect(isErrorBody({ error: 1 })).toBe(false);
  });

  test('ASP.NET Web API\'s {"message": …} reads back too', () => {
    expect(errorMessageOf('{"message":"No HTTP resource was found"}')).toBe('No HTTP resource was found');
    expect(errorMessageOf('{"message":1}')).toBeUndefined();
    expect(errorMessageOf('null')).toBeUndefined();
  });
});

describe('ISO timestamps', () => {
  test('parse to epoch milliseconds regardless of the host time zone', () => {
    expect(parseIsoTimestamp('2026-11-24T06:17:15.274Z')).toBe(Date.UTC(2026, 10, 24, 6, 17, 15, 274));
    expect(parseIsoTimestamp('2026-11-24T06:17:15')).toBe(Date.UTC(2026, 10, 24, 6, 17, 15));
    expect(parseIsoTimestamp('2026-11-24')).toBe(Date.UTC(2026, 10, 24));
    expect(parseIsoTimestamp('2026-11-24T06:17:15.274+01:30')).toBe(Date.UTC(2026, 10, 24, 4, 47, 15, 274));
    expect(parseIsoTimestamp('0001-01-01T00:00:00Z')).toBe(new Date('0001-01-01T00:00:00Z').getTime());
  });

  test('drop digits below a millisecond instead of rounding', () => {
    expect(parseIsoTimestamp('2026-01-01T00:00:00.9999999Z')).toBe(Date.UTC(2026, 0, 1, 0, 0, 0, 999));
  });

  test('refuse impossible dates and other text', () => {
    for (const text of [
      '2026-02-30',
      '2026-13-01',
      '2026-01-01T24:00:00Z',
      'yesterday',
      '',
      '2026-01-01T00:00:00+25:00',
      '1.5',
    ]) {
      expect(parseIsoTimestamp(text)).toBeUndefined();
    }
    expect(parseIsoTimestamp('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });

  test('format as ISO-8601 UTC with milliseconds', () => {
    expect(formatTimestamp(Date.UTC(2026, 10, 24, 6, 17, 15, 274))).toBe('2026-11-24T06:17:15.274Z');
  });
});

describe('formatTimestamp', () => {
  test('writes exactly what Date#toISOString writes, across the whole range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_198_755_200_000, max: 300_000_000_000_000 }), (ms) => {
        expect(formatTimestamp(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000 },
    );
    for (const ms of [
      0, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, 253_402_300_799_999, 253_402_300_800_000, -1,
    ]) {
      expect(formatTimestamp(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
