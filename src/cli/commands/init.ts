import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, type Command } from '../command.js';
import { initFiles } from '../init-templates.js';
import { integerOption, parseOptions } from '../options.js';

const DEFAULT_TABLE = 'items';
const DEFAULT_SHARDS = 4;

export const initCommand: Command = {
  name: 'init',
  summary: 'Scaffold a config, a scenario, a handler, a Vitest test and a CI workflow here',
  usage: `Usage: syncwright init [options]

Writes, in the working directory, a starting point for testing your own app:
  syncwright.config.ts              defaults for \`syncwright run\` and \`hunt\` (defineConfig)
  scenarios/my-table.json           a scenario on your table: a conflict your handler answers
  handlers/my-handler.mjs           the push handler (onConflict, onError) as an ES module
  test/syncwright.test.ts           the scenario as a Vitest test (syncwright/vitest)
  .github/workflows/syncwright.yml  CI: \`run\` in a shard matrix, then \`merge-reports\`
A file that already exists is left as it is (init says which it skipped); then
\`syncwright run\` runs the new scenario.

Options:
  --table <name>         your table's name (default ${DEFAULT_TABLE}; letters, digits and _)
  --shards <n>           shards of the CI workflow's matrix (default ${DEFAULT_SHARDS}, 1 to 64)
  -h, --help             show this help

Exit code: 0 when the files were written or skipped, 2 for a mistake in the arguments.`,

  async run(args, io) {
    const { values } = parseOptions(args, { table: { type: 'string' }, shards: { type: 'string' } });
    const table = values.table ?? DEFAULT_TABLE;
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(table))
      throw new UsageError(
        `--table expects a table name of letters, digits and _ (not starting with a digit, at most 64), got '${table}'`,
      );
    const shards = integerOption('shards', values.shards, DEFAULT_SHARDS, 1, 64);
    const written: string[] = [];
    const skipped: string[] = [];
    for (const file of initFiles({ table, shards })) {
      const target = path.join(io.cwd, ...file.path.split('/'));
      if (existsSync(target)) {
        skipped.push(file.path);
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      // `wx`: a file that appeared since the check is still not overwritten.
      await writeFile(target, file.text, { encoding: 'utf8', flag: 'wx' }).then(
        () => written.push(file.path),
        (error: unknown) => {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          skipped.push(file.path);
        },
      );
    }
    for (const file of written) io.stdout.write(`created ${file}\n`);
    for (const file of skipped) io.stdout.write(`skipped ${file} (it exists; left as it is)\n`);
    io.stdout.write(
      written.length > 0
        ? '\nNext: edit scenarios/my-table.json and handlers/my-handler.mjs for your app, then run `npx syncwright run`.\n'
        : '\nNothing written: every file init makes is already there.\n',
    );
    return 0;
  },
};
