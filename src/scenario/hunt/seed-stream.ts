/**
 * Where a hunt's programs come from. The budget is cut into batches of a few runs; batch `b`
 * explores scenario `b mod S` with a fast-check seed derived from the hunt seed and `b`, so a
 * hunt never repeats the runs of `syncwright run` or of another batch, and every generated run
 * keeps a replay token (`<batch seed>:<run>`). Batches are grouped in rounds: the guidance
 * reads the corpus as it was at the start of a round, so a round's batches can run on any
 * number of threads and still give the same programs.
 */
import { SeededRandom } from '../../kernel/random.js';
import type { HuntBudget } from './budget.js';

/** Runs per batch: small, so that a deadline or a stop is never far off. */
export const BATCH_RUNS = 10;
/** Batches per round: fixed, so that the rounds do not depend on the number of threads. */
export const ROUND_BATCHES = 4;
/** Of a guided hunt's batches, this share mutates the corpus (once it holds programs). */
export const MUTATION_SHARE = 0.5;

export interface Shard {
  readonly index: number;
  readonly total: number;
}

/** The fast-check seed of batch `b`. */
export function batchSeed(huntSeed: number, batch: number): number {
  return new SeededRandom(`hunt/${huntSeed}/batch/${batch}`).nextUint32() >>> 1;
}

/** The scenario (index) batch `b` explores. */
export function batchScenario(batch: number, scenarios: number): number {
  return batch % scenarios;
}

/** How many runs batch `b` has: BATCH_RUNS, fewer for the last one of a runs budget, 0 past it. */
export function batchRuns(batch: number, budget: HuntBudget): number {
  if (budget.kind === 'time') return BATCH_RUNS;
  return Math.max(0, Math.min(BATCH_RUNS, budget.runs - batch * BATCH_RUNS));
}

/** Shard i/n takes every n-th batch: the shards of a runs budget together run the batches of one hunt. */
export function inShard(batch: number, shard: Shard | undefined): boolean {
  return shard === undefined || batch % shard.total === shard.index - 1;
}

/** The seeded source a mutation batch draws its choices from. */
export function mutationRandom(huntSeed: number, batch: number): SeededRandom {
  return new SeededRandom(`hunt/${huntSeed}/mutate/${batch}`);
}

/** Whether batch `b` of a guided hunt mutates the corpus rather than generating afresh. */
export function isMutationBatch(huntSeed: number, batch: number): boolean {
  return new SeededRandom(`hunt/${huntSeed}/kind/${batch}`).nextFloat() < MUTATION_SHARE;
}
