import path from 'node:path';
import { describe, test, expect } from 'vitest';
import { CLIENT_MUTATIONS } from '../../src/client/mutations.js';
import { formatSelftest, harnessSuite, selftest, selftestSuite } from '../../src/scenario/selftest.js';
import { SDK_HARNESS_MUTATIONS } from '../../src/sdk/mutations.js';

describe('self-test', () => {
  // The built-in scenarios pass on the unmodified client (builtin.test.ts); here only mutants run.
  test('every mutant of the reference client is caught, with the checker, timings and size reported', async () => {
    // The scenarios' own budgets: with reads in the mix, wrong-collapse first fails at run 70 (seed 42);
    // dequeue-on-store-failure only at run 153 of generated-store-faults.ts, which runs 300.
    const report = await selftest({ skipBaseline: true, harnessMutations: [] });
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

  test('every mutant of the SDK harness is caught as a new finding of the SDK compared with the reference client, where the unmodified harness passes', async () => {
    const suite = await selftestSuite();
    const declared = await harnessSuite(suite);
    // The scenarios that do not say what the SDK does there judge no harness mutant.
    expect(declared.map((file) => path.basename(file))).not.toContain('tutorial.ts');
    expect(declared.map((file) => path.basename(file))).toContain('generated-aspnet.ts');
    // Nor do those on a less kind server, where the SDK's P7 makes every later read differ.
    expect(declared.map((file) => path.basename(file))).not.toContain('generated-unkind-server.ts');
    // `syncwright selftest` runs them all; here the wide scenario is left out for CI's time: the
    // SDK runs its two-table programs several times slower, and every mutant is caught without it.
    const harness = declared.filter((file) => path.basename(file) !== 'generated-wide.ts');
    const report = await selftest({ scenarios: harness, mutations: [], runs: 100 });
    expect(report.harnessScenarios).toEqual(harness);
    expect(report.harnessBaseline.map((result) => [path.basename(result.file), result.status])).toEqual(
      harness.map((file) => [path.basename(file), expect.stringMatching(/^(passed|expected-failure)$/)]),
    );
    expect(report.baselinePassed).toBe(true);
    expect(report.mutants.map((mutant) => [mutant.target, mutant.mutation])).toEqual(
      SDK_HARNESS_MUTATIONS.map((mutation) => ['sdk-harness', mutation]),
    );
    for (const mutant of report.mutants) {
      expect(mutant.caught, mutant.mutation).toBe(true);
      expect(mutant.checkers.length, mutant.mutation).toBeGreaterThan(0);
      expect(mutant.signatures.length, mutant.mutation).toBeGreaterThan(0);
      expect(mutant.replayCommand, mutant.mutation).toMatch(
        new RegExp(` \\d+:[\\d:]+ --client sdk --sdk-mutation ${mutant.mutation} --compare reference$`),
      );
      expect(mutant.shrunkMs!, mutant.mutation).toBeGreaterThanOrEqual(mutant.firstFailureMs!);
    }
    expect(report.ok).toBe(true);
    const table = formatSelftest(report);
    expect(table).toContain('unmodified SDK harness, compared with the reference client: all');
    expect(table).toMatch(/^sdk\+date-from-time-reads-clock\s+yes\s/m);
    expect(table).toContain(`${SDK_HARNESS_MUTATIONS.length}/${SDK_HARNESS_MUTATIONS.length} mutants caught`);
  }, 600_000);
});
