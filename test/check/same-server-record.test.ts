import { describe, expect, test } from 'vitest';
import { sameServerRecord } from '../../src/check/history-index.js';

describe('sameServerRecord', () => {
  const shownByClient = {
    id: 'r1',
    text: 'v0',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.625Z',
  };

  test('timestamps compare as instants at millisecond precision (an ASP.NET server writes seven digits, or none)', () => {
    expect(
      sameServerRecord(shownByClient, {
        id: 'r1',
        text: 'v0',
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00.6251234Z',
      }),
    ).toBe(true);
  });

  test('another instant, another value, or a date-like string in an ordinary column are differences', () => {
    expect(sameServerRecord(shownByClient, { ...shownByClient, updatedAt: '2026-01-01T00:00:00.626Z' })).toBe(false);
    expect(sameServerRecord(shownByClient, { ...shownByClient, text: 'v1' })).toBe(false);
    expect(
      sameServerRecord(
        { ...shownByClient, text: '2026-01-01T00:00:00Z' },
        { ...shownByClient, text: '2026-01-01T00:00:00.000Z' },
      ),
    ).toBe(false);
    expect(sameServerRecord(shownByClient, null)).toBe(false);
  });
});
