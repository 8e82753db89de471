/**
 * How much faster the real SDK runs on virtual time than at its own real-time pace.
 *
 * The SDK's promise library takes every step through `setTimeout(…, 1)` (and a WebView waits
 * at least 4 ms once timers nest more than five deep), so on a real clock even a local insert
 * costs tens of milliseconds of waiting. On the virtual clock those waits cost nothing. The
 * same workload — insert, push, incremental pull, update, push, read — runs on a VirtualClock
 * driven by the Scheduler and on the RealClock, against the in-process backend; the figure is
 * the ratio of wall times. Starting a client (sandbox, module evaluation, the SDK's start-up)
 * is pure CPU with no waits worth speaking of, so it is measured on its own: it is also what a
 * restart costs.
 *
 * Run this file directly to print the figures.
 */
import { pathToFileURL } from 'node:url';
import { createBackend } from '../backend/backend.js';
import { TODOITEM_TABLE } from '../protocol/records.js';
import { createSdkDriverFactory } from '../sdk/driver.js';
import { sharedScriptCache } from '../sdk/loader.js';
import { loadSqlJs } from '../sqlite/sqljs.js';
import { RealClock, type Clock } from '../kernel/clock.js';
import type { ClientDriver } from '../kernel/driver.js';
import { SeededRandom } from '../kernel/random.js';
import { Scheduler } from '../kernel/scheduler.js';
import { VirtualClock } from '../kernel/virtual-clock.js';

export interface SdkBenchOptions {
  /** Items inserted (and pushed) by the workload. Default 5. */
  readonly items?: number;
  /** Virtual-time runs of the workload; the median counts. Default 5. */
  readonly virtualRuns?: number;
  /** Clients created to measure creation cost. Default 20. */
  readonly clients?: number;
}

export interface SdkBenchResult {
  readonly workload: string;
  /** Medians over the virtual runs; `cpuMs` is this process's CPU time during a run. */
  readonly virtual: {
    readonly wallMs: number;
    readonly cpuMs: number;
    readonly virtualMs: number;
    readonly timersFired: number;
    readonly runs: number;
  };
  readonly real: { readonly wallMs: number };
  /** Real wall time over virtual wall time for the same workload. */
  readonly speedup: number;
  /**
   * Real wall time over the virtual run's CPU time: the speed-up on an idle machine. On a busy
   * one (parallel test workers) the virtual run waits for a core and `speedup` understates it.
   */
  readonly speedupCpu: number;
  readonly clientCreation: {
    /** Compiling the SDK's ~60 files, paid once per process. */
    readonly compileMs: number;
    /** Wall ms to create (or restart) one client and run its start-up on virtual time (median of `samples`). */
    readonly medianMs: number;
    readonly p90Ms: number;
    readonly samples: number;
    /** Virtual ms the SDK's own start-up takes (defineTable, initialize). */
    readonly startupVirtualMs: number;
  };
}

type Runner = <T>(promise: Promise<T>) => Promise<T>;

async function workload(driver: ClientDriver, items: number, run: Runner): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < items; i++) {
    const record = await run(driver.insert('todoitem', { text: `item ${i}`, complete: false }));
    ids.push(String(record['id']));
  }
  await run(driver.push());
  await run(driver.pull('todoitem', { queryId: 'all' }));
  await run(driver.update('todoitem', { id: ids[0]!, complete: true }));
  await run(driver.push());
  await run(driver.read('todoitem'));
}

async function runOnce(
  clock: Clock,
  run: Runner,
  items: number,
  seed: string,
): Promise<{ wallMs: number; cpuMs: number }> {
  const backend = await createBackend({ clock, random: new SeededRandom(`${seed}/backend`) });
  const factory = createSdkDriverFactory();
  const driver = await run(
    factory({
      name: 'bench',
      url: 'https://backend.bench',
      transport: (request) => backend.handle(request),
      clock,
      random: new SeededRandom(seed),
      tables: [TODOITEM_TABLE],
      pushHandler: {},
    }),
  );
  const cpu = process.cpuUsage();
  const started = performance.now();
  await workload(driver, items, run);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await driver.close();
  backend.close();
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

export async function benchSdk(options: SdkBenchOptions = {}): Promise<SdkBenchResult> {
  const items = options.items ?? 5;
  const clients = options.clients ?? 20;
  await loadSqlJs();

  // Warm-up: compiles the SDK's code, so both timed runs pay only evaluation.
  {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    await runOnce(clock.lane('bench'), (p) => scheduler.run(p), 1, 'warm-up');
  }

  const virtualRuns: { wallMs: number; cpuMs: number; virtualMs: number; timersFired: number }[] = [];
  for (let i = 0; i < (options.virtualRuns ?? 5); i++) {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock);
    const measured = await runOnce(clock.lane('bench'), (p) => scheduler.run(p), items, 'bench');
    virtualRuns.push({ ...measured, virtualMs: clock.elapsed(), timersFired: clock.fired });
  }
  const virtualWall = median(virtualRuns.map((run) => run.wallMs));
  const virtualCpu = median(virtualRuns.map((run) => run.cpuMs));

  const { wallMs: realWall } = await runOnce(new RealClock(), (p) => p, items, 'bench');

  const creation: number[] = [];
  let startupVirtualMs = 0;
  for (let i = 0; i < clients; i++) {
    const clock = new VirtualClock();
    const clientScheduler = new Scheduler(clock);
    const started = performance.now();
    const driver = await clientScheduler.run(
      createSdkDriverFactory()({
        name: `client-${i}`,
        url: 'https://backend.bench',
        transport: () => Promise.reject(new Error('no network while measuring start-up')),
        clock: clock.lane(`client-${i}`),
        random: new SeededRandom(i),
        tables: [TODOITEM_TABLE],
        pushHandler: {},
      }),
    );
    creation.push(performance.now() - started);
    startupVirtualMs = clock.elapsed();
    await driver.close();
  }
  creation.sort((a, b) => a - b);

  return {
    workload: `${items} inserts, push, incremental pull, update, push, read`,
    virtual: {
      wallMs: round(virtualWall),
      cpuMs: round(virtualCpu),
      virtualMs: virtualRuns[0]!.virtualMs,
      timersFired: virtualRuns[0]!.timersFired,
      runs: virtualRuns.length,
    },
    real: { wallMs: round(realWall) },
    speedup: round(realWall / virtualWall),
    speedupCpu: round(realWall / virtualCpu),
    clientCreation: {
      compileMs: round(sharedScriptCache.compileTime),
      medianMs: round(median(creation)),
      p90Ms: round(creation[Math.floor(creation.length * 0.9)]!),
      samples: creation.length,
      startupVirtualMs,
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchSdk(), null, 2));
}
