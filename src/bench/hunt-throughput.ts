/**
 * `npm run bench -- hunt-throughput` (opt-in): runs per second of `syncwright hunt --client sdk`
 * as a user runs it — the built CLI in a process of its own, from the repository's root, so it
 * hunts with the generated scenarios of ./scenarios — with 1 worker and then with 2, and the
 * speed-up. A run budget rather than a deadline: both sides then run the very same programs,
 * shrinks and triage variations, and only the time differs.
 *
 * The counts come from the hunt's own findings.json: the exploration's runs (generated programs
 * and mutants, what the hunt's summary line calls runs) and each finding's shrink and triage
 * runs. Shrinking and triage stay on, as a plain `hunt` has them: a user waits for them too, and
 * the hunt reports their runs. The figure is all of those runs over the process's wall-clock
 * time, start-up included; the exploration alone, timed by the hunt's own clock, is shown beside.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HUNT_RESULTS_FILE, readHuntResults } from '../report/hunt.js';
import { plural } from '../report/summary.js';
import type { HuntResults } from '../scenario/hunt/types.js';
import { OWN_DIST } from './workloads.js';

// Sized for 40–90 s a side on a 2-core machine. Shrinking and triage cost 130–160 runs per
// distinct finding whatever the budget (at 100 runs they took three times the exploration's
// time), so the exploration needs a few hundred runs to be a fair part of the figure.
const RUN_BUDGET = 400;

const SEED = 42;
const BASELINE = 'baselines/azure-mobile-apps-client-2.0.1.json';

/** What one hunt reports it ran. */
export interface HuntRunCounts {
  readonly scenarios: number;
  /** The exploration's runs, mutants included: the hunt's own `runs`. */
  readonly runs: number;
  readonly mutantRuns: number;
  readonly shrinkRuns: number;
  readonly triageRuns: number;
  /** Exploration, shrink and triage runs. */
  readonly total: number;
  readonly findings: number;
  /** The exploration's wall-clock time by the hunt's clock (its last growth point). */
  readonly exploreMs: number;
}

export interface HuntThroughputSide {
  readonly workers: number;
  /** 0 (no new finding) or 1 (a new one): both are a finished hunt. */
  readonly exitCode: number;
  readonly counts: HuntRunCounts;
  /** The process's wall-clock time, from spawn to exit. */
  readonly seconds: number;
  /** `counts.total` over `seconds`. */
  readonly runsPerSecond: number;
  /** `counts.runs` over `counts.exploreMs`. */
  readonly exploreRunsPerSecond: number;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
}

export interface HuntThroughputFigures {
  /** The hunt's arguments, the temporary folders named by what they hold. */
  readonly command: string;
  readonly runBudget: number;
  readonly baseline: string | null;
  readonly oneWorker: HuntThroughputSide;
  readonly twoWorkers: HuntThroughputSide;
  /** 2 workers' runs/s over 1 worker's. */
  readonly speedup: number;
  readonly exploreSpeedup: number;
  /** Both reported the same runs and findings: the speed-up compares the same work. */
  readonly sameRuns: boolean;
}

/** The part of findings.json the counts are taken from. */
export interface HuntRunsReport {
  readonly hunt: Pick<HuntResults['hunt'], 'scenarios' | 'runs' | 'mutantRuns' | 'growth'>;
  readonly findings: readonly {
    readonly shrunk?: { readonly runs: number };
    readonly triage?: { readonly runs: number };
  }[];
}

export function huntRunCounts(report: HuntRunsReport): HuntRunCounts {
  const shrinkRuns = report.findings.reduce((sum, finding) => sum + (finding.shrunk?.runs ?? 0), 0);
  const triageRuns = report.findings.reduce((sum, finding) => sum + (finding.triage?.runs ?? 0), 0);
  return {
    scenarios: report.hunt.scenarios.length,
    runs: report.hunt.runs,
    mutantRuns: report.hunt.mutantRuns,
    shrinkRuns,
    triageRuns,
    total: report.hunt.runs + shrinkRuns + triageRuns,
    findings: report.findings.length,
    exploreMs: report.hunt.growth.at(-1)?.ms ?? 0,
  };
}

/** Per second; 0 when nothing was timed. */
function rate(count: number, seconds: number): number {
  return seconds > 0 ? count / seconds : 0;
}

function tenths(value: number): number {
  return Math.round(value * 10) / 10;
}

/** To two decimals; 0 when there is nothing to compare with. */
function ratio(after: number, before: number): number {
  return before > 0 ? Math.round((after / before) * 100) / 100 : 0;
}

/** The same runs of each kind and the same findings; only the times may differ. */
export function sameWork(a: HuntRunCounts, b: HuntRunCounts): boolean {
  return (
    a.scenarios === b.scenarios &&
    a.runs === b.runs &&
    a.mutantRuns === b.mutantRuns &&
    a.shrinkRuns === b.shrinkRuns &&
    a.triageRuns === b.triageRuns &&
    a.findings === b.findings
  );
}

function load(values: readonly number[]): string {
  return values.map((value) => value.toFixed(2)).join(' ');
}

export function describeHuntSide(side: HuntThroughputSide): string {
  const { counts } = side;
  return (
    `${plural(side.workers, 'worker')}: ${counts.runs} runs (${counts.mutantRuns} mutants) + ` +
    `${counts.shrinkRuns} shrink runs + ${counts.triageRuns} triage runs = ${counts.total} runs in ${side.seconds} s: ` +
    `${side.runsPerSecond} runs/s; exploration alone ${counts.runs} runs in ${(counts.exploreMs / 1000).toFixed(1)} s ` +
    `by the hunt's clock: ${side.exploreRunsPerSecond} runs/s; ${plural(counts.findings, 'distinct finding')} in ${plural(counts.scenarios, 'scenario')}, exit ${side.exitCode}; ` +
    `load average ${load(side.loadBefore)} before, ${load(side.loadAfter)} after`
  );
}

/** The figure for the goal lines: 2 workers' runs/s, 1 worker's beside it, the speed-up. */
export function describeHuntThroughput(figures: HuntThroughputFigures): string {
  const { oneWorker: one, twoWorkers: two } = figures;
  return (
    `${two.runsPerSecond} runs/s (${two.counts.total} runs in ${two.seconds} s: exploration, shrinking and triage, ` +
    `--runs ${figures.runBudget}); 1 worker ${one.runsPerSecond} runs/s: ${figures.speedup}× ` +
    `(exploration alone ${two.exploreRunsPerSecond} against ${one.exploreRunsPerSecond} runs/s: ${figures.exploreSpeedup}×)`
  );
}

export async function benchHuntThroughput(
  options: { readonly log?: (line: string) => void } = {},
): Promise<HuntThroughputFigures> {
  const root = path.dirname(OWN_DIST);
  const runBudget = RUN_BUDGET;
  // Without the baseline every finding is new and the hunt exits 1: the throughput is the same.
  const baseline = existsSync(path.join(root, BASELINE)) ? BASELINE : null;
  const args = [
    'hunt',
    '--client',
    'sdk',
    '--runs',
    String(runBudget),
    '--seed',
    String(SEED),
    ...(baseline !== null ? ['--baseline', baseline] : []),
  ];
  const command = `node bin/syncwright.js ${args.join(' ')} --workers <n> --out <temporary folder> --corpus <fresh temporary folder>`;
  options.log?.(`hunt-throughput: ${command}, from the repository's root, with 1 worker and then 2`);
  const temporary = await mkdtemp(path.join(os.tmpdir(), 'syncwright-hunt-throughput-'));
  try {
    const side = async (workers: number): Promise<HuntThroughputSide> => {
      const measured = await huntSide(root, args, workers, temporary);
      options.log?.(`hunt-throughput: ${describeHuntSide(measured)}`);
      return measured;
    };
    const one = await side(1);
    const two = await side(2);
    const sameRuns = sameWork(one.counts, two.counts);
    const figures: HuntThroughputFigures = {
      command,
      runBudget,
      baseline,
      oneWorker: one,
      twoWorkers: two,
      // From the unrounded rates: a tenth of a run/s is a few percent here.
      speedup: ratio(rate(two.counts.total, two.seconds), rate(one.counts.total, one.seconds)),
      exploreSpeedup: ratio(
        rate(two.counts.runs, two.counts.exploreMs / 1000),
        rate(one.counts.runs, one.counts.exploreMs / 1000),
      ),
      sameRuns,
    };
    options.log?.(
      `hunt-throughput: 2 workers over 1: ${figures.speedup}× runs/s (exploration alone ${figures.exploreSpeedup}×); ` +
        (sameRuns
          ? `both ran the same ${one.counts.total} runs`
          : 'the two ran different runs (a hunt should not depend on its workers): compare runs/s, not times'),
    );
    return figures;
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

async function huntSide(
  root: string,
  args: readonly string[],
  workers: number,
  temporary: string,
): Promise<HuntThroughputSide> {
  const out = path.join(temporary, `out-${workers}`);
  // A fresh corpus each: one the other side left would change what is hunted.
  const corpus = path.join(temporary, `corpus-${workers}`);
  await mkdir(corpus);
  const loadBefore = os.loadavg();
  const started = performance.now();
  const exitCode = await runCli(root, [...args, '--workers', String(workers), '--out', out, '--corpus', corpus]);
  const seconds = Math.round(performance.now() - started) / 1000;
  const loadAfter = os.loadavg();
  const results = await readHuntResults(path.join(out, HUNT_RESULTS_FILE));
  if (results.hunt.end !== 'runs')
    throw new Error(
      `hunt-throughput: the hunt with ${workers} workers ended by ${results.hunt.end}, not by its run budget: its runs/s would not compare`,
    );
  const counts = huntRunCounts(results);
  return {
    workers,
    exitCode,
    counts,
    seconds,
    runsPerSecond: tenths(rate(counts.total, seconds)),
    exploreRunsPerSecond: tenths(rate(counts.runs, counts.exploreMs / 1000)),
    loadBefore,
    loadAfter,
  };
}

/** The built CLI with `args`; resolves with its exit code when that is 0 or 1 (a finished hunt). */
function runCli(root: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'syncwright.js'), ...args], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0 || code === 1) resolve(code);
      else
        reject(
          new Error(
            `hunt-throughput: syncwright ${args.join(' ')} ${signal !== null ? `was ended by ${signal}` : `exited with ${code}`}: ${err.trim() || 'nothing on stderr'}`,
          ),
        );
    });
  });
}
