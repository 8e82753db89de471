/**
 * The hunt's three kinds of work, each a plain-data task that runs the same in the main thread
 * or in a worker thread: explore a batch (generated or mutated programs, every run's findings
 * and features), shrink one finding, triage one finding. A thread keeps only its caches
 * (loaded scenarios, built clients, the SDK coverage session); histories are dropped as soon as
 * a run is judged, except the one shrunk run each finding keeps.
 */
import fc from 'fast-check';
import type { Program, ResolvedScenario } from '../types.js';
import { programArbitrary } from '../arbitraries.js';
import { resolveClient, type ResolvedClient } from '../clients.js';
import { loadScenario } from '../load.js';
import { programAt } from '../replay.js';
import { counterexampleOf } from '../run.js';
import type { Counterexample } from '../results.js';
import { outOfBudget, type HuntControl } from './budget.js';
import { openingLength } from './elements.js';
import { runFeatures } from './features.js';
import { SdkCoverage } from './sdk-coverage.js';
import { greedyShrink } from './shrink.js';
import { triageProgram } from './triage.js';
import { findingsOf, hasSignature, programRunner, type ProgramRunner, type RunFinding } from './program-runner.js';
import type { HuntClient, RunSource, Triage } from './types.js';

interface TaskCommon {
  /** Absolute path of the scenario file. */
  readonly scenario: string;
  readonly cwd: string;
  readonly client: HuntClient;
  readonly control: HuntControl;
}

export type BatchSource =
  | { readonly kind: 'generated'; readonly seed: number; readonly count: number }
  | {
      readonly kind: 'mutants';
      readonly programs: readonly { readonly program: Program; readonly source: RunSource }[];
    };

export interface BatchTask extends TaskCommon {
  readonly type: 'batch';
  readonly batch: number;
  readonly source: BatchSource;
  /** Take the real SDK's block coverage (guided hunts of the SDK). */
  readonly sdkCoverage: boolean;
}

export type ShrinkOrigin =
  | { readonly kind: 'generated'; readonly seed: number; readonly path: string }
  | { readonly kind: 'program'; readonly program: Program };

export interface ShrinkTask extends TaskCommon {
  readonly type: 'shrink';
  readonly signature: string;
  readonly origin: ShrinkOrigin;
  /** Runs the shrink may take. */
  readonly maxRuns: number;
}

export interface TriageTask extends TaskCommon {
  readonly type: 'triage';
  readonly signature: string;
  readonly program: Program;
  /** Variations per step boundary. */
  readonly variations: number;
  readonly maxRuns: number;
}

export type HuntTask = BatchTask | ShrinkTask | TriageTask;

export interface RunOutcome {
  readonly run: number;
  readonly program: Program;
  readonly source: RunSource;
  readonly findings: readonly RunFinding[];
  readonly features: readonly number[];
  readonly sdkBlocks: readonly number[];
}

export interface BatchResult {
  readonly type: 'batch';
  readonly batch: number;
  readonly runs: readonly RunOutcome[];
  /** The deadline or a stop cut the batch short. */
  readonly cut: boolean;
}

export interface ShrinkResult {
  readonly type: 'shrink';
  readonly signature: string;
  readonly counterexample: Counterexample;
  readonly shrinks: number;
  readonly runs: number;
  readonly partial: boolean;
  /** `<seed>:<path>` of the shrunk program, when fast-check shrank it. */
  readonly token?: string;
  /** Where each step's events begin in the shrunk run (last seq before step i+1). */
  readonly stepStarts: readonly number[];
}

export interface TriageResult {
  readonly type: 'triage';
  readonly signature: string;
  readonly triage: Triage;
}

export type HuntTaskResult = BatchResult | ShrinkResult | TriageResult;

/** What a thread keeps between tasks. */
export interface TaskCaches {
  readonly scenarios: Map<string, Promise<ResolvedScenario>>;
  readonly clients: Map<string, Promise<ResolvedClient>>;
  coverage?: Promise<SdkCoverage>;
  /**
   * Awaited before every run. A hunt in the main thread passes a turn of the event loop here:
   * simulated runs settle on microtasks alone, and a signal (SIGINT) is only heard between turns.
   */
  readonly pause?: () => Promise<void>;
}

export function newTaskCaches(pause?: () => Promise<void>): TaskCaches {
  return { scenarios: new Map(), clients: new Map(), ...(pause !== undefined ? { pause } : {}) };
}

export async function runHuntTask(task: HuntTask, caches: TaskCaches): Promise<HuntTaskResult> {
  const scenario = await scenarioOf(task, caches);
  const client = await clientOf(task, scenario, caches);
  const direct = programRunner(scenario, client);
  const pause = caches.pause;
  const runner: ProgramRunner =
    pause === undefined
      ? direct
      : async (program, options) => {
          await pause();
          return direct(program, options);
        };
  switch (task.type) {
    case 'batch':
      return runBatch(task, scenario, runner, caches);
    case 'shrink':
      return runShrink(task, scenario, client, runner);
    case 'triage':
      return {
        type: 'triage',
        signature: task.signature,
        triage: await triageProgram(task.program, {
          signature: task.signature,
          opening: openingLength(scenario),
          variations: task.variations,
          maxRuns: task.maxRuns,
          control: task.control,
          run: runner,
        }),
      };
  }
}

async function runBatch(
  task: BatchTask,
  scenario: ResolvedScenario,
  run: ProgramRunner,
  caches: TaskCaches,
): Promise<BatchResult> {
  const coverage = task.sdkCoverage ? await (caches.coverage ??= SdkCoverage.start()) : undefined;
  const runs: RunOutcome[] = [];
  let cut = false;
  const one = async (program: Program, source: RunSource, index: number): Promise<void> => {
    if (cut || outOfBudget(task.control)) {
      cut = true;
      return;
    }
    // What ran before this program (loading, another task) is not its coverage.
    if (coverage !== undefined) await coverage.take();
    const record = await run(program);
    const blocks = coverage !== undefined ? await coverage.take() : [];
    runs.push({
      run: index,
      program,
      source,
      findings: findingsOf(record),
      features: runFeatures(record.history, record.coverage),
      sdkBlocks: runFeatures([], {}, blocks),
    });
  };
  if (task.source.kind === 'mutants') {
    for (const [index, mutant] of task.source.programs.entries()) await one(mutant.program, mutant.source, index);
  } else {
    const { seed, count } = task.source;
    let index = 0;
    // fast-check's runs 0…count-1 for the seed: run k replays as `<seed>:<k>`. Every run passes,
    // so the property never stops or shrinks; the hunt judges the runs itself.
    await fc.check(
      fc.asyncProperty(programArbitrary(scenario), async (program: Program) => {
        const k = index++;
        await one(program, { kind: 'generated', seed, path: String(k) }, k);
        return true;
      }),
      { seed, numRuns: count, path: '0' },
    );
  }
  return { type: 'batch', batch: task.batch, runs, cut };
}

async function runShrink(
  task: ShrinkTask,
  scenario: ResolvedScenario,
  client: ResolvedClient,
  run: ProgramRunner,
): Promise<ShrinkResult> {
  let runs = 0;
  let partial = false;
  let program: Program;
  let shrinks = 0;
  let token: string | undefined;
  const budgetLeft = (): boolean => {
    if (runs >= task.maxRuns || outOfBudget(task.control)) partial = true;
    return !partial;
  };
  if (task.origin.kind === 'generated') {
    const { seed, path } = task.origin;
    const details = await fc.check(
      fc.asyncProperty(programArbitrary(scenario), async (candidate: Program) => {
        // Past the budget every candidate "passes": fast-check keeps the smallest failure so far.
        if (!budgetLeft()) return true;
        runs++;
        return !hasSignature(await run(candidate), task.signature);
      }),
      { seed, path, numRuns: 1 },
    );
    if (details.failed && details.counterexample !== null) {
      program = details.counterexample[0];
      shrinks = details.numShrinks;
      if (details.counterexamplePath !== null) token = `${seed}:${details.counterexamplePath}`;
    } else {
      program = programAt(scenario, seed, path);
      token = `${seed}:${path}`;
      partial = true;
    }
  } else {
    const shrunk = await greedyShrink(task.origin.program, {
      opening: openingLength(scenario),
      fails: async (candidate) => {
        if (!budgetLeft()) return false;
        runs++;
        return hasSignature(await run(candidate), task.signature);
      },
    });
    program = shrunk.program;
    shrinks = shrunk.shrinks;
  }
  const stepStarts: number[] = [];
  const record = await run(program, { onStepStart: (step, lastSeq) => (stepStarts[step - 1] = lastSeq) });
  const counterexample = counterexampleOf(scenario, client, record, {
    seed: token !== undefined ? Number(token.split(':')[0]) : program.seed,
    ...(token !== undefined ? { path: token.slice(token.indexOf(':') + 1) } : {}),
    shrinks,
  });
  return {
    type: 'shrink',
    signature: task.signature,
    counterexample,
    shrinks,
    runs,
    partial,
    ...(token !== undefined ? { token } : {}),
    stepStarts,
  };
}

async function scenarioOf(task: HuntTask, caches: TaskCaches): Promise<ResolvedScenario> {
  let loading = caches.scenarios.get(task.scenario);
  if (loading === undefined) {
    loading = loadScenario(task.scenario, { cwd: task.cwd });
    caches.scenarios.set(task.scenario, loading);
  }
  return loading;
}

async function clientOf(task: HuntTask, scenario: ResolvedScenario, caches: TaskCaches): Promise<ResolvedClient> {
  const key = JSON.stringify([task.client.choice, task.client.mutations, scenario.pullPageSize ?? null, task.cwd]);
  let resolving = caches.clients.get(key);
  if (resolving === undefined) {
    resolving = resolveClient(task.client.choice, {
      mutations: task.client.mutations,
      cwd: task.cwd,
      ...(scenario.pullPageSize !== undefined ? { pageSize: scenario.pullPageSize } : {}),
    });
    caches.clients.set(key, resolving);
  }
  return resolving;
}
