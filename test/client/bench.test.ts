import { describe, test, expect } from 'vitest';
import { benchPull } from '../../src/bench/pull.js';

describe('pull bench', () => {
  test('the bench pulls every seeded record and reports the time', async () => {
    const result = await benchPull(2_000);
    expect(result.records).toBe(2_000);
    expect(result.ms).toBeGreaterThanOrEqual(0);
  });
});
