/**
 * syncwright in a team's own test suite (`import { expectScenario } from 'syncwright/vitest'`):
 *
 *   test('our handler converges', () => expectScenario('scenarios/ours.ts').toPass({ runs: 200 }), 60_000);
 *
 * or one test per scenario file of a folder:
 *
 *   await testScenarioFiles('scenarios', { test, runs: 200 });
 *
 * `toPass` runs the scenario (as `syncwright run` would, in this thread) and rejects with an
 * error whose message holds the seed, the minimal program, the violated checks' explanations and
 * the command that replays the failure. It throws plain Errors, so it works under any runner
 * (Vitest, Jest, node:test) although it is named after Vitest.
 */
import type { ClientMutation } from './client/mutations.js';
import { describeFailure } from './cli/failure-text.js';
import type { ClientChoice } from './scenario/clients.js';
import type { Counterexample, ScenarioResult } from './scenario/results.js';
import { runScenario, type ScenarioInput } from './scenario/run.js';
import { listScenarioFiles } from './scenario/load.js';
import path from 'node:path';

export interface ScenarioRunOptions {
  /** Generated runs. Default: the scenario's `runs` (100 unless it says). */
  readonly runs?: number;
  /** fast-check seed. Default 42, so that the test is repeatable. */
  readonly seed?: number;
  /** Replay one run: the `<path>` of a failure (with its seed), instead of searching. */
  readonly path?: string;
  /** `reference` (default), `sdk`, a driver module path, or `{ name, driver }`. */
  readonly client?: ClientChoice;
  /** Deliberate bugs of the reference client. */
  readonly mutations?: readonly ClientMutation[];
  /** Where relative paths start. Default: the process's working directory. */
  readonly cwd?: string;
}

/** A scenario that did not do what a test expected; `result` holds everything the run found. */
export class ScenarioAssertionError extends Error {
  override readonly name = 'ScenarioAssertionError';
  constructor(
    message: string,
    readonly result: ScenarioResult,
  ) {
    super(message);
  }
}

export interface ScenarioExpectation {
  /** Resolves with the result when every run passes (or a scenario marked `expect: 'fail'` fails as expected). */
  toPass(options?: ScenarioRunOptions): Promise<ScenarioResult>;
  /** Resolves with the shrunk counterexample when some run violates a check: for "our checker catches this bug" tests. */
  toFail(options?: ScenarioRunOptions): Promise<Counterexample>;
}

/** A scenario file path, a definition (`defineScenario({...})`) or a loaded scenario. */
export function expectScenario(scenario: ScenarioInput): ScenarioExpectation {
  return {
    async toPass(options = {}) {
      const result = await run(scenario, options);
      if (result.status === 'passed' || result.status === 'expected-failure') return result;
      throw new ScenarioAssertionError(failureMessage(result, options), result);
    },
    async toFail(options = {}) {
      const result = await run(scenario, options);
      if (result.failure !== undefined && (result.status === 'failed' || result.status === 'expected-failure'))
        return result.failure;
      const why =
        result.status === 'error'
          ? `could not run: ${result.error ?? 'unknown error'}`
          : `passed every check in ${result.runs} run${result.runs === 1 ? '' : 's'} (seed ${result.seed})`;
      throw new ScenarioAssertionError(
        `Expected scenario "${result.name}" to fail on client ${result.client}, but it ${why}.`,
        result,
      );
    },
  };
}

/** A test runner's `test` (Vitest's, Jest's): a name, a body, a timeout in milliseconds. */
export type RegisterTest = (name: string, body: () => Promise<unknown>, timeout?: number) => unknown;

export interface ScenarioFilesOptions extends ScenarioRunOptions {
  /** The runner's `test`, passed in so that this module depends on no runner. */
  readonly test: RegisterTest;
  /** Each test's timeout. Default 120,000 ms: a generated scenario runs and shrinks in one test. */
  readonly timeout?: number;
}

/**
 * One test per scenario file of a folder (`.json`, `.ts`, `.mts`, `.js`, `.mjs`; not its
 * subfolders), named by the file, each asserting `expectScenario(file).toPass(options)`. Resolves
 * with the files, so a suite can also check it found what it meant to; a folder with no scenario
 * file is an error rather than a suite that silently tests nothing.
 */
export async function testScenarioFiles(folder: string, options: ScenarioFilesOptions): Promise<string[]> {
  const directory = path.resolve(options.cwd ?? process.cwd(), folder);
  const files = await listScenarioFiles(directory);
  if (files.length === 0)
    throw new Error(`testScenarioFiles: ${folder} holds no scenario files (.json, .ts, .mts, .js or .mjs)`);
  const { test, timeout, ...runOptions } = options;
  for (const file of files)
    test(path.basename(file), () => expectScenario(file).toPass(runOptions), timeout ?? 120_000);
  return files;
}

function run(scenario: ScenarioInput, options: ScenarioRunOptions): Promise<ScenarioResult> {
  return runScenario(scenario, {
    ...(options.runs !== undefined ? { runs: options.runs } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(options.client !== undefined ? { client: options.client } : {}),
    ...(options.mutations !== undefined ? { mutations: options.mutations } : {}),
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
  });
}

/**
 * The failure as text. A scenario defined inline has no file to pass to `syncwright replay`,
 * so its message says how to replay it in code instead.
 */
export function failureMessage(result: ScenarioResult, options: ScenarioRunOptions = {}): string {
  const text = describeFailure(result);
  const failure = result.failure;
  if (failure === undefined || result.file !== '<inline>') return text;
  const replayOptions = [`seed: ${failure.seed}`, ...(failure.path !== undefined ? [`path: '${failure.path}'`] : [])];
  if (options.client !== undefined)
    replayOptions.push(`client: ${typeof options.client === 'string' ? `'${options.client}'` : options.client.name}`);
  if (options.mutations !== undefined && options.mutations.length > 0)
    replayOptions.push(`mutations: ${JSON.stringify(options.mutations)}`);
  const inCode = `expectScenario(scenario).toPass({ ${replayOptions.join(', ')} })`;
  return text.replace(
    /^Replay: .*$/m,
    `Replay: ${inCode}  (the scenario is inline; save it to a file to replay it with \`syncwright replay\`)`,
  );
}
