/**
 * The end-of-run summary on a terminal: one line per scenario, the violated checks and the replay
 * command under each failure, coverage totals and a verdict. Run data is passed through
 * `terminalSafe`, so a scenario name cannot move the cursor or change colours.
 */
import type { RunResults, ScenarioResult, ScenarioStatus } from '../scenario/results.js';
import { terminalSafe } from './escape.js';
import { failedChecks, findingLines, formatCount, formatDuration, plural, summarize } from './summary.js';

export interface TerminalSummaryOptions {
  /** ANSI colours. */
  readonly color: boolean;
  /** Paths of the reports written, listed at the end. */
  readonly reports?: readonly string[];
  /** Cut explanations to this many lines per check (default 6). */
  readonly maxExplanationLines?: number;
}

type Paint = (text: string) => string;

export interface Palette {
  readonly red: Paint;
  readonly green: Paint;
  readonly yellow: Paint;
  readonly cyan: Paint;
  readonly dim: Paint;
  readonly bold: Paint;
}

function sgr(open: number, close: number): Paint {
  return (text) => `\x1b[${open}m${text}\x1b[${close}m`;
}

export function palette(color: boolean): Palette {
  if (!color) {
    const plain: Paint = (text) => text;
    return { red: plain, green: plain, yellow: plain, cyan: plain, dim: plain, bold: plain };
  }
  return {
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
    dim: sgr(2, 22),
    bold: sgr(1, 22),
  };
}

const MARKS: Record<ScenarioStatus, { mark: string; word: string }> = {
  passed: { mark: '✓', word: 'pass' },
  failed: { mark: '✗', word: 'FAIL' },
  'expected-failure': { mark: '○', word: 'xfail' },
  'unexpected-pass': { mark: '!', word: 'XPASS' },
  error: { mark: '!', word: 'ERROR' },
};

function statusPaint(status: ScenarioStatus, p: Palette): Paint {
  if (status === 'passed') return p.green;
  if (status === 'expected-failure') return p.yellow;
  return p.red;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

function clipLines(text: string, max: number): string {
  const lines = text.split('\n');
  return lines.length <= max
    ? text
    : [...lines.slice(0, max), `… (${lines.length - max} more lines in the HTML report)`].join('\n');
}

function scenarioDetail(scenario: ScenarioResult, p: Palette, maxLines: number): string[] {
  const lines: string[] = [];
  const pad = '      ';
  if (scenario.status === 'error' && scenario.error)
    lines.push(p.red(indent(clipLines(terminalSafe(scenario.error, true), maxLines), pad)));
  if (scenario.status === 'unexpected-pass') lines.push(`${pad}marked as expected to fail, but every run passed`);
  const failure = scenario.failure;
  if (failure && scenario.status !== 'expected-failure') {
    if (failure.stopped)
      lines.push(p.red(indent(clipLines(`never settled: ${terminalSafe(failure.stopped, true)}`, maxLines), pad)));
    for (const check of failedChecks(scenario)) {
      const explanation = clipLines(terminalSafe(check.explanation, true), maxLines);
      lines.push(indent(`${p.bold(terminalSafe(check.checker))}: ${explanation}`, pad));
    }
    lines.push(
      `${pad}${p.dim(`seed ${failure.seed}${failure.path ? ` · path ${terminalSafe(failure.path)}` : ''} · ${plural(failure.shrinks, 'shrink')} · ${plural(failure.history.length, 'event')}`)}`,
    );
    lines.push(`${pad}${p.dim('replay:')} ${p.cyan(terminalSafe(failure.replayCommand))}`);
  }
  for (const line of findingLines(scenario)) {
    const paint = line.tone === 'bad' ? p.red : line.tone === 'known' ? p.yellow : p.dim;
    lines.push(`${pad}${paint(terminalSafe(line.text, true))}`);
  }
  if (scenario.weak.length > 0) {
    lines.push(
      `${pad}${p.yellow(`weak coverage: never reached ${scenario.weak.map((w) => terminalSafe(w)).join(', ')}`)}`,
    );
  }
  return lines;
}

export function renderTerminalSummary(results: RunResults, options: TerminalSummaryOptions): string {
  const p = palette(options.color);
  const maxLines = options.maxExplanationLines ?? 6;
  const summary = summarize(results);
  const out: string[] = [];
  const head = [
    `${terminalSafe(results.tool.name)} ${terminalSafe(results.tool.version)}`,
    `client ${terminalSafe(results.client)}`,
    `seed ${results.seed}`,
  ];
  if (results.shard) head.push(`shard ${results.shard.index}/${results.shard.total}`);
  out.push(p.bold(head.join(' · ')), '');

  const nameWidth = Math.min(48, Math.max(8, ...results.scenarios.map((s) => terminalSafe(s.name).length)));
  for (const scenario of results.scenarios) {
    const { mark, word } = MARKS[scenario.status] ?? { mark: '?', word: String(scenario.status) };
    const paint = statusPaint(scenario.status, p);
    const name = terminalSafe(scenario.name);
    const shown = name.length > nameWidth ? `${name.slice(0, nameWidth - 1)}…` : name.padEnd(nameWidth);
    const figures = p.dim(
      `${plural(scenario.runs, 'run').padStart(10)}  ${formatDuration(scenario.durationMs).padStart(9)}`,
    );
    out.push(`  ${paint(`${mark} ${word.padEnd(5)}`)} ${shown}  ${figures}`);
    out.push(...scenarioDetail(scenario, p, maxLines));
  }
  if (results.scenarios.length === 0) out.push(p.dim('  no scenarios ran'));
  out.push('');

  if (summary.coverage.length > 0) {
    out.push(
      `${p.bold('Coverage')}  ${summary.coverage.map(([name, n]) => `${terminalSafe(name)} ${n === 0 ? p.yellow('0') : formatCount(n)}`).join(p.dim(' · '))}`,
    );
  }
  const parts: string[] = [];
  const { byStatus } = summary;
  if (byStatus.failed) parts.push(p.red(`${formatCount(byStatus.failed)} failed`));
  if (byStatus['unexpected-pass']) parts.push(p.red(`${formatCount(byStatus['unexpected-pass'])} passed unexpectedly`));
  if (byStatus.error) parts.push(p.red(plural(byStatus.error, 'error')));
  parts.push(p.green(`${formatCount(byStatus.passed)} passed`));
  if (byStatus['expected-failure'])
    parts.push(p.yellow(`${formatCount(byStatus['expected-failure'])} failed as expected`));
  const verdict = summary.ok ? p.green(p.bold('PASSED')) : p.red(p.bold('FAILED'));
  out.push(
    `${p.bold('Result')}    ${verdict} — ${parts.join(', ')} · ${plural(summary.scenarios, 'scenario')} · ${plural(summary.runs, 'run')} · ${formatDuration(results.durationMs)}`,
  );
  if (options.reports && options.reports.length > 0)
    out.push(`${p.bold('Reports')}   ${options.reports.map((r) => terminalSafe(r)).join('  ')}`);
  return `${out.join('\n')}\n`;
}
