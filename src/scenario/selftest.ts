/**
 * The self-test: do the checkers catch real bugs? The property suite (the built-in scenarios)
 * runs against the unmodified reference client, which must pass all of it, and against each
 * mutant of it — the reference client built with one deliberate bug — each of which must be
 * caught. For each mutant it reports which scenario and checker caught it, how long the first
 * failure took, how long the shrunk counterexample took, and how small it is.
 *
 * The harness mutants — the real SDK run on a shim of syncwright's own with a bug (sdk/mutations.ts)
 * — are caught the same way, on the SDK compared with the reference client (`--client sdk
 * --compare reference`): a bug of the harness must show as a new finding, never pass as one of the
 * SDK's known ones. They are judged only on the scenarios that declare what the SDK does there
 * (`expect.sdk`), where the unmodified harness must pass first.
 */
import path from 'node:path';
import { CLIENT_MUTATIONS, type ClientMutation } from '../client/mutations.js';
import { SDK_HARNESS_MUTATIONS, type SdkHarnessMutation } from '../sdk/mutations.js';
import { BUILT_IN_SCENARIOS_DIR, listScenarioFiles, loadScenario } from './load.js';
import { activeVariants } from '../backend/server-variants.js';
import type { FindingSummary, ScenarioResult } from './results.js';
import type { JudgedViolation } from '../check/judge.js';
import { runScenario, runScenarioDetailed, type RunScenarioOptions } from './run.js';
import type { ResolvedScenario } from './types.js';

export interface SelftestOptions {
  /** Scenario files of the suite. Default: the built-in scenarios (generated ones first). */
  readonly scenarios?: readonly string[];
  /** Runs per generated scenario. Default: each scenario's own `runs`. */
  readonly runs?: number;
  /** fast-check seed. Default 42. */
  readonly seed?: number;
  /** Mutants of the reference client to try. Default: all of them. */
  readonly mutations?: readonly ClientMutation[];
  /** Mutants of the SDK harness to try. Default: all of them. */
  readonly harnessMutations?: readonly SdkHarnessMutation[];
  /** Skip the runs of the unmodified clients. Default false. */
  readonly skipBaseline?: boolean;
  readonly cwd?: string;
  readonly onProgress?: (line: string) => void;
}

/** A deliberate bug: of the reference client, or of the harness the real SDK runs on. */
export type Mutant =
  | { readonly target: 'reference'; readonly mutation: ClientMutation }
  | { readonly target: 'sdk-harness'; readonly mutation: SdkHarnessMutation };

export type MutantReport = Mutant & MutantOutcome;

export interface MutantOutcome {
  readonly caught: boolean;
  /** The first scenario of the suite that caught it. */
  readonly scenario?: string;
  /** The checkers its shrunk counterexample violates, of the findings that failed the scenario. */
  readonly checkers: readonly string[];
  /** The signatures of those findings (new ones; on the reference client, expected ones of a scenario that expects to fail). */
  readonly signatures: readonly string[];
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

/** What the self-test keeps of an unmodified client's run of one scenario. */
export type BaselineResult = Pick<ScenarioResult, 'name' | 'file' | 'status' | 'runs' | 'durationMs' | 'error'>;

export interface SelftestReport {
  readonly seed: number;
  readonly scenarios: readonly string[];
  /** The scenarios the harness mutants are tried on: those of the suite that declare what the SDK does. */
  readonly harnessScenarios: readonly string[];
  /** The unmodified reference client's results; every one must pass. */
  readonly baseline: readonly BaselineResult[];
  /** The unmodified SDK harness's, compared with the reference client, on the harness scenarios; every one must pass. */
  readonly harnessBaseline: readonly BaselineResult[];
  /** Both baselines passed (or were skipped). */
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

/**
 * The scenarios of a suite the harness mutants are judged on: those that declare what the SDK
 * does there (`expect.sdk`), on a server of the default kind. Elsewhere a failure of the SDK may
 * be one of its own known findings the scenario never declared, which would pass a mutant as
 * caught; and on a less kind server (shuffled ties, capped pages, hard deletes) the SDK's P7
 * misses records, after which every read differs from the reference client's by those records —
 * differences the comparison cannot tell from a harness bug's without excusing reads wholesale.
 */
export async function harnessSuite(scenarios: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const declared: string[] = [];
  for (const file of scenarios) {
    const scenario = await loadScenario(file, { cwd });
    if (scenario.expect['sdk'] !== undefined && activeVariants(scenario.server).length === 0) declared.push(file);
  }
  return declared;
}

/** How a mutant's runs are made: the reference client with its bug, or the SDK on the buggy harness, compared. */
function runOptionsOf(mutant: Mutant): RunScenarioOptions {
  return mutant.target === 'reference'
    ? { mutations: [mutant.mutation] }
    : { client: 'sdk', sdkMutations: [mutant.mutation], compare: 'reference' };
}

/** The runs of the unmodified harness: the SDK compared with the reference client. */
const HARNESS_BASELINE: RunScenarioOptions = { client: 'sdk', compare: 'reference' };

export async function selftest(options: SelftestOptions = {}): Promise<SelftestReport> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const seed = options.seed ?? 42;
  const scenarios = options.scenarios ?? (await selftestSuite(cwd));
  const progress = options.onProgress ?? (() => undefined);
  const common = { seed, cwd, ...(options.runs !== undefined ? { runs: options.runs } : {}) };

  const harnessMutations = options.harnessMutations ?? SDK_HARNESS_MUTATIONS;
  const harnessScenarios = harnessMutations.length > 0 ? await harnessSuite(scenarios, cwd) : [];

  const runBaseline = async (
    files: readonly string[],
    extra: RunScenarioOptions,
    label: string,
  ): Promise<BaselineResult[]> => {
    const results: BaselineResult[] = [];
    if (options.skipBaseline === true) return results;
    for (const file of files) {
      const result = await runScenario(file, { ...common, ...extra });
      results.push({
        name: result.name,
        file: result.file,
        status: result.status,
        runs: result.runs,
        durationMs: result.durationMs,
        ...(result.error !== undefined ? { error: result.error } : {}),
      });
      progress(`${label.padEnd(9)} ${result.status.padEnd(16)} ${result.file}`);
    }
    return results;
  };
  const baseline = await runBaseline(scenarios, {}, 'baseline');
  const harnessBaseline = await runBaseline(harnessScenarios, HARNESS_BASELINE, 'harness');
  const baselinePassed = [...baseline, ...harnessBaseline].every(
    (result) => result.status === 'passed' || result.status === 'expected-failure',
  );

  const mutants: MutantReport[] = [];
  const all: Mutant[] = [
    ...(options.mutations ?? CLIENT_MUTATIONS).map((mutation) => ({ target: 'reference' as const, mutation })),
    ...harnessMutations.map((mutation) => ({ target: 'sdk-harness' as const, mutation })),
  ];
  for (const mutant of all) {
    const mutantStarted = performance.now();
    let outcome: MutantOutcome | undefined;
    for (const file of mutant.target === 'reference' ? scenarios : harnessScenarios) {
      const run = await runScenarioDetailed(file, { ...common, ...runOptionsOf(mutant) });
      const result = run.result;
      // On the SDK, failing with its known findings is what the unmodified harness does: only a new one catches.
      const caught =
        result.status === 'failed' || (mutant.target === 'reference' && result.status === 'expected-failure');
      if (!caught) continue;
      const failure = result.failure;
      // The failure's own findings: an outcome the scenario allows (or, on the SDK, expects) is no catch.
      const findings = catchingFindings(result.findings ?? [], result.status === 'failed');
      outcome = {
        caught: true,
        scenario: result.file,
        checkers: caughtBy(run.failingRun?.judgement.violations ?? [], result.status === 'failed'),
        signatures: findings.map((finding) => finding.signature),
        ...(result.timings?.firstFailureMs !== undefined ? { firstFailureMs: result.timings.firstFailureMs } : {}),
        ...(result.timings?.shrunkMs !== undefined ? { shrunkMs: result.timings.shrunkMs } : {}),
        ...(failure?.size !== undefined ? { size: failure.size } : {}),
        ...(failure !== undefined ? { shrinks: failure.shrinks, replayCommand: failure.replayCommand } : {}),
        durationMs: Math.round(performance.now() - mutantStarted),
      };
      break;
    }
    outcome ??= {
      caught: false,
      checkers: [],
      signatures: [],
      durationMs: Math.round(performance.now() - mutantStarted),
    };
    const report: MutantReport = { ...mutant, ...outcome };
    mutants.push(report);
    progress(
      `mutant    ${report.caught ? 'caught' : 'MISSED'}  ${labelOf(report)}${report.scenario !== undefined ? ` by ${report.checkers.join(', ')} in ${path.basename(report.scenario)}` : ''}`,
    );
  }
  const allCaught = mutants.every((mutant) => mutant.caught);
  return {
    seed,
    scenarios,
    harnessScenarios,
    baseline,
    harnessBaseline,
    baselinePassed,
    mutants,
    allCaught,
    ok: baselinePassed && allCaught,
    durationMs: Math.round(performance.now() - started),
  };
}

/** What the mutant is called in a report: a harness mutant is named as `--sdk-mutation` would. */
export function labelOf(mutant: Mutant): string {
  return mutant.target === 'reference' ? mutant.mutation : `sdk+${mutant.mutation}`;
}

/** The self-test as a terminal table, then each catch's signatures and replay command. */
export function formatSelftest(report: SelftestReport): string {
  const lines: string[] = [];
  const baselineLine = (results: readonly BaselineResult[], what: string): string => {
    const failed = results.filter((result) => result.status !== 'passed' && result.status !== 'expected-failure');
    return failed.length === 0
      ? `${what}: all ${results.length} scenarios pass`
      : `${what}: ${failed.length} scenario(s) FAIL: ${failed.map((result) => `${result.file} (${result.status})`).join(', ')}`;
  };
  if (report.baseline.length > 0) lines.push(baselineLine(report.baseline, 'unmodified reference client'));
  if (report.harnessBaseline.length > 0)
    lines.push(baselineLine(report.harnessBaseline, 'unmodified SDK harness, compared with the reference client'));
  if (lines.length > 0) lines.push('');
  const header = ['mutant', 'caught', 'by checker', 'in scenario', 'first failure', 'shrunk', 'size'];
  const rows = report.mutants.map((mutant) => [
    labelOf(mutant),
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
  const caught = report.mutants.filter((mutant) => mutant.caught);
  if (caught.length > 0) {
    lines.push('', 'Counterexamples:');
    for (const mutant of caught) {
      lines.push(`  ${labelOf(mutant)}: ${mutant.signatures.join(', ') || '-'}`);
      if (mutant.replayCommand !== undefined) lines.push(`    ${mutant.replayCommand}`);
    }
  }
  lines.push(
    '',
    `${caught.length}/${report.mutants.length} mutants caught in ${(report.durationMs / 1000).toFixed(1)} s (seed ${report.seed})`,
  );
  return lines.join('\n');
}

/** The findings that fail a run: the new ones, or (a run failing as expected) the expected ones. */
function catchingFindings(findings: readonly FindingSummary[], failed: boolean): FindingSummary[] {
  return findings.filter((finding) => (failed ? finding.disposition === 'new' : finding.disposition !== 'allowed'));
}

/**
 * The checkers whose findings fail the shrunk counterexample, as judged on it: shrinking may end
 * on another finding than the first failing run's, so the runs' tally cannot say.
 */
function caughtBy(violations: readonly JudgedViolation[], failed: boolean): string[] {
  const catching = violations.filter((v) => (failed ? v.disposition === 'new' : v.disposition !== 'allowed'));
  return [...new Set(catching.map((v) => v.checker))];
}
