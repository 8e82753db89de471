/**
 * How the scheduler orders timers that fall due at the same virtual moment in different lanes.
 *
 * Within one lane (one client, one link, the server…) timers keep JavaScript's order — due time,
 * then creation order — because code relies on it (a promise library that runs `then` callbacks
 * through `setTimeout(fn, 0)` must see them in registration order). Across lanes there is no
 * such guarantee on a real device, so that choice is where interleavings are explored.
 *
 * Every such tie consumes one choice: the index of the lane that goes first, among the lanes
 * with a due timer, ordered by the creation of their earliest due timer. A choice `c` picks
 * candidate `c % candidates`, so any natural number is valid and 0 always means "first come,
 * first served". That makes an explicit list a good fast-check target: `fc.array(fc.nat())`
 * shrinks towards shorter lists of smaller numbers, i.e. towards the FIFO interleaving.
 */
import type { RandomSource } from './random.js';

export type TieBreakPolicy =
  /** Draw each choice from the run's seed (the world's `scheduler` fork). The default. */
  | { readonly kind: 'seeded' }
  /** Always the earliest-created timer: the interleaving a single-threaded runtime gives. */
  | { readonly kind: 'fifo' }
  /**
   * Take the choices from `choices`, in order; once they run out, continue with `then`
   * (default `fifo`, so a shrunk list stays meaningful).
   */
  | { readonly kind: 'list'; readonly choices: readonly number[]; readonly then?: 'fifo' | 'seeded' };

/** One tie the scheduler resolved, for replay and for the explorer. */
export interface TieChoice {
  /** Virtual ms since the start of the run. */
  readonly t: number;
  /** The lanes that had a timer due, in candidate order. */
  readonly lanes: readonly string[];
  /** The index that went first. */
  readonly chosen: number;
}

export interface TieBreaker {
  /** Picks an index in [0, candidates). Only called with two or more candidates. */
  choose(candidates: number): number;
}

export function createTieBreaker(policy: TieBreakPolicy, random: RandomSource): TieBreaker {
  switch (policy.kind) {
    case 'fifo':
      return { choose: () => 0 };
    case 'seeded':
      return { choose: (candidates) => random.int(0, candidates - 1) };
    case 'list': {
      const choices = policy.choices;
      let next = 0;
      const fallback = createTieBreaker({ kind: policy.then ?? 'fifo' }, random);
      return {
        choose(candidates) {
          if (next < choices.length) {
            const choice = choices[next++]!;
            return Math.abs(Math.trunc(choice)) % candidates;
          }
          return fallback.choose(candidates);
        },
      };
    }
  }
}

/** Checks a policy that came from JSON or a command line. */
export function parseTieBreakPolicy(value: unknown): TieBreakPolicy {
  if (typeof value !== 'object' || value === null) throw new TypeError('ties: expected an object with a "kind"');
  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'seeded' || kind === 'fifo') return { kind };
  if (kind === 'list') {
    const { choices, then } = value as { choices?: unknown; then?: unknown };
    if (!Array.isArray(choices) || !choices.every((c) => Number.isInteger(c) && (c as number) >= 0)) {
      throw new TypeError('ties.choices: expected an array of non-negative integers');
    }
    if (then !== undefined && then !== 'fifo' && then !== 'seeded') {
      throw new TypeError(`ties.then: expected "fifo" or "seeded", got ${JSON.stringify(then)}`);
    }
    return then === undefined ? { kind, choices: choices as number[] } : { kind, choices: choices as number[], then };
  }
  throw new TypeError(`ties.kind: expected "seeded", "fifo" or "list", got ${JSON.stringify(kind)}`);
}
