/**
 * `npm run bench`: the figures the issues ask for, printed and written to reports/bench.json.
 * Benchmarks measure; they never fail a build. Sections can be picked by name
 * (`npm run bench -- compare breakdown`); `memory` (10,000 runs of each client; `--memory-runs <n>` for fewer), `serve-soak`
 * (serve under 200,000 requests), `hunt` (guidance on vs off) and `hunt-throughput` (`syncwright hunt --client sdk`'s
 * runs/s with 1 and 2 workers) run only when named. `--docs` also writes docs/performance.md from this run's own output; `--rounds <n>` sets
 * the side-by-side rounds.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { benchBackend, type Cost } from './backend.js';
import { breakdown, type Breakdown } from './breakdown.js';
import { describeHeadroom, headroom } from './headroom.js';
import { BASE_COMMIT, compareBuilds, type Comparison, type WorkloadComparison } from './compare.js';
import type { MemoryFigures } from './memory.js';
import { benchMutants, mutantMedians } from './mutants.js';
import { benchPull } from './pull.js';
import { benchSdk } from './sdk.js';
import { benchHunt, huntBenchOptions } from './hunt.js';
import { benchHuntThroughput, describeHuntThroughput, type HuntThroughputFigures } from './hunt-throughput.js';
import { benchServeSoak } from './serve-soak.js';
import { OWN_DIST, type WorkloadName } from './workloads.js';
import { benchWorld } from './world.js';
import { performancePage, type PageSection } from './page.js';
import { compareProfiles, WIDE_PROFILE_GOAL, type ProfileComparison } from './profiles.js';
import { describeRatioVerdict, ratioVerdict } from './ratio-verdict.js';

type Log = (line: string) => void;

interface Options {
  readonly rounds: number;
  readonly memoryRuns: number;
}

interface Section {
  readonly name: string;
  /** Runs when no section is named. */
  readonly byDefault: boolean;
  run(log: Log, options: Options): Promise<unknown>;
}

/** The issue-16 goals, next to what this run measured. */
const GOALS = {
  sdkRatio: 2.5,
  sdkStretch: 5,
  worldRatio: 1.7,
  rssGrowthMb: 50,
  /**
   * The heap after GC with the process caches emptied, compiled code apart, from the first 5% to
   * the end. Not zero: V8 keeps what it needs beside compiled code (deoptimization data,
   * relocation info) outside the code space; heap snapshots over 3,000 SDK runs (the 1,000th to
   * the 4,000th, caches emptied) showed that was all of it. A run that left a history, a
   * database or a page reachable would leave far more.
   */
  heapGrowthMb: 2,
  memoryRuns: 10_000,
} as const;

/** Fresh programs, as a hunt runs them: a workload cycling through a few hundred could hide what a new program leaves behind. */
const MEMORY_WORKLOADS: readonly WorkloadName[] = ['sdk-fresh', 'reference-fresh'];

function describeComparison(comparison: WorkloadComparison): string {
  const { base, head } = comparison;
  return (
    `${base.runsPerSecond} runs/s (${base.range[0]}–${base.range[1]}; ${base.cpuMsPerRun} CPU ms/run) at ${base.commit} → ` +
    `${head.runsPerSecond} runs/s (${head.range[0]}–${head.range[1]}; ${head.cpuMsPerRun} CPU ms/run) at ${head.commit}: ` +
    `${comparison.ratio}× (per-round ratios ${Math.min(...comparison.roundRatios)}–${Math.max(...comparison.roundRatios)})`
  );
}

function describeProfiles(figures: ProfileComparison): string {
  const side = (name: string, side: ProfileComparison['wide']) =>
    `${name} ${side.runsPerSecond} runs/s (${side.range[0]}–${side.range[1]}; ${side.cpuMsPerRun} CPU ms/run)`;
  return `${side('old-mix', figures.oldMix)} → ${side('wide', figures.wide)}: ${figures.ratio}× (per-round ${figures.ratioRange[0]}–${figures.ratioRange[1]})`;
}

function printBreakdown(figures: Breakdown, log: Log): void {
  log(`breakdown ${figures.workload}: ${figures.msPerRun} ms per run sampled over ${figures.runs} runs`);
  for (const { category, msPerRun, share } of figures.categories) {
    // Amdahl's bound: the run's speed-up were this category to cost nothing.
    const without = share < 100 ? `×${(100 / (100 - share)).toFixed(2)} if it cost nothing` : '';
    log(
      `  ${category.padEnd(46)} ${msPerRun.toFixed(2).padStart(7)} ms ${share.toFixed(1).padStart(5)}%  ${without}`.trimEnd(),
    );
  }
}

/** Runs the memory script in a process of its own, with gc() for its forced collections. */
function memoryProbe(workload: WorkloadName, runs: number, log: Log): Promise<MemoryFigures> {
  const script = path.join(OWN_DIST, 'bench', 'memory.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script, JSON.stringify({ workload, runs })], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      for (const line of chunk.toString().trim().split('\n')) if (line.startsWith('memory ')) log(line);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`memory probe of ${workload} failed: ${err.trim()}`));
      else resolve(JSON.parse(line) as MemoryFigures);
    });
  });
}

function describeMemory(figures: MemoryFigures): string {
  return (
    `RSS ${figures.rss.start} → ${figures.rss.settled} MB after the first 5% → ${figures.rss.end} MB (growth ${figures.rss.growthSettled} MB from the first 5%, ${figures.rss.growth} MB from the start; peak ${figures.rss.max} MB); ` +
    `WebAssembly ${figures.wasm.start} → ${figures.wasm.end} MB; V8 heap after GC ${figures.heap.usedAfterGcStart} → ` +
    `${figures.heap.usedAfterGcSettled} MB after the first 5% → ${figures.heap.usedAfterGcEnd} MB ` +
    `(every ${figures.heap.sampleEvery.toLocaleString('en')} runs: ${figures.heap.usedAfterGcSamples.join(', ')}), ` +
    `high-water ${figures.heap.maxUsed} MB used / ${figures.heap.maxCommitted} MB committed; ` +
    `${describeEmptied(figures)}; ` +
    `${figures.runs} runs in ${figures.seconds} s`
  );
}

/** The heap after GC without the process caches: what the runs left, apart from compiled code. */
function describeEmptied(figures: MemoryFigures): string {
  const { start, settled, end, growth, growthFromStart } = figures.heap.cachesEmptied;
  const entries = (sizes: Readonly<Record<string, number>>): string =>
    Object.values(sizes)
      .reduce((sum, size) => sum + size, 0)
      .toLocaleString('en');
  return (
    `with the ${Object.keys(figures.caches.end).length} process caches emptied ` +
    `(${entries(figures.caches.start)} entries at the start, ${entries(figures.caches.end)} at the end) ` +
    `the heap after GC is ${start.heap} → ${settled.heap} MB after the first 5% → ${end.heap} MB, ` +
    `compiled code ${start.code} → ${settled.code} → ${end.code} MB of it: ` +
    `the rest grew ${growth} MB from the first 5% (${growthFromStart} MB from the start)`
  );
}

const sections: readonly Section[] = [
  {
    name: 'compare',
    byDefault: true,
    async run(log, options) {
      log(`side by side: ${BASE_COMMIT} (the commit before issue 16) and HEAD, ${options.rounds} interleaved rounds`);
      const figures = await compareBuilds({
        rounds: options.rounds,
        workloads: ['sdk-generated', 'world-standard'],
        log,
      });
      for (const comparison of figures.workloads) log(`${comparison.workload}: ${describeComparison(comparison)}`);
      return figures;
    },
  },
  {
    name: 'profiles',
    byDefault: true,
    async run(log, options) {
      log(
        `generator profiles: scenarios/generated-tutorial.ts on the reference client, old-mix and wide, ${options.rounds} interleaved rounds`,
      );
      const figures = await compareProfiles({ rounds: options.rounds, log });
      log(`profiles: ${describeProfiles(figures)}`);
      return figures;
    },
  },
  {
    name: 'breakdown',
    byDefault: true,
    async run(log) {
      const sdk = await breakdown({ workload: 'sdk-generated', runs: 100, warmupRuns: 40 });
      printBreakdown(sdk, log);
      const world = await breakdown({ workload: 'world-standard', runs: 400, warmupRuns: 300 });
      printBreakdown(world, log);
      return [sdk, world];
    },
  },
  {
    name: 'memory',
    byDefault: false,
    async run(log, options) {
      // Each client in a process of its own, side by side: memory is counted per process, and
      // the SDK's 10,000 runs take most of an hour on a shared machine.
      return Promise.all(
        MEMORY_WORKLOADS.map(async (workload) => {
          const measured = await memoryProbe(workload, options.memoryRuns, log);
          log(`memory ${workload}: ${describeMemory(measured)}`);
          return measured;
        }),
      );
    },
  },
  {
    name: 'world',
    byDefault: true,
    async run(log) {
      const figures = await benchWorld({ log });
      log(
        `world: ${figures.simulated.runsPerSecond.toFixed(1)} simulated runs/s (3 clients, ${figures.scenario.steps} steps, all fault kinds; target ${figures.targets.runsPerSecond})`,
      );
      log(
        `world: ${figures.speedup.toFixed(1)}x faster than the same scenario over real HTTP (target ${figures.targets.speedup}x)`,
      );
      log(
        `world: ${figures.realHttpShortTimeouts.speedup.toFixed(1)}x faster than real HTTP with the scenario's timeouts cut to ${figures.realHttpShortTimeouts.timeoutMs} ms`,
      );
      return figures;
    },
  },
  {
    name: 'backend',
    byDefault: true,
    async run(log) {
      const figures = await benchBackend();
      const shown = (cost: Cost) =>
        `${cost.cpu.medianUs} µs CPU (${cost.cpu.minUs}–${cost.cpu.maxUs}), ${cost.wall.medianUs} µs wall (${cost.wall.minUs}–${cost.wall.maxUs})`;
      log('backend: per request through handle(), median of 7 windows (fastest–slowest)');
      for (const [profile, costs] of Object.entries(figures)) {
        log(`backend (${profile}): insert ${shown(costs.insert)}`);
        log(`backend (${profile}): update ${shown(costs.update)}`);
        log(`backend (${profile}): pull page of 50 of 10,000 ${shown(costs.pullPage)}`);
      }
      return figures;
    },
  },
  {
    name: 'pull',
    byDefault: true,
    async run(log) {
      const figures = await benchPull(100_000);
      log(
        `pull: the reference client pulled ${figures.records} records in ${(figures.ms / 1000).toFixed(2)} s (target under 10 s)`,
      );
      return figures;
    },
  },
  {
    name: 'sdk',
    byDefault: true,
    async run(log) {
      const figures = await benchSdk();
      log(
        `sdk: virtual time runs the real SDK ${figures.speedup.toFixed(1)}x faster than real time (${figures.speedupCpu.toFixed(1)}x by CPU time; target 50x)`,
      );
      log(`sdk: creating a client takes ${figures.clientCreation.medianMs.toFixed(1)} ms (median)`);
      return figures;
    },
  },
  {
    name: 'mutants',
    byDefault: true,
    async run(log) {
      const figures = await benchMutants({ log });
      const ms = (value: number | null) => (value === null ? '—' : `${Math.round(value)} ms`);
      for (const mutant of figures) {
        log(
          `mutants: ${mutant.label.padEnd(38)} caught ${mutant.caught}/${mutant.seeds} · first failure ${ms(mutant.firstFailureMs)} · shrunk ${ms(mutant.shrunkMs)} · size ${mutant.size ?? '—'}`,
        );
      }
      const medians = mutantMedians(figures);
      const over = figures.filter((mutant) => mutant.shrunkMs !== null && mutant.shrunkMs > 5000);
      log(
        `mutants: median over the ${figures.length} mutants: first failure ${ms(medians.firstFailureMs)} · shrunk ${ms(medians.shrunkMs)} (target ≤ 5000 ms); shrunk over 5 s: ${over.map((mutant) => mutant.label).join(', ') || 'none'}`,
      );
      return figures;
    },
  },
  {
    name: 'serve-soak',
    byDefault: false,
    async run(log) {
      const figures = await benchServeSoak({ log });
      log(
        `serve-soak: ${figures.requests} mixed valid and hostile requests (${figures.concurrency} at a time) in ${figures.seconds} s: ${figures.requestsPerSecond} requests/s, latency p50 ${figures.latencyMs.p50} ms, p99 ${figures.latencyMs.p99} ms`,
      );
      log(
        `serve-soak: RSS ${figures.rssMb.idle} MB idle, ${figures.rssMb.start} MB after the first 5%, ${figures.rssMb.middle} MB halfway, ${figures.rssMb.end} MB at the end: grew ${figures.rssGrowthMb} MB from the start (goal at most ${figures.goals.rssGrowthMb} MB), ${figures.rssGrowthFromIdleMb} MB from idle (V8's heap sizing included)`,
      );
      log(
        `serve-soak: answers ${JSON.stringify(figures.statuses)}, ${figures.serverErrors} 5xx (goal 0), ${figures.noAnswer} without an answer; history kept ${figures.history.kept} of ${figures.history.total} events`,
      );
      return figures;
    },
  },
  {
    name: 'hunt',
    byDefault: false,
    async run(log) {
      const options = huntBenchOptions();
      log(
        `hunt: guidance on vs off on the real SDK, seeds ${options.seeds.join(', ')}, ${Math.round(options.ms / 1000)} s each`,
      );
      return benchHunt({ ...options, log });
    },
  },
  {
    name: 'hunt-throughput',
    byDefault: false,
    run: (log) => benchHuntThroughput({ log }),
  },
];

/** The goal lines: each figure of issue 16 next to its goal, met or not; a figure without a goal is only measured. */
function goalLines(figures: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const verdict = (met: boolean): string => (met ? 'met' : 'NOT met');
  const comparison = figures['compare'] as Comparison | undefined;
  const sdk = comparison?.workloads.find((w) => w.workload === 'sdk-generated');
  const world = comparison?.workloads.find((w) => w.workload === 'world-standard');
  const breakdowns = figures['breakdown'] as Breakdown[] | undefined;
  // A goal the median misses: how much of a run must go, and where the breakdown puts that much.
  const shortfall = (comparison: WorkloadComparison, goal: number): string => {
    const sampled = breakdowns?.find((b) => b.workload === comparison.workload);
    const needed = sampled === undefined ? undefined : headroom(comparison.ratio, goal, sampled);
    return needed === undefined ? '' : `; ${describeHeadroom(goal, needed, comparison.workload)}`;
  };
  lines.push(
    sdk === undefined
      ? `real SDK ≥ ${GOALS.sdkRatio}× generated runs/s of ${BASE_COMMIT}: not measured in this run (section compare)`
      : `real SDK ≥ ${GOALS.sdkRatio}× (stretch ${GOALS.sdkStretch}×) generated runs/s of ${BASE_COMMIT}: ${describeComparison(sdk)} — ${describeRatioVerdict(sdk.ratio, sdk.roundRatios, GOALS.sdkRatio)}${ratioVerdict(sdk.ratio, sdk.roundRatios, GOALS.sdkStretch) === 'met' ? ', stretch met' : ''}${shortfall(sdk, GOALS.sdkRatio)}`,
  );
  lines.push(
    world === undefined
      ? `world ≥ ${GOALS.worldRatio}× the standard scenario's runs/s of ${BASE_COMMIT}: not measured in this run (section compare)`
      : `world ≥ ${GOALS.worldRatio}× the standard scenario's runs/s of ${BASE_COMMIT}: ${describeComparison(world)} — ${describeRatioVerdict(world.ratio, world.roundRatios, GOALS.worldRatio)}${shortfall(world, GOALS.worldRatio)}`,
  );
  const memory = figures['memory'] as MemoryFigures[] | undefined;
  if (memory === undefined) {
    lines.push(
      `memory flat (RSS growth ≤ ${GOALS.rssGrowthMb} MB over 10,000 runs of each client): not measured in this run (npm run bench -- memory)`,
    );
  } else {
    for (const figures of memory) {
      const flat =
        figures.rss.growthSettled <= GOALS.rssGrowthMb &&
        figures.heap.cachesEmptied.growth <= GOALS.heapGrowthMb &&
        JSON.stringify(figures.live.end.reachable) === JSON.stringify(figures.live.start.reachable);
      // Fewer runs than the goal's cannot show the goal met, only that it is not (yet) broken.
      const judged =
        figures.runs >= GOALS.memoryRuns
          ? verdict(flat)
          : `not judged: ${figures.runs} runs, the goal is over ${GOALS.memoryRuns.toLocaleString('en')}${flat ? '' : ' (and these already break it)'}`;
      lines.push(
        `memory flat, ${figures.workload} (RSS growth ≤ ${GOALS.rssGrowthMb} MB over ${GOALS.memoryRuns.toLocaleString('en')} runs, from after the first 5% as serve-soak counts; the heap after GC with the process caches emptied, compiled code apart, back within ${GOALS.heapGrowthMb} MB of the first 5%'s; live apps, databases, timers back to the start): ${describeMemory(figures)}; live after four GCs ${JSON.stringify(figures.live.end.reachable)} (start ${JSON.stringify(figures.live.start.reachable)}) — ${judged}`,
      );
    }
  }
  const profiles = figures['profiles'] as ProfileComparison | undefined;
  lines.push(
    profiles === undefined
      ? `wide profile at most 30% slower than old-mix (issue 15): not measured in this run (section profiles)`
      : `wide profile at most 30% slower than old-mix (issue 15): ${describeProfiles(profiles)} — ${verdict(profiles.ratio >= WIDE_PROFILE_GOAL)}`,
  );
  lines.push(
    figures['breakdown'] === undefined
      ? 'a breakdown per run: not measured in this run (section breakdown)'
      : 'a breakdown per run: printed by the breakdown section — met',
  );
  const huntThroughput = figures['hunt-throughput'] as HuntThroughputFigures | undefined;
  lines.push(
    huntThroughput === undefined
      ? 'hunt throughput (syncwright hunt --client sdk, 2 workers): not measured in this run (npm run bench -- hunt-throughput)'
      : `hunt throughput (syncwright hunt --client sdk, 2 workers): ${describeHuntThroughput(huntThroughput)} — measured`,
  );
  // Guidance on vs off is no throughput figure and has no goal: a pointer to its section when it ran.
  if (figures['hunt'] !== undefined)
    lines.push(
      'hunt guidance on vs off (findings, features and SDK blocks of the real SDK): printed by the hunt section above',
    );
  return lines;
}

async function machineState(): Promise<string> {
  const commit = await promisify(execFile)('git', ['rev-parse', '--short', 'HEAD'])
    .then(({ stdout }) => stdout.trim())
    .catch(() => 'unknown');
  const dirty = await promisify(execFile)('git', ['status', '--porcelain', '--untracked-files=no'])
    .then(({ stdout }) => stdout.trim() !== '')
    .catch(() => false);
  const load = os.loadavg().map((value) => value.toFixed(2));
  return `commit ${commit}${dirty ? ' (with uncommitted changes)' : ''}, ${new Date().toISOString()}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${load.join(' ')}`;
}

function parseArguments(argv: readonly string[]): { names: string[]; docs: boolean; options: Options } | string {
  const names: string[] = [];
  let docs = false;
  let rounds = 5;
  let memoryRuns: number = GOALS.memoryRuns;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === '--docs') docs = true;
    else if (argument === '--rounds') {
      rounds = Number(argv[++i]);
      if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50)
        return '--rounds: expected a whole number from 1 to 50';
    } else if (argument === '--memory-runs') {
      memoryRuns = Number(argv[++i]);
      if (!Number.isInteger(memoryRuns) || memoryRuns < 1 || memoryRuns > 1_000_000)
        return '--memory-runs: expected a whole number from 1 to 1000000';
    } else if (argument.startsWith('--')) return `unknown option ${argument}`;
    else names.push(argument);
  }
  const unknown = names.filter((name) => !sections.some((section) => section.name === name));
  if (unknown.length > 0) {
    return `Unknown bench section(s): ${unknown.join(', ')}. Known: ${sections.map((s) => s.name).join(', ')}`;
  }
  return { names, docs, options: { rounds, memoryRuns } };
}

async function main(argv: string[]): Promise<void> {
  const parsed = parseArguments(argv);
  if (typeof parsed === 'string') {
    console.error(parsed);
    process.exitCode = 2;
    return;
  }
  const chosen =
    parsed.names.length === 0
      ? sections.filter((section) => section.byDefault)
      : sections.filter((section) => parsed.names.includes(section.name));
  const stateAtStart = await machineState();
  console.log(`bench: ${stateAtStart}`);
  const figures: Record<string, unknown> = { node: process.version, cpus: os.cpus().length, machine: stateAtStart };
  const pageSections: PageSection[] = [];
  for (const section of chosen) {
    console.log(`-- ${section.name}`);
    const lines: string[] = [];
    figures[section.name] = await section.run((line) => {
      lines.push(line);
      console.log(line);
    }, parsed.options);
    pageSections.push({ name: section.name, lines });
  }
  console.log('-- goals (issues 15 and 16)');
  const goals = goalLines(figures);
  for (const line of goals) console.log(line);
  const loadAtEnd = os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  console.log(`bench: load average at the end ${loadAtEnd}`);
  const out = path.resolve('reports', 'bench.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ ...figures, goals }, null, 2)}\n`);
  console.log(`figures written to ${path.relative(process.cwd(), out)}`);
  if (parsed.docs) {
    const page = path.resolve('docs', 'performance.md');
    await writeFile(
      page,
      performancePage({
        state: stateAtStart,
        loadAtEnd,
        command: ['npm run bench --', ...argv].join(' '),
        goals,
        sections: pageSections,
      }),
    );
    console.log(`page written to ${path.relative(process.cwd(), page)}`);
  }
}

await main(process.argv.slice(2));
