import { describe, test, expect } from 'vitest';
import { timestampOf, toJsonRecord } from '../../src/client/records.js';
import { parseIsoTimestamp } from '../../src/protocol/datetime.js';

describe('timestamps from the server', () => {
  test.each([
    '2026-01-01T00:00:00.000Z',
    '2026-11-24T06:17:15.274Z',
    '2024-02-29T23:59:59.999Z',
    '2026-02-30T00:00:00.000Z',
    '2026-02-31T12:00:00.000Z',
    '2026-01-01T24:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-01-01T00:00:00.000+01:00',
    '2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00,000Z',
    'not a timestamp at all!!',
  ])('%s reads as the strict parser reads it', (text) => {
    expect(timestampOf(text)).toBe(parseIsoTimestamp(text));
    // The second reading comes from the memo of recent stamps.
    expect(timestampOf(text)).toBe(parseIsoTimestamp(text));
  });

  test('thousands of different stamps, each read twice, all read as the strict parser reads them', () => {
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 5000; i++) {
      const text = new Date(start + i * 7_919).toISOString();
      expect(timestampOf(text)).toBe(parseIsoTimestamp(text));
      expect(timestampOf(new Date(start + (i >> 1) * 7_919).toISOString())).toBe(start + (i >> 1) * 7_919);
    }
  });
});

describe('local records to JSON', () => {
  test("dates become Date#toISOString's text; other values stay as they are", () => {
    for (const ms of [0, -1, Date.UTC(2026, 10, 24, 6, 17, 15, 274), -62_198_755_200_001, 253_402_300_800_000]) {
      const date = new Date(ms);
      expect(
        toJsonRecord({ id: 'a', at: date, list: [1, null, 'x'], nested: { flag: true }, gone: undefined }),
      ).toStrictEqual({
        id: 'a',
        at: date.toISOString(),
        list: [1, null, 'x'],
        nested: { flag: true },
      });
    }
    expect(() => toJsonRecord({ at: new Date(Number.NaN) })).toThrow(RangeError);
  });
});
