/**
 * The side-by-side bench: two commits built in git worktrees under the OS temp folder (made and
 * removed here), the same workloads run on both. Each round starts one probe process per build
 * and workload; each warms up on its own, then their measuring windows take turns — first,
 * second, second, first, … (which build goes first alternates from round to round too) — so that
 * a slow spell of the shared machine falls on both builds' windows, not on one build's whole
 * round. A window is a fixed count of runs, the same programs on both builds (see
 * `throughput.ts`). A round's ratio is the median over windows of head over base for the same
 * window; the ratio is the median over rounds, with the slowest and fastest round. A side's
 * figure is the median over rounds of its rounds' median window, with the slowest and fastest.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { access, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { NEXT_WINDOW } from './probe.js';
import { median, round, throughputOf, windowRate, type Throughput, type WindowTime } from './throughput.js';
import { WORKLOADS, type WorkloadName } from './workloads.js';

const run = promisify(execFile);

/** The commit before issue 16 (its code still has the old folder names, `src/sim/`…). */
export const BASE_COMMIT = 'a4c79e5';

export interface CompareOptions {
  readonly base?: string;
  readonly head?: string;
  readonly rounds?: number;
  readonly workloads?: readonly WorkloadName[];
  /** The repository (default: the one around the working directory). */
  readonly repo?: string;
  readonly log?: (line: string) => void;
}

export interface SideFigures {
  readonly commit: string;
  /** Median over rounds of each round's runs/s. */
  readonly runsPerSecond: number;
  readonly range: readonly [number, number];
  readonly cpuMsPerRun: number;
  readonly rounds: readonly Throughput[];
}

export interface WorkloadComparison {
  readonly workload: WorkloadName;
  readonly base: SideFigures;
  readonly head: SideFigures;
  /** Median over rounds of head ÷ base in the same round. */
  readonly ratio: number;
  /** Each round's ratio, in the order the rounds ran (their range is printed; the verdict's confidence bound reads them). */
  readonly roundRatios: readonly number[];
}

export interface Comparison {
  readonly rounds: number;
  readonly workloads: readonly WorkloadComparison[];
}

interface Side {
  readonly name: 'base' | 'head';
  readonly commit: string;
  readonly root: string;
}

async function git(repo: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd: repo, maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
}

/** Builds `commit` in a worktree at `root`, with the repository's node_modules. */
async function checkout(repo: string, commit: string, root: string): Promise<void> {
  await git(repo, 'worktree', 'add', '--detach', root, commit);
  await symlink(path.join(repo, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  // Later commits generate the report and explorer pages from ui/ before tsc can see them.
  const buildUi = path.join(root, 'scripts', 'build-ui.mjs');
  if (await exists(buildUi)) await run(process.execPath, [buildUi], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** A probe process (probe.ts, stepped) that has warmed up and runs a window each time it is told. */
class SteppedProbe {
  private stderr = '';
  private readonly lines: AsyncIterator<string>;
  private windowCount = 0;
  private windowRuns = 0;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly what: string,
  ) {
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.lines = createInterface({ input: child.stdout, crlfDelay: Infinity })[Symbol.asyncIterator]();
  }

  /** Starts the probe of `workload` on `side` and waits until its warm-up is done. */
  static async start(probeScript: string, side: Side, workload: WorkloadName): Promise<SteppedProbe> {
    const request = JSON.stringify({ workload, dist: path.join(side.root, 'dist'), root: side.root, stepped: true });
    const child = spawn(process.execPath, [probeScript, request], { cwd: side.root, stdio: ['pipe', 'pipe', 'pipe'] });
    const probe = new SteppedProbe(child, `probe of ${workload} on ${side.name} (${side.commit})`);
    try {
      const ready = (await probe.json()) as { windows?: unknown; runsPerWindow?: unknown };
      if (typeof ready.windows !== 'number' || typeof ready.runsPerWindow !== 'number') {
        throw new Error(`${probe.what}: expected its ready line, found ${JSON.stringify(ready)}`);
      }
      probe.windowCount = ready.windows;
      probe.windowRuns = ready.runsPerWindow;
      return probe;
    } catch (error) {
      probe.kill();
      throw error;
    }
  }

  /** Windows the probe measures. */
  get windows(): number {
    return this.windowCount;
  }

  /** Runs in each window. */
  get runsPerWindow(): number {
    return this.windowRuns;
  }

  /** Runs the probe's next window. */
  async next(): Promise<WindowTime> {
    this.child.stdin.write(`${NEXT_WINDOW}\n`);
    const window = (await this.json()) as Partial<WindowTime>;
    if (typeof window.ms !== 'number' || typeof window.cpuMs !== 'number') {
      throw new Error(`${this.what}: expected a window's times, found ${JSON.stringify(window)}`);
    }
    return { ms: window.ms, cpuMs: window.cpuMs };
  }

  /** Ends the probe's input and waits for it to exit. */
  async close(): Promise<void> {
    const exited = this.exited();
    this.child.stdin.end();
    const code = await exited;
    if (code !== 0) throw new Error(`${this.what} failed (exit ${code}): ${this.stderr.trim()}`);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }

  private exited(): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve(this.child.exitCode);
      else this.child.once('exit', (code) => resolve(code));
    });
  }

  /** The next line the probe writes, parsed. */
  private async json(): Promise<Record<string, unknown>> {
    const line = await this.line();
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // said below
    }
    throw new Error(`${this.what}: expected a JSON object, found ${JSON.stringify(line.slice(0, 200))}`);
  }

  /** The next line the probe writes; its error output when it ends without one. */
  private async line(): Promise<string> {
    const next = await this.lines.next();
    if (next.done !== true) return next.value;
    const code = await this.exited();
    throw new Error(`${this.what} failed (exit ${code}): ${this.stderr.trim()}`);
  }
}

/** What a round needs of a probe: its windows, run one at a time when asked. */
export interface WindowSource {
  readonly windows: number;
  readonly runsPerWindow: number;
  next(): Promise<WindowTime>;
}

/**
 * Runs the windows of two sources in turn — first, second, second, first, … — and returns each
 * one's times, window by window. Both must measure the same windows.
 */
export async function takeTurns(first: WindowSource, second: WindowSource): Promise<[WindowTime[], WindowTime[]]> {
  if (first.windows !== second.windows || first.runsPerWindow !== second.runsPerWindow) {
    throw new Error(
      `the two probes measure different windows: ${first.windows} × ${first.runsPerWindow} runs against ${second.windows} × ${second.runsPerWindow}`,
    );
  }
  const sources = [first, second] as const;
  const times: [WindowTime[], WindowTime[]] = [[], []];
  for (let k = 0; k < first.windows; k++) {
    for (const i of k % 2 === 0 ? [0, 1] : [1, 0]) times[i]!.push(await sources[i]!.next());
  }
  return times;
}

/** The median over windows of head's rate over base's in the same window (the same programs). */
export function windowByWindowRatio(
  base: readonly WindowTime[],
  head: readonly WindowTime[],
  runsPerWindow: number,
): number {
  if (base.length !== head.length || base.length === 0) {
    throw new Error(`expected as many windows of each build, found ${base.length} and ${head.length}`);
  }
  return median(head.map((window, k) => windowRate(window, runsPerWindow) / windowRate(base[k]!, runsPerWindow)));
}

/** One round of one workload: each build's figures, and the ratio window by window. */
interface Round {
  readonly figures: ReadonlyMap<Side['name'], Throughput>;
  readonly ratio: number;
}

/** Starts the probes in `order`, one warm-up after the other, then runs their windows in turn. */
async function pairedRound(probeScript: string, order: readonly Side[], workload: WorkloadName): Promise<Round> {
  const probes: SteppedProbe[] = [];
  try {
    for (const side of order) probes.push(await SteppedProbe.start(probeScript, side, workload));
    const [first, second] = probes as [SteppedProbe, SteppedProbe];
    const times = await takeTurns(first, second);
    for (const probe of probes) await probe.close();
    const bySide = new Map(order.map((side, i) => [side.name, times[i]!] as const));
    return {
      figures: new Map([...bySide].map(([name, windows]) => [name, throughputOf(windows, first.runsPerWindow)])),
      ratio: windowByWindowRatio(bySide.get('base')!, bySide.get('head')!, first.runsPerWindow),
    };
  } finally {
    for (const probe of probes) probe.kill();
  }
}

function sideFigures(commit: string, rounds: readonly Throughput[]): SideFigures {
  const rates = rounds.map((figures) => figures.runsPerSecond);
  return {
    commit,
    runsPerSecond: round(median(rates)),
    range: [Math.min(...rates), Math.max(...rates)],
    cpuMsPerRun: round(median(rounds.map((figures) => figures.cpuMsPerRun))),
    rounds,
  };
}

export async function compareBuilds(options: CompareOptions = {}): Promise<Comparison> {
  const log = options.log ?? (() => undefined);
  const repo = options.repo ?? (await git(process.cwd(), 'rev-parse', '--show-toplevel'));
  const rounds = options.rounds ?? 5;
  const workloads = options.workloads ?? (Object.keys(WORKLOADS) as WorkloadName[]);
  const folder = await mkdtemp(path.join(tmpdir(), 'syncwright-bench-'));
  const sides: Side[] = [
    { name: 'base', commit: await git(repo, 'rev-parse', '--short', options.base ?? BASE_COMMIT), root: '' },
    { name: 'head', commit: await git(repo, 'rev-parse', '--short', options.head ?? 'HEAD'), root: '' },
  ].map((side) => ({ ...side, root: path.join(folder, side.name) }) as Side);
  const made: string[] = [];
  try {
    for (const side of sides) {
      log(`building ${side.name} (${side.commit}) in a worktree…`);
      made.push(side.root);
      await checkout(repo, side.commit, side.root);
    }
    const probeScript = path.join(sides[1]!.root, 'dist', 'bench', 'probe.js');
    const results = new Map<string, Throughput[]>();
    const roundRatios = new Map<WorkloadName, number[]>();
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? sides : [...sides].reverse();
      for (const workload of workloads) {
        const measured = await pairedRound(probeScript, order, workload);
        for (const side of order) {
          const figures = measured.figures.get(side.name)!;
          const key = `${workload}/${side.name}`;
          results.set(key, [...(results.get(key) ?? []), figures]);
          log(
            `round ${r + 1}/${rounds} ${workload} ${side.name}: ${figures.runsPerSecond} runs/s (${figures.range[0]}–${figures.range[1]}; ${figures.cpuMsPerRun} CPU ms/run)`,
          );
        }
        roundRatios.set(workload, [...(roundRatios.get(workload) ?? []), measured.ratio]);
        log(`round ${r + 1}/${rounds} ${workload}: head over base, window by window: ${measured.ratio.toFixed(2)}×`);
      }
    }
    return {
      rounds,
      workloads: workloads.map((workload) => {
        const ratios = roundRatios.get(workload)!;
        return {
          workload,
          base: sideFigures(sides[0]!.commit, results.get(`${workload}/base`)!),
          head: sideFigures(sides[1]!.commit, results.get(`${workload}/head`)!),
          ratio: round(median(ratios), 2),
          roundRatios: ratios.map((ratio) => round(ratio, 2)),
        };
      }),
    };
  } finally {
    for (const root of made) await git(repo, 'worktree', 'remove', '--force', root).catch(() => undefined);
    await git(repo, 'worktree', 'prune').catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  }
}
