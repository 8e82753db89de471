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
import { SCENARIO_STATUSES } from './summary.js';

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

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function field(
  source: string,
  where: string,
  object: Record<string, unknown>,
  name: string,
  check: Check,
  what: string,
  optional = false,
): void {
  const value = object[name];
  if (value === undefined && optional) return;
  if (!check(value))
    throw new ResultsFileError(`${source}: ${where}.${name} should be ${what}, found ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `a ${typeof value}`;
}

/**
 * Parses and checks a `results.json` text. The shape is checked down to each scenario and its
 * counterexample's top-level fields; histories are taken as they are (reports draw unknown
 * event kinds as plain boxes).
 */
export function parseRunResults(json: string, source = 'results'): RunResults {
  let data: unknown;
  try {
    data = readJson(json, { maxBytes: MAX_JSON_BYTES.results });
  } catch (error) {
    if (error instanceof JsonTextError) throw new ResultsFileError(`${source}: ${error.message}`);
    throw error;
  }
  if (!isObject(data)) throw new ResultsFileError(`${source}: expected a results object, found ${describe(data)}`);
  if (!isObject(data['tool']) || data['tool']['name'] !== 'syncwright') {
    throw new ResultsFileError(`${source}: not a syncwright results file (tool.name is not "syncwright")`);
  }
  field(source, 'tool', data['tool'], 'version', isString, 'a string');
  field(source, 'results', data, 'seed', isNumber, 'a number');
  field(source, 'results', data, 'client', isString, 'a string');
  field(source, 'results', data, 'startedAt', isString, 'a string');
  field(source, 'results', data, 'durationMs', isNumber, 'a number');
  if (data['shard'] !== undefined) {
    const shard = data['shard'];
    if (!isObject(shard))
      throw new ResultsFileError(`${source}: results.shard should be an object, found ${describe(shard)}`);
    field(source, 'shard', shard, 'index', (v) => Number.isInteger(v) && (v as number) >= 1, 'a whole number ≥ 1');
    field(
      source,
      'shard',
      shard,
      'total',
      (v) => Number.isInteger(v) && (v as number) >= (shard['index'] as number),
      'a whole number ≥ shard.index',
    );
  }
  const scenarios = data['scenarios'];
  if (!Array.isArray(scenarios))
    throw new ResultsFileError(`${source}: results.scenarios should be an array, found ${describe(scenarios)}`);
  scenarios.forEach((scenario: unknown, index) => {
    const where = `scenarios[${index}]`;
    if (!isObject(scenario))
      throw new ResultsFileError(`${source}: ${where} should be an object, found ${describe(scenario)}`);
    field(source, where, scenario, 'name', isString, 'a string');
    field(source, where, scenario, 'file', isString, 'a string');
    field(source, where, scenario, 'client', isString, 'a string');
    field(source, where, scenario, 'description', isString, 'a string', true);
    field(
      source,
      where,
      scenario,
      'status',
      (v) => (SCENARIO_STATUSES as readonly unknown[]).includes(v),
      `one of ${SCENARIO_STATUSES.join(', ')}`,
    );
    field(source, where, scenario, 'runs', (v) => Number.isInteger(v) && (v as number) >= 0, 'a whole number ≥ 0');
    field(source, where, scenario, 'seed', isNumber, 'a number');
    field(source, where, scenario, 'durationMs', isNumber, 'a number');
    field(
      source,
      where,
      scenario,
      'coverage',
      (v) => isObject(v) && Object.values(v).every(isNumber),
      'an object of counts',
    );
    field(source, where, scenario, 'weak', (v) => Array.isArray(v) && v.every(isString), 'an array of strings');
    field(source, where, scenario, 'error', isString, 'a string', true);
    field(source, where, scenario, 'timings', isObject, 'an object', true);
    const failure = scenario['failure'];
    if (failure === undefined) return;
    const at = `${where}.failure`;
    if (!isObject(failure))
      throw new ResultsFileError(`${source}: ${at} should be an object, found ${describe(failure)}`);
    field(source, at, failure, 'seed', isNumber, 'a number');
    field(source, at, failure, 'path', isString, 'a string', true);
    field(source, at, failure, 'shrinks', isNumber, 'a number');
    field(source, at, failure, 'program', isObject, 'an object');
    field(source, at, failure, 'replayCommand', isString, 'a string');
    field(source, at, failure, 'scenario', isString, 'a string', true);
    field(source, at, failure, 'client', isString, 'a string', true);
    field(source, at, failure, 'stopped', isString, 'a string', true);
    field(source, at, failure, 'size', isNumber, 'a number', true);
    field(
      source,
      at,
      failure,
      'checks',
      (v) =>
        Array.isArray(v) &&
        v.every(
          (c) =>
            isObject(c) &&
            isString(c['checker']) &&
            typeof c['valid'] === 'boolean' &&
            Array.isArray(c['violations']) &&
            isString(c['explanation']),
        ),
      'an array of check results',
    );
    field(
      source,
      at,
      failure,
      'history',
      (v) =>
        Array.isArray(v) &&
        v.every(
          (e) => isObject(e) && isNumber(e['seq']) && isNumber(e['t']) && isString(e['actor']) && isString(e['kind']),
        ),
      'an array of history events',
    );
    field(
      source,
      at,
      failure,
      'tableDiff',
      (v) =>
        Array.isArray(v) &&
        v.every(
          (d) =>
            isObject(d) &&
            isString(d['client']) &&
            isString(d['table']) &&
            Array.isArray(d['expected']) &&
            Array.isArray(d['actual']),
        ),
      'an array of table diffs',
    );
  });
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
