/**
 * Pages written by a command, never by hand: docs/reference/cli.md (`npm run docs`) must be what
 * the generator writes now, and the bench's pages (`npm run bench -- --docs`) must say which
 * commit, when and on how loaded a machine their figures were measured. The script's own check
 * runs from dist/ (`npm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { commands } from '../../src/cli/commands/index.js';
import { CLI_REFERENCE_PATH, cliReference, referenceDrift } from '../../src/cli/reference.js';
import { scenarioJsonSchema } from '../../src/scenario/json-schema.js';
import { SCENARIO_REFERENCE_PATH, withFieldTables } from '../../src/scenario/reference.js';
import { markdownPages, readPage, ROOT } from './markdown.js';

describe('docs/reference/cli.md', () => {
  test('is what `npm run docs` writes from the commands as they are now', () => {
    expect(referenceDrift(CLI_REFERENCE_PATH, readPage(CLI_REFERENCE_PATH), cliReference(commands))).toBeUndefined();
  });

  test('a planted stale page — an option the command no longer has — is reported with its line', () => {
    const generated = cliReference(commands);
    const lines = generated.split('\n');
    const at = lines.findIndex((line) => line.trimStart().startsWith('--'));
    expect(at).toBeGreaterThan(0);
    const stale = [
      ...lines.slice(0, at),
      '  --frobnicate           an option that was removed',
      ...lines.slice(at),
    ].join('\n');
    const drift = referenceDrift(CLI_REFERENCE_PATH, stale, generated);
    expect(drift).toBe(
      `${CLI_REFERENCE_PATH}: line ${at + 1}: expected ${JSON.stringify(lines[at])}, found "  --frobnicate           an option that was removed" — the page is stale; run \`npm run docs\``,
    );
    expect(referenceDrift(CLI_REFERENCE_PATH, generated.slice(0, -40), generated)).toMatch(/the page is stale/);
  });

  test('every command has its section with its whole --help text', () => {
    const page = readPage(CLI_REFERENCE_PATH);
    for (const command of commands) {
      expect(page).toContain(`## syncwright ${command.name}\n`);
      expect(page).toContain(command.usage.trimEnd());
    }
  });
});

describe('docs/reference/scenario-format.md', () => {
  const generated = (page: string): string => withFieldTables(page, scenarioJsonSchema());

  test('its field tables are what `npm run docs` writes from the scenario schema as it is now', () => {
    const page = readPage(SCENARIO_REFERENCE_PATH);
    expect(referenceDrift(SCENARIO_REFERENCE_PATH, page, generated(page))).toBeUndefined();
  });

  test('every top-level field of the format has its row', () => {
    const page = readPage(SCENARIO_REFERENCE_PATH);
    const fields = Object.keys((scenarioJsonSchema() as { properties: object }).properties);
    expect(fields).toContain('generate');
    for (const field of fields) expect(page).toMatch(new RegExp(`^\\| \`${field.replace('$', '\\$')}\``, 'm'));
  });

  test('a planted stale row is reported with its line; the prose around the tables is the author’s', () => {
    const page = readPage(SCENARIO_REFERENCE_PATH);
    const stale = page.replace('| `runs` | integer 1–1000000 |', '| `runs` | integer 1–100 |');
    expect(stale).not.toBe(page);
    expect(referenceDrift(SCENARIO_REFERENCE_PATH, stale, generated(stale))).toMatch(
      /^docs\/reference\/scenario-format\.md: line \d+: expected "\| `runs` \| integer 1–1000000 \|.*the page is stale; run `npm run docs`$/,
    );
    const edited = page.replace('# The scenario format', '# The scenario format, by hand');
    expect(referenceDrift(SCENARIO_REFERENCE_PATH, edited, generated(edited))).toBeUndefined();
  });
});

describe('the pages the bench writes', () => {
  const benchPages = markdownPages().filter((page) => readPage(page).includes('Written by `npm run bench'));

  test('docs/performance.md is one of them', () => {
    expect(benchPages).toContain('docs/performance.md');
  });

  test.each(benchPages)('%s is headed by the command, the commit, the date and the machine’s load', (page) => {
    const header = readPage(page).split('\n').slice(0, 8).join('\n');
    expect(header).toMatch(/^# /);
    expect(header).toContain('Do not edit by hand');
    expect(header).toMatch(
      /Measured with `npm run bench[^`]*` on commit [0-9a-f]{7,40}, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z, Node v\d+\.\d+\.\d+, \d+ CPUs?, load average [\d.]+ [\d.]+ [\d.]+ at the start \(([\d.]+ ){2}[\d.]+ at the end\)/,
    );
  });
});

describe('`node scripts/docs.mjs --check` on the built commands', () => {
  const run = (root: string) =>
    spawnSync(process.execPath, ['scripts/docs.mjs', '--check', '--root', root], { cwd: ROOT, encoding: 'utf8' });

  test('passes on the page as generated, and fails with the line on a planted stale one', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'syncwright-docs-'));
    try {
      await mkdir(path.join(root, path.dirname(CLI_REFERENCE_PATH)), { recursive: true });
      const page = path.join(root, CLI_REFERENCE_PATH);
      const generated = readPage(CLI_REFERENCE_PATH);
      await writeFile(page, generated);
      await writeFile(path.join(root, SCENARIO_REFERENCE_PATH), readPage(SCENARIO_REFERENCE_PATH));
      const fresh = run(root);
      expect(fresh.stderr).toBe('');
      expect(fresh.status).toBe(0);

      await writeFile(page, generated.replace('## syncwright replay', '## syncwright replay-old'));
      const stale = run(root);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toMatch(
        /^docs\/reference\/cli\.md: line \d+: expected "## syncwright replay", found "## syncwright replay-old" — the page is stale; run `npm run docs`\n$/,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('fails when the page is missing', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'syncwright-docs-'));
    try {
      const missing = run(root);
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain(
        'docs/reference/cli.md: line 1: expected "# The command line, option by option"',
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
