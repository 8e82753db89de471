/**
 * Running a scenario. Fixed-step scenarios run their one program. Generated scenarios run as a
 * fast-check property (`fc.check`): each run draws a program, executes it in a fresh world and
 * passes if every checker passes; a failure is shrunk to a minimal program and reported with
 * the seed and path that reproduce it.
 */
import fc from 'fast-check';
import { addCoverage } from '../check/coverage.js';
import { impliedCoverage } from './reach.js';
import type { ClientMutation } from '../client/mutations.js';
import type { JsonObject } from '../protocol/records.js';
import type { SdkHarnessMutation } from '../sdk/mutations.js';
import { programArbitrary } from './arbitraries.js';
import { resolveClient, type ClientChoice, type ResolvedClient } from './clients.js';
import { executeProgram, type RunRecord } from './execute.js';
import { loadScenario } from './load.js';
import { resolveDefinition } from './resolve.js';
import type { Declarations } from '../check/judge.js';
import { DroppedWriteTally } from './dropped-writes.js';
import { FindingTally, scenarioStatus, staleExpectations } from './findings.js';
import {
  ComparisonTally,
  counterexampleComparison,
  differentialDeclarations,
  executeComparison,
  type ComparedRun,
} from './compare.js';
import type { Counterexample, ScenarioResult } from './results.js';
import { expectationFor, type Program, type ResolvedScenario, type ScenarioDefinition } from './types.js';

/** A scenario file path, a definition, or a scenario already loaded. */
export type ScenarioInput = string | ScenarioDefinition | ResolvedScenario;

export const DEFAULT_SEED = 42;

export interface RunScenarioOptions {
  /** Generated runs. Default: the scenario's `runs` (100 unless it says). */
  readonly runs?: number;
  /** fast-check seed. Default 42, so that a plain run is repeatable; pass a fresh one to explore. */
  readonly seed?: number;
  /** Replay one fast-check path (with its seed) instead of searching. */
  readonly path?: string;
  /** Default `reference`. */
  readonly client?: ClientChoice;
  /** Deliberate bugs for the reference client (the self-test). */
  readonly mutations?: readonly ClientMutation[];
  /** Deliberate bugs of the SDK harness, for `client: 'sdk'` (the harness self-test). */
  readonly sdkMutations?: readonly SdkHarnessMutation[];
  /**
   * Run each program on the reference client too and judge the client under test against it
   * (the differential oracle, check/differential.ts); faults are aligned by meaning.
   */
  readonly compare?: 'reference';
  /** Where relative paths start. Default: the process's working directory. */
  readonly cwd?: string;
  /** Shrink a failure to a minimal program. Default true. */
  readonly shrink?: boolean;
  /** Timers one drive call may fire before the run counts as a livelock. Default 2,000. */
  readonly maxSteps?: number;
  /** Called after each run (shrinking runs included). */
  readonly onRun?: RunListener;
}

/** Hears of each run as it ends; `index` counts every run, shrinking runs included. */
export type RunListener = (run: {
  readonly index: number;
  readonly valid: boolean;
  readonly shrinking: boolean;
}) => void;

/** Which of a seed's generated runs to execute (fast-check's runs, in its order). */
export interface RunSelection {
  readonly seed: number;
  readonly numRuns: number;
  /** A fast-check path: the run to begin at (`"<n>"`), or a failing run to replay. */
  readonly path?: string;
  /** Report the first failure as found instead of shrinking it. */
  readonly endOnFailure?: boolean;
  /** Wall-clock ms after which no new run starts. */
  readonly timeLimitMs?: number;
}

/** Executes one program of the scenario with the client under test. */
export type ProgramExecutor = (program: Program) => Promise<RunRecord>;

/** A result plus what the self-test and the bench measure. */
export interface ScenarioRun {
  readonly result: ScenarioResult;
  readonly scenario?: ResolvedScenario;
  /** The minimal failing run, executed once more (same program ⇒ same history). */
  readonly failingRun?: RunRecord;
}

export async function runScenario(input: ScenarioInput, options: RunScenarioOptions = {}): Promise<ScenarioResult> {
  return (await runScenarioDetailed(input, options)).result;
}

export async function toResolvedScenario(input: ScenarioInput, cwd = process.cwd()): Promise<ResolvedScenario> {
  if (typeof input === 'string') return loadScenario(input, { cwd });
  if ('definition' in input && 'baseDir' in input) return input;
  return resolveDefinition(input as ScenarioDefinition, '<inline>', cwd);
}

export async function runScenarioDetailed(
  input: ScenarioInput,
  options: RunScenarioOptions = {},
): Promise<ScenarioRun> {
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_SEED;
  let scenario: ResolvedScenario;
  let client: ResolvedClient;
  const fileOf =
    typeof input === 'string' ? input : 'file' in input && typeof input.file === 'string' ? input.file : '<inline>';
  try {
    scenario = await toResolvedScenario(input, options.cwd);
    client = await resolveClient(options.client, {
      ...(options.mutations !== undefined ? { mutations: options.mutations } : {}),
      ...(options.sdkMutations !== undefined ? { sdkMutations: options.sdkMutations } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(scenario.pullPageSize !== undefined ? { pageSize: scenario.pullPageSize } : {}),
    });
  } catch (error) {
    const name = typeof input === 'string' ? input : input.name;
    return {
      result: {
        name,
        file: fileOf,
        client: typeof options.client === 'object' ? options.client.name : (options.client ?? 'reference'),
        status: 'error',
        runs: 0,
        seed,
        durationMs: Math.round(performance.now() - started),
        coverage: {},
        weak: [],
        error: error instanceof Error ? error.message : String(error),
      },
    };
  }
  try {
    const execute = await executorFor(scenario, client, {
      ...(options.compare !== undefined ? { compare: options.compare } : {}),
      ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
    });
    return scenario.program !== undefined
      ? await runFixed(scenario, client, execute, started)
      : await runGenerated(scenario, client, execute, started, selectionOf(scenario, seed, options), options.onRun);
  } catch (error) {
    return { scenario, result: crashedResult(scenario, client, seed, started, error) };
  }
}

/**
 * How each program of a scenario runs for a client: on its own, or (`compare`) on the reference
 * client first and then on the client, judged against it as well.
 */
export async function executorFor(
  scenario: ResolvedScenario,
  client: ResolvedClient,
  options: { readonly compare?: 'reference'; readonly maxSteps?: number; readonly countAll?: boolean } = {},
): Promise<ProgramExecutor> {
  // countAll (`syncwright soak`): every signature is tallied as known, so the runs go on.
  const tallyAll: Declarations = { allow: scenario.allow, expected: ['*'] };
  const declarations = options.countAll === true ? tallyAll : declarationsFor(scenario, client.name);
  const limits = options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {};
  if (options.compare === undefined)
    return (program) => executeProgram(scenario, program, { driver: client.driver, declarations, ...limits });
  const reference = await resolveClient('reference', {
    ...(scenario.pullPageSize !== undefined ? { pageSize: scenario.pullPageSize } : {}),
  });
  const differences =
    options.countAll === true ? { allow: [], expected: ['*'] } : differentialDeclarations(scenario, client.name);
  return (program) =>
    executeComparison(scenario, program, {
      reference: reference.driver,
      candidate: client.driver,
      declarations,
      differences,
      ...limits,
    });
}

function selectionOf(scenario: ResolvedScenario, seed: number, options: RunScenarioOptions): RunSelection {
  return {
    seed,
    numRuns: options.runs ?? scenario.runs,
    ...(options.path !== undefined ? { path: options.path } : {}),
    // A replayed path names the one run to show: report it as it is, not shrunk further.
    endOnFailure: options.path !== undefined || options.shrink === false,
  };
}

/** The result of a scenario whose run threw (a policy module that does not load, say). */
export function crashedResult(
  scenario: ResolvedScenario,
  client: ResolvedClient,
  seed: number,
  started: number,
  error: unknown,
): ScenarioResult {
  return {
    ...baseResult(scenario, client, seed, 0, started, {}),
    status: 'error',
    error: error instanceof Error ? error.message : String(error),
  };
}

async function runFixed(
  scenario: ResolvedScenario,
  client: ResolvedClient,
  execute: ProgramExecutor,
  started: number,
): Promise<ScenarioRun> {
  const program = scenario.program!;
  const record = await execute(program);
  const tally = new FindingTally();
  tally.add(record, { seed: program.seed });
  const dropped = new DroppedWriteTally();
  dropped.add(record, { seed: program.seed });
  const comparisons = new ComparisonTally();
  comparisons.add(record, String(program.seed));
  // A known finding is shown too: the report's timeline is how one looks at it.
  const shown = record.judgement.violations.some((violation) => violation.disposition !== 'allowed');
  const failure = shown ? counterexampleOf(scenario, client, record, { seed: program.seed, shrinks: 0 }) : undefined;
  const elapsed = performance.now() - started;
  return {
    scenario,
    ...(record.valid ? {} : { failingRun: record }),
    result: {
      ...baseResult(scenario, client, program.seed, 1, started, record.coverage, tally, dropped, comparisons),
      ...(failure !== undefined
        ? { failure, timings: { firstFailureMs: Math.round(elapsed), shrunkMs: Math.round(elapsed) } }
        : {}),
    },
  };
}

/**
 * Runs the selected runs of a generated scenario as a fast-check property and shrinks the first
 * failure to a minimal program. `runScenario` and the CLI's work units (a range of runs each)
 * both run here, so a seed and a path name the same program wherever they ran.
 */
export async function runGenerated(
  scenario: ResolvedScenario,
  client: ResolvedClient,
  execute: ProgramExecutor,
  started: number,
  selection: RunSelection,
  onRun?: RunListener,
): Promise<ScenarioRun> {
  const coverage: Record<string, number> = {};
  const tally = new FindingTally();
  const dropped = new DroppedWriteTally();
  const comparisons = new ComparisonTally();
  // Run k of the selection is fast-check's run `first + k` for the seed: its replay path.
  const first = selection.path !== undefined && /^\d+$/.test(selection.path) ? Number(selection.path) : 0;
  const replaying = selection.path !== undefined && !/^\d+$/.test(selection.path);
  let runs = 0;
  let index = 0;
  let firstFailureAt: number | undefined;
  const property = fc.asyncProperty(programArbitrary(scenario), async (program) => {
    const record = await execute(program);
    const shrinking = firstFailureAt !== undefined;
    if (!shrinking) {
      const path = replaying ? selection.path! : String(first + runs);
      const at = { seed: selection.seed, path };
      tally.add(record, at);
      dropped.add(record, at);
      comparisons.add(record, `${selection.seed}:${path}`);
      runs++;
      addCoverage(coverage, record.coverage);
      if (!record.valid) firstFailureAt = performance.now();
    }
    onRun?.({ index: index++, valid: record.valid, shrinking });
    return record.valid;
  });
  const details = await fc.check(property, {
    seed: selection.seed,
    numRuns: selection.numRuns,
    ...(selection.path !== undefined ? { path: selection.path } : {}),
    ...(selection.endOnFailure === true ? { endOnFailure: true } : {}),
    ...(selection.timeLimitMs !== undefined ? { interruptAfterTimeLimit: selection.timeLimitMs } : {}),
  });
  const shrunkAt = performance.now();
  if (!details.failed || details.counterexample === null) {
    const base = baseResult(scenario, client, selection.seed, runs, started, coverage, tally, dropped, comparisons);
    // fast-check failed with no program to show: say so rather than pass.
    if (details.failed && !details.interrupted) {
      const error: unknown = details.errorInstance;
      return {
        scenario,
        result: {
          ...base,
          status: 'error',
          error: `a run crashed: ${error instanceof Error ? error.message : String(error)}`,
        },
      };
    }
    return { scenario, result: base };
  }
  // A run that threw (a policy module that does not load, say) throws again here: status error.
  const [program] = details.counterexample;
  const record = await execute(program);
  const failure = counterexampleOf(scenario, client, record, {
    seed: details.seed,
    ...(details.counterexamplePath !== null ? { path: details.counterexamplePath } : {}),
    shrinks: details.numShrinks,
  });
  return {
    scenario,
    failingRun: record,
    result: {
      ...baseResult(scenario, client, details.seed, runs, started, coverage, tally, dropped, comparisons),
      failure,
      timings: {
        ...(firstFailureAt !== undefined ? { firstFailureMs: Math.round(firstFailureAt - started) } : {}),
        shrunkMs: Math.round(shrunkAt - started),
      },
    },
  };
}

function baseResult(
  scenario: ResolvedScenario,
  client: ResolvedClient,
  seed: number,
  runs: number,
  started: number,
  coverage: Record<string, number>,
  tally: FindingTally = new FindingTally(),
  dropped: DroppedWriteTally = new DroppedWriteTally(),
  comparisons: ComparisonTally = new ComparisonTally(),
): ScenarioResult {
  const comparison = comparisons.summary();
  // A generated scenario's own reach is judged over many runs; one replayed program reaches little.
  const wanted = new Set([...scenario.coverage, ...(runs > 1 ? impliedCoverage(scenario) : [])]);
  const weak = [...wanted].filter((name) => (coverage[name] ?? 0) === 0);
  const expected = expectationFor(scenario.expect, client.name);
  const findings = tally.summaries();
  const droppedWrites = dropped.summaries();
  const stale = findings.some((finding) => finding.disposition === 'expected')
    ? staleExpectations(expected, findings)
    : [];
  return {
    name: scenario.name,
    ...(scenario.description !== undefined ? { description: scenario.description } : {}),
    file: scenario.file,
    client: client.name,
    runs,
    seed,
    durationMs: Math.round(performance.now() - started),
    coverage,
    weak,
    status: scenarioStatus(expected, findings),
    ...(findings.length > 0 ? { findings } : {}),
    ...(expected.length > 0 ? { expected } : {}),
    ...(stale.length > 0 ? { staleExpectations: stale } : {}),
    ...(scenario.notes.length > 0 ? { notes: scenario.notes } : {}),
    ...(droppedWrites.length > 0 ? { droppedWrites } : {}),
    ...(comparison !== undefined ? { comparison } : {}),
  };
}

/** What a scenario declared for one client: the checkers' violations are judged against it. */
export function declarationsFor(scenario: ResolvedScenario, client: string): Declarations {
  return { allow: scenario.allow, expected: expectationFor(scenario.expect, client) };
}

export function counterexampleOf(
  scenario: ResolvedScenario,
  client: ResolvedClient,
  record: RunRecord,
  found: { seed: number; path?: string; shrinks: number },
): Counterexample {
  const compared = (record as Partial<ComparedRun>).comparison;
  return {
    seed: found.seed,
    ...(found.path !== undefined ? { path: found.path } : {}),
    shrinks: found.shrinks,
    program: record.program as unknown as JsonObject,
    checks: record.checks,
    history: record.history,
    tableDiff: record.tableDiff,
    replayCommand: replayCommand(
      scenario.file,
      client.name,
      found.path === undefined ? undefined : `${found.seed}:${found.path}`,
      compared?.against,
    ),
    scenario: scenario.file,
    client: client.name,
    ...(record.stopped !== undefined ? { stopped: record.stopped } : {}),
    size: record.program.steps.length,
    ...(compared !== undefined ? { comparison: counterexampleComparison(compared) } : {}),
  };
}

/** `npx syncwright replay <file> [<seed>:<path>] [--client <client>] [--compare <client>]`. */
export function replayCommand(file: string, client: string, token?: string, compare?: string): string {
  const quote = (text: string): string => (/^[\w./:@+-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`);
  const parts = ['npx', 'syncwright', 'replay', quote(file)];
  if (token !== undefined) parts.push(token);
  if (client !== 'reference') {
    const mutations = client.startsWith('reference+') ? client.slice('reference+'.length).split('+') : [];
    const sdkMutations = client.startsWith('sdk+') ? client.slice('sdk+'.length).split('+') : [];
    if (mutations.length > 0) parts.push('--mutation', mutations.join(','));
    else if (sdkMutations.length > 0) parts.push('--client', 'sdk', '--sdk-mutation', sdkMutations.join(','));
    else parts.push('--client', quote(client));
  }
  if (compare !== undefined) parts.push('--compare', quote(compare));
  return parts.join(' ');
}
