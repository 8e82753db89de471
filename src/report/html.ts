/**
 * The HTML report: one self-contained file (inline CSS, inline script, data as JSON), viewable
 * offline. Run data only ever travels as escaped JSON and becomes DOM text in the browser; a
 * Content-Security-Policy that admits only this exact script and stylesheet backs that up.
 * The script and stylesheet are the page in ui/report/, bundled by `npm run build`.
 */
import { pageContentSecurityPolicy } from './csp.js';
import { writeFile } from 'node:fs/promises';
import { makeDirectory } from '../kernel/make-directory.js';
import { join } from 'node:path';
import type { RunResults } from '../scenario/results.js';
import type { HuntResults } from '../scenario/hunt/types.js';
import { jsonForHtmlScript } from './escape.js';
import { REPORT_SCRIPT, REPORT_STYLE } from './generated/report-page.js';
import { buildReportModel } from './report-model.js';

export const HTML_REPORT_FILE = 'index.html';

/** The CSP the report ships with: nothing loads, nothing runs but the report's own script. */
export function reportContentSecurityPolicy(): string {
  return pageContentSecurityPolicy({ script: REPORT_SCRIPT, style: REPORT_STYLE, connect: "'none'" });
}

export function renderHtmlReport(results: RunResults, hunt?: HuntResults): string {
  const data = jsonForHtmlScript(buildReportModel(results, hunt));
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${reportContentSecurityPolicy()}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>syncwright ${hunt === undefined ? 'report' : 'hunt findings'}</title>`,
    `<style>${REPORT_STYLE}</style>`,
    '</head>',
    '<body>',
    '<header class="top"><div class="brand">syncwright <small id="tool-version"></small></div><div id="verdict" class="verdict"></div></header>',
    '<noscript>This report needs JavaScript to draw its tables and timelines; the raw data is in results.json next to it.</noscript>',
    '<main id="app"></main>',
    `<script type="application/json" id="report-data">${data}</script>`,
    `<script>${REPORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Writes `<outDir>/index.html` and returns its path. */
export async function writeHtmlReport(results: RunResults, outDir: string, hunt?: HuntResults): Promise<string> {
  await makeDirectory(outDir);
  const file = join(outDir, HTML_REPORT_FILE);
  await writeFile(file, renderHtmlReport(results, hunt), 'utf8');
  return file;
}
