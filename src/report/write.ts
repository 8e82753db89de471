/** Writes the reports a run asked for, and says where they went. */
import type { RunResults } from '../scenario/results.js';
import { writeHtmlReport } from './html.js';
import { writeJsonReport } from './json.js';
import { writeJUnitReport } from './junit.js';
import { renderTerminalSummary } from './terminal.js';
import { useColor } from './color.js';
import { renderGithubAnnotations } from './github.js';

export const REPORTERS = ['html', 'junit', 'json', 'list', 'github'] as const;
export type ReporterName = (typeof REPORTERS)[number];

export interface ReportOutput {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export interface WriteReportsOptions {
  /** Where html, junit and json reports go (created if missing), e.g. `reports`. */
  readonly outDir: string;
  readonly reporters: readonly ReporterName[];
  /** Where the `list` and `github` reporters print. Default: process.stdout. */
  readonly output?: ReportOutput;
  /** Colours for `list`. Default: FORCE_COLOR, else NO_COLOR, else whether the output is a TTY. */
  readonly color?: boolean;
}

export interface WrittenReports {
  readonly html?: string;
  readonly junit?: string;
  readonly json?: string;
  /** Every file written, in reporter order. */
  readonly files: readonly string[];
}

/** Parses `--reporter html,junit` style lists; an unknown name is an error that lists the known ones. */
export function parseReporters(list: string): ReporterName[] {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(REPORTERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown reporter${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')}; use ${REPORTERS.join(', ')}`,
    );
  }
  return [...new Set(names)] as ReporterName[];
}

export async function writeReports(results: RunResults, options: WriteReportsOptions): Promise<WrittenReports> {
  const unknown = options.reporters.filter((name) => !(REPORTERS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`unknown reporter ${JSON.stringify(unknown[0])}; use ${REPORTERS.join(', ')}`);
  const written: { html?: string; junit?: string; json?: string } = {};
  const files: string[] = [];
  const reporters = new Set(options.reporters);
  if (reporters.has('html')) files.push((written.html = await writeHtmlReport(results, options.outDir)));
  if (reporters.has('junit')) files.push((written.junit = await writeJUnitReport(results, options.outDir)));
  if (reporters.has('json')) files.push((written.json = await writeJsonReport(results, options.outDir)));
  if (reporters.has('list')) {
    const output = options.output ?? process.stdout;
    const color = options.color ?? useColor(output);
    output.write(renderTerminalSummary(results, { color, reports: files }));
  }
  if (reporters.has('github')) (options.output ?? process.stdout).write(renderGithubAnnotations(results));
  return { ...written, files };
}
