// `npm run docs`: writes the generated reference pages from the built commands (dist/), so a page
// says exactly what the code says. `--check` writes nothing and exits 1 when a page is stale or missing.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commands } from '../dist/cli/commands/index.js';
import { CLI_REFERENCE_PATH, cliReference, referenceDrift } from '../dist/cli/reference.js';
import { scenarioJsonSchema } from '../dist/scenario/json-schema.js';
import { SCENARIO_REFERENCE_PATH, withFieldTables } from '../dist/scenario/reference.js';

// `--root <dir>` reads or writes the pages under another checkout (the tests plant stale pages there).
const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root =
  rootAt >= 0 && args[rootAt + 1] !== undefined
    ? path.resolve(args[rootAt + 1])
    : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const check = args.includes('--check');
// Each page as generated from what is written now (a page may hold a generated part only).
const pages = [
  { file: CLI_REFERENCE_PATH, render: () => cliReference(commands) },
  { file: SCENARIO_REFERENCE_PATH, render: (written) => withFieldTables(written, scenarioJsonSchema()) },
];

let stale = 0;
for (const page of pages) {
  const target = path.join(root, page.file);
  const written = await readFile(target, 'utf8').catch(() => '');
  const text = page.render(written);
  if (check) {
    const drift = referenceDrift(page.file, written, text);
    if (drift !== undefined) {
      console.error(drift);
      stale++;
    }
  } else {
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
    console.log(`wrote ${page.file}`);
  }
}
process.exitCode = stale === 0 ? 0 : 1;
