import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderHtmlReport, writeHtmlReport } from '../../src/report/html.js';
import { REPORT_SCRIPT, REPORT_STYLE } from '../../src/report/generated/report-page.js';
import { buildReportModel } from '../../src/report/report-model.js';
import { failingResults, HOSTILE, hostileResults } from './fixtures.js';

function dataBlock(html: string): string {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error('no data block');
  return match[1]!;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

describe('renderHtmlReport', () => {
  test('embeds the report model as JSON that parses back unchanged', () => {
    const results = failingResults();
    expect(JSON.parse(dataBlock(renderHtmlReport(results)))).toEqual(
      JSON.parse(JSON.stringify(buildReportModel(results))),
    );
  });

  test('hostile run data cannot open or close an element anywhere in the file', () => {
    const html = renderHtmlReport(hostileResults());
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script/g)).toHaveLength(2);
    for (const needle of ['<img', '<svg', '<!--', 'window.__pwned=1</script>', '\u2028', '\u2029'])
      expect(html).not.toContain(needle);
    expect(JSON.parse(dataBlock(html)).scenarios[0].name).toBe(`${HOSTILE.script} conflict`);
  });

  test('the Content-Security-Policy admits exactly the inline script and stylesheet', () => {
    const html = renderHtmlReport(failingResults());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'sha256-${sha256(REPORT_SCRIPT)}'`);
    expect(csp).toContain(`style-src 'sha256-${sha256(REPORT_STYLE)}'`);
    expect(html).toContain(`<script>${REPORT_SCRIPT}</script>`);
    expect(html).toContain(`<style>${REPORT_STYLE}</style>`);
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
  });

  test('the page loads nothing from anywhere', () => {
    const html = renderHtmlReport(failingResults());
    for (const needle of ['http://', 'https://', ' src=', ' href=', '<link', '@import', 'url('])
      expect(html).not.toContain(needle);
  });

  test('the inline script and stylesheet cannot end their own element early', () => {
    for (const code of [REPORT_SCRIPT, REPORT_STYLE]) {
      expect(code).not.toMatch(/<\/(script|style)/i);
      expect(code).not.toContain('<!--');
    }
  });

  test('the inline script never writes markup from strings', () => {
    expect(REPORT_SCRIPT).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  test('the same results give the same file', () => {
    expect(renderHtmlReport(failingResults())).toBe(renderHtmlReport(failingResults()));
  });
});

describe('writeHtmlReport', () => {
  test('writes index.html into a directory it creates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syncwright-html-'));
    try {
      const file = await writeHtmlReport(failingResults(), join(dir, 'nested', 'reports'));
      expect(file).toBe(join(dir, 'nested', 'reports', 'index.html'));
      expect(await readFile(file, 'utf8')).toBe(renderHtmlReport(failingResults()));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a compared counterexample', () => {
  test('carries the other client’s run of the program as a second timeline, and says why it was not compared', () => {
    const results = failingResults();
    const scenario = results.scenarios.find((s) => s.failure !== undefined)!;
    const failure = scenario.failure!;
    const compared = {
      ...results,
      scenarios: [
        {
          ...scenario,
          failure: {
            ...failure,
            comparison: {
              against: 'reference',
              program: failure.program,
              history: failure.history.slice(0, 3),
              aligned: [{ link: 'client-1' }],
              excluded: { reason: 'fault-unmet', detail: 'the 2nd PATCH of todoitem/r1 was never sent.' },
            },
          },
        },
      ],
    };
    const view = buildReportModel(compared).scenarios[0]!.failure!.compared!;
    expect(view).toMatchObject({
      against: 'reference',
      aligned: 1,
      excluded: 'fault-unmet: the 2nd PATCH of todoitem/r1 was never sent.',
    });
    expect(view.history).toHaveLength(3);
    expect(view.timeline.rows.length).toBeGreaterThan(0);
    expect(buildReportModel(results).scenarios.every((s) => s.failure === null || s.failure.compared === null)).toBe(
      true,
    );
  });
});
