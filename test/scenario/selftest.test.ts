import { describe, test, expect } from 'vitest';
import { CLIENT_MUTATIONS } from '../../src/client/mutations.js';
import { formatSelftest, selftest } from '../../src/scenario/selftest.js';

describe('self-test', () => {
  // The built-in scenarios pass on the unmodified client (builtin.test.ts); here only mutants run.
  test('every mutant of the reference client is caught, with the checker, timings and size reported', async () => {
    // The scenarios' own budget: with reads in the mix, wrong-collapse first fails at run 70 (seed 42).
    const report = await selftest({ runs: 100, skipBaseline: true });
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
    // These three are caught by the session guarantees alone: no other checker looks at what reads show.
    for (const mutation of ['stale-read-after-write', 'stale-list-after-push', 'pull-clears-table'])
      expect(report.mutants.find((mutant) => mutant.mutation === mutation)?.checkers).toEqual(['session-guarantees']);
    expect(table).toContain('unbounded-handler-retries');
    // Every mutant, each shrunk: a few minutes on a quiet machine; on a loaded one the mutants took
    // over four, so the bound only catches a hang.
  }, 600_000);
});
