/**
 * The browser pages as the Node side ships them: ui/ bundled by scripts/build-ui.mjs into
 * src/report/generated/ and src/explorer/generated/, each page's script and stylesheet inlined
 * under a CSP that admits exactly them.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { EXPLORER_SCRIPT, EXPLORER_STYLE } from '../../src/explorer/generated/explorer-page.js';
import { explorerContentSecurityPolicy, renderExplorerPage } from '../../src/explorer/page.js';
import { REPORT_SCRIPT, REPORT_STYLE } from '../../src/report/generated/report-page.js';
import { renderHtmlReport, reportContentSecurityPolicy } from '../../src/report/html.js';
import { failingResults } from './fixtures.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const PAGES = [
  {
    name: 'report',
    script: REPORT_SCRIPT,
    style: REPORT_STYLE,
    html: () => renderHtmlReport(failingResults()),
    csp: reportContentSecurityPolicy,
  },
  {
    name: 'explorer',
    script: EXPLORER_SCRIPT,
    style: EXPLORER_STYLE,
    html: renderExplorerPage,
    csp: explorerContentSecurityPolicy,
  },
];

/** Ways to turn a string into markup or code. */
const MARKUP_FROM_STRINGS = /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

async function uiSources(): Promise<{ file: string; text: string }[]> {
  const files = (await readdir(`${ROOT}ui`, { recursive: true }))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `ui/${file.split('\\').join('/')}`);
  expect(files.length).toBeGreaterThan(10);
  return Promise.all(files.sort().map(async (file) => ({ file, text: await readFile(`${ROOT}${file}`, 'utf8') })));
}

function countOf(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('the browser pages', () => {
  test('are what a fresh build of ui/ makes, byte for byte (else: npm run build)', () => {
    const build = spawnSync(process.execPath, ['scripts/build-ui.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
  });

  test.each(PAGES)(
    '$name: the page carries its script and stylesheet once each, and its CSP admits exactly them',
    (page) => {
      expect(() => new Script(page.script)).not.toThrow();
      const html = page.html();
      expect(countOf(html, `<script>${page.script}</script>`)).toBe(1);
      expect(countOf(html, `<style>${page.style}</style>`)).toBe(1);
      const csp = page.csp();
      expect(csp).toContain(`script-src 'sha256-${sha256(page.script)}'`);
      expect(csp).toContain(`style-src 'sha256-${sha256(page.style)}'`);
      expect(csp).toContain("default-src 'none'");
    },
  );

  test.each(PAGES)('$name: the bundle cannot end its element early, and loads nothing', (page) => {
    for (const code of [page.script, page.style]) {
      expect(code).not.toMatch(/<\/(script|style)/i);
      expect(code).not.toContain('<!--');
    }
    for (const needle of ['url(', '@import', '@font-face', 'http://', 'https://'])
      expect(page.style).not.toContain(needle);
    expect(page.script).not.toMatch(/\bimport\(|\brequire\(|XMLHttpRequest|importScripts/);
  });

  test('never write markup from strings: run data becomes DOM text only', async () => {
    for (const { file, text } of await uiSources()) expect(text, file).not.toMatch(MARKUP_FROM_STRINGS);
    for (const page of PAGES) expect(page.script, page.name).not.toMatch(MARKUP_FROM_STRINGS);
  });

  test('take only types from src/, never its code', async () => {
    const offending: string[] = [];
    // ui/cordova/ is no report page: scripts/build-cordova.mjs bundles it into the Cordova platform
    // a browser app loads, on purpose with the very sqlite plugin and push-handler recorder the
    // Node harness runs (src/sdk, src/world), so the page and the simulator share one shim.
    for (const { file, text } of await uiSources()) {
      if (file.startsWith('ui/cordova/')) continue;
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022);
      for (const statement of source.statements) {
        const isImport = ts.isImportDeclaration(statement);
        if (!isImport && !ts.isExportDeclaration(statement)) continue;
        const from = statement.moduleSpecifier;
        if (!from || !ts.isStringLiteral(from) || !/(^|\/)src\//.test(from.text)) continue;
        const typeOnly = isImport ? statement.importClause?.isTypeOnly === true : statement.isTypeOnly;
        if (!typeOnly) offending.push(`${file}: ${from.text}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
