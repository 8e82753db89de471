/** The hunt-throughput section's own logic: what it counts from a hunt's findings.json, how it says it, its page. */
import { describe, expect, test } from 'vitest';
import {
  describeHuntSide,
  describeHuntThroughput,
  huntRunCounts,
  sameWork,
  type HuntRunCounts,
  type HuntRunsReport,
  type HuntThroughputSide,
} from '../../src/bench/hunt-throughput.js';
import { performancePage } from '../../src/bench/page.js';

const growthPoint = (runs: number, ms: number) => ({ runs, features: 0, sdkBlocks: 0, findings: 0, ms });

/** As findings.json has it after `hunt --runs 100`: five findings, each shrunk and triaged. */
const report: HuntRunsReport = {
  hunt: {
    scenarios: Array.from({ length: 16 }, (_, i) => `scenarios/generated-${i}.ts`),
    runs: 100,
    mutantRuns: 12,
    growth: [growthPoint(40, 3829), growthPoint(80, 7609), growthPoint(100, 8837)],
  },
  findings: [
    { shrunk: { runs: 59 }, triage: { runs: 45 } },
    { shrunk: { runs: 53 }, triage: { runs: 25 } },
    { shrunk: { runs: 59 }, triage: { runs: 65 } },
    { shrunk: { runs: 160 }, triage: { runs: 15 } },
    { shrunk: { runs: 167 }, triage: { runs: 15 } },
  ],
};

function side(workers: number, counts: HuntRunCounts, seconds: number): HuntThroughputSide {
  return {
    workers,
    exitCode: 0,
    counts,
    seconds,
    runsPerSecond: Math.round((counts.total / seconds) * 10) / 10,
    exploreRunsPerSecond: Math.round((counts.runs / (counts.exploreMs / 1000)) * 10) / 10,
    loadBefore: [1.5, 1.25, 1],
    loadAfter: [2, 1.5, 1.125],
  };
}

describe('the hunt-throughput section', () => {
  test("counts the exploration's runs, each finding's shrink and triage runs, and the exploration's own time", () => {
    expect(huntRunCounts(report)).toEqual({
      scenarios: 16,
      runs: 100,
      mutantRuns: 12,
      shrinkRuns: 498,
      triageRuns: 165,
      total: 763,
      findings: 5,
      exploreMs: 8837,
    });
  });

  test('a finding the hunt did not shrink or triage adds no runs; a hunt without findings has only its own', () => {
    const counts = huntRunCounts({ ...report, findings: [{ shrunk: { runs: 7 } }, {}] });
    expect([counts.shrinkRuns, counts.triageRuns, counts.total, counts.findings]).toEqual([7, 0, 107, 2]);
    expect(huntRunCounts({ ...report, findings: [] }).total).toBe(100);
  });

  test('the same work is the same runs of each kind and the same findings, whatever the time', () => {
    const counts = huntRunCounts(report);
    expect(sameWork(counts, { ...counts, exploreMs: 1 })).toBe(true);
    expect(sameWork(counts, { ...counts, shrinkRuns: counts.shrinkRuns + 1 })).toBe(false);
    expect(sameWork(counts, { ...counts, findings: 4 })).toBe(false);
  });

  test('a side says every count, the time, both rates, the exit code and the load', () => {
    const line = describeHuntSide(side(1, huntRunCounts(report), 38.5));
    expect(line).toBe(
      "1 worker: 100 runs (12 mutants) + 498 shrink runs + 165 triage runs = 763 runs in 38.5 s: 19.8 runs/s; exploration alone 100 runs in 8.8 s by the hunt's clock: 11.3 runs/s; 5 distinct findings in 16 scenarios, exit 0; load average 1.50 1.25 1.00 before, 2.00 1.50 1.13 after",
    );
    expect(describeHuntSide(side(2, huntRunCounts(report), 22))).toMatch(/^2 workers: .* 34\.7 runs\/s;/);
  });

  test('the goal figure is 2 workers’ runs/s, with 1 worker’s and the speed-up beside it', () => {
    const counts = huntRunCounts(report);
    const figures = {
      command: 'node bin/syncwright.js hunt --client sdk --runs 100',
      runBudget: 100,
      baseline: null,
      oneWorker: side(1, counts, 38.5),
      twoWorkers: side(2, { ...counts, exploreMs: 5000 }, 22),
      speedup: 1.75,
      exploreSpeedup: 1.77,
      sameRuns: true,
    };
    expect(describeHuntThroughput(figures)).toBe(
      '34.7 runs/s (763 runs in 22 s: exploration, shrinking and triage, --runs 100); 1 worker 19.8 runs/s: 1.75× (exploration alone 20 against 11.3 runs/s: 1.77×)',
    );
  });

  test('the performance page gives the section its title, what it measures and its lines', () => {
    const page = performancePage({
      state: 'commit abc',
      loadAtEnd: '1.00 1.00 1.00',
      command: 'npm run bench -- hunt-throughput',
      goals: [],
      sections: [{ name: 'hunt-throughput', lines: ['hunt-throughput: 2 workers over 1: 1.75× runs/s'] }],
    });
    expect(page).toContain('## Hunt throughput: `syncwright hunt --client sdk` with 1 and 2 workers');
    expect(page).toContain('runs/s is all of them over the process’s wall-clock time');
    expect(page).toContain('```text\nhunt-throughput: 2 workers over 1: 1.75× runs/s\n```');
  });
});
