/**
 * `results.json`: the RunResults exactly as the run produced them (counterexample histories
 * included), and the reading side used by `merge-reports`, which must reject a broken or foreign
 * file with a message that names the file and the field.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { makeDirectory } from '../kernel/make-directory.js';
import { join } from 'node:path';
import type { RunResults } from '../scenario/results.js';
import { MAX_JSON_BYTES } from '../protocol/limits.js';
import { JsonTextError, readJson } from '../protocol/safe-json.js';
import { schemaIssues } from '../protocol/schema.js';
import { describe, NOT_SYNCWRIGHT, resultsPath, runResultsSchema } from './schema.js';

export const JSON_REPORT_FILE = 'results.json';

export function renderJsonReport(results: RunResults): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

/** Writes `<outDir>/results.json` and returns its path. */
export async function writeJsonReport(results: RunResults, outDir: string): Promise<string> {
  await makeDirectory(outDir);
  const file = join(outDir, JSON_REPORT_FILE);
  await writeFile(file, renderJsonReport(results), 'utf8');
  return file;
}

/** A results file that cannot be used, with where and why. */
export class ResultsFileError extends Error {
  override readonly name = 'ResultsFileError';
}

/**
 * Parses and checks a `results.json` text against its schema (schema.ts): the first problem, with
 * the file and the field.
 */
export function parseRunResults(json: string, source = 'results'): RunResults {
  let data: unknown;
  try {
    data = readJson(json, { maxBytes: MAX_JSON_BYTES.results });
  } catch (error) {
    if (error instanceof JsonTextError) throw new ResultsFileError(`${source}: ${error.message}`);
    throw error;
  }
  const issue = schemaIssues(runResultsSchema, data, describe)[0];
  if (issue !== undefined) {
    if (issue.path.length === 0)
      throw new ResultsFileError(`${source}: expected a results object, found ${issue.found}`);
    if (issue.expected === NOT_SYNCWRIGHT) throw new ResultsFileError(`${source}: ${NOT_SYNCWRIGHT}`);
    throw new ResultsFileError(
      `${source}: ${resultsPath(issue.path)} should be ${issue.expected}, found ${issue.found}`,
    );
  }
  return data as unknown as RunResults;
}

/** Reads and checks one `results.json` file. */
export async function readRunResults(file: string): Promise<RunResults> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ResultsFileError(`${file}: cannot read (${error instanceof Error ? error.message : String(error)})`);
  }
  return parseRunResults(text, file);
}
