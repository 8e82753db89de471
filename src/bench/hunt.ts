/**
 * `npm run bench -- hunt` (opt-in: not part of a plain `npm run bench`, never in CI): guidance
 * on versus off on the real SDK, the same seeds and the same time each, printing what each hunt
 * reached — distinct findings, features and the SDK's own blocks. The figure the project is
 * judged by: does coverage guidance find more of the SDK than fresh programs alone?
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { newControl } from '../scenario/hunt/budget.js';
import { Corpus } from '../scenario/hunt/corpus.js';
import { hunt, localExecutor, type HuntScenario } from '../scenario/hunt/hunt.js';
import { newTaskCaches } from '../scenario/hunt/tasks.js';
import { BUILT_IN_SCENARIOS_DIR, listScenarioFiles, loadScenario } from '../scenario/load.js';

export interface HuntBenchRun {
  readonly seed: number;
  readonly guidance: boolean;
  readonly runs: number;
  readonly mutantRuns: number;
  readonly findings: readonly string[];
  readonly features: number;
  readonly sdkBlocks: number;
  readonly ms: number;
}

export interface HuntBenchOptions {
  readonly ms: number;
  readonly seeds: readonly number[];
  readonly client?: 'sdk' | 'reference';
  readonly log?: (line: string) => void;
}

/** `SYNCWRIGHT_BENCH_HUNT_MS` (default 10 minutes) and `SYNCWRIGHT_BENCH_HUNT_SEEDS` (default 1,2,3). */
export function huntBenchOptions(env: NodeJS.ProcessEnv = process.env): HuntBenchOptions {
  const ms = Number(env['SYNCWRIGHT_BENCH_HUNT_MS'] ?? 600_000);
  const seeds = (env['SYNCWRIGHT_BENCH_HUNT_SEEDS'] ?? '1,2,3').split(',').map(Number);
  if (!Number.isFinite(ms) || ms <= 0)
    throw new Error(`SYNCWRIGHT_BENCH_HUNT_MS: expected milliseconds, found '${env['SYNCWRIGHT_BENCH_HUNT_MS']}'`);
  if (seeds.some((seed) => !Number.isInteger(seed)))
    throw new Error(
      `SYNCWRIGHT_BENCH_HUNT_SEEDS: expected whole numbers separated by commas, found '${env['SYNCWRIGHT_BENCH_HUNT_SEEDS']}'`,
    );
  return { ms, seeds };
}

export async function benchHunt(options: HuntBenchOptions): Promise<HuntBenchRun[]> {
  const files = (await listScenarioFiles(BUILT_IN_SCENARIOS_DIR)).filter((file) =>
    path.basename(file).startsWith('generated-'),
  );
  const scenarios: HuntScenario[] = [];
  for (const file of files) scenarios.push({ file, scenario: await loadScenario(file) });
  const choice = options.client ?? 'sdk';
  const version =
    choice === 'sdk'
      ? (createRequire(import.meta.url)('azure-mobile-apps-client/package.json') as { version: string }).version
      : 'bench';
  const runs: HuntBenchRun[] = [];
  for (const seed of options.seeds) {
    for (const guidance of [true, false]) {
      const budget = { kind: 'time', ms: options.ms } as const;
      const started = performance.now();
      const outcome = await hunt({
        scenarios,
        cwd: process.cwd(),
        client: { choice, mutations: [], label: choice, version },
        seed,
        budget,
        workers: 1,
        guidance,
        // Both ways measure the SDK's blocks, so the coverage and the speed compare.
        measureSdkCoverage: true,
        corpus: new Corpus([], 'empty'),
        control: newControl(budget),
        execute: localExecutor(newTaskCaches(() => new Promise((resolve) => setImmediate(resolve)))),
        // The bench measures exploration: nothing is shrunk past the deadline, nothing triaged.
        triageVariations: 0,
        shrinkRuns: 0,
        save: async (index) => ({ file: `finding-${index}`, replayCommand: '' }),
      });
      const run: HuntBenchRun = {
        seed,
        guidance,
        runs: outcome.summary.runs,
        mutantRuns: outcome.summary.mutantRuns,
        findings: outcome.findings.map((finding) => finding.signature),
        features: outcome.summary.coverage.features,
        sdkBlocks: outcome.summary.coverage.sdkBlocks,
        ms: Math.round(performance.now() - started),
      };
      runs.push(run);
      options.log?.(
        `hunt: seed ${seed} · guidance ${guidance ? 'on ' : 'off'} · ${run.runs} runs (${run.mutantRuns} mutants) · ${run.findings.length} distinct findings · ${run.features} features · ${run.sdkBlocks} SDK blocks`,
      );
    }
  }
  for (const guidance of [true, false]) {
    const mine = runs.filter((run) => run.guidance === guidance);
    options.log?.(
      `hunt: guidance ${guidance ? 'on ' : 'off'} median over ${mine.length} seeds · ${median(mine.map((r) => r.findings.length))} findings (${range(mine.map((r) => r.findings.length))}) · ${median(mine.map((r) => r.features))} features (${range(mine.map((r) => r.features))}) · ${median(mine.map((r) => r.sdkBlocks))} SDK blocks (${range(mine.map((r) => r.sdkBlocks))})`,
    );
  }
  return runs;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

function range(values: readonly number[]): string {
  return `${Math.min(...values)}–${Math.max(...values)}`;
}
