/**
 * JUnit XML for CI servers: a testsuite per scenario file, a testcase per scenario. A failure's
 * message carries the violated checks' explanations and the replay command, so the CI page alone
 * says what broke and how to reproduce it. An expected failure that happened is reported as
 * skipped (like pytest's xfail); an unexpected pass is a failure.
 */
import { writeFile } from 'node:fs/promises';
import { makeDirectory } from '../kernel/make-directory.js';
import { join } from 'node:path';
import type { RunResults, ScenarioResult } from '../scenario/results.js';
import { escapeXmlAttribute as attr, escapeXmlText as text } from './escape.js';
import { failedChecks, formatCount, plural, summarize } from './summary.js';

export const JUNIT_REPORT_FILE = 'junit.xml';

function seconds(ms: number): string {
  return (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);
}

/** What broke, in plain words: the violated checks with their explanations. */
export function failureExplanation(scenario: ScenarioResult): string {
  const checks = failedChecks(scenario);
  const lines = checks.map((check) => `${check.checker}: ${check.explanation}`);
  if (scenario.failure?.stopped) lines.unshift(`The run never settled: ${scenario.failure.stopped}`);
  if (lines.length > 0) return lines.join('\n');
  return scenario.failure
    ? 'A run failed, but no check recorded a violation.'
    : `The scenario failed after ${plural(scenario.runs, 'run')}.`;
}

function failureText(scenario: ScenarioResult): string {
  const failure = scenario.failure;
  const lines = [
    `Scenario "${scenario.name}" (${scenario.file}) ${scenario.status === 'expected-failure' ? 'failed as expected' : 'failed'} after ${plural(scenario.runs, 'run')}.`,
  ];
  if (failure) {
    lines.push(
      `Seed ${failure.seed}${failure.path ? `, path ${failure.path}` : ''}, shrunk in ${plural(failure.shrinks, 'step')} to ${plural(failure.history.length, 'event')}.`,
    );
    lines.push('');
    if (failure.stopped) lines.push(`The run never settled: ${failure.stopped}`);
    for (const check of failedChecks(scenario)) {
      lines.push(`${check.checker}: ${check.explanation}`);
      for (const violation of check.violations) {
        lines.push(
          `  - ${violation.message}${violation.events.length ? ` (events ${violation.events.map((seq) => `#${seq}`).join(', ')})` : ''}`,
        );
      }
    }
    for (const diff of failure.tableDiff) {
      lines.push(
        `Table ${diff.table} on ${diff.client}: expected ${plural(diff.expected.length, 'row')}, found ${plural(diff.actual.length, 'row')}.`,
      );
    }
    lines.push('', 'Replay:', `  ${failure.replayCommand}`);
  }
  return lines.join('\n');
}

function caseBody(scenario: ScenarioResult): string {
  const replay = scenario.failure ? `\nReplay: ${scenario.failure.replayCommand}` : '';
  switch (scenario.status) {
    case 'passed':
      return '';
    case 'failed': {
      const type =
        failedChecks(scenario)
          .map((check) => check.checker)
          .join(', ') || 'failed';
      return `      <failure message="${attr(failureExplanation(scenario) + replay)}" type="${attr(type)}">${text(failureText(scenario))}</failure>\n`;
    }
    case 'unexpected-pass': {
      const message = `Marked as expected to fail, but all ${plural(scenario.runs, 'run')} passed.`;
      return `      <failure message="${attr(message)}" type="unexpected-pass">${text(`${message}\nIf the known finding was fixed, remove the expected-failure mark from ${scenario.file}.`)}</failure>\n`;
    }
    case 'expected-failure':
      return `      <skipped message="${attr(`expected failure: ${failureExplanation(scenario)}${replay}`)}"/>\n`;
    case 'error':
    default: {
      const message = scenario.error ?? `unknown status ${String(scenario.status)}`;
      return `      <error message="${attr(message)}" type="error">${text(message)}</error>\n`;
    }
  }
}

function systemOut(scenario: ScenarioResult): string {
  const coverage = Object.entries(scenario.coverage)
    .map(([name, count]) => `${name}=${formatCount(count)}`)
    .join(', ');
  const lines = [`client: ${scenario.client}`, `runs: ${formatCount(scenario.runs)}`, `seed: ${scenario.seed}`];
  if (coverage) lines.push(`coverage: ${coverage}`);
  if (scenario.weak.length) lines.push(`weak (never reached): ${scenario.weak.join(', ')}`);
  for (const drop of scenario.droppedWrites ?? [])
    lines.push(
      `dropped write: ${drop.kind} ×${formatCount(drop.count)} in ${plural(drop.runs, 'run')}: ${drop.example}`,
    );
  return `      <system-out>${text(lines.join('\n'))}</system-out>\n`;
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  ms: number;
}

function count(scenarios: readonly ScenarioResult[]): Counts {
  const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  for (const scenario of scenarios) {
    counts.tests++;
    counts.ms += scenario.durationMs;
    if (scenario.status === 'failed' || scenario.status === 'unexpected-pass') counts.failures++;
    else if (scenario.status === 'expected-failure') counts.skipped++;
    else if (scenario.status !== 'passed') counts.errors++;
  }
  return counts;
}

function countAttributes(counts: Counts, ms: number): string {
  return `tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(ms)}"`;
}

export function renderJUnit(results: RunResults): string {
  // Scenarios of one file form a suite; files keep the order they first appear in.
  const files = new Map<string, ScenarioResult[]>();
  for (const scenario of results.scenarios) files.set(scenario.file, [...(files.get(scenario.file) ?? []), scenario]);
  const total = count(results.scenarios);
  const summary = summarize(results);
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n';
  xml += `<testsuites name="syncwright" ${countAttributes(total, results.durationMs)} timestamp="${attr(results.startedAt)}">\n`;
  let suiteId = 0;
  for (const [file, scenarios] of files) {
    const counts = count(scenarios);
    xml += `  <testsuite name="${attr(file)}" id="${suiteId++}" ${countAttributes(counts, counts.ms)} timestamp="${attr(results.startedAt)}">\n`;
    xml += '    <properties>\n';
    xml += `      <property name="seed" value="${attr(String(results.seed))}"/>\n`;
    xml += `      <property name="client" value="${attr(results.client)}"/>\n`;
    xml += `      <property name="version" value="${attr(`${results.tool.name} ${results.tool.version}`)}"/>\n`;
    xml += `      <property name="runs" value="${summary.runs}"/>\n`;
    if (results.shard) xml += `      <property name="shard" value="${results.shard.index}/${results.shard.total}"/>\n`;
    xml += '    </properties>\n';
    for (const scenario of scenarios) {
      xml += `    <testcase name="${attr(scenario.name)}" classname="${attr(file)}" time="${seconds(scenario.durationMs)}">\n`;
      xml += caseBody(scenario);
      xml += systemOut(scenario);
      xml += '    </testcase>\n';
    }
    xml += '  </testsuite>\n';
  }
  xml += '</testsuites>\n';
  return xml;
}

/** Writes `<outDir>/junit.xml` and returns its path. */
export async function writeJUnitReport(results: RunResults, outDir: string): Promise<string> {
  await makeDirectory(outDir);
  const file = join(outDir, JUNIT_REPORT_FILE);
  await writeFile(file, renderJUnit(results), 'utf8');
  return file;
}
