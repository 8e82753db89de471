/**
 * What the HTML report embeds: the results, reshaped for drawing. Everything the page shows is
 * decided here (lanes, labels, tones, diffs); the inline script only lays it out.
 */
import type { CheckResult } from '../check/types.js';
import type { JsonObject } from '../protocol/records.js';
import type { RunResults, ScenarioStatus } from '../scenario/results.js';
import type { History } from '../kernel/history.js';
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
  readonly durationMs: number;
  readonly coverage: readonly (readonly [string, number])[];
  readonly weak: readonly string[];
  /** Each kind of local write a handler decision dropped: `update by cancelAndDiscard on 412 ×3 in 2 runs`. */
  readonly droppedWrites: readonly string[];
  readonly error: string | null;
  readonly timings: { readonly firstFailureMs: number | null; readonly shrunkMs: number | null } | null;
  readonly failure: FailureView | null;
}

export interface ReportModel {
  readonly tool: { readonly name: string; readonly version: string };
  readonly seed: number;
  readonly client: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly shard: { readonly index: number; readonly total: number } | null;
  readonly summary: ResultsSummary;
  readonly scenarios: readonly ScenarioView[];
}

export function buildReportModel(results: RunResults): ReportModel {
  return {
    tool: { name: String(results.tool?.name ?? 'syncwright'), version: String(results.tool?.version ?? '') },
    seed: results.seed,
    client: results.client,
    startedAt: results.startedAt,
    durationMs: results.durationMs,
    shard: results.shard ?? null,
    summary: summarize(results),
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
        durationMs: scenario.durationMs,
        coverage: Object.entries(scenario.coverage).sort((a, b) => compareStrings(a[0], b[0])),
        weak: [...scenario.weak],
        droppedWrites: (scenario.droppedWrites ?? []).map(
          (drop) => `${drop.kind} ×${drop.count} in ${drop.runs} run${drop.runs === 1 ? '' : 's'}`,
        ),
        error: scenario.error ?? null,
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
      };
    }),
  };
}
