/**
 * What the HTML report embeds: the results, reshaped for drawing. Everything the page shows is
 * decided here (lanes, labels, tones, diffs); the inline script only lays it out.
 */
import type { CheckResult } from '../check/types.js';
import type { JsonObject } from '../protocol/records.js';
import type { RunResults, ScenarioResult, ScenarioStatus } from '../scenario/results.js';
import type { History } from '../kernel/history.js';
import type { GrowthPoint, HuntResults, Triage } from '../scenario/hunt/types.js';
import { compareStrings, isFailingStatus, summarize, type ResultsSummary } from './summary.js';
import { diffTable, type TableDiffView } from './table-diff.js';
import { buildTimeline, type Timeline } from './timeline.js';

export interface FailureView {
  readonly seed: number;
  readonly path: string | null;
  readonly shrinks: number;
  readonly program: JsonObject;
  readonly replayCommand: string;
  /** Why the run never settled (livelock, deadlock, crash), if it did not. */
  readonly stopped: string | null;
  /** Steps in the minimal program. */
  readonly size: number | null;
  /** Violated checks first, then the ones that held. */
  readonly checks: readonly CheckResult[];
  readonly history: History;
  readonly timeline: Timeline;
  readonly tables: readonly TableDiffView[];
  /** The same program on the client it was compared with (`--compare`): the other timeline. */
  readonly compared: ComparedView | null;
}

export interface ComparedView {
  /** The client compared with (`reference`). */
  readonly against: string;
  readonly history: History;
  readonly timeline: Timeline;
  /** How many of its faults were re-aimed at the client under test. */
  readonly aligned: number;
  /** Why the run was left out of the comparison, if it was. */
  readonly excluded: string | null;
}

export interface ScenarioView {
  readonly index: number;
  readonly name: string;
  readonly description: string | null;
  readonly file: string;
  readonly client: string;
  readonly status: ScenarioStatus;
  readonly failing: boolean;
  readonly runs: number;
  readonly seed: number;
  /**
   * What `seed` is: `run`, the fast-check seed the run's programs were generated from (the
   * run's `--seed`); `world`, the seed of a fixed-step scenario's one world.
   */
  readonly seedKind: SeedKind;
  readonly durationMs: number;
  readonly coverage: readonly (readonly [string, number])[];
  readonly weak: readonly string[];
  /** Each kind of local write a handler decision dropped: `update by cancelAndDiscard on 412 ×3 in 2 runs`. */
  readonly droppedWrites: readonly string[];
  readonly error: string | null;
  /** What the app's handler threw, one message per `handler.threw` violation: the first thing to read. */
  readonly handlerErrors: readonly string[];
  /** Drawn opened when the page loads: a new finding (failed, error, unexpected pass) among the first few, or the only scenario. */
  readonly expanded: boolean;
  readonly timings: { readonly firstFailureMs: number | null; readonly shrunkMs: number | null } | null;
  readonly failure: FailureView | null;
  /** A hunt's triage of this finding: causal core and the moment it became inevitable. */
  readonly triage: Triage | null;
}

/** One finding of a hunt, as the findings page lists it (its scenario view has the same index). */
export interface HuntFindingView {
  readonly index: number;
  readonly signature: string;
  readonly status: 'new' | 'known';
  readonly note: string | null;
  readonly scenarioName: string;
  /** `<seed>:<path>`, or the corpus entry it mutated. */
  readonly first: string;
  readonly occurrences: number;
  readonly size: number | null;
  readonly partial: boolean;
  readonly replayCommand: string | null;
}

export interface HuntView {
  readonly seed: number;
  readonly client: string;
  readonly clientVersion: string;
  readonly budget: string;
  readonly runs: number;
  readonly mutantRuns: number;
  readonly end: string;
  readonly guidance: boolean;
  readonly corpusHash: string;
  readonly features: number;
  readonly sdkBlocks: number;
  readonly growth: readonly GrowthPoint[];
  readonly findings: readonly HuntFindingView[];
}

export type SeedKind = 'run' | 'world';

/**
 * How many new findings open at once: each opened one draws its timeline, and a run with hundreds
 * of failures must still open quickly. The rest are a click away, still above the passing ones.
 */
export const EXPANDED_FAILURES = 10;

export interface ReportModel {
  readonly tool: { readonly name: string; readonly version: string };
  readonly seed: number;
  readonly client: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly shard: { readonly index: number; readonly total: number } | null;
  readonly summary: ResultsSummary;
  readonly scenarios: readonly ScenarioView[];
  /** Scenario indices in the order the page shows them: new findings, then known ones, then passes. */
  readonly order: readonly number[];
  /** The distinct clients that ran, in first-seen order; more than one gets a client column. */
  readonly clients: readonly string[];
  /** Set on a hunt's findings page. */
  readonly hunt: HuntView | null;
}

export function buildReportModel(results: RunResults, hunt?: HuntResults): ReportModel {
  const order = displayOrder(results);
  // A report of one scenario (a replay's) opens it whatever its verdict: its timeline is the point.
  const expanded = new Set(
    results.scenarios.length === 1
      ? [0]
      : order.filter((index) => isFailingStatus(results.scenarios[index]!.status)).slice(0, EXPANDED_FAILURES),
  );
  return {
    hunt: hunt === undefined ? null : huntView(hunt),
    tool: { name: String(results.tool?.name ?? 'syncwright'), version: String(results.tool?.version ?? '') },
    seed: results.seed,
    client: results.client,
    startedAt: results.startedAt,
    durationMs: results.durationMs,
    shard: results.shard ?? null,
    summary: summarize(results),
    order,
    clients: [...new Set(results.scenarios.map((scenario) => scenario.client))],
    scenarios: results.scenarios.map((scenario, index) => {
      const failure = scenario.failure;
      return {
        index,
        name: scenario.name,
        description: scenario.description ?? null,
        file: scenario.file,
        client: scenario.client,
        status: scenario.status,
        failing: isFailingStatus(scenario.status),
        runs: scenario.runs,
        seed: scenario.seed,
        seedKind: seedKind(scenario, results.seed),
        durationMs: scenario.durationMs,
        coverage: Object.entries(scenario.coverage).sort((a, b) => compareStrings(a[0], b[0])),
        weak: [...scenario.weak],
        droppedWrites: (scenario.droppedWrites ?? []).map(
          (drop) => `${drop.kind} ×${drop.count} in ${drop.runs} run${drop.runs === 1 ? '' : 's'}`,
        ),
        error: scenario.error ?? null,
        handlerErrors: (failure?.checks ?? []).flatMap((check) =>
          check.violations.filter((v) => v.rule === 'handler.threw').map((v) => v.message),
        ),
        expanded: expanded.has(index),
        timings: scenario.timings
          ? { firstFailureMs: scenario.timings.firstFailureMs ?? null, shrunkMs: scenario.timings.shrunkMs ?? null }
          : null,
        failure: failure
          ? {
              seed: failure.seed,
              path: failure.path ?? null,
              shrinks: failure.shrinks,
              program: failure.program,
              replayCommand: failure.replayCommand,
              stopped: failure.stopped ?? null,
              size: failure.size ?? null,
              checks: [...failure.checks.filter((c) => !c.valid), ...failure.checks.filter((c) => c.valid)],
              history: failure.history,
              timeline: buildTimeline(failure.history, failure.checks),
              tables: failure.tableDiff.map(diffTable),
              compared: failure.comparison
                ? {
                    against: failure.comparison.against,
                    history: failure.comparison.history,
                    timeline: buildTimeline(failure.comparison.history),
                    aligned: failure.comparison.aligned.length,
                    excluded: failure.comparison.excluded
                      ? `${failure.comparison.excluded.reason}: ${failure.comparison.excluded.detail}`
                      : null,
                  }
                : null,
            }
          : null,
        triage: hunt?.findings[index]?.triage ?? null,
      };
    }),
  };
}

/** Rank of a status on the page: what needs a reader's attention first. */
const STATUS_RANK: Readonly<Record<ScenarioStatus, number>> = {
  failed: 0,
  error: 0,
  'unexpected-pass': 0,
  'expected-failure': 1,
  passed: 2,
};

/** New findings first, then known findings, then passes; the run's own order within each. */
function displayOrder(results: RunResults): number[] {
  const rank = (status: ScenarioStatus): number => STATUS_RANK[status] ?? 0;
  return results.scenarios
    .map((scenario, index) => ({ index, rank: rank(scenario.status) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.index);
}

/**
 * A generated scenario reports the run's fast-check seed; a fixed-step one its world's seed. A
 * counterexample with a path is generated; one without is fixed; with neither, a seed other than
 * the run's can only be a world's.
 */
function seedKind(scenario: ScenarioResult, runSeed: number): SeedKind {
  if (scenario.failure) return scenario.failure.path !== undefined ? 'run' : 'world';
  return scenario.seed === runSeed ? 'run' : 'world';
}

function huntView(results: HuntResults): HuntView {
  const h = results.hunt;
  return {
    seed: h.seed,
    client: h.client,
    clientVersion: h.clientVersion,
    budget: h.budget.kind === 'runs' ? `${h.budget.runs} runs` : `${Math.round(h.budget.ms / 1000)} s`,
    runs: h.runs,
    mutantRuns: h.mutantRuns,
    end: h.end,
    guidance: h.guidance,
    corpusHash: h.corpus.inputHash,
    features: h.coverage.features,
    sdkBlocks: h.coverage.sdkBlocks,
    growth: h.growth,
    findings: results.findings.map((finding, index) => ({
      index,
      signature: finding.signature,
      status: finding.status,
      note: finding.note ?? null,
      scenarioName: finding.scenarioName,
      first:
        finding.first.source.kind === 'generated'
          ? `${finding.first.source.seed}:${finding.first.source.path}`
          : `mutant of ${finding.first.source.parent}`,
      occurrences: finding.occurrences,
      size: finding.shrunk?.size ?? null,
      partial: finding.shrunk?.partial === true || finding.triage?.partial === true,
      replayCommand: finding.shrunk?.replayCommand ?? null,
    })),
  };
}
