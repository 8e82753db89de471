/**
 * Replaying a failure exactly, and keeping it as a regression case. A failure is named by
 * `<seed>:<path>` (fast-check's seed and path, with the scenario file) or by a counterexample
 * JSON (which carries its program). Same program and client ⇒ byte-identical history.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { makeDirectory } from '../kernel/make-directory.js';
import path from 'node:path';
import fc from 'fast-check';
import type { ClientMutation } from '../client/mutations.js';
import type { SdkHarnessMutation } from '../sdk/mutations.js';
import { programArbitrary } from './arbitraries.js';
import { resolveClient, type ClientChoice } from './clients.js';
import { differentialDeclarations, executeComparison } from './compare.js';
import { executeProgram, type RunRecord } from './execute.js';
import { parseJson } from './load.js';
import { checkedCounterexample } from './counterexample-schema.js';
import type { Counterexample } from './results.js';
import { toResolvedScenario, type ScenarioInput } from './run.js';
import type { Expectation, Program, ResolvedScenario, ScenarioDefinition } from './types.js';
import { programIssues, ScenarioError } from './validate.js';
import { schemaReference } from './json-schema.js';
import { MAX_JSON_BYTES } from '../protocol/limits.js';

export type ReplaySource =
  /** A scenario and the `<seed>:<path>` of one of its generated runs (fixed-step scenarios need no token). */
  | { readonly scenario: ScenarioInput; readonly token?: string }
  /** A counterexample (object or JSON file); its scenario comes from the counterexample unless given. */
  | {
      readonly counterexample: Counterexample | string;
      readonly scenario?: ScenarioInput;
      /** How messages name a counterexample given as an object (the file it came from). */
      readonly file?: string;
    };

export interface ReplayOptions {
  readonly client?: ClientChoice;
  readonly mutations?: readonly ClientMutation[];
  readonly sdkMutations?: readonly SdkHarnessMutation[];
  /** Replay the comparison with the reference client too (`run --compare reference`). */
  readonly compare?: 'reference';
  readonly cwd?: string;
  readonly maxSteps?: number;
}

export interface ReplayResult {
  readonly scenario: ResolvedScenario;
  readonly program: Program;
  readonly run: RunRecord;
  readonly seed?: number;
  readonly path?: string;
}

/** Splits `<seed>:<path>` (the seed may be negative; the path is fast-check's, e.g. `3:0:1`). */
export function parseReplayToken(token: string): { seed: number; path: string } {
  const match = /^(-?\d+):(\d+(?::\d+)*)$/.exec(token.trim());
  if (match === null) throw new Error(`not a replay token: '${token}' (expected <seed>:<path>, e.g. 42:7:0:1)`);
  return { seed: Number(match[1]), path: match[2]! };
}

/** The program fast-check generates at `<seed>:<path>` for a scenario, without running anything else. */
export function programAt(scenario: ResolvedScenario, seed: number, replayPath: string): Program {
  // fast-check walks its own generation and shrink tree along the path; the always-failing
  // property hands back the program found there.
  const details = fc.check(
    fc.property(programArbitrary(scenario), (_program: Program) => false),
    { seed, path: replayPath, endOnFailure: true },
  );
  const program = details.counterexample?.[0];
  if (program === undefined) throw new Error(`fast-check produced no program at ${seed}:${replayPath}`);
  return program;
}

export async function replay(source: ReplaySource, options: ReplayOptions = {}): Promise<ReplayResult> {
  const cwd = options.cwd ?? process.cwd();
  let scenario: ResolvedScenario;
  let program: Program;
  let seed: number | undefined;
  let replayPath: string | undefined;
  if ('counterexample' in source) {
    const counterexample =
      typeof source.counterexample === 'string'
        ? await readCounterexample(path.resolve(cwd, source.counterexample), source.counterexample)
        : source.counterexample;
    // A counterexample is a file like any other: its program is checked before it runs.
    const shownName =
      typeof source.counterexample === 'string' ? source.counterexample : (source.file ?? 'the counterexample');
    const issues = programIssues(counterexample.program, shownName);
    if (issues.length > 0) throw new ScenarioError(shownName, issues);
    const scenarioInput = source.scenario ?? counterexample.scenario;
    if (scenarioInput === undefined)
      throw new Error('the counterexample names no scenario file; pass the scenario too');
    scenario = await toResolvedScenario(scenarioInput, cwd);
    program = counterexample.program as unknown as Program;
    seed = counterexample.seed;
    if (counterexample.path !== undefined) replayPath = counterexample.path;
  } else {
    scenario = await toResolvedScenario(source.scenario, cwd);
    if (scenario.program !== undefined) program = scenario.program;
    else {
      if (source.token === undefined)
        throw new Error(`${scenario.file} generates its programs: give the <seed>:<path> of the run to replay`);
      const token = parseReplayToken(source.token);
      seed = token.seed;
      replayPath = token.path;
      program = programAt(scenario, token.seed, token.path);
    }
  }
  const pageSize = scenario.pullPageSize !== undefined ? { pageSize: scenario.pullPageSize } : {};
  const client = await resolveClient(options.client, {
    ...(options.mutations !== undefined ? { mutations: options.mutations } : {}),
    ...(options.sdkMutations !== undefined ? { sdkMutations: options.sdkMutations } : {}),
    cwd,
    ...pageSize,
  });
  // A replay shows a known finding as the failure it is; only the app's intended outcomes pass.
  const declarations = { allow: scenario.allow, expected: [] };
  const limits = options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {};
  const run =
    options.compare === undefined
      ? await executeProgram(scenario, program, { driver: client.driver, declarations, ...limits })
      : await executeComparison(scenario, program, {
          reference: (await resolveClient('reference', pageSize)).driver,
          candidate: client.driver,
          declarations,
          differences: { allow: differentialDeclarations(scenario, client.name).allow, expected: [] },
          ...limits,
        });
  return {
    scenario,
    program,
    run,
    ...(seed !== undefined ? { seed } : {}),
    ...(replayPath !== undefined ? { path: replayPath } : {}),
  };
}

async function readCounterexample(absolute: string, shown: string): Promise<Counterexample> {
  // A whole ScenarioResult is accepted too: its `failure` is the counterexample.
  return checkedCounterexample(parseJson(await readFile(absolute, 'utf8'), shown, MAX_JSON_BYTES.results), shown);
}

export interface SaveRegressionOptions {
  /** File name without extension; letters, digits, `-` and `_`. */
  readonly name: string;
  /** Default `scenarios/regressions` under `cwd`. */
  readonly directory?: string;
  readonly cwd?: string;
  /** Marks a known finding (e.g. `{ sdk: 'fail' }` for one of the real SDK): failing is expected. */
  readonly expect?: Expectation;
  readonly description?: string;
}

/**
 * Saves a counterexample as a fixed-step scenario that extends its original scenario file, so
 * that it runs as a regression case from then on. Returns the file's path.
 */
export async function saveRegression(counterexample: Counterexample, options: SaveRegressionOptions): Promise<string> {
  if (!/^[\w-]+$/.test(options.name))
    throw new Error(`regression name '${options.name}' may only hold letters, digits, '-' and '_'`);
  if (counterexample.scenario === undefined || counterexample.scenario === '<inline>') {
    throw new Error(
      'only counterexamples of scenario files can be saved as regressions (the file is what they extend)',
    );
  }
  const cwd = options.cwd ?? process.cwd();
  const directory = path.resolve(cwd, options.directory ?? path.join('scenarios', 'regressions'));
  await makeDirectory(directory);
  const program = counterexample.program as unknown as Program;
  const original = path.resolve(cwd, counterexample.scenario);
  const schema = schemaReference(directory, cwd);
  const definition: ScenarioDefinition = {
    ...(schema === undefined ? {} : { $schema: schema }),
    name: options.name,
    description:
      options.description ??
      `Counterexample of ${counterexample.scenario}${counterexample.path !== undefined ? ` (${counterexample.seed}:${counterexample.path})` : ''}: ${firstViolation(counterexample)}`,
    extends: path.relative(directory, original).split(path.sep).join('/'),
    ...(options.expect !== undefined ? { expect: options.expect } : {}),
    seed: program.seed,
    steps: program.steps,
    faults: program.faults,
    ...(program.answers !== undefined ? { answers: program.answers } : {}),
    origin: {
      scenario: counterexample.scenario,
      seed: counterexample.seed,
      ...(counterexample.path !== undefined ? { path: counterexample.path } : {}),
      ...(counterexample.client !== undefined ? { client: counterexample.client } : {}),
    },
  };
  const file = path.join(directory, `${options.name}.json`);
  await writeFile(file, `${JSON.stringify(definition, null, 2)}\n`, 'utf8');
  return file;
}

function firstViolation(counterexample: Counterexample): string {
  const failed = counterexample.checks.find((check) => !check.valid);
  return failed === undefined
    ? 'no violation recorded'
    : `${failed.checker}: ${failed.violations[0]?.message ?? failed.explanation}`;
}
