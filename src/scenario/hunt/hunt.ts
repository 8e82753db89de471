/**
 * The hunt: runs the generated scenarios with fresh seeds until the budget is spent, never
 * stopping at a failure. Work goes in rounds of batches (seed-stream.ts); a round's results are
 * taken in batch order, so the findings, their first occurrences and the corpus do not depend on
 * how many threads ran the round. Each distinct signature (per client and version) is shrunk
 * once, then triaged; later occurrences are only counted. The hunt holds its tallies, the
 * feature set, the corpus and one shrunk run per finding — nothing per run.
 */
import type { Counterexample } from '../results.js';
import type { Program, ResolvedScenario } from '../types.js';
import { knownEntry, clientKey, type Baseline } from './baseline.js';
import { interrupted, outOfBudget, wallNow, type HuntBudget, type HuntControl, type HuntEnd } from './budget.js';
import type { Corpus } from './corpus.js';
import { openingLength, programElements } from './elements.js';
import { mutate } from './mutation.js';
import {
  batchRuns,
  batchScenario,
  batchSeed,
  inShard,
  isMutationBatch,
  mutationRandom,
  ROUND_BATCHES,
  type Shard,
} from './seed-stream.js';
import {
  newTaskCaches,
  runHuntTask,
  type BatchResult,
  type BatchTask,
  type HuntTask,
  type HuntTaskResult,
  type ShrinkResult,
  type ShrinkTask,
  type TaskCaches,
  type TriageResult,
  type TriageTask,
} from './tasks.js';
import type { GrowthPoint, HuntClient, HuntFinding, HuntSummary, RunSource, ShrinkOutcome, Triage } from './types.js';

/** Runs tasks (on threads or here) and hands back their results in task order. */
export type TaskExecutor = (tasks: readonly HuntTask[]) => Promise<HuntTaskResult[]>;

export interface HuntScenario {
  /** Absolute path (tasks load it). */
  readonly file: string;
  readonly scenario: ResolvedScenario;
}

export interface HuntProgress {
  readonly phase: 'explore' | 'shrink' | 'triage';
  readonly runs: number;
  readonly findings: number;
  readonly features: number;
  readonly sdkBlocks: number;
  /** Features first reached in the last round. */
  readonly newFeatures: number;
}

export interface SavedCounterexample {
  readonly file: string;
  readonly replayCommand: string;
}

export interface HuntOptions {
  readonly scenarios: readonly HuntScenario[];
  readonly cwd: string;
  readonly client: HuntClient;
  readonly seed: number;
  readonly budget: HuntBudget;
  readonly workers: number;
  readonly shard?: Shard;
  readonly guidance: boolean;
  /** Take the real SDK's block coverage without guidance too (the bench compares coverage both ways). */
  readonly measureSdkCoverage?: boolean;
  readonly corpus: Corpus;
  readonly baseline?: Baseline;
  readonly baselineFile?: string;
  readonly control: HuntControl;
  readonly execute: TaskExecutor;
  /** Runs one shrink may take. Default 200. */
  readonly shrinkRuns?: number;
  /** Variations per step boundary in triage (0: no triage). Default 4. */
  readonly triageVariations?: number;
  /** Runs one triage may take. Default 200. */
  readonly triageRuns?: number;
  /** Writes a finding's shrunk counterexample; called once per finding. */
  readonly save: (index: number, finding: HuntFinding, counterexample: Counterexample) => Promise<SavedCounterexample>;
  readonly onProgress?: (progress: HuntProgress) => void;
  /** A new distinct finding, as first met. */
  readonly onFinding?: (finding: HuntFinding) => void;
}

export interface HuntOutcome {
  readonly summary: HuntSummary;
  readonly findings: readonly HuntFinding[];
  /** The shrunk counterexample of each finding that got one, by signature. */
  readonly counterexamples: ReadonlyMap<string, Counterexample>;
}

interface Book {
  finding: HuntFinding;
  occurrences: number;
  shrunk?: ShrinkOutcome;
  triage?: Triage;
  stepStarts?: readonly number[];
  program?: Program;
  /** Shrunk, triaged (or given up on). */
  done: { shrink: boolean; triage: boolean };
}

export async function hunt(options: HuntOptions): Promise<HuntOutcome> {
  const started = wallNow();
  const key = clientKey(options.client.label, options.client.version);
  const seen = new Set<number>();
  const sdkSeen = new Set<number>();
  if (options.guidance) {
    for (const scenario of options.scenarios) {
      for (const entry of options.corpus.of(scenario.scenario.file)) for (const f of entry.features) seen.add(f);
    }
  }
  const book = new Map<string, Book>();
  const order: string[] = [];
  const counterexamples = new Map<string, Counterexample>();
  const growth: GrowthPoint[] = [];
  let runs = 0;
  let mutantRuns = 0;
  let batches = 0;
  let end: HuntEnd = 'runs';
  const count = options.scenarios.length;
  const progress = (phase: HuntProgress['phase'], newFeatures = 0): void =>
    options.onProgress?.({
      phase,
      runs,
      findings: book.size,
      features: seen.size,
      sdkBlocks: sdkSeen.size,
      newFeatures,
    });

  // A deadline is shared out: exploration stops early enough to leave a quarter of the budget
  // for shrinking (up to the last tenth) and triage (the last tenth) of what it found.
  const deadline = options.control.deadline;
  const span = deadline === undefined ? 0 : deadline - started;
  const phaseControl = (share: number): HuntControl =>
    deadline === undefined ? options.control : { ...options.control, deadline: deadline - span * share };
  for (let round = 0; ; round++) {
    const exploreUntil = phaseControl(book.size > 0 ? 0.25 : 0);
    if (outOfBudget(exploreUntil)) {
      end = interrupted(options.control) ? 'interrupted' : 'deadline';
      break;
    }
    const indices = Array.from({ length: ROUND_BATCHES }, (_, i) => round * ROUND_BATCHES + i).filter(
      (b) => batchRuns(b, options.budget) > 0 && inShard(b, options.shard),
    );
    if (indices.length === 0) {
      if (options.budget.kind === 'runs' && batchRuns(round * ROUND_BATCHES, options.budget) === 0) break;
      continue;
    }
    const tasks = indices.map((b) => batchTask(b, options, exploreUntil));
    const results = (await options.execute(tasks)) as BatchResult[];
    let fresh = 0;
    for (const result of results) {
      batches++;
      const scenario = options.scenarios[batchScenario(result.batch, count)]!;
      for (const outcome of result.runs) {
        runs++;
        if (outcome.source.kind === 'mutant') mutantRuns++;
        let novel = 0;
        for (const f of outcome.features) {
          if (seen.has(f)) continue;
          seen.add(f);
          novel++;
        }
        for (const f of outcome.sdkBlocks) {
          if (sdkSeen.has(f)) continue;
          sdkSeen.add(f);
          if (seen.has(f)) continue;
          seen.add(f);
          novel++;
        }
        fresh += novel;
        if (novel > 0 && options.guidance) {
          options.corpus.add(scenario.scenario.file, outcome.program, [...outcome.features, ...outcome.sdkBlocks]);
        }
        for (const found of outcome.findings) {
          const known = book.get(found.signature);
          if (known !== undefined) {
            known.occurrences++;
            continue;
          }
          const baselineEntry = knownEntry(options.baseline, key, found.signature);
          const finding: HuntFinding = {
            signature: found.signature,
            checker: found.checker,
            status: baselineEntry === undefined ? 'new' : 'known',
            ...(baselineEntry !== undefined ? { note: baselineEntry.note } : {}),
            scenario: scenario.scenario.file,
            scenarioName: scenario.scenario.name,
            first: {
              batch: result.batch,
              run: outcome.run,
              source: outcome.source,
              example: found.example,
              metadata: found.metadata,
            },
            occurrences: 1,
          };
          book.set(found.signature, {
            finding,
            occurrences: 1,
            program: outcome.program,
            done: { shrink: false, triage: false },
          });
          order.push(found.signature);
          options.onFinding?.(finding);
        }
      }
    }
    growth.push({
      runs,
      features: seen.size,
      sdkBlocks: sdkSeen.size,
      findings: book.size,
      ms: Math.round(wallNow() - started),
    });
    progress('explore', fresh);
  }
  // Each distinct finding is shrunk once, then triaged. A hunt that stopped still shrinks (and
  // marks partial) what it found: the counterexample files are the point.
  await shrinkNew(options, book, order, counterexamples, phaseControl(0.1), () => progress('shrink'));
  await triageNew(options, book, order, options.control, () => progress('triage'));

  const findings = order.map((signature) => finished(book.get(signature)!));
  const summary: HuntSummary = {
    seed: options.seed,
    client: options.client.label,
    clientVersion: options.client.version,
    budget: options.budget,
    workers: options.workers,
    ...(options.shard !== undefined ? { shard: options.shard } : {}),
    guidance: options.guidance,
    scenarios: options.scenarios.map((scenario) => scenario.scenario.file),
    runs,
    batches,
    mutantRuns,
    end,
    corpus: {
      inputHash: options.guidance ? options.corpus.inputHash : 'unused',
      inputSize: options.guidance ? options.corpus.size - options.corpus.addedEntries.length : 0,
      added: options.corpus.addedEntries.length,
    },
    coverage: { features: seen.size, sdkBlocks: sdkSeen.size },
    growth,
    ...(options.baselineFile !== undefined ? { baseline: options.baselineFile } : {}),
  };
  return { summary, findings, counterexamples };
}

/** Runs tasks one after the other in this thread. */
export function localExecutor(caches: TaskCaches = newTaskCaches()): TaskExecutor {
  return async (tasks) => {
    const results: HuntTaskResult[] = [];
    for (const task of tasks) results.push(await runHuntTask(task, caches));
    return results;
  };
}

function finished(entry: Book): HuntFinding {
  return {
    ...entry.finding,
    occurrences: entry.occurrences,
    ...(entry.shrunk !== undefined ? { shrunk: entry.shrunk } : {}),
    ...(entry.triage !== undefined ? { triage: entry.triage } : {}),
  };
}

function batchTask(batch: number, options: HuntOptions, control: HuntControl): BatchTask {
  const scenario = options.scenarios[batchScenario(batch, options.scenarios.length)]!;
  const count = batchRuns(batch, options.budget);
  const common = {
    type: 'batch' as const,
    scenario: scenario.file,
    cwd: options.cwd,
    client: options.client,
    control,
    batch,
    sdkCoverage: (options.guidance || options.measureSdkCoverage === true) && options.client.choice === 'sdk',
  };
  const entries = options.guidance ? options.corpus.of(scenario.scenario.file) : [];
  if (entries.length === 0 || !isMutationBatch(options.seed, batch)) {
    return { ...common, source: { kind: 'generated', seed: batchSeed(options.seed, batch), count } };
  }
  const random = mutationRandom(options.seed, batch);
  const opening = openingLength(scenario.scenario);
  const donors = entries.map((entry) => entry.program);
  const programs: { program: Program; source: RunSource }[] = [];
  for (let i = 0; i < count; i++) {
    const parent = entries[random.int(0, entries.length - 1)]!;
    const mutant = mutate(parent.program, { scenario: scenario.scenario, opening, donors }, random);
    programs.push({
      program: mutant.program,
      source: { kind: 'mutant', parent: parent.id, mutations: mutant.mutations },
    });
  }
  return { ...common, source: { kind: 'mutants', programs } };
}

async function shrinkNew(
  options: HuntOptions,
  book: Map<string, Book>,
  order: readonly string[],
  counterexamples: Map<string, Counterexample>,
  control: HuntControl,
  onProgress: () => void,
): Promise<void> {
  const pending = order.map((signature) => book.get(signature)!).filter((entry) => !entry.done.shrink);
  if (pending.length === 0) return;
  onProgress();
  const slices = sliced(control, pending.length, options.workers);
  const tasks: ShrinkTask[] = pending.map((entry, i) => {
    const scenario = options.scenarios.find((s) => s.scenario.file === entry.finding.scenario)!;
    const source = entry.finding.first.source;
    return {
      type: 'shrink',
      scenario: scenario.file,
      cwd: options.cwd,
      client: options.client,
      control: slices[i]!,
      signature: entry.finding.signature,
      origin:
        source.kind === 'generated'
          ? { kind: 'generated', seed: source.seed, path: source.path }
          : { kind: 'program', program: entry.program! },
      maxRuns: options.shrinkRuns ?? 200,
    };
  });
  const results = (await options.execute(tasks)) as ShrinkResult[];
  for (const [i, result] of results.entries()) {
    const entry = pending[i]!;
    entry.done.shrink = true;
    entry.program = result.counterexample.program as unknown as Program;
    entry.stepStarts = result.stepStarts;
    const index = order.indexOf(entry.finding.signature) + 1;
    const saved = await options.save(index, entry.finding, result.counterexample);
    const program = entry.program;
    entry.shrunk = {
      size: program.steps.length,
      faults: programElements(program, program.steps.length).length,
      shrinks: result.shrinks,
      runs: result.runs,
      partial: result.partial,
      file: saved.file,
      replayCommand: saved.replayCommand,
      ...(result.token !== undefined ? { token: result.token } : {}),
    };
    counterexamples.set(entry.finding.signature, result.counterexample);
  }
}

async function triageNew(
  options: HuntOptions,
  book: Map<string, Book>,
  order: readonly string[],
  control: HuntControl,
  onProgress: () => void,
): Promise<void> {
  const variations = options.triageVariations ?? 4;
  const pending = order
    .map((signature) => book.get(signature)!)
    .filter((entry) => entry.done.shrink && !entry.done.triage);
  if (pending.length === 0) return;
  // Past the budget a triage would be all partial: the finding says it was not triaged instead.
  if (variations === 0 || outOfBudget(control)) {
    for (const entry of pending) entry.done.triage = true;
    return;
  }
  onProgress();
  const slices = sliced(control, pending.length, options.workers);
  const tasks: TriageTask[] = pending.map((entry, i) => ({
    type: 'triage',
    scenario: options.scenarios.find((s) => s.scenario.file === entry.finding.scenario)!.file,
    cwd: options.cwd,
    client: options.client,
    control: slices[i]!,
    signature: entry.finding.signature,
    program: entry.program!,
    variations,
    maxRuns: options.triageRuns ?? 200,
  }));
  const results = (await options.execute(tasks)) as TriageResult[];
  for (const [i, result] of results.entries()) {
    pending[i]!.done.triage = true;
    pending[i]!.triage = result.triage;
  }
}

/**
 * Each of `count` tasks gets an equal slice of the time left (tasks run `workers` at a time, in
 * order), so the first finding's shrink cannot eat the time of the others.
 */
function sliced(control: HuntControl, count: number, workers: number): HuntControl[] {
  const deadline = control.deadline;
  if (deadline === undefined) return Array.from({ length: count }, () => control);
  const now = wallNow();
  const lanes = Math.max(1, Math.min(workers, count));
  const slice = Math.max(0, deadline - now) / Math.ceil(count / lanes);
  return Array.from({ length: count }, (_, i) => ({
    ...control,
    deadline: Math.min(deadline, now + slice * (Math.floor(i / lanes) + 1)),
  }));
}
