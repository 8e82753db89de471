/**
 * Which of the loaded scenarios a `syncwright run` runs: `--grep` / `--grep-invert` on the
 * scenario's name, and `--last-failed` from the results.json a previous run left in the out dir.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { JSON_REPORT_FILE, readRunResults, ResultsFileError } from '../report/json.js';
import { isFailingStatus } from '../report/summary.js';
import { UsageError } from './command.js';
import type { PlannedScenario } from './units.js';

/** A `--grep`-style option as a regular expression, or a UsageError naming the option. */
export function regexOption(name: string, value: string | undefined): RegExp | undefined {
  if (value === undefined) return undefined;
  if (value === '') throw new UsageError(`--${name} expects a regular expression, got ''`);
  try {
    return new RegExp(value);
  } catch (error) {
    throw new UsageError(
      `--${name} expects a regular expression, got '${value}' (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/** The scenarios whose name matches `grep` (when given) and not `invert` (when given). */
export function filterByName(
  planned: readonly PlannedScenario[],
  grep: RegExp | undefined,
  invert: RegExp | undefined,
): PlannedScenario[] {
  return planned.filter(
    ({ scenario }) =>
      (grep === undefined || grep.test(scenario.name)) && (invert === undefined || !invert.test(scenario.name)),
  );
}

/** The scenarios a previous run failed: their files (absolute) and `file\u0000name` keys. */
interface LastFailed {
  readonly resultsFile: string;
  readonly files: readonly string[];
  readonly keys: ReadonlySet<string>;
}

/** @throws UsageError when the out dir holds no readable results.json. */
export async function readLastFailed(outDir: string, cwd: string): Promise<LastFailed> {
  const resultsFile = path.join(outDir, JSON_REPORT_FILE);
  if (!existsSync(path.resolve(cwd, resultsFile)))
    throw new UsageError(
      `--last-failed: no ${JSON_REPORT_FILE} in ${outDir}; run \`syncwright run\` with the json reporter (a default) first`,
    );
  let results;
  try {
    results = await readRunResults(path.resolve(cwd, resultsFile));
  } catch (error) {
    if (error instanceof ResultsFileError) throw new UsageError(`--last-failed: ${error.message}`);
    throw error;
  }
  const failed = results.scenarios.filter((scenario) => isFailingStatus(scenario.status));
  const files = [...new Set(failed.map((scenario) => path.resolve(cwd, scenario.file)))];
  return { resultsFile, files, keys: new Set(failed.map((scenario) => lastFailedKey(scenario.file, scenario.name))) };
}

export function lastFailedKey(file: string, name: string): string {
  return `${file}\u0000${name}`;
}
