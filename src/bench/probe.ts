/**
 * Runs per second of one workload on one build, in a process of its own.
 *
 * `measureWorkload` is the reusable part (a `hunt --client sdk` throughput line can call it on
 * this build). Run as a script, this file measures the build named by `dist` and prints the
 * figures as one JSON line: the side-by-side bench starts it once per build and round, so that
 * both builds run in fresh processes under the same conditions.
 *
 *   node dist/bench/probe.js '{"dist":"…/dist","root":"…","workload":"sdk-generated"}'
 *
 * With `"stepped":true` it warms up and then runs its windows one at a time, as its standard input
 * asks (see {@link ProbeRequest.stepped}): the side-by-side bench alternates two builds' windows.
 */
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  checkThroughputOptions,
  measureThroughput,
  THROUGHPUT_COUNTS,
  ThroughputOptionsError,
  warmUp,
  type Throughput,
  type ThroughputOptions,
  type WarmedUp,
} from './throughput.js';
import {
  isWorkloadName,
  loadWorkloadModules,
  OWN_DIST,
  WORKLOADS,
  workloadRunner,
  type Workload,
  type WorkloadName,
} from './workloads.js';

export interface MeasureOptions extends Partial<ThroughputOptions> {
  /** The build to measure (its `dist/`). Default: this one. */
  readonly dist?: string;
  /** The checkout the workload's scenario paths start from. Default: the working directory. */
  readonly root?: string;
}

/**
 * Defaults per workload kind: the SDK needs fewer warm-up runs to reach its pace, and takes
 * longer per run. For the SDK, 30 + 5 × 34 = 200: the warm-up runs the first 30 of
 * `sdk-generated`'s 200 programs and the windows time each of the other 170 once. A reference
 * client's window of 80 runs lasts about half a second to a second here.
 */
function defaults(workload: Workload): ThroughputOptions {
  return workload.client === 'sdk'
    ? { warmupRuns: 30, windows: 5, runsPerWindow: 34 }
    : { warmupRuns: 150, windows: 5, runsPerWindow: 80 };
}

/** Measures runs per second of a workload (by name, or one of your own) on a build. */
export async function measureWorkload(
  workload: WorkloadName | Workload,
  options: MeasureOptions = {},
): Promise<Throughput> {
  const { run, counts } = await prepareWorkload(workload, options);
  return measureThroughput(run, counts);
}

/** Loads the build, runs the warm-up runs, and returns the workload's windows to run one at a time. */
export async function warmUpWorkload(
  workload: WorkloadName | Workload,
  options: MeasureOptions = {},
): Promise<{ warmed: WarmedUp; runsPerWindow: number }> {
  const { run, counts } = await prepareWorkload(workload, options);
  return { warmed: await warmUp(run, counts), runsPerWindow: counts.runsPerWindow };
}

async function prepareWorkload(
  workload: WorkloadName | Workload,
  options: MeasureOptions,
): Promise<{ run: (index: number) => Promise<void>; counts: ThroughputOptions }> {
  const chosen = typeof workload === 'string' ? WORKLOADS[workload] : workload;
  const base = defaults(chosen);
  const counts: ThroughputOptions = {
    warmupRuns: options.warmupRuns ?? base.warmupRuns,
    windows: options.windows ?? base.windows,
    runsPerWindow: options.runsPerWindow ?? base.runsPerWindow,
  };
  // Before loading a build: a bad request fails at once.
  checkThroughputOptions(counts);
  const modules = await loadWorkloadModules(options.dist ?? OWN_DIST);
  return { run: await workloadRunner(modules, chosen, options.root ?? process.cwd()), counts };
}

/** What the script takes, as JSON in its one argument. */
export interface ProbeRequest extends MeasureOptions {
  readonly workload: WorkloadName;
  /**
   * Stepped: after the warm-up, write `{"ready":true,"windows":…,"runsPerWindow":…}`, then run one
   * window for each line `next` read from standard input, writing its `{"ms":…,"cpuMs":…}`; exit
   * when the input ends. The side-by-side bench steps two builds' probes in turn.
   */
  readonly stepped?: boolean;
}

/** A request the probe cannot take: said in one line, without a stack. */
class ProbeRequestError extends Error {}

/** The request in the script's argument, or a {@link ProbeRequestError} saying what is wrong with it. */
function parseProbeRequest(text: string | undefined): ProbeRequest {
  if (text === undefined) throw new ProbeRequestError('probe: expected one argument, a JSON request');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ProbeRequestError(`probe: the request is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProbeRequestError(`probe: request: expected a JSON object, found ${describe(parsed)}`);
  }
  const request = parsed as Record<string, unknown>;
  if (typeof request.workload !== 'string' || !isWorkloadName(request.workload)) {
    throw new ProbeRequestError(
      `probe: request.workload: expected one of ${Object.keys(WORKLOADS).join(', ')}, found ${describe(request.workload)}`,
    );
  }
  if (request.stepped !== undefined && typeof request.stepped !== 'boolean') {
    throw new ProbeRequestError(`probe: request.stepped: expected true or false, found ${describe(request.stepped)}`);
  }
  for (const key of ['dist', 'root'] as const) {
    if (request[key] !== undefined && typeof request[key] !== 'string') {
      throw new ProbeRequestError(`probe: request.${key}: expected a path, found ${describe(request[key])}`);
    }
  }
  // The counts' bounds are the throughput measure's own (checkThroughputOptions).
  for (const key of THROUGHPUT_COUNTS) {
    if (request[key] !== undefined && typeof request[key] !== 'number') {
      throw new ProbeRequestError(`probe: request.${key}: expected a whole number, found ${describe(request[key])}`);
    }
  }
  return request as unknown as ProbeRequest;
}

/** A short JSON rendering of what was found, for an error message. */
function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * Sizes the heap as the measured build's command line does (kernel/heap-growth.ts), so that each
 * build runs as its CLI runs it; a build from before that file leaves V8's default.
 */
async function sizeHeapAs(dist: string): Promise<void> {
  const file = path.join(dist, 'kernel', 'heap-growth.js');
  if (!existsSync(file)) return;
  const module = (await import(pathToFileURL(file).href)) as { limitHeapGrowth?: () => void };
  module.limitHeapGrowth?.();
}

/** Where the script writes: one JSON line of figures, or one line saying why not. */
export interface ProbeIo {
  out(line: string): void;
  err(line: string): void;
  /**
   * Opens standard input, as lines (a stepped probe's commands). Called only by a stepped probe,
   * before it says it is ready: an open standard input would keep any other probe from exiting.
   */
  readonly input?: () => AsyncIterable<string>;
}

/** A stepped probe's command: run the next window. */
export const NEXT_WINDOW = 'next';

/**
 * The script: measures the request in `args[0]` and writes its figures. Returns the exit code:
 * 0, or 2 when the request is refused (one line: what is wrong) or the measuring failed (the
 * stack too, for what nobody expected).
 */
export async function runProbe(args: readonly string[], io: ProbeIo): Promise<number> {
  try {
    const request = parseProbeRequest(args[0]);
    await sizeHeapAs(request.dist ?? OWN_DIST);
    if (request.stepped !== true) {
      io.out(JSON.stringify(await measureWorkload(request.workload, request)));
      return 0;
    }
    const { warmed, runsPerWindow } = await warmUpWorkload(request.workload, request);
    const input = io.input?.() ?? [];
    io.out(JSON.stringify({ ready: true, windows: warmed.left, runsPerWindow }));
    for await (const line of input) {
      const command = line.trim();
      if (command === '') continue;
      if (command !== NEXT_WINDOW)
        throw new ProbeRequestError(`probe: input: expected "${NEXT_WINDOW}", found ${describe(command)}`);
      if (warmed.left === 0) throw new ProbeRequestError('probe: input: no window is left to run');
      io.out(JSON.stringify(await warmed.next()));
    }
    return 0;
  } catch (error) {
    const expected = error instanceof ProbeRequestError || error instanceof ThroughputOptionsError;
    io.err(expected ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 2;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await runProbe(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    input: () => {
      // The iterator is made at once: readline drops lines that come before one buffers them.
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })[Symbol.asyncIterator]();
      return { [Symbol.asyncIterator]: () => lines };
    },
  });
}
