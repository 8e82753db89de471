// Part of `npm run build`: writes the JSON Schema of scenario files (schema/scenario.schema.json)
// from the built zod schema (dist/), so that it ships with the package and editors check scenario
// files against the code's own rules. `--check` writes nothing and exits 1 when the file is stale.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIO_SCHEMA_PATH, scenarioJsonSchemaText } from '../dist/scenario/json-schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, SCENARIO_SCHEMA_PATH);
const text = scenarioJsonSchemaText();
if (process.argv.includes('--check')) {
  const written = await readFile(target, 'utf8').catch(() => '');
  if (written !== text) {
    console.error(`${SCENARIO_SCHEMA_PATH}: stale or missing; run \`npm run build\``);
    process.exitCode = 1;
  }
} else {
  await mkdir(path.dirname(target), { recursive: true });
  if ((await readFile(target, 'utf8').catch(() => '')) !== text) {
    await writeFile(target, text);
    console.log(`wrote ${SCENARIO_SCHEMA_PATH}`);
  }
}
