/**
 * What a hunt produces (`findings.json`) and what its tasks exchange: plain JSON, so it crosses
 * worker threads, merges across shards and is read back by `merge-reports`.
 */
import type { ClientMutation } from '../../client/mutations.js';
import type { OccurrenceMetadata } from '../../check/signature.js';
import type { Program } from '../types.js';
import type { HuntBudget, HuntEnd } from './budget.js';
import type { Shard } from './seed-stream.js';

/** The client a hunt tests, with the version its findings are keyed by. */
export interface HuntClient {
  /** `reference`, `sdk` or a driver module. */
  readonly choice: string;
  readonly mutations: readonly ClientMutation[];
  /** As results show it: `reference`, `reference+drop-if-match`, `sdk`. */
  readonly label: string;
  /** azure-mobile-apps-client's version for `sdk`, syncwright's for the reference client. */
  readonly version: string;
}

/** Where a run's program came from: a generated run (replay token) or a mutation of a corpus program. */
export type RunSource =
  | { readonly kind: 'generated'; readonly seed: number; readonly path: string }
  | { readonly kind: 'mutant'; readonly parent: string; readonly mutations: readonly string[] };

/** A finding's first occurrence: which batch and run of the hunt, so that shards merge in hunt order. */
export interface FirstOccurrence {
  readonly batch: number;
  readonly run: number;
  readonly source: RunSource;
  readonly example: string;
  readonly metadata: OccurrenceMetadata;
}

export interface ShrinkOutcome {
  /** Steps in the shrunk program. */
  readonly size: number;
  /** Fault decisions in the shrunk program. */
  readonly faults: number;
  readonly shrinks: number;
  /** Runs the shrink took. */
  readonly runs: number;
  /** The deadline, a stop or the shrink's run cap cut it short: the program is the smallest found so far. */
  readonly partial: boolean;
  /** The counterexample file (relative to the hunt's output folder). */
  readonly file: string;
  readonly replayCommand: string;
  /** `<seed>:<path>` when fast-check shrank a generated run. */
  readonly token?: string;
}

/** One element of the shrunk program and whether the finding needs it. */
export interface CoreElement {
  readonly element: string;
  readonly kind: 'step' | 'fault';
  /** Without it, the signature no longer occurs. */
  readonly necessary: boolean;
  /** Events of the shrunk run that belong to it (its step's events, its fault's events). */
  readonly events: readonly number[];
}

export interface Triage {
  readonly core: readonly CoreElement[];
  /** Variations per step boundary. */
  readonly variations: number;
  /** Per step boundary k (0 = before the first step past the opening): the share of variations that failed. */
  readonly failureRate: readonly {
    readonly afterStep: number;
    readonly rate: number;
    readonly firstEvent: number | null;
  }[];
  /** The first boundary after which every variation failed (and every later one too), if any. */
  readonly inevitableAfterStep: number | null;
  /** The event where that step ends: the moment it became inevitable. */
  readonly inevitableEvent: number | null;
  readonly runs: number;
  readonly partial: boolean;
}

export interface HuntFinding {
  readonly signature: string;
  readonly checker: string;
  /** `new`: not in the baseline; `known`: the baseline names it. */
  readonly status: 'new' | 'known';
  /** The baseline's note for a known finding. */
  readonly note?: string;
  /** The scenario file (as given) and name it first occurred in. */
  readonly scenario: string;
  readonly scenarioName: string;
  readonly first: FirstOccurrence;
  /** Runs that produced it (shrinking and triage runs not counted). */
  readonly occurrences: number;
  readonly shrunk?: ShrinkOutcome;
  readonly triage?: Triage;
}

/** Coverage after a round: for the chart of how it grew. */
export interface GrowthPoint {
  readonly runs: number;
  readonly features: number;
  readonly sdkBlocks: number;
  readonly findings: number;
  /** Wall-clock ms since the start (not deterministic). */
  readonly ms: number;
}

export interface HuntSummary {
  readonly seed: number;
  readonly client: string;
  readonly clientVersion: string;
  readonly budget: HuntBudget;
  readonly workers: number;
  readonly shard?: Shard;
  readonly guidance: boolean;
  readonly scenarios: readonly string[];
  readonly runs: number;
  readonly batches: number;
  readonly mutantRuns: number;
  readonly end: HuntEnd;
  readonly corpus: {
    /** sha256 of the corpus the hunt started from (an input: same corpus ⇒ same hunt). */
    readonly inputHash: string;
    readonly inputSize: number;
    readonly added: number;
  };
  readonly coverage: { readonly features: number; readonly sdkBlocks: number };
  readonly growth: readonly GrowthPoint[];
  /** Set when a baseline was given. */
  readonly baseline?: string;
}

export interface HuntResults {
  readonly tool: { readonly name: 'syncwright'; readonly version: string; readonly signatureVersion: number };
  readonly kind: 'hunt';
  /** Wall-clock figures; with `growth[].ms` the only non-deterministic parts. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly hunt: HuntSummary;
  /** Every distinct signature, in the order the hunt met them. */
  readonly findings: readonly HuntFinding[];
}

/** A program a hunt ran, as the corpus keeps it. */
export interface CorpusEntry {
  readonly id: string;
  readonly scenario: string;
  readonly program: Program;
  /** The features its run reached (hashes), so the next hunt knows what is not new. */
  readonly features: readonly number[];
}
