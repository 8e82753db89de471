/**
 * The docs stay navigable: a short README, links that lead somewhere, and nothing that only
 * makes sense on the machine a page was written on.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { anchorsOf, markdownPages, readPage, relativeLinks, ROOT } from './markdown.js';

const PAGES = markdownPages();

/** Every relative link of these pages that leads to no file, or to no heading of a Markdown page. */
function brokenLinks(pages: Record<string, string>, exists: (file: string) => boolean): string[] {
  const issues: string[] = [];
  for (const [page, text] of Object.entries(pages)) {
    for (const { line, target } of relativeLinks(text)) {
      const [file = '', anchor] = target.split('#');
      const resolved = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
      if (!exists(resolved)) {
        issues.push(`${page}:${line}: link ${target}: expected a file at ${resolved}, found none`);
        continue;
      }
      if (anchor === undefined || !resolved.endsWith('.md')) continue;
      const targetText = pages[resolved] ?? readPage(resolved);
      if (!anchorsOf(targetText).has(decodeURIComponent(anchor)))
        issues.push(`${page}:${line}: link ${target}: expected a heading #${anchor} in ${resolved}, found none`);
    }
  }
  return issues;
}

const onDisk = (file: string): boolean => existsSync(path.join(ROOT, file));

describe('the docs', () => {
  test('the README is at most 200 lines', () => {
    expect(readPage('README.md').split('\n').length).toBeLessThanOrEqual(200);
  });

  test('the README leads to getting started, the CLI reference, the semantics and the performance page', () => {
    const linked = new Set(relativeLinks(readPage('README.md')).map(({ target }) => target.split('#')[0]));
    for (const page of ['docs/getting-started.md', 'docs/reference/cli.md', 'docs/performance.md', 'docs/semantics.md'])
      expect(linked).toContain(page);
  });

  test('every relative link in README.md and docs/ leads to a file, and to a heading when it names one', () => {
    expect(PAGES.length).toBeGreaterThan(10);
    const pages = Object.fromEntries(PAGES.map((page) => [page, readPage(page)]));
    expect(brokenLinks(pages, onDisk)).toEqual([]);
  });

  test('a link to a missing file or heading is reported with the page and line', () => {
    const pages = {
      'docs/a.md': '# A\n\n## Two words\n\nsee [b](b.md) and [here](#two-words)\n',
      'docs/guide/c.md': '# C\n\n[a](../a.md#no-such-heading) [up](../../README.md) `[not](a link)`\n',
    };
    const exists = (file: string): boolean => file in pages || file === 'README.md';
    expect(brokenLinks(pages, exists)).toEqual([
      'docs/a.md:5: link b.md: expected a file at docs/b.md, found none',
      'docs/guide/c.md:3: link ../a.md#no-such-heading: expected a heading #no-such-heading in docs/a.md, found none',
    ]);
  });

  test('a repeated heading is reached as GitHub numbers it, and a heading in a code block is none', () => {
    const anchors = anchorsOf(
      '# Quick start\n\n```sh\n# not a heading\n```\n\n## Quick start\n\n## `run` — its options\n',
    );
    expect([...anchors]).toEqual(['quick-start', 'quick-start-1', 'run--its-options']);
  });

  test('no page names a path of the machine it was written on, or the shared folder', () => {
    const found = PAGES.flatMap((page) =>
      readPage(page)
        .split('\n')
        .flatMap((line, index) =>
          /\/work\/|\/tmp\/|\.\.\/shared/.test(line) ? [`${page}:${index + 1}: ${line.trim()}`] : [],
        ),
    );
    expect(found).toEqual([]);
  });
});
