/**
 * Loading scenario files: JSON, TypeScript and JavaScript.
 *
 * TypeScript files are loaded by plain Node (no tsx, no build step for the user's files): the
 * TypeScript compiler API strips the types (`transpileModule`, syntax only, no type check) to
 * CommonJS, which runs with a `require` that hands the scenario this very copy of syncwright
 * for `import … from 'syncwright'` and its subpaths (`syncwright/world`, …), and for relative
 * imports of the package's own `src/index` and `src/api/*` (the built-in scenarios use those so
 * that they type-check inside the repo).
 * Relative `.ts` imports of a scenario are loaded the same way; anything else goes to Node's
 * own `require`. `typescript` is imported only when a `.ts` file is loaded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MAX_JSON_BYTES } from '../protocol/limits.js';
import { JsonTextError, readJson } from '../protocol/safe-json.js';
import { ENTRY_POINTS, isEntryPoint, type EntryPoint } from '../entry-points.js';
import { mergeDefinitions, resolveDefinition } from './resolve.js';
import type { ResolvedScenario, ScenarioDefinition } from './types.js';
import { ScenarioError, validateAndMigrate } from './validate.js';

const SCENARIO_EXTENSIONS = ['.ts', '.mts', '.json', '.js', '.mjs'];

/** The package root: two levels above this file, in `src/scenario/` and in `dist/scenario/` alike. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The entry point a path names when it is `<a syncwright checkout>/src/index(.js|.ts)`,
 * `…/src/api/<name>` or the same in `dist/`: the scenario gets the copy that is running.
 */
function syncwrightEntryAt(target: string): EntryPoint | undefined {
  const base = path.basename(target).replace(/\.(ts|js|mjs)$/, '');
  let folder = path.dirname(target);
  let specifier: string;
  if (path.basename(folder) === 'api') {
    specifier = `syncwright/${base}`;
    folder = path.dirname(folder);
  } else if (base === 'index') {
    specifier = 'syncwright';
  } else {
    return undefined;
  }
  if (!isEntryPoint(specifier) || !['src', 'dist'].includes(path.basename(folder))) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(path.join(path.dirname(folder), 'package.json'), 'utf8')) as {
      name?: unknown;
    };
    return manifest.name === 'syncwright' ? specifier : undefined;
  } catch {
    return undefined;
  }
}

/** Loads, validates and resolves one scenario file (following `extends`). */
export async function loadScenario(file: string, options: { cwd?: string } = {}): Promise<ResolvedScenario> {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  const notes: string[] = [];
  const definition = await loadDefinitionWithExtends(absolute, displayName(absolute, cwd), cwd, [], notes);
  return resolveDefinition(definition, displayName(absolute, cwd), path.dirname(absolute), notes);
}

/** Every scenario file in a directory (not its subdirectories), sorted by name. */
export async function listScenarioFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  return entries
    .filter(
      (entry) =>
        entry.isFile() && SCENARIO_EXTENSIONS.includes(path.extname(entry.name)) && !entry.name.endsWith('.d.ts'),
    )
    .map((entry) => path.join(directory, entry.name))
    .sort();
}

/** The directory of the scenarios that ship with syncwright. */
export const BUILT_IN_SCENARIOS_DIR = path.join(PACKAGE_ROOT, 'scenarios');

async function loadDefinitionWithExtends(
  absolute: string,
  shown: string,
  cwd: string,
  seen: string[],
  notes: string[],
): Promise<ScenarioDefinition> {
  if (seen.includes(absolute)) {
    throw new ScenarioError(shown, [
      {
        file: shown,
        path: 'extends',
        expected: 'a chain of scenarios without a cycle',
        found: [...seen, absolute].map((f) => displayName(f, cwd)).join(' → '),
      },
    ]);
  }
  const loaded = validateAndMigrate(await loadScenarioValue(absolute, shown), shown);
  notes.push(...loaded.notes);
  const definition = loaded.definition;
  if (definition.extends === undefined) return definition;
  const baseFile = path.resolve(path.dirname(absolute), definition.extends);
  if (!existsSync(baseFile)) {
    throw new ScenarioError(shown, [
      {
        file: shown,
        path: 'extends',
        expected: 'the path of an existing scenario file, relative to this one',
        found: JSON.stringify(definition.extends),
      },
    ]);
  }
  const base = await loadDefinitionWithExtends(baseFile, displayName(baseFile, cwd), cwd, [...seen, absolute], notes);
  return mergeDefinitions(withAbsoluteModules(base, path.dirname(baseFile)), definition);
}

/**
 * A handler module is named relative to the file that names it. Once a base scenario's fields
 * are inherited by a file in another folder, that relation would be lost, so inherited module
 * paths are made absolute first.
 */
function withAbsoluteModules(definition: ScenarioDefinition, directory: string): ScenarioDefinition {
  const rebase = <P>(policy: P): P =>
    typeof policy === 'object' && policy !== null && 'module' in policy && typeof policy.module === 'string'
      ? { ...policy, module: path.resolve(directory, policy.module) }
      : policy;
  const clients = Array.isArray(definition.clients)
    ? definition.clients.map((client) =>
        typeof client === 'object' && client !== null && 'policy' in client
          ? { ...client, policy: rebase(client.policy) }
          : client,
      )
    : definition.clients;
  return {
    ...definition,
    ...(definition.policy === undefined ? {} : { policy: rebase(definition.policy) }),
    ...(clients === undefined ? {} : { clients }),
  };
}

function displayName(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  return relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative.split(path.sep).join('/');
}

/** The raw value a scenario file holds (its default export for code files). */
export async function loadScenarioValue(absolute: string, shown = absolute): Promise<unknown> {
  const extension = path.extname(absolute);
  if (!SCENARIO_EXTENSIONS.includes(extension)) {
    throw new ScenarioError(shown, [
      {
        file: shown,
        path: '',
        expected: `a scenario file ending in ${SCENARIO_EXTENSIONS.join(', ')}`,
        found: JSON.stringify(path.basename(absolute)),
      },
    ]);
  }
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ScenarioError(shown, [
      { file: shown, path: '', expected: 'a readable scenario file', found: describe(error) },
    ]);
  }
  if (extension === '.json') return parseJson(text, shown);
  const exports =
    extension === '.ts' || extension === '.mts'
      ? await loadTypeScriptModule(absolute, shown)
      : await importModule(absolute, shown);
  const value = (exports as { default?: unknown }).default;
  if (value === undefined) {
    throw new ScenarioError(shown, [
      {
        file: shown,
        path: '',
        expected: 'a default export: `export default defineScenario({...})`',
        found: `exports ${Object.keys(exports as object).join(', ') || 'nothing'}`,
      },
    ]);
  }
  return value;
}

/** JSON text as a scenario file's (or a counterexample's) value, through the depth-guarded reader. */
export function parseJson(text: string, shown: string, maxBytes: number = MAX_JSON_BYTES.scenario): unknown {
  try {
    return readJson(text, { maxBytes });
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    throw new ScenarioError(shown, [{ file: shown, path: '', expected: error.expected, found: error.found }]);
  }
}

async function importModule(absolute: string, shown: string): Promise<unknown> {
  try {
    return (await import(pathToFileURL(absolute).href)) as unknown;
  } catch (error) {
    throw new ScenarioError(shown, [
      { file: shown, path: '', expected: 'a module that loads', found: describe(error) },
    ]);
  }
}

type TypeScriptApi = typeof import('typescript');
let typescript: TypeScriptApi | undefined;
/** The entry points scenario files imported so far, from the running copy. */
const entries = new Map<EntryPoint, unknown>();

/** Loads a `.ts` module (a scenario, or a team's handler) by stripping its types. */
export async function loadTypeScriptModule(absolute: string, shown = absolute): Promise<unknown> {
  try {
    typescript ??= ((await import('typescript')) as unknown as { default: TypeScriptApi }).default;
  } catch (error) {
    throw new ScenarioError(shown, [
      {
        file: shown,
        path: '',
        expected: 'the `typescript` package to be installed to load .ts scenarios (or use .json)',
        found: describe(error),
      },
    ]);
  }
  await loadEntries(absolute, shown);
  return requireTypeScript(absolute, shown, new Map());
}

/**
 * Loads the entry points a file and its relative `.ts` imports name, before the file runs: its
 * `require` is synchronous, an entry's module is not. An entry nobody names (say `syncwright/msw`,
 * whose peer dependency may be absent) is never loaded.
 */
async function loadEntries(absolute: string, shown: string): Promise<void> {
  const wanted = new Set<string>();
  const visited = new Set<string>();
  const visit = (file: string): void => {
    if (visited.has(file)) return;
    visited.add(file);
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch {
      return; // requireTypeScript reports the unreadable file where it is imported
    }
    for (const { fileName } of typescript!.preProcessFile(source, true, true).importedFiles) {
      const entry = entrySpecifier(file, fileName);
      if (entry !== undefined) wanted.add(entry);
      else {
        const local = localTypeScriptFile(file, fileName);
        if (local !== undefined) visit(local);
      }
    }
  };
  visit(absolute);
  for (const specifier of wanted) {
    if (!isEntryPoint(specifier)) {
      throw new ScenarioError(shown, [
        {
          file: shown,
          path: '',
          expected: `imports of syncwright's entry points (${Object.keys(ENTRY_POINTS).join(', ')})`,
          found: JSON.stringify(specifier),
        },
      ]);
    }
    if (entries.has(specifier)) continue;
    try {
      entries.set(specifier, await ENTRY_POINTS[specifier]());
    } catch (error) {
      throw new ScenarioError(shown, [
        { file: shown, path: '', expected: `${specifier} to load`, found: describe(error) },
      ]);
    }
  }
}

/** `syncwright`, `syncwright/…`, or a path to the package's own entry files; undefined for anything else. */
function entrySpecifier(importer: string, specifier: string): string | undefined {
  if (specifier === 'syncwright' || specifier.startsWith('syncwright/')) return specifier;
  if (!specifier.startsWith('.') && !path.isAbsolute(specifier)) return undefined;
  return syncwrightEntryAt(path.resolve(path.dirname(importer), specifier));
}

/** The `.ts`/`.mts` file a relative import names (`./x.js` written for `./x.ts` included). */
function localTypeScriptFile(importer: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.') && !path.isAbsolute(specifier)) return undefined;
  const target = path.resolve(path.dirname(importer), specifier);
  const withoutJs = target.replace(/\.(c|m)?js$/, '');
  return [target, `${withoutJs}.ts`, `${withoutJs}.mts`, `${target}.ts`].find(
    (candidate) => (candidate.endsWith('.ts') || candidate.endsWith('.mts')) && existsSync(candidate),
  );
}

function requireTypeScript(absolute: string, shown: string, cache: Map<string, { exports: unknown }>): unknown {
  const cached = cache.get(absolute);
  if (cached !== undefined) return cached.exports;
  const ts = typescript!;
  const source = readFileSync(absolute, 'utf8');
  const output = ts.transpileModule(source, {
    fileName: absolute,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      sourceMap: false,
      inlineSourceMap: false,
    },
  });
  const errors = (output.diagnostics ?? []).filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    throw new ScenarioError(
      shown,
      errors.map((diagnostic) => {
        const where =
          diagnostic.file !== undefined && diagnostic.start !== undefined
            ? (() => {
                const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
                return ` at line ${line + 1}, column ${character + 1}`;
              })()
            : '';
        return {
          file: shown,
          path: '',
          expected: 'TypeScript that parses',
          found: `${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}${where}`,
        };
      }),
    );
  }
  const module = { exports: {} as unknown };
  cache.set(absolute, module);
  const nodeRequire = createRequire(absolute);
  const localRequire = (specifier: string): unknown => {
    const entry = entrySpecifier(absolute, specifier);
    if (entry !== undefined && isEntryPoint(entry) && entries.has(entry)) return entries.get(entry);
    const local = localTypeScriptFile(absolute, specifier);
    if (local !== undefined) return requireTypeScript(local, local, cache);
    return nodeRequire(specifier);
  };
  try {
    const run = new Function('exports', 'require', 'module', '__filename', '__dirname', output.outputText) as (
      exports: unknown,
      require: (specifier: string) => unknown,
      module: { exports: unknown },
      filename: string,
      dirname: string,
    ) => void;
    run(module.exports, localRequire, module, absolute, path.dirname(absolute));
  } catch (error) {
    cache.delete(absolute);
    if (error instanceof ScenarioError) throw error;
    throw new ScenarioError(shown, [
      { file: shown, path: '', expected: 'a module that runs without throwing', found: describe(error) },
    ]);
  }
  return module.exports;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
