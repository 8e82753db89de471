/**
 * Shrinking a program fast-check did not generate (a mutant of the corpus): take out one element
 * at a time (steps from the last, then fault decisions) and keep every removal after which the
 * finding still occurs, until a whole pass removes nothing. Generated runs shrink with
 * fast-check instead (tasks.ts), which also keeps their replay token.
 */
import type { Program } from '../types.js';
import { programElements, withoutElement } from './elements.js';

export interface GreedyShrinkOptions {
  /** Steps of the fixed opening, never removed. */
  readonly opening: number;
  /** Whether a candidate still shows the finding; false once the budget is spent. */
  readonly fails: (candidate: Program) => Promise<boolean>;
}

export async function greedyShrink(
  program: Program,
  options: GreedyShrinkOptions,
): Promise<{ program: Program; shrinks: number }> {
  let current = program;
  let shrinks = 0;
  let removed = true;
  while (removed) {
    removed = false;
    // From the end: later steps depend on earlier ones more often than the other way round.
    const elements = programElements(current, options.opening).reverse();
    for (const element of elements) {
      const candidate = withoutElement(current, element);
      if (await options.fails(candidate)) {
        current = candidate;
        shrinks++;
        removed = true;
        break;
      }
    }
  }
  return { program: current, shrinks };
}
