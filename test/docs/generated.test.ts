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
