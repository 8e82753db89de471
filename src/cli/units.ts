/**
 * Splitting a run into work units — one per fixed-step scenario and client, and one per range
 * of runs of a generated scenario and client — and splitting the units into shards.
 *
 * A generated scenario's runs are fast-check's runs 0…N-1 for the seed; a unit runs a range of
 * them (fast-check's `path` starts a run at any index and gives it the same program). The
 * ranges depend on N alone — never on the number of workers or shards — and every unit runs
 * all of its range (up to its first failure), so the same units give the same unit results
 * however they are spread. Combining unit results in unit order (the first failure wins) then
 * gives the same totals whether one process ran everything, workers shared it, or shards ran
 * it on several machines and `merge-reports` joined them. Shards take contiguous slices of the
 * unit list so that shard order is unit order.
 */
import { CLIENT_MUTATIONS, type ClientMutation } from '../client/mutations.js';
import { SDK_HARNESS_MUTATIONS, type SdkHarnessMutation } from '../sdk/mutations.js';
import { compareStrings } from '../report/summary.js';
import type { ResolvedScenario } from '../scenario/types.js';
import { UsageError } from './command.js';

/** One client a run tests, as the command line named it. */
export interface ClientSelection {
  /** `reference`, `sdk`, or a module path. */
  readonly choice: string;
  /** Deliberate bugs of the reference client. */
  readonly mutations: readonly ClientMutation[];
  /** Deliberate bugs of the SDK harness (the real SDK's shims). */
  readonly sdkMutations?: readonly SdkHarnessMutation[];
  /** The client each program also runs on, as the oracle this one is judged against (`--compare`). */
  readonly compare?: 'reference';
  /** As results show it: `reference`, `reference+drop-if-match`, `sdk`, `sdk+xhr-drops-if-match`, a module path. */
  readonly label: string;
}

export interface RunRange {
  readonly start: number;
  readonly count: number;
}

export interface WorkUnit {
  /** Absolute path of the scenario file. */
  readonly file: string;
  /** The scenario file as results show it (relative to the working directory). */
  readonly shownFile: string;
  readonly name: string;
  readonly client: ClientSelection;
  /** The runs of a generated scenario this unit runs; absent for a fixed-step scenario. */
  readonly range?: RunRange;
  /** Runs it stands for in progress figures and shard balancing. */
  readonly weight: number;
}

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly total: number;
}

/**
 * `--client reference|sdk|both|<module>` (a comma list works too), `--mutation a,b`,
 * `--sdk-mutation a,b` and `--compare reference`.
 */
export function parseClients(
  clientOption: string | undefined,
  mutationOption: string | undefined,
  sdkMutationOption?: string,
  compareOption?: string,
): ClientSelection[] {
  const choices = (clientOption ?? 'reference')
    .split(',')
    .map((choice) => choice.trim())
    .filter(Boolean)
    .flatMap((choice) => (choice === 'both' ? ['reference', 'sdk'] : [choice]));
  if (choices.length === 0)
    throw new UsageError(
      `--client expects reference, sdk, both or the path of a driver module, got '${clientOption ?? ''}'`,
    );
  const mutations = parseMutations(mutationOption);
  if (mutations.length > 0 && choices.some((choice) => choice !== 'reference')) {
    throw new UsageError(
      `--mutation applies to the reference client only, not to '${choices.find((choice) => choice !== 'reference')}'`,
    );
  }
  const sdkMutations = parseSdkMutations(sdkMutationOption);
  if (sdkMutations.length > 0 && choices.some((choice) => choice !== 'sdk')) {
    throw new UsageError(
      `--sdk-mutation applies to the sdk client only, not to '${choices.find((choice) => choice !== 'sdk')}'`,
    );
  }
  // The reference client may be compared with itself: a mutant of it, or (the oracle's own soak) itself.
  if (compareOption !== undefined && compareOption !== 'reference')
    throw new UsageError(
      `--compare expects reference (the client the others are judged against), got '${compareOption}'`,
    );
  return [...new Set(choices)].map((choice) => ({
    choice,
    mutations,
    ...(sdkMutations.length > 0 ? { sdkMutations } : {}),
    ...(compareOption !== undefined ? { compare: 'reference' as const } : {}),
    label:
      choice === 'reference' && mutations.length > 0
        ? `reference+${mutations.join('+')}`
        : choice === 'sdk' && sdkMutations.length > 0
          ? `sdk+${sdkMutations.join('+')}`
          : choice,
  }));
}

export function parseSdkMutations(option: string | undefined): SdkHarnessMutation[] {
  if (option === undefined) return [];
  const names = option
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(SDK_HARNESS_MUTATIONS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(
      `--sdk-mutation expects mutant names from: ${SDK_HARNESS_MUTATIONS.join(', ')}; got '${unknown.length > 0 ? unknown.join(',') : option}'`,
    );
  }
  return [...new Set(names)] as SdkHarnessMutation[];
}

export function parseMutations(option: string | undefined): ClientMutation[] {
  if (option === undefined) return [];
  const names = option
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(CLIENT_MUTATIONS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new UsageError(
      `--mutation expects mutant names from: ${CLIENT_MUTATIONS.join(', ')}; got '${unknown.length > 0 ? unknown.join(',') : option}'`,
    );
  }
  return [...new Set(names)] as ClientMutation[];
}

/** The label of a run testing these clients. */
export function clientsLabel(clients: readonly ClientSelection[]): string {
  const label = clients.map((client) => client.label).join(',');
  const against = clients.find((client) => client.compare !== undefined)?.compare;
  return against === undefined ? label : `${label} vs ${against}`;
}

/** `i/n` with 1 ≤ i ≤ n. */
export function parseShard(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (match === null || total < 1 || index < 1 || index > total || total > 10_000) {
    throw new UsageError(`--shard expects <index>/<total> with 1 ≤ index ≤ total, e.g. 1/4; got '${value}'`);
  }
  return { index, total };
}

/** Ranges of a generated scenario's runs: about 8 per scenario, 10 to 250 runs each. */
export function runRanges(total: number): RunRange[] {
  const size = Math.min(250, Math.max(10, Math.ceil(total / 8)));
  const ranges: RunRange[] = [];
  for (let start = 0; start < total; start += size) ranges.push({ start, count: Math.min(size, total - start) });
  return ranges;
}

export interface PlannedScenario {
  readonly file: string;
  readonly scenario: ResolvedScenario;
}

/** Every unit of a run, in result order: scenario file, name, client, then run range. */
export function planUnits(
  scenarios: readonly PlannedScenario[],
  clients: readonly ClientSelection[],
  runs: number | undefined,
): WorkUnit[] {
  const units: WorkUnit[] = [];
  for (const { file, scenario } of scenarios) {
    for (const client of clients) {
      const common = { file, shownFile: scenario.file, name: scenario.name, client };
      if (scenario.program !== undefined) {
        units.push({ ...common, weight: 1 });
        continue;
      }
      for (const range of runRanges(runs ?? scenario.runs)) units.push({ ...common, range, weight: range.count });
    }
  }
  return units.sort(compareUnits);
}

export function compareUnits(a: WorkUnit, b: WorkUnit): number {
  return (
    compareStrings(a.shownFile, b.shownFile) ||
    compareStrings(a.name, b.name) ||
    compareStrings(a.client.label, b.client.label) ||
    (a.range?.start ?? 0) - (b.range?.start ?? 0)
  );
}

/**
 * The contiguous slice of units that shard `index` of `total` runs: a unit belongs to the shard
 * its weight's midpoint falls in, so shards get about equal numbers of runs.
 */
export function selectShard(units: readonly WorkUnit[], shard: Shard | undefined): WorkUnit[] {
  if (shard === undefined) return [...units];
  const total = units.reduce((sum, unit) => sum + unit.weight, 0);
  let before = 0;
  return units.filter((unit) => {
    const middle = before + unit.weight / 2;
    before += unit.weight;
    const owner = Math.min(shard.total, Math.floor((middle / total) * shard.total) + 1);
    return owner === shard.index;
  });
}

/** A key that names the scenario-and-client a unit belongs to. */
export function scenarioKey(unit: WorkUnit): string {
  return JSON.stringify([unit.file, unit.client.label]);
}
