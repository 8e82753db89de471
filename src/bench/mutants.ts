/**
 * How fast the checkers catch each mutant — of the reference client, and of the SDK harness (the
 * SDK compared with the reference client, as `syncwright selftest` runs them): per mutant, the
 * wall time to the first failing run and to the shrunk counterexample, and the counterexample's
 * size, over a few seeds (medians reported). `benchMutants()` returns the figures; the bench main
 * prints them.
 */
import { CLIENT_MUTATIONS, type ClientMutation } from '../client/mutations.js';
import { SDK_HARNESS_MUTATIONS, type SdkHarnessMutation } from '../sdk/mutations.js';
import { labelOf, selftest, selftestSuite, type Mutant, type SelftestReport } from '../scenario/selftest.js';

export type MutantFigures = Mutant & {
  /** The mutant as selftest names it (`sdk+<name>` for one of the harness). */
  readonly label: string;
  /** Seeds on which some scenario of the suite caught it, out of `seeds`. */
  readonly caught: number;
  readonly seeds: number;
  /** Medians over the seeds that caught it (ms are wall-clock, within the catching scenario). */
  readonly firstFailureMs: number | null;
  readonly shrunkMs: number | null;
  readonly size: number | null;
  /** The scenario and checkers of the first catch. */
  readonly scenario: string | null;
  readonly checkers: readonly string[];
};

export interface MutantBenchOptions {
  /** fast-check seeds to try. Default [1, 2, 3]. */
  readonly seeds?: readonly number[];
  /** Runs per generated scenario. Default 100. */
  readonly runs?: number;
  readonly mutations?: readonly ClientMutation[];
  readonly harnessMutations?: readonly SdkHarnessMutation[];
  readonly log?: (line: string) => void;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function benchMutants(options: MutantBenchOptions = {}): Promise<MutantFigures[]> {
  const seeds = options.seeds ?? [1, 2, 3];
  const mutations = options.mutations ?? CLIENT_MUTATIONS;
  const harnessMutations = options.harnessMutations ?? SDK_HARNESS_MUTATIONS;
  const scenarios = await selftestSuite();
  const reports: SelftestReport[] = [];
  for (const seed of seeds) {
    const report = await selftest({
      scenarios,
      seed,
      mutations,
      harnessMutations,
      skipBaseline: true,
      runs: options.runs ?? 100,
    });
    reports.push(report);
    options.log?.(
      `mutants: seed ${seed}: ${report.mutants.filter((mutant) => mutant.caught).length}/${report.mutants.length} caught`,
    );
  }
  const all: Mutant[] = [
    ...mutations.map((mutation) => ({ target: 'reference' as const, mutation })),
    ...harnessMutations.map((mutation) => ({ target: 'sdk-harness' as const, mutation })),
  ];
  return all.map((mutant) => {
    const caught = reports
      .map((report) => report.mutants.find((m) => m.target === mutant.target && m.mutation === mutant.mutation))
      .filter((m) => m?.caught === true);
    const first = caught[0];
    return {
      ...mutant,
      label: labelOf(mutant),
      caught: caught.length,
      seeds: seeds.length,
      firstFailureMs: median(caught.flatMap((m) => (m?.firstFailureMs !== undefined ? [m.firstFailureMs] : []))),
      shrunkMs: median(caught.flatMap((m) => (m?.shrunkMs !== undefined ? [m.shrunkMs] : []))),
      size: median(caught.flatMap((m) => (m?.size !== undefined ? [m.size] : []))),
      scenario: first?.scenario ?? null,
      checkers: first?.checkers ?? [],
    };
  });
}

/** The medians over the mutants of their medians, as the bench prints them against its 5 s target. */
export function mutantMedians(figures: readonly MutantFigures[]): {
  readonly firstFailureMs: number | null;
  readonly shrunkMs: number | null;
} {
  return {
    firstFailureMs: median(figures.flatMap((f) => (f.firstFailureMs !== null ? [f.firstFailureMs] : []))),
    shrunkMs: median(figures.flatMap((f) => (f.shrunkMs !== null ? [f.shrunkMs] : []))),
  };
}
