/**
 * Whether a side-by-side ratio meets its goal. The bench's rounds run minutes apart on a machine
 * whose speed swings 2–3× with load, so one bench run of the same two commits has read 2.05×,
 * 2.43× and 2.58× within the hour. A median that clears the goal says little on its own.
 *
 * The verdict asks more: a lower confidence bound of the median ratio at or above the goal. The
 * bound is an order statistic, the k-th slowest round, with k the largest for which fewer than
 * k of n rounds fall under the true median with probability at most 5% (the binomial sign test:
 * no assumption about how the machine's noise is distributed, only that rounds are independent).
 * With the bench's 5 rounds that is the slowest round, so "met" means every round met the goal;
 * with 9 rounds it is the second slowest, with 13 the fourth. More rounds narrow the bound, so
 * an unclear verdict can be settled by running more, not only by a quieter machine; fewer than 5
 * can never show a goal met.
 */
export type RatioVerdict = 'met' | 'NOT met' | 'unclear';

/** One-sided: the chance that the bound is above the true median is at most this. */
const ALPHA = 0.05;

/**
 * k for n rounds (1-based: the k-th slowest is the bound), or 0 when no round is low enough: the
 * largest k with P(Binomial(n, ½) ≤ k − 1) ≤ {@link ALPHA}.
 */
export function lowerBoundRank(rounds: number): number {
  if (!Number.isInteger(rounds) || rounds < 0 || rounds > 1000) {
    throw new RangeError(`lowerBoundRank: expected a whole number of rounds from 0 to 1000, found ${rounds}`);
  }
  let k = 0;
  // P(B ≤ j) for j = 0, 1, …, summed term by term: C(n, j) / 2^n, with C built up by ratio.
  let term = 2 ** -rounds;
  let cumulative = term;
  while (k < rounds && cumulative <= ALPHA) {
    k++;
    term = (term * (rounds - k + 1)) / k;
    cumulative += term;
  }
  return k;
}

/** The lower confidence bound of the median of `ratios`, or undefined when there are too few. */
export function medianLowerBound(ratios: readonly number[]): number | undefined {
  const k = lowerBoundRank(ratios.length);
  return k === 0 ? undefined : [...ratios].sort((a, b) => a - b)[k - 1];
}

/** `met` when the bound meets `goal`; `NOT met` when the median does not; `unclear` between. */
export function ratioVerdict(median: number, ratios: readonly number[], goal: number): RatioVerdict {
  if (median < goal) return 'NOT met';
  const bound = medianLowerBound(ratios);
  return bound !== undefined && bound >= goal ? 'met' : 'unclear';
}

/** The verdict as the goal lines print it, saying why when it is unclear. */
export function describeRatioVerdict(median: number, ratios: readonly number[], goal: number): string {
  const verdict = ratioVerdict(median, ratios, goal);
  if (verdict !== 'unclear') return verdict;
  const k = lowerBoundRank(ratios.length);
  const bound = medianLowerBound(ratios);
  if (bound === undefined) {
    return `unclear: the median meets ${goal}× but ${ratios.length} rounds cannot show it (5 at least); run more rounds (--rounds)`;
  }
  const which = k === 1 ? 'the slowest round' : `the ${ordinal(k)} slowest of ${ratios.length} rounds`;
  return `unclear: the median meets ${goal}× but its 95% lower bound, ${which} (${bound}×), does not; run more rounds (--rounds) or on a quieter machine`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
