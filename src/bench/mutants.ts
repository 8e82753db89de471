/**
 * How fast the checkers catch each mutant of the reference client: per mutant, the wall time to
 * the first failing run and to the shrunk counterexample, and the counterexample's size, over a
 * few seeds (medians reported). `benchMutants()` returns the figures; the bench main prints them.
 */
import { CLIENT_MUTATIONS, type ClientMutation } from '../client/mutations.js';
import { selftest, selftestSuite, type SelftestReport } from '../scenario/selftest.js';

export interface MutantFigures {
  readonly mutation: ClientMutation;
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
}

export interface MutantBenchOptions {
  /** fast-check seeds to try. Default [1, 2, 3]. */
  readonly seeds?: readonly number[];
  /** Runs per generated scenario. Default 100. */
  readonly runs?: number;
  readonly mutations?: readonly ClientMutation[];
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
  const scenarios = await selftestSuite();
  const reports: SelftestReport[] = [];
  for (const seed of seeds) {
    const report = await selftest({ scenarios, seed, mutations, skipBaseline: true, runs: options.runs ?? 100 });
    reports.push(report);
    options.log?.(
      `mutants: seed ${seed}: ${report.mutants.filter((mutant) => mutant.caught).length}/${report.mutants.length} caught`,
    );
  }
  return mutations.map((mutation) => {
    const caught = reports
      .map((report) => report.mutants.find((mutant) => mutant.mutation === mutation))
      .filter((mutant) => mutant?.caught === true);
    const first = caught[0];
    return {
      mutation,
      caught: caught.length,
      seeds: seeds.length,
      firstFailureMs: median(
        caught.flatMap((mutant) => (mutant?.firstFailureMs !== undefined ? [mutant.firstFailureMs] : [])),
      ),
      shrunkMs: median(caught.flatMap((mutant) => (mutant?.shrunkMs !== undefined ? [mutant.shrunkMs] : []))),
      size: median(caught.flatMap((mutant) => (mutant?.size !== undefined ? [mutant.size] : []))),
      scenario: first?.scenario ?? null,
      checkers: first?.checkers ?? [],
    };
  });
}
