/**
 * The self-test: do the checkers catch real bugs? The property suite (the built-in scenarios)
 * runs against the unmodified reference client, which must pass all of it, and against each
 * mutant of it — the reference client built with one deliberate bug — each of which must be
 * caught. For each mutant it reports which scenario and checker caught it, how long the first
 * failure took, how long the shrunk counterexample took, and how small it is.
 */
import path from 'node:path';
import { CLIENT_MUTATIONS, type ClientMutation } from '../client/mutations.js';
import { BUILT_IN_SCENARIOS_DIR, listScenarioFiles, loadScenario } from './load.js';
import type { FindingSummary, ScenarioResult } from './results.js';
import type { CheckResult } from '../check/types.js';
import { runScenario } from './run.js';
import type { ResolvedScenario } from './types.js';

export interface SelftestOptions {
  /** Scenario files of the suite. Default: the built-in scenarios (generated ones first). */
  readonly scenarios?: readonly string[];
  /** Runs per generated scenario. Default: each scenario's own `runs`. */
  readonly runs?: number;
  /** fast-check seed. Default 42. */
  readonly seed?: number;
  /** Mutants to try. Default: all of them. */
  readonly mutations?: readonly ClientMutation[];
  /** Skip the run of the unmodified client. Default false. */
  readonly skipBaseline?: boolean;
  readonly cwd?: string;
  readonly onProgress?: (line: string) => void;
}

export interface MutantReport {
  readonly mutation: ClientMutation;
  readonly caught: boolean;
  /** The first scenario of the suite that caught it. */
  readonly scenario?: string;
  /** The checkers its shrunk counterexample violates. */
  readonly checkers: readonly string[];
  /** Wall-clock ms, within that scenario, to the first failing run and to the shrunk counterexample. */
  readonly firstFailureMs?: number;
  readonly shrunkMs?: number;
  /** Steps in the shrunk program, and shrink steps taken. */
  readonly size?: number;
  readonly shrinks?: number;
  readonly replayCommand?: string;
  /** Wall-clock ms spent on this mutant over the whole suite. */
  readonly durationMs: number;
}

export interface SelftestReport {
  readonly seed: number;
  readonly scenarios: readonly string[];
  /** The unmodified reference client's results; every one must pass. */
  readonly baseline: readonly Pick<ScenarioResult, 'name' | 'file' | 'status' | 'runs' | 'durationMs' | 'error'>[];
  readonly baselinePassed: boolean;
  readonly mutants: readonly MutantReport[];
  readonly allCaught: boolean;
  /** Baseline passed and every mutant caught. */
  readonly ok: boolean;
  readonly durationMs: number;
}

/**
 * The suite's files: the generated (property) scenarios first — a catch there comes with a
 * shrunk counterexample, which is what the figures are about — then the fixed-step ones.
 */
export async function selftestSuite(cwd = process.cwd()): Promise<string[]> {
  const files = await listScenarioFiles(BUILT_IN_SCENARIOS_DIR);
  const loaded: { file: string; scenario: ResolvedScenario }[] = [];
  for (const file of files) loaded.push({ file, scenario: await loadScenario(file, { cwd }) });
  const fixed = loaded.filter((entry) => entry.scenario.program !== undefined);
  const generated = loaded.filter((entry) => entry.scenario.program === undefined);
  return [...generated, ...fixed].map((entry) => entry.file);
}

export async function selftest(options: SelftestOptions = {}): Promise<SelftestReport> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const seed = options.seed ?? 42;
  const scenarios = options.scenarios ?? (await selftestSuite(cwd));
  const progress = options.onProgress ?? (() => undefined);
  const common = { seed, cwd, ...(options.runs !== undefined ? { runs: options.runs } : {}) };

  const baseline: SelftestReport['baseline'][number][] = [];
  if (options.skipBaseline !== true) {
    for (const file of scenarios) {
      const result = await runScenario(file, common);
      baseline.push({
        name: result.name,
        file: result.file,
        status: result.status,
        runs: result.runs,
        durationMs: result.durationMs,
        ...(result.error !== undefined ? { error: result.error } : {}),
      });
      progress(`baseline  ${result.status.padEnd(16)} ${result.file}`);
    }
  }
  const baselinePassed = baseline.every((result) => result.status === 'passed' || result.status === 'expected-failure');

  const mutants: MutantReport[] = [];
  for (const mutation of options.mutations ?? CLIENT_MUTATIONS) {
    const mutantStarted = performance.now();
    let report: MutantReport | undefined;
    for (const file of scenarios) {
      const result = await runScenario(file, { ...common, mutations: [mutation] });
      if (result.status !== 'failed' && result.status !== 'expected-failure') continue;
      const failure = result.failure;
      report = {
        mutation,
        caught: true,
        scenario: result.file,
        // The checkers of the failure's own signatures: an outcome the scenario allows is no catch.
        checkers: caughtBy(result.findings ?? [], failure?.checks ?? []),
        ...(result.timings?.firstFailureMs !== undefined ? { firstFailureMs: result.timings.firstFailureMs } : {}),
        ...(result.timings?.shrunkMs !== undefined ? { shrunkMs: result.timings.shrunkMs } : {}),
        ...(failure?.size !== undefined ? { size: failure.size } : {}),
        ...(failure !== undefined ? { shrinks: failure.shrinks, replayCommand: failure.replayCommand } : {}),
        durationMs: Math.round(performance.now() - mutantStarted),
      };
      break;
    }
    report ??= { mutation, caught: false, checkers: [], durationMs: Math.round(performance.now() - mutantStarted) };
    mutants.push(report);
    progress(
      `mutant    ${report.caught ? 'caught' : 'MISSED'}  ${mutation}${report.scenario !== undefined ? ` by ${report.checkers.join(', ')} in ${path.basename(report.scenario)}` : ''}`,
    );
  }
  const allCaught = mutants.every((mutant) => mutant.caught);
  return {
    seed,
    scenarios,
    baseline,
    baselinePassed,
    mutants,
    allCaught,
    ok: baselinePassed && allCaught,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The self-test as a terminal table. */
export function formatSelftest(report: SelftestReport): string {
  const lines: string[] = [];
  if (report.baseline.length > 0) {
    const failed = report.baseline.filter(
      (result) => result.status !== 'passed' && result.status !== 'expected-failure',
    );
    lines.push(
      report.baselinePassed
        ? `unmodified reference client: all ${report.baseline.length} scenarios pass`
        : `unmodified reference client: ${failed.length} scenario(s) FAIL: ${failed.map((result) => `${result.file} (${result.status})`).join(', ')}`,
      '',
    );
  }
  const header = ['mutant', 'caught', 'by checker', 'in scenario', 'first failure', 'shrunk', 'size'];
  const rows = report.mutants.map((mutant) => [
    mutant.mutation,
    mutant.caught ? 'yes' : 'NO',
    mutant.checkers.join(', ') || '-',
    mutant.scenario !== undefined ? path.basename(mutant.scenario) : '-',
    mutant.firstFailureMs !== undefined ? `${mutant.firstFailureMs} ms` : '-',
    mutant.shrunkMs !== undefined ? `${mutant.shrunkMs} ms` : '-',
    mutant.size !== undefined ? `${mutant.size} steps` : '-',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const format = (row: string[]): string =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  lines.push(format(header), format(widths.map((width) => '-'.repeat(width))), ...rows.map(format));
  lines.push(
    '',
    `${report.mutants.filter((mutant) => mutant.caught).length}/${report.mutants.length} mutants caught in ${(report.durationMs / 1000).toFixed(1)} s (seed ${report.seed})`,
  );
  return lines.join('\n');
}

function caughtBy(findings: readonly FindingSummary[], checks: readonly CheckResult[]): string[] {
  const fresh = new Set(
    findings.filter((finding) => finding.disposition !== 'allowed').map((finding) => finding.signature.split('/')[0]!),
  );
  return checks.filter((check) => !check.valid && fresh.has(check.checker)).map((check) => check.checker);
}
