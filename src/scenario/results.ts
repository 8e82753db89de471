/**
 * The results of a `syncwright run`: what reports (HTML, JUnit, JSON, terminal) and the explorer
 * read. Plain JSON, so it can cross worker threads and be merged across shards.
 */
import type { Disposition } from '../check/judge.js';
import type { OccurrenceMetadata } from '../check/signature.js';
import type { CheckResult } from '../check/types.js';
import type { JsonObject } from '../protocol/records.js';
import type { History } from '../kernel/history.js';

export type ScenarioStatus =
  /** No run produced a signature the scenario did not declare (allowed outcomes are fine). */
  | 'passed'
  /** A run produced a new finding: a signature the scenario neither allows nor expects. */
  | 'failed'
  /** Known findings were expected for this client, and only those (at least one) occurred. */
  | 'expected-failure'
  /** Known findings were expected for this client, and none occurred. */
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
  /** Set when the run was compared with another client: that client's side of it. */
  readonly comparison?: CounterexampleComparison;
}

/** The reference side of a counterexample found by comparing two clients (`--compare`). */
export interface CounterexampleComparison {
  /** The client the run was compared with (`reference`). */
  readonly against: string;
  /** The program it ran (the one generated) and its history: the other timeline. */
  readonly program: JsonObject;
  readonly history: History;
  /** The faults re-aimed at the client under test, as `{ link, match, occurrence, effect }`. */
  readonly aligned: readonly JsonObject[];
  /** Why the run was not compared, if it was not. */
  readonly excluded?: { readonly reason: string; readonly detail: string };
}

/** How many of a scenario's runs were compared with another client, and why the others were not. */
export interface ComparisonSummary {
  /** The client the runs were compared with. */
  readonly against: string;
  readonly compared: number;
  /** Runs left out, by reason (see scenario/align-faults.ts); reasons with none are absent. */
  readonly excluded: Readonly<Record<string, number>>;
  /** One example per reason: the run (`<seed>:<path>`, or the world seed) and why. */
  readonly examples?: Readonly<Record<string, { readonly run: string; readonly detail: string }>>;
}

export interface TableDiff {
  readonly client: string;
  readonly table: string;
  readonly expected: readonly JsonObject[];
  readonly actual: readonly JsonObject[];
}

/** One distinct signature a scenario's runs produced, with how the scenario declared it. */
export interface FindingSummary {
  readonly signature: string;
  readonly checker: string;
  /** `new` fails the scenario; `expected` is a known finding of this client; `allowed` is the app's intent. */
  readonly disposition: Disposition;
  /** Runs that produced it (shrinking runs not counted). */
  readonly count: number;
  /** The first run that produced it: replay it with `<seed>:<path>`. */
  readonly first: { readonly seed: number; readonly path?: string };
  /** One violation message of that run. */
  readonly example: string;
  /** What led there in that run: fault kinds, handler actions. Not part of the signature. */
  readonly metadata: OccurrenceMetadata;
}

/** One kind of dropped write a scenario's runs showed (see check/dropped-writes.ts). */
export interface DroppedWriteSummary {
  /** `update by cancelAndDiscard on 412`, `delete by forced purge`: no ids, values or times. */
  readonly kind: string;
  /** Dropped writes of this kind over the runs (shrinking runs not counted). */
  readonly count: number;
  /** Runs that had at least one. */
  readonly runs: number;
  /** The first run that had one: replay it with `<seed>:<path>`. */
  readonly first: { readonly seed: number; readonly path?: string };
  /** That run's first drop of this kind, in words. */
  readonly example: string;
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
  /** Every distinct signature the runs produced (new, expected and allowed), in first-seen order. */
  readonly findings?: readonly FindingSummary[];
  /** The known findings this client was expected to show (signature patterns). */
  readonly expected?: readonly string[];
  /** Expected patterns no run matched: a known finding that no longer occurs (or did not come up). */
  readonly staleExpectations?: readonly string[];
  /** What loading the scenario changed or wants its author to know (a migrated older format). */
  readonly notes?: readonly string[];
  /** Local writes handler decisions (or forced purges) dropped, by kind, in first-seen order. */
  readonly droppedWrites?: readonly DroppedWriteSummary[];
  readonly failure?: Counterexample;
  /** Set when status is `error`. */
  readonly error?: string;
  /** Wall-clock ms from the start to the first failing run, and to the shrunk counterexample. */
  readonly timings?: { readonly firstFailureMs?: number; readonly shrunkMs?: number };
  /** Set when the runs were compared with another client (`--compare`). */
  readonly comparison?: ComparisonSummary;
}

export interface RunResults {
  /** `signatureVersion`: how the findings' signatures were built (see check/signature.ts). */
  readonly tool: { readonly name: 'syncwright'; readonly version: string; readonly signatureVersion?: number };
  readonly seed: number;
  readonly client: string;
  /** Wall-clock figures; they are the only non-deterministic part of a result. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly shard?: { readonly index: number; readonly total: number };
  readonly scenarios: readonly ScenarioResult[];
}
