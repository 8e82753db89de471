import { describe, test, expect } from 'vitest';
import { CLIENT_MUTATIONS } from '../../src/client/mutations.js';
import { formatSelftest, selftest } from '../../src/scenario/selftest.js';

describe('self-test', () => {
  // The built-in scenarios pass on the unmodified client (builtin.test.ts); here only mutants run.
  test('every mutant of the reference client is caught, with the checker, timings and size reported', async () => {
    const report = await selftest({ runs: 30, skipBaseline: true });
    expect(report.mutants.map((mutant) => mutant.mutation)).toEqual([...CLIENT_MUTATIONS]);
    for (const mutant of report.mutants) {
      expect(mutant.caught, mutant.mutation).toBe(true);
      expect(mutant.checkers.length, mutant.mutation).toBeGreaterThan(0);
      expect(mutant.firstFailureMs, mutant.mutation).toBeGreaterThanOrEqual(0);
      expect(mutant.shrunkMs!, mutant.mutation).toBeGreaterThanOrEqual(mutant.firstFailureMs!);
      expect(mutant.size, mutant.mutation).toBeGreaterThan(0);
    }
    expect(report.allCaught).toBe(true);
    const table = formatSelftest(report);
    expect(table).toContain(`${CLIENT_MUTATIONS.length}/${CLIENT_MUTATIONS.length} mutants caught`);
    expect(table).toContain('unbounded-handler-retries');
    // Eleven mutants, each shrunk: a minute on a quiet machine, more on a busy one.
  }, 240_000);
});
