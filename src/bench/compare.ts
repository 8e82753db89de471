/**
 * The side-by-side bench: two commits built in git worktrees under the OS temp folder (made and
 * removed here), the same workloads run on both in fresh processes, interleaved — base, head,
 * head, base, … — for several rounds, so that a slow spell of a shared machine falls on both.
 * Each round's figure is the median of its windows, each window a fixed count of runs, so that
 * both builds time the same programs (see `throughput.ts`); a side's figure is the median over
 * rounds, with the slowest and fastest round beside it; the ratio is head over base per round.
 */
import { execFile, spawn } from 'node:child_process';
import { access, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Throughput } from './throughput.js';
import { median, round } from './throughput.js';
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
  readonly ratioRange: readonly [number, number];
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

function probe(probeScript: string, side: Side, workload: WorkloadName): Promise<Throughput> {
  const request = JSON.stringify({ workload, dist: path.join(side.root, 'dist'), root: side.root });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [probeScript, request], {
      cwd: side.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`probe of ${workload} on ${side.name} (${side.commit}) failed (exit ${code}): ${err.trim()}`));
        return;
      }
      resolve(JSON.parse(line) as Throughput);
    });
  });
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
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? sides : [...sides].reverse();
      for (const workload of workloads) {
        for (const side of order) {
          const figures = await probe(probeScript, side, workload);
          const key = `${workload}/${side.name}`;
          results.set(key, [...(results.get(key) ?? []), figures]);
          log(
            `round ${r + 1}/${rounds} ${workload} ${side.name}: ${figures.runsPerSecond} runs/s (${figures.range[0]}–${figures.range[1]}; ${figures.cpuMsPerRun} CPU ms/run)`,
          );
        }
      }
    }
    return {
      rounds,
      workloads: workloads.map((workload) => {
        const base = results.get(`${workload}/base`)!;
        const head = results.get(`${workload}/head`)!;
        const ratios = head.map((figures, i) => figures.runsPerSecond / base[i]!.runsPerSecond);
        return {
          workload,
          base: sideFigures(sides[0]!.commit, base),
          head: sideFigures(sides[1]!.commit, head),
          ratio: round(median(ratios), 2),
          ratioRange: [round(Math.min(...ratios), 2), round(Math.max(...ratios), 2)],
        };
      }),
    };
  } finally {
    for (const root of made) await git(repo, 'worktree', 'remove', '--force', root).catch(() => undefined);
    await git(repo, 'worktree', 'prune').catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  }
}
