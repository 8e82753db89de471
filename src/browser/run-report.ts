/**
 * A browser run as the report's results (one scenario, its failure holding the history and the
 * checks), so that the HTML report — the timeline, the checks, the table diffs — shows it as it
 * shows a simulated run's counterexample.
 */
import { readFileSync } from 'node:fs';
import type { JsonObject } from '../protocol/records.js';
import type { History } from '../kernel/history.js';
import type { CheckResult } from '../check/types.js';
import { signedViolations } from '../check/signature.js';
import { tableDiffOf } from '../scenario/execute.js';
import type { RunResults } from '../scenario/results.js';
import { renderHtmlReport } from '../report/html.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface BrowserRunReport {
  /** The test's title (or the generated program's name). */
  readonly name: string;
  /** The test file, relative to the project. */
  readonly file: string;
  readonly history: History;
  readonly checks: readonly CheckResult[];
  /** What ran: the test's steps or the generated program. */
  readonly program: JsonObject;
  /** How to run it again. */
  readonly replayCommand: string;
  readonly durationMs: number;
  readonly startedAt: string;
  readonly seed?: number;
  readonly shrinks?: number;
}

export function browserRunResults(run: BrowserRunReport): RunResults {
  const failed = run.checks.some((check) => !check.valid);
  const signatures = [...new Set(signedViolations(run.checks).map((entry) => entry.signature))];
  return {
    tool: { name: 'syncwright', version: VERSION },
    seed: run.seed ?? 0,
    client: 'cordova-app',
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    scenarios: [
      {
        name: run.name,
        description: failed ? `Findings: ${signatures.join(', ')}` : 'Every check held.',
        file: run.file,
        client: 'cordova-app',
        status: failed ? 'failed' : 'passed',
        runs: 1,
        seed: run.seed ?? 0,
        durationMs: run.durationMs,
        coverage: {},
        weak: [],
        failure: {
          seed: run.seed ?? 0,
          shrinks: run.shrinks ?? 0,
          program: run.program,
          checks: run.checks,
          history: run.history,
          tableDiff: tableDiffOf(run.history),
          replayCommand: run.replayCommand,
          scenario: run.file,
          client: 'cordova-app',
        },
      },
    ],
  };
}

/** The HTML report of one browser run: a self-contained page with the timeline. */
export function renderBrowserRunReport(run: BrowserRunReport): string {
  return renderHtmlReport(browserRunResults(run));
}
