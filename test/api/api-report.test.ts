/**
 * The API report (scripts/api-report.mjs): `npm run check` fails when an entry point's exports
 * differ from api/*.api.md. One entry is reported from a planted copy, so the test stays fast
 * (the whole comparison is the check's own stage).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'syncwright-api-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** src/api/check.ts rewritten with absolute imports (and the given edit), as a file outside the repo. */
async function plantedCheckEntry(edit: (source: string) => string): Promise<string> {
  const source = await readFile(path.join(ROOT, 'src/api/check.ts'), 'utf8');
  const target = path.join(dir, 'check.mts');
  await writeFile(target, edit(source.replaceAll("from '../", `from '${path.join(ROOT, 'src')}/`)));
  return target;
}

function checkReport(entry: string): { status: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    ['scripts/api-report.mjs', '--check', '--entry', `syncwright/check=${entry}`],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('an internal export planted in an entry, and one taken out, fail the check with the difference', async () => {
  const entry = await plantedCheckEntry(
    (source) =>
      source.replace('  historyGaps,\n', '') +
      `export { drainPromiseJobs } from '${path.join(ROOT, 'src/kernel/scheduler.js')}';\n`,
  );
  const result = checkReport(entry);
  expect(result.status).toBe(1);
  expect(result.output).toContain('api/check.api.md: the public API differs:');
  // Everything else still matches: these two are the only lines that differ.
  const changed = result.output.split('\n').filter((line) => /^[+-] /.test(line));
  expect(changed).toEqual([
    '+ const drainPromiseJobs: () => Promise<void>',
    '- function historyGaps(history: History): HistoryGaps | undefined',
  ]);
  expect(result.output).toContain('run npm run api');
  expect(result.output).not.toContain(ROOT);
});

test('a wrong --entry is a usage error, not a crash', () => {
  const result = spawnSync(
    process.execPath,
    ['scripts/api-report.mjs', '--check', '--entry', 'syncwright/kernel=x.ts'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('--entry: expected one of syncwright, syncwright/backend');
});
