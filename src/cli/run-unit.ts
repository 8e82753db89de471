/**
 * Running one work unit: a fixed-step scenario, or a range of a generated scenario's runs. The
 * same code runs in the main thread (one worker) and in worker threads, and takes only plain
 * data, so a unit's result does not depend on where it ran.
 */
import { resolveClient, type ResolvedClient } from '../scenario/clients.js';
import { loadScenario } from '../scenario/load.js';
import type { ScenarioResult } from '../scenario/results.js';
import {
  crashedResult,
  executorFor,
  runGenerated,
  runScenario,
  type ProgramExecutor,
  type RunSelection,
} from '../scenario/run.js';
import type { ResolvedScenario } from '../scenario/types.js';
import type { ClientSelection, RunRange } from './units.js';

/** What a unit needs, as plain data (it crosses to worker threads). */
export interface UnitTask {
  readonly file: string;
  readonly client: ClientSelection;
  readonly range?: RunRange;
  readonly seed: number;
  readonly cwd: string;
  /** False when an earlier unit of the scenario already failed: this one's counterexample would not be shown. */
  readonly shrink: boolean;
  /** Wall-clock ms since the epoch after which no new run starts (`--time-limit`). */
  readonly deadline?: number;
  /**
   * Count every signature instead of stopping at the first new one (`syncwright soak`): every
   * violation is tallied as known, so the runs go on and the tally says how often each came.
   */
  readonly countAll?: boolean;
}

export interface RunEvent {
  readonly valid: boolean;
  readonly shrinking: boolean;
}

/** Loaded scenarios by absolute path, so a worker loads each file once. */
export type ScenarioCache = Map<string, Promise<ResolvedScenario>>;

export async function runUnit(
  task: UnitTask,
  cache: ScenarioCache,
  onRun: (event: RunEvent) => void = () => undefined,
): Promise<ScenarioResult> {
  const started = performance.now();
  let scenario: ResolvedScenario;
  try {
    let loading = cache.get(task.file);
    if (loading === undefined) {
      loading = loadScenario(task.file, { cwd: task.cwd });
      cache.set(task.file, loading);
    }
    scenario = await loading;
  } catch (error) {
    return errorResult(task.file, task.file, task.client.label, task.seed, started, error);
  }
  if (scenario.program !== undefined || task.range === undefined) {
    const result = await runScenario(scenario, {
      client: task.client.choice,
      mutations: task.client.mutations,
      ...(task.client.sdkMutations !== undefined ? { sdkMutations: task.client.sdkMutations } : {}),
      ...(task.client.compare !== undefined ? { compare: task.client.compare } : {}),
      cwd: task.cwd,
      seed: task.seed,
    });
    onRun({ valid: result.status === 'passed' || result.status === 'unexpected-pass', shrinking: false });
    return result;
  }
  let client: ResolvedClient;
  try {
    client = await resolveClient(task.client.choice, {
      mutations: task.client.mutations,
      ...(task.client.sdkMutations !== undefined ? { sdkMutations: task.client.sdkMutations } : {}),
      cwd: task.cwd,
      ...(scenario.pullPageSize !== undefined ? { pageSize: scenario.pullPageSize } : {}),
    });
  } catch (error) {
    return errorResult(scenario.name, scenario.file, task.client.label, task.seed, started, error);
  }
  try {
    return await runRange(scenario, client, task.range, task, started, onRun);
  } catch (error) {
    return crashedResult(scenario, client, task.seed, started, error);
  }
}

/**
 * fast-check's runs `start`…`start+count-1` for the seed, as `runScenario` would run them in a
 * run of the whole scenario (`path: "<start>"` makes fast-check begin at that run), shrinking
 * the first failure to a minimal program.
 */
async function runRange(
  scenario: ResolvedScenario,
  client: ResolvedClient,
  range: RunRange,
  task: UnitTask,
  started: number,
  onRun: (event: RunEvent) => void,
): Promise<ScenarioResult> {
  const executeOne = await executorFor(scenario, client, {
    ...(task.client.compare !== undefined ? { compare: task.client.compare } : {}),
    ...(task.countAll === true ? { countAll: true } : {}),
  });
  const execute: ProgramExecutor = async (program) => {
    // A run is mostly promise callbacks; a turn of the event loop between runs lets Ctrl-C (and a
    // worker's messages) through within one run's time instead of at the end of the unit.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return executeOne(program);
  };
  const remaining = task.deadline === undefined ? undefined : Math.max(1, task.deadline - Date.now());
  const selection: RunSelection = {
    seed: task.seed,
    numRuns: range.count,
    path: String(range.start),
    endOnFailure: !task.shrink,
    ...(remaining !== undefined ? { timeLimitMs: remaining } : {}),
  };
  // Events cross to the main thread: only what it reads.
  const run = await runGenerated(scenario, client, execute, started, selection, ({ valid, shrinking }) =>
    onRun({ valid, shrinking }),
  );
  return run.result;
}

function errorResult(
  name: string,
  file: string,
  client: string,
  seed: number,
  started: number,
  error: unknown,
): ScenarioResult {
  return {
    name,
    file,
    client,
    runs: 0,
    seed,
    durationMs: Math.round(performance.now() - started),
    coverage: {},
    weak: [],
    status: 'error',
    error: error instanceof Error ? error.message : String(error),
  };
}
