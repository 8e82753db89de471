/**
 * A reporter of a team's own, named by path: `syncwright run --reporter ./my-reporter.js` or
 * `reporters: ['./my-reporter.js']` in the config. Its hooks get what the built-in reporters
 * get — the results of each scenario as it ends, the run's results at the end, and where the
 * built-in ones write — and may be asynchronous; the run waits for each before the next.
 */
import type { RunResults, ScenarioResult } from '../scenario/results.js';
import type { ReportOutput } from './write.js';

/** Where the run's reports go and how the terminal is written to, as the built-in reporters have it. */
export interface ReporterContext {
  /** The run's `--out` folder (it may not exist yet: a reporter that writes there makes it). */
  readonly outDir: string;
  /** Where the `list` and `github` reporters print (the command's stdout). */
  readonly output: ReportOutput;
  /** Whether the terminal takes colours (NO_COLOR, FORCE_COLOR, a TTY). */
  readonly color: boolean;
}

/** The hooks; each is optional. A hook that throws or rejects ends the command with exit code 2. */
export interface Reporter {
  /**
   * A scenario (on one client) is done: all of its runs, joined across the workers that ran
   * them. Scenarios end in the order they finish, not in file order.
   */
  readonly onScenarioEnd?: (result: ScenarioResult, context: ReporterContext) => void | Promise<void>;
  /** Every scenario is done and the built-in reports are written; `results` is what results.json holds. */
  readonly onEnd?: (results: RunResults, context: ReporterContext) => void | Promise<void>;
}

/** Called once per command with the context, before anything runs. */
export type ReporterFactory = (context: ReporterContext) => Reporter | Promise<Reporter>;

/** What a reporter module default-exports: the hooks themselves, or a factory of them. */
export type ReporterModule = Reporter | ReporterFactory;

/** Types a reporter module's default export: `export default defineReporter({ onEnd(results) { … } })`. */
export function defineReporter<T extends ReporterModule>(reporter: T): T {
  return reporter;
}

/** The hook names, in the order they run. */
export const REPORTER_HOOKS = ['onScenarioEnd', 'onEnd'] as const;
