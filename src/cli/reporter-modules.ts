/**
 * Reporter modules named by path next to the built-in reporters (`--reporter list,./mine.js`):
 * loading them, checking what they export before anything runs, and calling their hooks one
 * at a time, so that a reporter never sees `onEnd` before its last `onScenarioEnd`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { terminalSafe } from '../report/escape.js';
import { REPORTER_HOOKS, type Reporter, type ReporterContext } from '../report/reporter.js';
import type { RunResults, ScenarioResult } from '../scenario/results.js';
import { loadTypeScriptModule } from '../scenario/load.js';
import { UsageError } from './command.js';

/** An entry of `--reporter` that names a module rather than a built-in reporter. */
export function isReporterPath(entry: string): boolean {
  return /[\\/]/.test(entry) || /\.(m?js|cjs|m?ts)$/.test(entry);
}

interface LoadedReporter {
  /** As the user named it. */
  readonly name: string;
  readonly reporter: Reporter;
}

/** A hook that threw: the command ends with exit code 2 and this message. */
export class ReporterHookError extends Error {
  override readonly name = 'ReporterHookError';
}

/** The loaded reporter modules of one command, and the hooks still to call. */
export class ReporterModules {
  private queue: Promise<void> = Promise.resolve();
  private failure: ReporterHookError | undefined;
  private readonly told = new Set<string>();

  private constructor(
    private readonly reporters: readonly LoadedReporter[],
    private readonly context: ReporterContext,
  ) {}

  /**
   * Imports each module (relative to `cwd`), takes its default export — the hooks, or a factory
   * called with `context` — and checks it.
   * @throws UsageError for a missing file, a module that does not load, no default export, or
   *   a default export that is not a reporter ("--reporter: ./x.js: expected X, found Y").
   */
  static async load(names: readonly string[], cwd: string, context: ReporterContext): Promise<ReporterModules> {
    const loaded: LoadedReporter[] = [];
    for (const name of names) loaded.push({ name, reporter: await loadReporter(name, cwd, context) });
    return new ReporterModules(loaded, context);
  }

  get size(): number {
    return this.reporters.length;
  }

  /** Queues `onScenarioEnd` for a finished scenario; the first failure is kept for `end`. */
  scenarioEnded(result: ScenarioResult): void {
    this.told.add(resultKey(result));
    this.enqueue('onScenarioEnd', (reporter) => reporter.onScenarioEnd?.(result, this.context));
  }

  /**
   * Tells the scenarios no `scenarioEnded` named (merged results, a stopped run), then `onEnd`,
   * and waits for every hook.
   * @throws ReporterHookError naming the reporter and the hook that threw first.
   */
  async end(results: RunResults): Promise<void> {
    for (const scenario of results.scenarios) if (!this.told.has(resultKey(scenario))) this.scenarioEnded(scenario);
    this.enqueue('onEnd', (reporter) => reporter.onEnd?.(results, this.context));
    await this.queue;
    if (this.failure !== undefined) throw this.failure;
  }

  private enqueue(hook: (typeof REPORTER_HOOKS)[number], call: (reporter: Reporter) => unknown): void {
    for (const { name, reporter } of this.reporters) {
      this.queue = this.queue.then(async () => {
        if (this.failure !== undefined || reporter[hook] === undefined) return;
        try {
          await call(reporter);
        } catch (error) {
          this.failure = new ReporterHookError(
            `reporter ${name}: ${hook} threw: ${terminalSafe(error instanceof Error ? error.message : String(error), true)}`,
          );
        }
      });
    }
  }
}

function resultKey(result: ScenarioResult): string {
  return JSON.stringify([result.file, result.name, result.client]);
}

async function loadReporter(name: string, cwd: string, context: ReporterContext): Promise<Reporter> {
  const absolute = path.resolve(cwd, name);
  const fail = (expected: string, found: string): never => {
    throw new UsageError(`--reporter: ${name}: expected ${expected}, found ${found}`);
  };
  if (!existsSync(absolute))
    fail('a reporter module (a file) or one of html, junit, json, list, github', 'no such file');
  let exports: Record<string, unknown>;
  try {
    exports = (
      /\.m?ts$/.test(absolute) ? await loadTypeScriptModule(absolute, name) : await import(pathToFileURL(absolute).href)
    ) as Record<string, unknown>;
  } catch (error) {
    return fail('a module that loads', describeError(error));
  }
  if (!('default' in exports) || exports['default'] === undefined)
    fail('a default export (the hooks, or a factory of them)', `no default export`);
  let candidate = exports['default'];
  if (typeof candidate === 'function') {
    try {
      candidate = await (candidate as (context: ReporterContext) => unknown)(context);
    } catch (error) {
      return fail('a reporter factory that returns the hooks', `one that threw: ${describeError(error)}`);
    }
  }
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate))
    return fail(`an object with ${REPORTER_HOOKS.join(' or ')}`, describeValue(candidate));
  const hooks = candidate as Record<string, unknown>;
  for (const hook of REPORTER_HOOKS) {
    if (hooks[hook] !== undefined && typeof hooks[hook] !== 'function')
      fail(`${hook} to be a function`, describeValue(hooks[hook]));
  }
  if (REPORTER_HOOKS.every((hook) => hooks[hook] === undefined))
    fail(`an object with ${REPORTER_HOOKS.join(' or ')}`, 'neither');
  // Bound, so that a hook written as a method keeps its `this`.
  const reporter: { -readonly [K in keyof Reporter]: Reporter[K] } = {};
  const onScenarioEnd = hooks['onScenarioEnd'] as Reporter['onScenarioEnd'];
  const onEnd = hooks['onEnd'] as Reporter['onEnd'];
  if (onScenarioEnd !== undefined) reporter.onScenarioEnd = onScenarioEnd.bind(candidate);
  if (onEnd !== undefined) reporter.onEnd = onEnd.bind(candidate);
  return reporter;
}

function describeError(error: unknown): string {
  return terminalSafe(error instanceof Error ? error.message : String(error), true);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
