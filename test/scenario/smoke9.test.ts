import { describe, test, expect } from 'vitest';
import { selftest, formatSelftest } from '../../src/scenario/selftest.js';

describe('smoke', () => {
  test('selftest', async () => {
    const report = await selftest({ onProgress: (line) => console.log(line), ...(process.env.N ? { runs: Number(process.env.N) } : {}) });
    console.log(formatSelftest(report));
    expect(true).toBe(true);
  }, 1_200_000);
});
