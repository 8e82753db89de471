/**
 * A hunt's reports: `findings.json` (the results, read back by `merge-reports`), JUnit (one test
 * case per finding: new ones fail, known ones are skipped with the baseline's note), the HTML
 * findings page (the run report's page, each finding a counterexample with its timeline and its
 * triage) and the terminal summary.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Counterexample, RunResults, ScenarioResult } from '../scenario/results.js';
import type { HuntFinding, HuntResults } from '../scenario/hunt/types.js';
import { escapeXmlAttribute as attr, escapeXmlText as text, terminalSafe } from './escape.js';
import { writeHtmlReport } from './html.js';
import { schemaIssues } from '../protocol/schema.js';
import { huntResultsSchema } from '../scenario/hunt/schema.js';
import { formatDuration, plural } from './summary.js';

export const HUNT_RESULTS_FILE = 'findings.json';
export const HUNT_JUNIT_FILE = 'junit.xml';

export class HuntResultsError extends Error {
  override readonly name = 'HuntResultsError';
}

export function renderHuntJson(results: HuntResults): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

export async function readHuntResults(file: string, shown = file): Promise<HuntResults> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new HuntResultsError(
      `${shown}: expected a hunt's findings.json, found ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const [first] = schemaIssues(huntResultsSchema, value, String);
  if (first !== undefined)
    throw new HuntResultsError(
      `${shown}: ${first.path.length > 0 ? `${huntPath(first.path)}: ` : ''}expected ${first.expected}, found ${first.found}`,
    );
  return value as HuntResults;
}

/** `findings[0].shrunk.file`. */
function huntPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (at, key) => (typeof key === 'number' ? `${at}[${key}]` : at === '' ? String(key) : `${at}.${String(key)}`),
    '',
  );
}

/** The JUnit XML: a test suite of one case per finding. */
export function renderHuntJUnit(results: HuntResults): string {
  const findings = results.findings;
  const failures = findings.filter((finding) => finding.status === 'new').length;
  const skipped = findings.length - failures;
  const name = `syncwright hunt (${results.hunt.client}@${results.hunt.clientVersion}, seed ${results.hunt.seed})`;
  const cases = findings.map((finding) => {
    const head = `    <testcase classname="${attr(`hunt.${finding.checker}`)}" name="${attr(finding.signature)}" time="0">`;
    const body = findingText(finding);
    if (finding.status === 'known') {
      return `${head}\n      <skipped message="${attr(`known finding (baseline): ${finding.note ?? ''}`)}"/>\n      <system-out>${text(body)}</system-out>\n    </testcase>`;
    }
    return `${head}\n      <failure message="${attr(`new finding: ${finding.signature}`)}" type="new-finding">${text(body)}</failure>\n    </testcase>`;
  });
  if (findings.length === 0) {
    cases.push(
      `    <testcase classname="hunt" name="${attr(`no findings in ${plural(results.hunt.runs, 'run')}`)}" time="${(results.durationMs / 1000).toFixed(3)}"/>`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="syncwright hunt" tests="${Math.max(1, findings.length)}" failures="${failures}" skipped="${skipped}" time="${(results.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${attr(name)}" tests="${Math.max(1, findings.length)}" failures="${failures}" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function findingText(finding: HuntFinding): string {
  const lines = [
    `${finding.signature} in ${finding.scenarioName} (${finding.scenario}), ${plural(finding.occurrences, 'occurrence')}.`,
    `First: ${firstLabel(finding)}.`,
    finding.first.example,
  ];
  if (finding.shrunk !== undefined) {
    lines.push(
      `Shrunk to ${plural(finding.shrunk.size, 'step')} and ${plural(finding.shrunk.faults, 'fault decision')}${finding.shrunk.partial ? ' (partial: the budget ran out first)' : ''}.`,
      `Replay: ${finding.shrunk.replayCommand}`,
    );
  }
  return lines.join('\n');
}

/** `seed 123:4` for a generated run, `mutant of <id>` for a mutation. */
export function firstLabel(finding: HuntFinding): string {
  const source = finding.first.source;
  return source.kind === 'generated'
    ? `${source.seed}:${source.path}`
    : `mutant of corpus entry ${source.parent} (${source.mutations.join(', ')})`;
}

/** The terminal summary of a hunt. */
export function renderHuntSummary(results: HuntResults, options: { reports: readonly string[] }): string {
  const h = results.hunt;
  const lines: string[] = [];
  const newOnes = results.findings.filter((finding) => finding.status === 'new');
  lines.push(
    `hunt ${h.client}@${h.clientVersion} · seed ${h.seed} · ${plural(h.runs, 'run')} (${h.mutantRuns} mutants) · ${formatDuration(results.durationMs)} · ended by ${endText(h.end)}`,
  );
  lines.push(
    `coverage: ${plural(h.coverage.features, 'feature')}${h.coverage.sdkBlocks > 0 ? ` (${h.coverage.sdkBlocks} SDK blocks)` : ''} · corpus ${h.guidance ? `${h.corpus.inputSize} in (${h.corpus.inputHash.slice(0, 12)}), ${h.corpus.added} added` : 'unused (--no-guidance)'}`,
  );
  lines.push('');
  if (results.findings.length === 0) lines.push('no findings');
  for (const finding of results.findings) {
    const mark = finding.status === 'new' ? '✗ NEW  ' : '○ known';
    lines.push(`${mark} ${terminalSafe(finding.signature)}  ×${finding.occurrences}`);
    lines.push(`        ${terminalSafe(finding.scenarioName)} · first ${terminalSafe(firstLabel(finding))}`);
    if (finding.shrunk !== undefined) {
      lines.push(
        `        shrunk to ${plural(finding.shrunk.size, 'step')}, ${plural(finding.shrunk.faults, 'fault decision')}${finding.shrunk.partial ? ' (partial)' : ''} · ${terminalSafe(finding.shrunk.replayCommand)}`,
      );
    }
    if (finding.triage !== undefined) {
      const core = finding.triage.core.filter((element) => element.necessary).map((element) => element.element);
      lines.push(
        `        causal core: ${core.length > 0 ? terminalSafe(core.join('; ')) : 'no single element is necessary'} · inevitable ${finding.triage.inevitableAfterStep === null ? 'only at the end' : `after step ${finding.triage.inevitableAfterStep} of the program's own steps`}${finding.triage.partial ? ' (partial)' : ''}`,
      );
    }
    if (finding.note !== undefined) lines.push(`        baseline: ${terminalSafe(finding.note)}`);
  }
  lines.push('');
  lines.push(
    `${newOnes.length > 0 ? `FAILED — ${plural(newOnes.length, 'new finding')}` : 'PASSED — no new findings'} · ${plural(results.findings.length, 'distinct finding')}${options.reports.length > 0 ? ` · reports: ${options.reports.join(', ')}` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

function endText(end: HuntResults['hunt']['end']): string {
  return end === 'runs' ? 'its run budget' : end === 'deadline' ? 'its deadline' : 'an interrupt (SIGINT)';
}

/** The findings as a run's results, so that the report page draws each as a counterexample. */
export function huntAsRunResults(
  results: HuntResults,
  counterexamples: ReadonlyMap<string, Counterexample>,
): RunResults {
  const scenarios: ScenarioResult[] = results.findings.map((finding) => {
    const failure = counterexamples.get(finding.signature);
    return {
      name: finding.signature,
      description: `${finding.scenarioName}: ${finding.first.example}`,
      file: finding.scenario,
      client: results.hunt.client,
      status: finding.status === 'new' ? 'failed' : 'expected-failure',
      runs: finding.occurrences,
      seed: finding.first.source.kind === 'generated' ? finding.first.source.seed : 0,
      durationMs: 0,
      coverage: {},
      weak: [],
      ...(failure !== undefined ? { failure } : {}),
    };
  });
  return {
    tool: results.tool,
    seed: results.hunt.seed,
    client: results.hunt.client,
    startedAt: results.startedAt,
    durationMs: results.durationMs,
    ...(results.hunt.shard !== undefined ? { shard: results.hunt.shard } : {}),
    scenarios,
  };
}

export interface WrittenHuntReports {
  readonly files: readonly string[];
}

export async function writeHuntReports(
  results: HuntResults,
  counterexamples: ReadonlyMap<string, Counterexample>,
  outDir: string,
): Promise<WrittenHuntReports> {
  await mkdir(outDir, { recursive: true });
  const json = join(outDir, HUNT_RESULTS_FILE);
  await writeFile(json, renderHuntJson(results), 'utf8');
  const junit = join(outDir, HUNT_JUNIT_FILE);
  await writeFile(junit, renderHuntJUnit(results), 'utf8');
  const html = await writeHtmlReport(huntAsRunResults(results, counterexamples), outDir, results);
  return { files: [json, junit, html] };
}
