/**
 * `npm run bench`: the figures the issues ask for, printed and written to reports/bench.json.
 * Benchmarks measure; they never fail a build. Each section can be picked by name:
 * `npm run bench -- world pull` (`serve-soak` runs serve for 200,000 requests: a few minutes).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { benchBackend, type Cost } from './backend.js';
import { benchMutants } from './mutants.js';
import { benchPull } from './pull.js';
import { benchSdk } from './sdk.js';
import { benchServeSoak } from './serve-soak.js';
import { benchWorld } from './world.js';

type Section = { readonly name: string; run(log: (line: string) => void): Promise<unknown> };

const sections: readonly Section[] = [
  {
    name: 'world',
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
    async run(log) {
      const figures = await benchMutants({ log });
      for (const mutant of figures) {
        const ms = (value: number | null) => (value === null ? '—' : `${Math.round(value)} ms`);
        log(
          `mutants: ${mutant.mutation.padEnd(34)} caught ${mutant.caught}/${mutant.seeds} · first failure ${ms(mutant.firstFailureMs)} · shrunk ${ms(mutant.shrunkMs)} · size ${mutant.size ?? '—'}`,
        );
      }
      return figures;
    },
  },
  {
    name: 'serve-soak',
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
];

async function main(argv: string[]): Promise<void> {
  const unknown = argv.filter((name) => !sections.some((section) => section.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown bench section(s): ${unknown.join(', ')}. Known: ${sections.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const chosen = argv.length === 0 ? sections : sections.filter((section) => argv.includes(section.name));
  const figures: Record<string, unknown> = { node: process.version, cpus: (await import('node:os')).cpus().length };
  for (const section of chosen) {
    console.log(`-- ${section.name}`);
    figures[section.name] = await section.run((line) => console.log(line));
  }
  const out = path.resolve('reports', 'bench.json');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`figures written to ${path.relative(process.cwd(), out)}`);
}

await main(process.argv.slice(2));
