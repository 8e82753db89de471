/**
 * Running one work unit: a fixed-step scenario, or a range of a generated scenario's runs. The
 * same code runs in the main thread (one worker) and in worker threads, and takes only plain
 * data, so a unit's result does not depend on where it ran.
 */
import fc from 'fast-check';
import { addCoverage } from '../check/coverage.js';
import { programArbitrary } from '../scenario/arbitraries.js';
import { resolveClient, type ResolvedClient } from '../scenario/clients.js';
import { executeProgram } from '../scenario/execute.js';
import { loadScenario } from '../scenario/load.js';
import type { ScenarioResult, ScenarioStatus } from '../scenario/results.js';
import { counterexampleOf, runScenario } from '../scenario/run.js';
import { expectationFor, type Program, type ResolvedScenario } from '../scenario/types.js';
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
}

export interface RunEvent {
  readonly valid: boolean;
  readonly shrinking: boolean;
}

/** Loaded scenarios by absolute path, so a worker loads each file once. */
export type ScenarioCache = Map<string, Promise<ResolvedScenario>>;

export async function runUnit(task: UnitTask, cache: ScenarioCache, onRun: (event: RunEvent) => void = () => undefined): Promise<ScenarioResult> {
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
    const result = await runScenario(scenario, { client: task.client.choice, mutations: task.client.mutations, cwd: task.cwd, seed: task.seed });
    onRun({ valid: result.status === 'passed' || result.status === 'unexpected-pass', shrinking: false });
    return result;
  }
  let client: ResolvedClient;
  try {
    client = await resolveClient(task.client.choice, {
      mutations: task.client.mutations,
      cwd: task.cwd,
      ...(scenario.pullPageSize !== undefined ? { pageSize: scenario.pullPageSize } : {}),
    });
  } catch (error) {
    return errorResult(scenario.name, scenario.file, task.client.label, task.seed, started, error);
  }
  try {
    return await runRange(scenario, client, task.range, task, started, onRun);
  } catch (error) {
    return errorResult(scenario.name, scenario.file, client.name, task.seed, started, error, scenario);
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
  const execute = (program: Program) => executeProgram(scenario, program, { driver: client.driver });
  const coverage: Record<string, number> = {};
  let runs = 0;
  let firstFailureAt: number | undefined;
  const property = fc.asyncProperty(programArbitrary(scenario), async (program) => {
    const record = await execute(program);
    const shrinking = firstFailureAt !== undefined;
    if (!shrinking) {
      runs++;
      addCoverage(coverage, record.coverage);
      if (!record.valid) firstFailureAt = performance.now();
    }
    onRun({ valid: record.valid, shrinking });
    return record.valid;
  });
  const remaining = task.deadline === undefined ? undefined : Math.max(1, task.deadline - Date.now());
  const details = await fc.check(property, {
    seed: task.seed,
    numRuns: range.count,
    path: String(range.start),
    ...(task.shrink ? {} : { endOnFailure: true }),
    ...(remaining !== undefined ? { interruptAfterTimeLimit: remaining } : {}),
  });
  const shrunkAt = performance.now();
  const base = baseResult(scenario, client.name, task.seed, runs, started, coverage);
  if (!details.failed || details.counterexample === null) {
    if (details.failed && !details.interrupted) {
      const error: unknown = details.errorInstance;
      return { ...base, status: 'error', error: `a run crashed: ${error instanceof Error ? error.message : String(error)}` };
    }
    return { ...base, status: statusOf(scenario, client.name, true) };
  }
  const [program] = details.counterexample;
  const record = await execute(program);
  const failure = counterexampleOf(scenario, client, record, {
    seed: details.seed,
    ...(details.counterexamplePath !== null ? { path: details.counterexamplePath } : {}),
    shrinks: details.numShrinks,
  });
  return {
    ...base,
    durationMs: Math.round(performance.now() - started),
    status: statusOf(scenario, client.name, false),
    failure,
    timings: {
      ...(firstFailureAt !== undefined ? { firstFailureMs: Math.round(firstFailureAt - started) } : {}),
      shrunkMs: Math.round(shrunkAt - started),
    },
  };
}

function baseResult(scenario: ResolvedScenario, client: string, seed: number, runs: number, started: number, coverage: Record<string, number>): Omit<ScenarioResult, 'status'> {
  return {
    name: scenario.name,
    ...(scenario.description !== undefined ? { description: scenario.description } : {}),
    file: scenario.file,
    client,
    runs,
    seed,
    durationMs: Math.round(performance.now() - started),
    coverage,
    weak: scenario.coverage.filter((name) => (coverage[name] ?? 0) === 0),
  };
}

function statusOf(scenario: ResolvedScenario, client: string, valid: boolean): ScenarioStatus {
  if (expectationFor(scenario.expect, client) === 'fail') return valid ? 'unexpected-pass' : 'expected-failure';
  return valid ? 'passed' : 'failed';
}

function errorResult(name: string, file: string, client: string, seed: number, started: number, error: unknown, scenario?: ResolvedScenario): ScenarioResult {
  return {
    ...(scenario !== undefined ? baseResult(scenario, client, seed, 0, started, {}) : { name, file, client, runs: 0, seed, durationMs: Math.round(performance.now() - started), coverage: {}, weak: [] }),
    status: 'error',
    error: error instanceof Error ? error.message : String(error),
  };
}
