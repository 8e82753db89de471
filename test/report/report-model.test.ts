import { describe, expect, test } from 'vitest';
import { buildReportModel, EXPANDED_FAILURES } from '../../src/report/report-model.js';
import type { RunResults } from '../../src/scenario/results.js';
import {
  failingResults,
  failingScenario,
  HANDLER_THREW,
  passingResults,
  passingScenario,
  wideResults,
} from './fixtures.js';

describe('buildReportModel: what the page leads with', () => {
  test('orders new findings first, then known findings, then passes, keeping the run’s order within each', () => {
    // failingResults: 0 passed, 1 failed, 2 passed, 3 expected-failure, 4 error.
    const model = buildReportModel(failingResults());
    expect(model.order).toEqual([1, 4, 3, 0, 2]);
    expect(model.scenarios.map((sc) => sc.index)).toEqual([0, 1, 2, 3, 4]);
  });

  test('opens the new findings only, and no more than a page can draw at once', () => {
    const model = buildReportModel(failingResults());
    expect(model.scenarios.filter((sc) => sc.expanded).map((sc) => sc.index)).toEqual([1, 4]);
    const many: RunResults = {
      ...failingResults(),
      scenarios: Array.from({ length: EXPANDED_FAILURES * 2 + 5 }, (_, i) =>
        i % 2 === 0 ? { ...failingScenario(), name: `f${i}` } : passingScenario(`p${i}`),
      ),
    };
    const expanded = buildReportModel(many).scenarios.filter((sc) => sc.expanded);
    expect(expanded).toHaveLength(EXPANDED_FAILURES);
    expect(expanded.every((sc) => sc.failing)).toBe(true);
    expect(expanded[0]!.index).toBe(0);
  });

  test('a report of one scenario (a replay’s) opens it, passing or not', () => {
    const passing = { ...passingResults(), scenarios: [{ ...failingScenario(), status: 'passed' as const }] };
    expect(buildReportModel(passing).scenarios[0]!.expanded).toBe(true);
  });

  test('carries what a handler threw, and nothing for other violations', () => {
    const model = buildReportModel(wideResults());
    expect(model.scenarios[4]!.handlerErrors).toEqual([HANDLER_THREW]);
    expect(buildReportModel(failingResults()).scenarios[1]!.handlerErrors).toEqual([]);
  });

  test('names each seed: the run’s fast-check seed, or a fixed-step world’s seed', () => {
    const model = buildReportModel(wideResults());
    expect(model.seed).toBe(1234567);
    expect(model.scenarios.map((sc) => [sc.seed, sc.seedKind])).toEqual([
      [1234567, 'run'],
      [1234567, 'run'],
      [7, 'world'],
      [1234567, 'run'],
      [1234567, 'run'],
    ]);
    // A counterexample without a path came from a fixed program, whatever its seed.
    const fixed = { ...failingScenario(), failure: { ...failingScenario().failure!, path: undefined } };
    delete (fixed.failure as { path?: string }).path;
    expect(buildReportModel({ ...passingResults(), seed: 1234567, scenarios: [fixed] }).scenarios[0]!.seedKind).toBe(
      'world',
    );
  });

  test('lists the clients that ran, so that several get a client column', () => {
    expect(buildReportModel(wideResults()).clients).toEqual(['reference', 'sdk']);
    expect(buildReportModel(failingResults()).clients).toEqual(['reference']);
    expect(buildReportModel({ ...passingResults(), scenarios: [] }).clients).toEqual([]);
  });
});
