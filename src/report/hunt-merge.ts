/**
 * Joining the findings of a hunt's shards: one finding per signature, its first occurrence the
 * earliest in hunt order (batch, then run) — so with guidance off the merged shards list the
 * signatures one unsharded hunt with the same run budget lists — occurrences added up, and the
 * shrunk counterexample and triage of the shard that met it first.
 */
import type { HuntFinding, HuntResults, HuntSummary } from '../scenario/hunt/types.js';

export class HuntMergeError extends Error {
  override readonly name = 'HuntMergeError';
}

export interface MergedFinding {
  readonly finding: HuntFinding;
  /** Index of the input it came from (its counterexample file lives there). */
  readonly input: number;
}

export function mergeHuntResults(inputs: readonly HuntResults[]): { results: HuntResults; from: MergedFinding[] } {
  const first = inputs[0];
  if (first === undefined) throw new HuntMergeError('nothing to merge');
  for (const [i, input] of inputs.entries()) {
    const h = input.hunt;
    const mismatch =
      h.seed !== first.hunt.seed
        ? `seed ${h.seed}, not ${first.hunt.seed}`
        : h.client !== first.hunt.client || h.clientVersion !== first.hunt.clientVersion
          ? `client ${h.client}@${h.clientVersion}, not ${first.hunt.client}@${first.hunt.clientVersion}`
          : h.guidance !== first.hunt.guidance
            ? `guidance ${h.guidance ? 'on' : 'off'}, not ${first.hunt.guidance ? 'on' : 'off'}`
            : undefined;
    if (mismatch !== undefined)
      throw new HuntMergeError(
        `input ${i + 1} is from another hunt: expected the same seed, client and guidance, found ${mismatch}`,
      );
  }
  const best = new Map<string, MergedFinding & { occurrences: number }>();
  for (const [input, results] of inputs.entries()) {
    for (const finding of results.findings) {
      const known = best.get(finding.signature);
      if (known === undefined) {
        best.set(finding.signature, { finding, input, occurrences: finding.occurrences });
        continue;
      }
      const occurrences = known.occurrences + finding.occurrences;
      const earlier =
        finding.first.batch < known.finding.first.batch ||
        (finding.first.batch === known.finding.first.batch && finding.first.run < known.finding.first.run);
      best.set(finding.signature, earlier ? { finding, input, occurrences } : { ...known, occurrences });
    }
  }
  const ordered = [...best.values()].sort(
    (a, b) =>
      a.finding.first.batch - b.finding.first.batch ||
      a.finding.first.run - b.finding.first.run ||
      compare(a.finding.signature, b.finding.signature),
  );
  const from = ordered.map(({ finding, input, occurrences }) => ({ finding: { ...finding, occurrences }, input }));
  const sum = (pick: (h: HuntSummary) => number): number =>
    inputs.reduce((total, input) => total + pick(input.hunt), 0);
  const ends = inputs.map((input) => input.hunt.end);
  const hashes = new Set(inputs.map((input) => input.hunt.corpus.inputHash));
  const { shard: _shard, ...rest } = first.hunt;
  const hunt: HuntSummary = {
    ...rest,
    runs: sum((h) => h.runs),
    batches: sum((h) => h.batches),
    mutantRuns: sum((h) => h.mutantRuns),
    end: ends.includes('interrupted') ? 'interrupted' : ends.includes('deadline') ? 'deadline' : 'runs',
    corpus: {
      inputHash: hashes.size === 1 ? first.hunt.corpus.inputHash : 'mixed',
      inputSize: Math.max(...inputs.map((input) => input.hunt.corpus.inputSize)),
      added: sum((h) => h.corpus.added),
    },
    // Shards keep their feature sets to themselves: the largest shard's count is a lower bound.
    coverage: {
      features: Math.max(...inputs.map((input) => input.hunt.coverage.features)),
      sdkBlocks: Math.max(...inputs.map((input) => input.hunt.coverage.sdkBlocks)),
    },
    growth: [],
  };
  return {
    results: {
      tool: first.tool,
      kind: 'hunt',
      startedAt: inputs.map((input) => input.startedAt).sort()[0]!,
      durationMs: Math.max(...inputs.map((input) => input.durationMs)),
      hunt,
      findings: from.map((entry) => entry.finding),
    },
    from,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
