import { createHash } from 'node:crypto';
import { Script } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { explorerContentSecurityPolicy, renderExplorerPage } from '../../src/explorer/page.js';
import { EXPLORER_SCRIPT } from '../../src/explorer/page-script.js';
import { BROWSER_HELPERS } from '../../src/report/browser-helpers.js';
import { REPORT_SCRIPT } from '../../src/report/html-script.js';

const PAGES = { report: REPORT_SCRIPT, explorer: EXPLORER_SCRIPT };

/** Names declared at the top level of the page IIFEs (two spaces in). */
function topLevelNames(code: string): string[] {
  return [...code.matchAll(/^ {2}(?:function|var) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]!);
}

describe('the browser code the report and the explorer share', () => {
  test('is spliced once into each page script, which still compiles', () => {
    for (const code of Object.values(PAGES)) {
      expect(code.split(BROWSER_HELPERS)).toHaveLength(2);
      expect(() => new Script(code)).not.toThrow();
    }
  });

  test('no page declares a shared name again, where it would quietly replace the shared one', () => {
    const shared = topLevelNames(BROWSER_HELPERS);
    expect(shared).toEqual(expect.arrayContaining(['el', 'add', 'tid', 'fmtTime', 'timelineEvent', 'highlightRow']));
    for (const code of Object.values(PAGES)) {
      const own = topLevelNames(code.replace(BROWSER_HELPERS, ''));
      expect(own.filter((name) => shared.includes(name))).toEqual([]);
    }
  });

  test('holds to the rules of an inline script: no template literal, no markup from strings', () => {
    expect(BROWSER_HELPERS).not.toContain('`');
    for (const code of [BROWSER_HELPERS, ...Object.values(PAGES)]) {
      expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
      expect(code).not.toMatch(/<\/script/i);
      expect(code).not.toContain('<!--');
    }
  });

  test("the explorer's CSP admits exactly the script its page carries", () => {
    const hash = createHash('sha256').update(EXPLORER_SCRIPT, 'utf8').digest('base64');
    expect(explorerContentSecurityPolicy()).toContain(`script-src 'sha256-${hash}'`);
    expect(renderExplorerPage()).toContain(`<script>${EXPLORER_SCRIPT}</script>`);
  });
});
