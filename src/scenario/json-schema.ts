/**
 * The scenario format's JSON Schema, shipped as `schema/scenario.schema.json` (written at build
 * time by scripts/schema.mjs; test/scenario/json-schema.test.ts fails when the committed file is
 * stale). Scenario files name it in `$schema`, so that editors complete and check them.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toJsonSchema, type JsonSchema } from '../protocol/json-schema.js';
import { scenarioSchema } from './schema.js';

/** Where the schema lives, from the package's root. */
export const SCENARIO_SCHEMA_PATH = 'schema/scenario.schema.json';

/** Where a project that installed syncwright finds it, from the project's root. */
export const INSTALLED_SCENARIO_SCHEMA_PATH = `node_modules/syncwright/${SCENARIO_SCHEMA_PATH}`;

export function scenarioJsonSchema(): JsonSchema {
  return toJsonSchema(scenarioSchema, {
    title: 'syncwright scenario',
    description:
      'A scenario file of syncwright (docs/reference/scenario-format.md): tables, clients and their policies, fixed steps or a generator, checks and expectations.',
  });
}

/** The file's text, as scripts/schema.mjs writes it. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

/** The shipped schema of the running copy of syncwright (from src/ or dist/ alike). */
function shippedSchema(): string {
  return fileURLToPath(new URL(`../../${SCENARIO_SCHEMA_PATH}`, import.meta.url));
}

/**
 * `$schema` for a scenario file written into `directory`: the running copy's schema, relative to
 * the file, when both lie inside the project (`cwd`); otherwise none, so that no file names a
 * path outside its project (a global install, a cache, a temporary folder).
 */
export function schemaReference(directory: string, cwd: string): string | undefined {
  const schema = shippedSchema();
  const inside = (file: string): boolean => {
    const relative = path.relative(path.resolve(cwd), file);
    return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
  };
  if (!inside(schema) || !inside(path.resolve(cwd, directory))) return undefined;
  return path.relative(path.resolve(cwd, directory), schema).split(path.sep).join('/');
}
