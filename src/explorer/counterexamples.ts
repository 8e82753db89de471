/**
 * Counterexamples from a report's `results.json`, ready to step through in the page: each
 * failing scenario's history with its timeline (the HTML report's swimlane model) and verdicts.
 */
import type { CheckResult } from '../check/types.js';
import { parseRunResults } from '../report/json.js';
import { buildTimeline, type Timeline } from '../report/timeline.js';
import type { JsonObject } from '../protocol/records.js';
import type { History } from '../kernel/history.js';

export interface CounterexampleView {
  readonly index: number;
  readonly name: string;
  readonly file: string;
  readonly client: string;
  readonly status: string;
  readonly seed: number;
  readonly path?: string;
  readonly replayCommand: string;
  readonly stopped?: string;
  readonly checks: readonly CheckResult[];
  readonly program: JsonObject;
  readonly history: History;
  readonly timeline: Timeline;
}

/** Every counterexample in a results file. @throws ResultsFileError for a file that is not one. */
export function counterexamplesOf(json: string, source = 'results.json'): CounterexampleView[] {
  const results = parseRunResults(json, source);
  const views: CounterexampleView[] = [];
  results.scenarios.forEach((scenario, index) => {
    const failure = scenario.failure;
    if (failure === undefined) return;
    views.push({
      index,
      name: scenario.name,
      file: scenario.file,
      client: scenario.client,
      status: scenario.status,
      seed: failure.seed,
      ...(failure.path !== undefined ? { path: failure.path } : {}),
      replayCommand: failure.replayCommand,
      ...(failure.stopped !== undefined ? { stopped: failure.stopped } : {}),
      checks: failure.checks,
      program: failure.program,
      history: failure.history,
      timeline: buildTimeline(failure.history, failure.checks),
    });
  });
  return views;
}
