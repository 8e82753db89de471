/** Figures every report shows, computed once from the results. */
import { DIFFERENTIAL } from '../check/differential.js';
import { knownDifferenceOf } from '../scenario/known-differences.js';
import type { FindingSummary, RunResults, ScenarioResult, ScenarioStatus } from '../scenario/results.js';

export const SCENARIO_STATUSES: readonly ScenarioStatus[] = [
  'passed',
  'failed',
  'expected-failure',
  'unexpected-pass',
  'error',
];

/** Statuses that make a run (and a CI job) fail. An expected failure that happened is fine. */
export function isFailingStatus(status: ScenarioStatus): boolean {
  return status === 'failed' || status === 'unexpected-pass' || status === 'error';
}

export interface ResultsSummary {
  readonly scenarios: number;
  readonly runs: number;
  readonly byStatus: Readonly<Record<ScenarioStatus, number>>;
  /** True when no scenario failed, passed unexpectedly or errored. */
  readonly ok: boolean;
  /** Coverage counters summed over all scenarios, sorted by name. */
  readonly coverage: readonly (readonly [string, number])[];
  /** Scenarios with at least one coverage counter they never reached. */
  readonly weakScenarios: number;
  readonly durationMs: number;
}

/** Sums counters by name; a Map keeps names like `__proto__` ordinary keys. */
export function sumCoverage(scenarios: readonly Pick<ScenarioResult, 'coverage'>[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const scenario of scenarios) {
    for (const [name, count] of Object.entries(scenario.coverage)) {
      if (typeof count === 'number' && Number.isFinite(count)) totals.set(name, (totals.get(name) ?? 0) + count);
    }
  }
  return totals;
}

/** Code-unit order: the same on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function summarize(results: RunResults): ResultsSummary {
  const byStatus: Record<ScenarioStatus, number> = {
    passed: 0,
    failed: 0,
    'expected-failure': 0,
    'unexpected-pass': 0,
    error: 0,
  };
  let runs = 0;
  let weakScenarios = 0;
  for (const scenario of results.scenarios) {
    byStatus[scenario.status] = (byStatus[scenario.status] ?? 0) + 1;
    runs += scenario.runs;
    if (scenario.weak.length > 0) weakScenarios++;
  }
  const coverage = [...sumCoverage(results.scenarios)].sort((a, b) => compareStrings(a[0], b[0]));
  return {
    scenarios: results.scenarios.length,
    runs,
    byStatus,
    ok: byStatus.failed + byStatus['unexpected-pass'] + byStatus.error === 0,
    coverage,
    weakScenarios,
    durationMs: results.durationMs,
  };
}

/** `850 ms`, `12.3 s`, `2 min 05 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** `1,234,567`, independent of the machine's locale. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [whole = '', fraction] = String(Math.abs(n)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The failed checks of a counterexample, or an empty list. */
export function failedChecks(scenario: ScenarioResult) {
  return scenario.failure?.checks.filter((check) => !check.valid) ?? [];
}

/** One line per thing a reader of a scenario's result should know about its signatures. */
export interface FindingLine {
  readonly tone: 'bad' | 'known' | 'quiet';
  readonly text: string;
}

/**
 * The scenario's findings in words: new ones first (they fail it), then known ones, expectations
 * that no run matched, an unpinned `*` expectation with the signatures to pin, allowed outcomes,
 * notes, and each kind of local write a handler decision dropped.
 */
export function findingLines(scenario: ScenarioResult): FindingLine[] {
  const lines: FindingLine[] = [];
  const findings = scenario.findings ?? [];
  const where = (finding: FindingSummary): string =>
    `×${finding.count}, first at ${finding.first.seed}${finding.first.path !== undefined ? `:${finding.first.path}` : ''}`;
  for (const finding of findings.filter((f) => f.disposition === 'new'))
    lines.push({ tone: 'bad', text: `new finding ${finding.signature} (${where(finding)})` });
  for (const finding of findings.filter((f) => f.disposition === 'expected')) {
    const known = knownDifferenceOf(finding.signature);
    lines.push({
      tone: 'known',
      text:
        known === undefined
          ? `known finding ${finding.signature} (${where(finding)})`
          : `known difference ${finding.signature} (${where(finding)}; docs/sdk-findings.md, finding ${known.finding})`,
    });
  }
  for (const pattern of scenario.staleExpectations ?? [])
    lines.push({ tone: 'known', text: `expected ${pattern}, but no run showed it` });
  if ((scenario.expected ?? []).includes('*')) {
    // Differences are declared by the differential's own patterns, never by "*".
    const seen = findings
      .filter((f) => f.disposition === 'expected' && f.checker !== DIFFERENTIAL)
      .map((f) => f.signature);
    lines.push({
      tone: 'known',
      text: `unpinned expectation "*" (any failure counts as known)${seen.length > 0 ? `; pin it: { "fails": ${JSON.stringify(seen)} }` : ''}`,
    });
  }
  for (const finding of findings.filter((f) => f.disposition === 'allowed'))
    lines.push({ tone: 'quiet', text: `allowed ${finding.signature} (${where(finding)})` });
  for (const note of scenario.notes ?? []) lines.push({ tone: 'quiet', text: `note: ${note}` });
  for (const drop of scenario.droppedWrites ?? [])
    lines.push({
      tone: 'quiet',
      text: `dropped write: ${drop.kind} (×${drop.count} in ${plural(drop.runs, 'run')}, first at ${drop.first.seed}${drop.first.path !== undefined ? `:${drop.first.path}` : ''})`,
    });
  const comparison = scenario.comparison;
  if (comparison !== undefined) {
    const left = Object.entries(comparison.excluded);
    const total = comparison.compared + left.reduce((sum, [, count]) => sum + count, 0);
    lines.push({
      tone: left.length > 0 ? 'known' : 'quiet',
      text: `compared with ${comparison.against}: ${formatCount(comparison.compared)} of ${plural(total, 'run')}${left.length > 0 ? `; left out ${left.map(([reason, count]) => `${formatCount(count)} ${reason}`).join(', ')} (their faults or overlapping calls cannot be met alike; see the JSON report for an example of each)` : ''}`,
    });
  }
  return lines;
}
