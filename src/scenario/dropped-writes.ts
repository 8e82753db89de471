/**
 * The dropped writes of a scenario's runs, by kind: how many, in how many runs, and the first run
 * that showed each kind. Drops are the app's choice (`no-lost-writes` accepts them) unless the
 * scenario forbids them; either way a reader of the results sees every kind.
 */
import type { RunRecord } from './execute.js';
import type { DroppedWriteSummary } from './results.js';

export class DroppedWriteTally {
  private readonly byKind = new Map<string, DroppedWriteSummary>();

  add(record: Pick<RunRecord, 'droppedWrites'>, first: { readonly seed: number; readonly path?: string }): void {
    const inRun = new Map<string, number>();
    const examples = new Map<string, string>();
    for (const drop of record.droppedWrites) {
      inRun.set(drop.kind, (inRun.get(drop.kind) ?? 0) + 1);
      if (!examples.has(drop.kind)) examples.set(drop.kind, drop.message);
    }
    for (const [kind, count] of inRun) {
      const known = this.byKind.get(kind);
      this.byKind.set(
        kind,
        known === undefined
          ? { kind, count, runs: 1, first, example: examples.get(kind)! }
          : { ...known, count: known.count + count, runs: known.runs + 1 },
      );
    }
  }

  summaries(): DroppedWriteSummary[] {
    return [...this.byKind.values()];
  }
}

/** Tallies of several parts of one scenario (work units, shards), joined in part order. */
export function joinDroppedWrites(parts: readonly (readonly DroppedWriteSummary[])[]): DroppedWriteSummary[] {
  const joined = new Map<string, DroppedWriteSummary>();
  for (const part of parts) {
    for (const summary of part) {
      const known = joined.get(summary.kind);
      joined.set(
        summary.kind,
        known === undefined
          ? summary
          : { ...known, count: known.count + summary.count, runs: known.runs + summary.runs },
      );
    }
  }
  return [...joined.values()];
}
