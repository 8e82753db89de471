/**
 * What a speed goal that is not met asks of a run, from the bench's own figures: the side-by-side
 * ratio says how much of head's run time must go, the breakdown says where that time is. Removing
 * a category entirely is the most any change to it can give (Amdahl's bound), so when the goal
 * needs more than the largest categories together, no speed-up of those parts alone can reach it.
 *
 * Both figures come from one bench run but from different processes (the breakdown samples head
 * under the profiler), so the shares are what carries over, not the milliseconds.
 */
import type { Breakdown, Category } from './breakdown.js';
import { round } from './throughput.js';

export interface Headroom {
  /** Percent of head's run time that must go for `ratio` to become `goal`. */
  readonly mustShed: number;
  /** The fewest largest categories whose shares together reach {@link mustShed}, largest first. */
  readonly largest: readonly { readonly category: Category; readonly share: number }[];
  /** Their shares together, percent. */
  readonly largestShare: number;
}

/**
 * The headroom for `ratio` to reach `goal`, or undefined when it already does. `ratio` is head's
 * runs/s over base's: head's run must take `ratio / goal` of its time now.
 */
export function headroom(ratio: number, goal: number, breakdown: Breakdown): Headroom | undefined {
  if (!(ratio > 0) || !(goal > 0))
    throw new RangeError(`headroom: expected positive ratio and goal, found ${ratio} and ${goal}`);
  if (ratio >= goal) return undefined;
  const mustShed = 100 * (1 - ratio / goal);
  const byShare = [...breakdown.categories].filter((c) => c.share > 0).sort((a, b) => b.share - a.share);
  const largest: { category: Category; share: number }[] = [];
  let sum = 0;
  for (const { category, share } of byShare) {
    if (sum >= mustShed) break;
    largest.push({ category, share });
    sum += share;
  }
  return { mustShed: round(mustShed, 1), largest, largestShare: round(sum, 1) };
}

/**
 * The headroom as a goal line's tail: what is not enough (all but the last of
 * {@link Headroom.largest}: no speed-up of those parts alone reaches the goal), and what would be.
 */
export function describeHeadroom(goal: number, figures: Headroom, workload: string): string {
  const prefix = `to reach ${goal}×, a run must shed ${figures.mustShed}% of its time`;
  const named = (categories: Headroom['largest']): string =>
    categories.map(({ category, share }) => `${category} ${share}%`).join(', ');
  const short = figures.largest.slice(0, -1);
  if (short.length === 0) {
    return figures.largest.length === 0
      ? prefix
      : `${prefix}, less than ${workload}'s largest category costs (${named(figures.largest)})`;
  }
  const shortShare = round(
    short.reduce((sum, { share }) => sum + share, 0),
    1,
  );
  const notEnough =
    short.length === 1
      ? `more than ${workload}'s largest category costs (${named(short)})`
      : `more than ${workload}'s ${short.length} largest categories cost together (${named(short)}: ${shortShare}%)`;
  return `${prefix}, ${notEnough}; only its ${figures.largest.length} largest together cost that much (${named(figures.largest)}: ${figures.largestShare}%)`;
}
