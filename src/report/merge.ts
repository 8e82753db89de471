/**
 * `merge-reports`: joins the results of shards into the results of one run. Counts (scenarios,
 * runs, statuses, coverage) come out as an unsharded run would give them; the order is fixed
 * (scenario file, then name), whatever order the shards are passed in.
 */
import type { RunResults, ScenarioResult, ScenarioStatus } from '../scenario/results.js';
import { joinDroppedWrites } from '../scenario/dropped-writes.js';
import { joinComparisons } from '../scenario/compare.js';
import { joinFindings, staleExpectations } from '../scenario/findings.js';
import { compareStrings } from './summary.js';

export class MergeError extends Error {
  override readonly name = 'MergeError';
}

/** The order of scenarios in merged results: by file, then name, then client. */
export function compareScenarioResults(a: ScenarioResult, b: ScenarioResult): number {
  return compareStrings(a.file, b.file) || compareStrings(a.name, b.name) || compareStrings(a.client, b.client);
}

function shardLabel(results: RunResults, position: number): string {
  return results.shard ? `shard ${results.shard.index}/${results.shard.total}` : `input ${position + 1}`;
}

/** Failing outranks everything; an expected failure that happened anywhere outranks a pass. */
function combineStatus(statuses: readonly ScenarioStatus[]): ScenarioStatus {
  const order: ScenarioStatus[] = ['error', 'failed', 'expected-failure', 'unexpected-pass', 'passed'];
  for (const status of order) if (statuses.includes(status)) return status;
  return 'passed';
}

/** One scenario that ran in several shards (when a runner splits runs, not scenarios). */
function combineScenario(parts: readonly ScenarioResult[]): ScenarioResult {
  const first = parts[0]!;
  if (parts.length === 1) return first;
  // Findings join by signature; the status and stale expectations follow from the joined tally.
  const findings = joinFindings(parts.map((part) => part.findings ?? []));
  const droppedWrites = joinDroppedWrites(parts.map((part) => part.droppedWrites ?? []));
  const expected = first.expected ?? [];
  const status = combineStatus(parts.map((part) => part.status));
  const stale = findings.some((finding) => finding.disposition === 'expected')
    ? staleExpectations(expected, findings)
    : [];
  const source = parts.find((part) => part.status === status) ?? first;
  const coverage = new Map<string, number>();
  for (const part of parts) {
    for (const [name, count] of Object.entries(part.coverage)) coverage.set(name, (coverage.get(name) ?? 0) + count);
  }
  // A counter is weak only if no shard reached it.
  const weak = first.weak.filter((name) => parts.every((part) => part.weak.includes(name)));
  const description = parts.find((part) => part.description !== undefined)?.description;
  const comparison = joinComparisons(parts.map((part) => part.comparison));
  const merged: ScenarioResult = {
    name: first.name,
    ...(description !== undefined ? { description } : {}),
    file: first.file,
    client: first.client,
    status,
    runs: parts.reduce((sum, part) => sum + part.runs, 0),
    seed: first.seed,
    durationMs: parts.reduce((sum, part) => sum + part.durationMs, 0),
    coverage: Object.fromEntries([...coverage].sort((a, b) => compareStrings(a[0], b[0]))),
    weak,
    ...(findings.length > 0 ? { findings } : {}),
    ...(expected.length > 0 ? { expected } : {}),
    ...(stale.length > 0 ? { staleExpectations: stale } : {}),
    ...(first.notes !== undefined ? { notes: first.notes } : {}),
    ...(droppedWrites.length > 0 ? { droppedWrites } : {}),
    ...(source.failure !== undefined ? { failure: source.failure } : {}),
    ...(source.error !== undefined ? { error: source.error } : {}),
    ...(source.timings !== undefined ? { timings: source.timings } : {}),
    ...(comparison !== undefined ? { comparison } : {}),
  };
  return merged;
}

function checkCompatible(inputs: readonly RunResults[]): void {
  const first = inputs[0]!;
  inputs.forEach((results, position) => {
    if (results.seed !== first.seed) {
      throw new MergeError(
        `cannot merge results of different runs: ${shardLabel(first, 0)} has seed ${first.seed}, ${shardLabel(results, position)} has seed ${results.seed}`,
      );
    }
    if (results.client !== first.client) {
      throw new MergeError(
        `cannot merge results of different clients: ${shardLabel(first, 0)} ran "${first.client}", ${shardLabel(results, position)} ran "${results.client}"`,
      );
    }
  });
  const sharded = inputs.filter((results) => results.shard !== undefined);
  const totals = new Set(sharded.map((results) => results.shard!.total));
  if (totals.size > 1)
    throw new MergeError(
      `cannot merge shards of different splits (totals ${[...totals].sort((a, b) => a - b).join(' and ')})`,
    );
  const seen = new Set<number>();
  for (const results of sharded) {
    if (seen.has(results.shard!.index))
      throw new MergeError(`shard ${results.shard!.index}/${results.shard!.total} is given twice`);
    seen.add(results.shard!.index);
  }
}

function time(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : Number.NaN;
}

export function mergeResults(inputs: readonly RunResults[]): RunResults {
  if (inputs.length === 0) throw new MergeError('nothing to merge: no results were given');
  checkCompatible(inputs);
  // Shard order decides which counterexample wins when a scenario failed in several shards.
  const ordered = inputs
    .map((results, position) => ({ results, position }))
    .sort(
      (a, b) =>
        (a.results.shard?.index ?? Number.MAX_SAFE_INTEGER) - (b.results.shard?.index ?? Number.MAX_SAFE_INTEGER) ||
        a.position - b.position,
    )
    .map(({ results }) => results);
  const first = ordered[0]!;

  const groups = new Map<string, ScenarioResult[]>();
  for (const results of ordered) {
    for (const scenario of results.scenarios) {
      const key = JSON.stringify([scenario.file, scenario.name, scenario.client]);
      groups.set(key, [...(groups.get(key) ?? []), scenario]);
    }
  }
  const scenarios = [...groups.values()].map(combineScenario).sort(compareScenarioResults);

  const starts = ordered.map((results) => time(results.startedAt));
  let startedAt = first.startedAt;
  let durationMs = Math.max(...ordered.map((results) => results.durationMs));
  if (starts.every(Number.isFinite)) {
    const start = Math.min(...starts);
    const end = Math.max(...ordered.map((results, i) => starts[i]! + results.durationMs));
    startedAt = ordered[starts.indexOf(start)]!.startedAt;
    durationMs = end - start;
  }
  return { tool: first.tool, seed: first.seed, client: first.client, startedAt, durationMs, scenarios };
}
