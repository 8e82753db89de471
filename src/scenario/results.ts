/**
 * The results of a `syncwright run`: what reports (HTML, JUnit, JSON, terminal) and the explorer
 * read. Plain JSON, so it can cross worker threads and be merged across shards.
 */
import type { CheckResult } from '../check/types.js';
import type { JsonObject } from '../protocol/records.js';
import type { History } from '../kernel/history.js';

export type ScenarioStatus =
  /** Every run passed every check. */
  | 'passed'
  /** A run violated a check. */
  | 'failed'
  /** Marked as expected to fail (e.g. a known SDK finding) and it did fail. */
  | 'expected-failure'
  /** Marked as expected to fail, but it passed. */
  | 'unexpected-pass'
  /** The scenario file could not be loaded or the run crashed. */
  | 'error';

export interface Counterexample {
  /** fast-check seed and path of the shrunk failing run (absent for fixed-step scenarios). */
  readonly seed: number;
  readonly path?: string;
  /** How many shrink steps it took to get here. */
  readonly shrinks: number;
  /** The minimal program, as the scenario's step format. */
  readonly program: JsonObject;
  readonly checks: readonly CheckResult[];
  readonly history: History;
  /** Per client and table: expected rows (the server's live rows) and what the client holds. */
  readonly tableDiff: readonly TableDiff[];
  /** A shell command that replays this exact run. */
  readonly replayCommand: string;
  /** The scenario file it came from, so that a saved counterexample can be replayed on its own. */
  readonly scenario?: string;
  /** The client it failed on (`reference`, `sdk`, a module path). */
  readonly client?: string;
  /** Set when the run never settled (a livelock, a deadlock, a crash). */
  readonly stopped?: string;
  /** Steps in the minimal program: a quick measure of how far it shrank. */
  readonly size?: number;
}

export interface TableDiff {
  readonly client: string;
  readonly table: string;
  readonly expected: readonly JsonObject[];
  readonly actual: readonly JsonObject[];
}

export interface ScenarioResult {
  readonly name: string;
  readonly description?: string;
  /** Path of the scenario file, relative to the working directory. */
  readonly file: string;
  /** `reference`, `sdk`, or a module path. */
  readonly client: string;
  readonly status: ScenarioStatus;
  readonly runs: number;
  readonly seed: number;
  readonly durationMs: number;
  /** "Sometimes" counters summed over the runs: conflicts by status, resolutions, lost responses… */
  readonly coverage: Record<string, number>;
  /** Coverage counters the scenario expected to reach but never did. */
  readonly weak: readonly string[];
  readonly failure?: Counterexample;
  /** Set when status is `error`. */
  readonly error?: string;
  /** Wall-clock ms from the start to the first failing run, and to the shrunk counterexample. */
  readonly timings?: { readonly firstFailureMs?: number; readonly shrunkMs?: number };
}

export interface RunResults {
  readonly tool: { readonly name: 'syncwright'; readonly version: string };
  readonly seed: number;
  readonly client: string;
  /** Wall-clock figures; they are the only non-deterministic part of a result. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly shard?: { readonly index: number; readonly total: number };
  readonly scenarios: readonly ScenarioResult[];
}
