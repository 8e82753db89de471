/**
 * Running one program on two clients: the reference client as the oracle, then the client
 * under test with the reference run's faults re-aimed by meaning (align-faults.ts). The client
 * under test is judged as always — its own checkers, against the scenario's declarations — and
 * also by the differential checker against the reference run, whose differences are judged
 * against the declared differences only: a pattern that names the `differential` checker in
 * the scenario's `allow` or `expect`, or a known difference of the client (known-differences.ts).
 * A blanket pattern such as `*` does not declare differences, so a known finding of the SDK
 * cannot hide a difference nobody has explained.
 *
 * A program that cannot be compared soundly is excluded — the client under test still runs it
 * and is judged by its own checkers — and the exclusion is counted and reported, never hidden.
 */
import { checkDifferential, DIFFERENTIAL } from '../check/differential.js';
import { judge, type Declarations, type Judgement } from '../check/judge.js';
import type { ClientDriverFactory } from '../kernel/driver.js';
import type { JsonObject } from '../protocol/records.js';
import {
  alignFaults,
  alignmentUnmet,
  EXCLUSION_REASONS,
  overlappingOperations,
  type AlignedFault,
  type Exclusion,
  type ExclusionReason,
} from './align-faults.js';
import { executeProgram, type RunRecord } from './execute.js';
import { knownDifferencesFor } from './known-differences.js';
import type { ComparisonSummary, CounterexampleComparison } from './results.js';
import { expectationFor, type Program, type ResolvedScenario } from './types.js';

export interface ComparisonOptions {
  /** The oracle's driver (the reference client). */
  readonly reference: ClientDriverFactory;
  /** How results name the oracle. Default `reference`. */
  readonly referenceName?: string;
  /** The client under test. */
  readonly candidate: ClientDriverFactory;
  /** What the scenario declared for the client under test (its own checkers are judged on it). */
  readonly declarations: Declarations;
  /** The differences declared for the client under test (see {@link differentialDeclarations}). */
  readonly differences: Declarations;
  readonly maxSteps?: number;
}

/** The reference side of a compared run, kept so a report can show both timelines. */
export interface RunComparison {
  /** The client the run was compared with. */
  readonly against: string;
  /** The program the oracle ran (the one generated), and its history. */
  readonly reference: { readonly program: Program; readonly history: RunRecord['history'] };
  /** The faults re-aimed at the client under test (empty when excluded before it ran). */
  readonly aligned: readonly AlignedFault[];
  /** Why the program was not compared, if it was not. */
  readonly excluded?: Exclusion;
}

export type ComparedRun = RunRecord & { readonly comparison: RunComparison };

export async function executeComparison(
  scenario: ResolvedScenario,
  program: Program,
  options: ComparisonOptions,
): Promise<ComparedRun> {
  const against = options.referenceName ?? 'reference';
  const limits = options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps };
  const reference = await executeProgram(scenario, program, { driver: options.reference, ...limits });
  let excluded: Exclusion | undefined =
    reference.stopped !== undefined
      ? { reason: 'stopped', detail: `the reference run stopped: ${reference.stopped}` }
      : overlappingOperations(reference.history, 'reference');
  let candidateProgram = program;
  let aligned: readonly AlignedFault[] = [];
  if (excluded === undefined) {
    const alignment = alignFaults(program, reference.history);
    if (alignment.kind === 'excluded') excluded = alignment.exclusion;
    else {
      candidateProgram = alignment.program;
      aligned = alignment.faults;
    }
  }
  const run = await executeProgram(scenario, candidateProgram, {
    driver: options.candidate,
    declarations: options.declarations,
    ...limits,
  });
  excluded ??=
    run.stopped !== undefined
      ? { reason: 'stopped', detail: `this run stopped: ${run.stopped}` }
      : (overlappingOperations(run.history, 'compared') ??
        alignmentUnmet(aligned, run.history, candidateProgram.faults));
  const comparison: RunComparison = {
    against,
    reference: { program, history: reference.history },
    aligned,
    ...(excluded !== undefined ? { excluded } : {}),
  };
  // The record names the program as generated: aligning it again gives the same run.
  if (excluded !== undefined) return { ...run, program, comparison };
  const differential = checkDifferential(reference.history, run.history, {
    referenceName: against === 'reference' ? 'the reference client' : against,
  });
  const judgement = joinJudgements(run.judgement, judge([differential], options.differences));
  return {
    ...run,
    program,
    checks: [...run.checks, differential],
    judgement,
    valid: judgement.valid,
    comparison,
  };
}

/** The reference side of a compared run, as a counterexample carries it. */
export function counterexampleComparison(comparison: RunComparison): CounterexampleComparison {
  return {
    against: comparison.against,
    program: comparison.reference.program as unknown as JsonObject,
    history: comparison.reference.history,
    aligned: comparison.aligned.map((fault) => fault as unknown as JsonObject),
    ...(comparison.excluded !== undefined ? { excluded: comparison.excluded } : {}),
  };
}

/**
 * The differences declared for a client: the patterns of the scenario's `allow` and of its
 * expectations for the client that name the differential checker, and the client's known
 * differences.
 */
export function differentialDeclarations(scenario: ResolvedScenario, client: string): Declarations {
  const named = (patterns: readonly string[]): string[] =>
    patterns.filter((pattern) => pattern.split('/')[0] === DIFFERENTIAL);
  return {
    allow: named(scenario.allow),
    expected: [
      ...named(expectationFor(scenario.expect, client)),
      ...knownDifferencesFor(client).map((known) => known.pattern),
    ],
  };
}

function joinJudgements(a: Judgement, b: Judgement): Judgement {
  return { valid: a.valid && b.valid, violations: [...a.violations, ...b.violations] };
}

export class ComparisonTally {
  private against: string | undefined;
  private compared = 0;
  private readonly excluded = new Map<ExclusionReason, number>();
  private readonly examples = new Map<ExclusionReason, { run: string; detail: string }>();

  add(record: RunRecord, run: string): void {
    const comparison = (record as Partial<ComparedRun>).comparison;
    if (comparison === undefined) return;
    this.against ??= comparison.against;
    const reason = comparison.excluded?.reason;
    if (reason === undefined) {
      this.compared++;
      return;
    }
    this.excluded.set(reason, (this.excluded.get(reason) ?? 0) + 1);
    if (!this.examples.has(reason)) this.examples.set(reason, { run, detail: comparison.excluded!.detail });
  }

  summary(): ComparisonSummary | undefined {
    if (this.against === undefined) return undefined;
    const ordered = EXCLUSION_REASONS.filter((reason) => this.excluded.has(reason));
    return {
      against: this.against,
      compared: this.compared,
      excluded: Object.fromEntries(ordered.map((reason) => [reason, this.excluded.get(reason)!])),
      ...(ordered.length > 0
        ? { examples: Object.fromEntries(ordered.map((reason) => [reason, this.examples.get(reason)!])) }
        : {}),
    };
  }
}

/** Summaries of several parts of one scenario (work units, shards), joined in part order. */
export function joinComparisons(parts: readonly (ComparisonSummary | undefined)[]): ComparisonSummary | undefined {
  let joined: ComparisonSummary | undefined;
  for (const part of parts) {
    if (part === undefined) continue;
    if (joined === undefined) {
      joined = part;
      continue;
    }
    const excluded: Record<string, number> = {};
    const examples: Record<string, { run: string; detail: string }> = {};
    for (const reason of EXCLUSION_REASONS) {
      const count = (joined.excluded[reason] ?? 0) + (part.excluded[reason] ?? 0);
      if (count > 0) excluded[reason] = count;
      const example = joined.examples?.[reason] ?? part.examples?.[reason];
      if (example !== undefined) examples[reason] = example;
    }
    joined = {
      against: joined.against,
      compared: joined.compared + part.compared,
      excluded,
      ...(Object.keys(examples).length > 0 ? { examples } : {}),
    };
  }
  return joined;
}
