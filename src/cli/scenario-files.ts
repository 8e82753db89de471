/**
 * Which scenario files a `syncwright run` means: files, directories (their scenario files and
 * those of their `regressions/` folder) and globs. No argument: `./scenarios` when there is
 * one, else the scenarios that ship with syncwright.
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { BUILT_IN_SCENARIOS_DIR, listScenarioFiles } from '../scenario/load.js';
import { UsageError } from './command.js';
import { expandGlob, hasGlobMagic } from './glob.js';

const SCENARIO_FILE = /\.(ts|mts|json|js|mjs)$/;

export function isScenarioFileName(file: string): boolean {
  return SCENARIO_FILE.test(file) && !file.endsWith('.d.ts');
}

/** The default scenario directory for a working directory. */
export function defaultScenarioDirectory(cwd: string): string {
  const local = path.join(cwd, 'scenarios');
  return existsSync(local) ? local : BUILT_IN_SCENARIOS_DIR;
}

/** A directory's scenario files, then those of its `regressions/` folder and that folder's subfolders. */
export async function scenarioFilesIn(directory: string): Promise<string[]> {
  return [...(await listScenarioFiles(directory)), ...(await regressionFilesIn(path.join(directory, 'regressions')))];
}

// Regression cases may be grouped by client (`regressions/sdk/`); every level holds scenarios,
// unlike the scenario directory itself, whose other subfolders (`handlers/`) are not scenarios.
async function regressionFilesIn(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
      .map((name) => regressionFilesIn(path.join(directory, name))),
  );
  return [...(await listScenarioFiles(directory)), ...nested.flat()];
}

/** Absolute paths, each once, in argument order; a UsageError names an argument that matches nothing. */
export async function resolveScenarioFiles(args: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  const add = (file: string): void => {
    if (!files.includes(file)) files.push(file);
  };
  if (args.length === 0) {
    const directory = defaultScenarioDirectory(cwd);
    const found = await scenarioFilesIn(directory);
    if (found.length === 0) throw new UsageError(`no scenario files in ${directory}`);
    found.forEach(add);
    return files;
  }
  for (const arg of args) {
    const absolute = path.resolve(cwd, arg);
    const info = await stat(absolute).catch(() => undefined);
    if (info?.isDirectory() === true) {
      const found = await scenarioFilesIn(absolute);
      if (found.length === 0)
        throw new UsageError(
          `'${arg}' holds no scenario files (expected files ending in .json, .ts, .mts, .js or .mjs)`,
        );
      found.forEach(add);
    } else if (info?.isFile() === true) {
      if (!isScenarioFileName(absolute))
        throw new UsageError(
          `'${arg}' is not a scenario file (expected a file ending in .json, .ts, .mts, .js or .mjs)`,
        );
      add(absolute);
    } else if (hasGlobMagic(arg)) {
      let found: string[];
      try {
        found = (await expandGlob(arg, cwd)).filter(isScenarioFileName);
      } catch (error) {
        throw new UsageError(`'${arg}': ${error instanceof Error ? error.message : String(error)}`);
      }
      if (found.length === 0) throw new UsageError(`'${arg}' matches no scenario files`);
      found.forEach(add);
    } else {
      throw new UsageError(
        `scenario file '${arg}' not found (expected a scenario file, a directory of them, or a glob such as 'scenarios/*.json')`,
      );
    }
  }
  return files;
}
