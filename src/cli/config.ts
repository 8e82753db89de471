/**
 * `syncwright.config.ts` (or `.mts`, `.js`, `.mjs`, `.json`): a project's defaults for `run` and
 * `hunt`, found in the working directory the way Playwright finds `playwright.config.ts`. Flags
 * on the command line override it, field by field.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadScenarioValue } from '../scenario/load.js';
import { ScenarioError, type ScenarioIssue } from '../scenario/validate.js';
import { UsageError } from './command.js';
import { isReporterPath } from './reporter-modules.js';

/** What a config file may set; every field is optional. */
export interface SyncwrightConfig {
  /** Scenario files, directories or globs, relative to the config file (default: ./scenarios). */
  readonly scenarios?: readonly string[];
  /** `reference`, `sdk`, `both`, or the path of a module exporting a ClientDriverFactory. */
  readonly client?: string;
  /** Worker threads, 1 to 256. */
  readonly workers?: number;
  /** Any of html, junit, json, list, github, or the path of a reporter module (relative to the config file). */
  readonly reporters?: readonly string[];
  /** Where reports go, relative to the config file (default reports/). */
  readonly outDir?: string;
  /** fast-check seed, or `random`. */
  readonly seed?: number | 'random';
  /** Runs per generated scenario. */
  readonly runs?: number;
  /** Known findings for `syncwright hunt`, relative to the config file. */
  readonly baseline?: string;
}

/** Types a config in a `syncwright.config.ts`: `export default defineConfig({ ... })`. */
export function defineConfig(config: SyncwrightConfig): SyncwrightConfig {
  return config;
}

/** The names looked for in the working directory, in this order. */
const CONFIG_FILE_NAMES = [
  'syncwright.config.ts',
  'syncwright.config.mts',
  'syncwright.config.js',
  'syncwright.config.mjs',
  'syncwright.config.json',
] as const;

/** A loaded config: paths in it made absolute, and where it came from. */
export interface LoadedConfig {
  readonly file: string;
  readonly scenarios?: readonly string[];
  readonly client?: string;
  readonly workers?: number;
  readonly reporters?: readonly string[];
  readonly outDir?: string;
  readonly seed?: number | 'random';
  readonly runs?: number;
  readonly baseline?: string;
}

const FIELDS = ['scenarios', 'client', 'workers', 'reporters', 'outDir', 'seed', 'runs', 'baseline'];
const INT32 = 2 ** 31;

/**
 * The config `--config` names, else the first of CONFIG_FILE_NAMES in `cwd`, else none.
 * @throws UsageError for a missing `--config` file or an invalid config ("file: path: expected X, found Y").
 */
export async function loadConfig(option: string | undefined, cwd: string): Promise<LoadedConfig | undefined> {
  let file: string;
  if (option !== undefined) {
    if (option.trim() === '') throw new UsageError(`--config expects the path of a config file, got ''`);
    file = path.resolve(cwd, option);
    if (!existsSync(file)) throw new UsageError(`--config: '${option}' not found`);
    if (!/\.(ts|mts|js|mjs|json)$/.test(file))
      throw new UsageError(`--config: '${option}' is not a config file (expected .ts, .mts, .js, .mjs or .json)`);
  } else {
    const found = CONFIG_FILE_NAMES.map((name) => path.join(cwd, name)).find((candidate) => existsSync(candidate));
    if (found === undefined) return undefined;
    file = found;
  }
  const shown = path.relative(cwd, file).split(path.sep).join('/') || file;
  let value: unknown;
  try {
    value = await loadScenarioValue(file, shown);
  } catch (error) {
    if (error instanceof ScenarioError)
      throw new UsageError(
        error.issues
          .map((issue) =>
            formatIssue({ ...issue, expected: issue.expected.replace(/defineScenario/g, 'defineConfig') }),
          )
          .join('\n'),
      );
    throw error;
  }
  return validateConfig(value, file, shown);
}

/** Checks a config's value; relative paths in it are taken from the config file's folder. */
function validateConfig(value: unknown, file: string, shown: string): LoadedConfig {
  const issues: ScenarioIssue[] = [];
  const issue = (at: string, expected: string, found: unknown): void => {
    issues.push({ file: shown, path: at, expected, found: describeValue(found) });
  };
  const unknownField = (key: string): void => {
    issues.push({
      file: shown,
      path: key,
      expected: `one of the fields ${FIELDS.join(', ')}`,
      found: 'an unknown field',
    });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issue('', 'an object such as defineConfig({ scenarios: ["scenarios"] })', value);
    throw new UsageError(issues.map(formatIssue).join('\n'));
  }
  const record = value as Record<string, unknown>;
  const base = path.dirname(file);
  const config: { -readonly [K in keyof LoadedConfig]: LoadedConfig[K] } = { file };
  for (const key of Object.keys(record)) {
    if (!FIELDS.includes(key)) unknownField(key);
  }
  const text = (at: string, raw: unknown): string | undefined => {
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string' || raw.trim() === '') return void issue(at, 'a non-empty string', raw);
    return raw;
  };
  const whole = (at: string, raw: unknown, min: number, max: number): number | undefined => {
    if (raw === undefined) return undefined;
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max)
      return void issue(at, `a whole number from ${min} to ${max}`, raw);
    return raw;
  };
  const texts = (at: string, raw: unknown): string[] | undefined => {
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw) || raw.length === 0) return void issue(at, 'a non-empty array of strings', raw);
    const items = raw.map((item, index) => text(`${at}[${index}]`, item));
    return items.every((item) => item !== undefined) ? (items as string[]) : undefined;
  };
  const scenarios = texts('scenarios', record['scenarios']);
  if (scenarios !== undefined) config.scenarios = scenarios.map((entry) => path.resolve(base, entry));
  const client = text('client', record['client']);
  if (client !== undefined) config.client = client;
  const workers = whole('workers', record['workers'], 1, 256);
  if (workers !== undefined) config.workers = workers;
  const reporters = texts('reporters', record['reporters']);
  if (reporters !== undefined)
    config.reporters = reporters.map((entry) => (isReporterPath(entry) ? path.resolve(base, entry) : entry));
  const outDir = text('outDir', record['outDir']);
  if (outDir !== undefined) config.outDir = path.resolve(base, outDir);
  const seed = record['seed'];
  if (seed === 'random') config.seed = 'random';
  else if (seed !== undefined) {
    const number = whole('seed', seed, -INT32, INT32 - 1);
    if (number !== undefined) config.seed = number;
    else issues[issues.length - 1] = { ...issues[issues.length - 1]!, expected: `a 32-bit whole number or 'random'` };
  }
  const runs = whole('runs', record['runs'], 1, 10_000_000);
  if (runs !== undefined) config.runs = runs;
  const baseline = text('baseline', record['baseline']);
  if (baseline !== undefined) config.baseline = path.resolve(base, baseline);
  if (issues.length > 0) throw new UsageError(issues.map(formatIssue).join('\n'));
  return config;
}

function formatIssue(issue: ScenarioIssue): string {
  return `${issue.file}: ${issue.path === '' ? '(config)' : issue.path}: expected ${issue.expected}, found ${issue.found}`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    const json = JSON.stringify(value);
    return json.length > 60 ? `${json.slice(0, 57)}...` : json;
  } catch {
    return typeof value;
  }
}
