/**
 * Whether a side-by-side ratio meets its goal. The bench's rounds run minutes apart on a machine
 * whose speed swings 2–3× with load, so one bench run of the same two commits has read 2.05×,
 * 2.43× and 2.58× within the hour. A median that clears the goal while a round falls short says
 * only that the machine was noisy: the verdict says so instead of "met".
 */
export type RatioVerdict = 'met' | 'NOT met' | 'unclear';

/** `met` when every round meets `goal`; `NOT met` when the median does not; `unclear` between. */
export function ratioVerdict(median: number, range: readonly [number, number], goal: number): RatioVerdict {
  if (median < goal) return 'NOT met';
  return range[0] >= goal ? 'met' : 'unclear';
}

/** The verdict as the goal lines print it, saying why when it is unclear. */
export function describeRatioVerdict(median: number, range: readonly [number, number], goal: number): string {
  const verdict = ratioVerdict(median, range, goal);
  return verdict === 'unclear'
    ? `unclear: the median meets ${goal}× but the slowest round (${range[0]}×) does not; run more rounds on a quieter machine`
    : verdict;
}
