/**
 * Memory over a long hunt: thousands of runs of one workload in one process, with the resident
 * set size at the start (after warm-up) and the end, split so the figure is honest: the growth
 * of WebAssembly memory (sql.js's heap, which a WebAssembly memory never gives back), the V8
 * heap's high-water mark (the most it held at once, which the resident set keeps long after),
 * and the heap after a forced GC at the start, after the first 5%, every 1,000 runs and at the
 * end (what is really still held, and whether it climbs). Live SDK apps,
 * databases and timers are counted at both ends too.
 *
 * The heap after GC also climbs for two reasons that are not leaks: syncwright's process-wide
 * memos fill up to their bounds over the first thousands of runs, and V8 compiles more code as
 * more paths get hot. So at the start, after the first 5% and at the end the caches are emptied
 * (kernel/process-caches.ts) and the heap is read again, with V8's code spaces apart: what is
 * left is what runs left behind. The caches refill within a few runs; the samples every 1,000
 * runs show them refilled.
 *
 * Run as a script (the bench starts it with --expose-gc), it prints its figures as a JSON line:
 *   node --expose-gc dist/bench/memory.js '{"workload":"sdk-generated","runs":10000}'
 */
import { fileURLToPath } from 'node:url';
import { limitHeapGrowth } from '../kernel/heap-growth.js';
import v8 from 'node:v8';
import { round } from './throughput.js';
import {
  isWorkloadName,
  loadWorkloadModules,
  OWN_DIST,
  WORKLOADS,
  workloadRunner,
  type WorkloadName,
} from './workloads.js';
import { liveObjects, type LiveCounts } from '../kernel/live-objects.js';
import { processCaches } from '../kernel/process-caches.js';

export interface MemoryFigures {
  readonly workload: WorkloadName;
  readonly runs: number;
  readonly seconds: number;
  /**
   * MB: at the start (after the warm-up runs), at the end, the growth between them and the peak;
   * `settled` after the first 5% of the measured runs (as serve-soak counts), when V8's heap has
   * grown to its working size, and `growthSettled` from there to the end: what the goal judges.
   */
  readonly rss: {
    readonly start: number;
    readonly settled: number;
    readonly end: number;
    readonly growth: number;
    readonly growthSettled: number;
    readonly max: number;
  };
  /** WebAssembly memory (sql.js), MB. */
  readonly wasm: { readonly start: number; readonly end: number; readonly growth: number };
  /**
   * V8 heap, MB: used after a forced GC at the start, after the first 5%, every `sampleEvery` runs
   * and at the end; the most used and the most committed at any sample.
   */
  readonly heap: {
    readonly usedAfterGcStart: number;
    readonly usedAfterGcSettled: number;
    readonly sampleEvery: number;
    /** After run `sampleEvery`, twice that, … */
    readonly usedAfterGcSamples: readonly number[];
    readonly usedAfterGcEnd: number;
    readonly maxUsed: number;
    readonly maxCommitted: number;
    /**
     * After a forced GC with every process cache emptied, at the start (after the warm-up), after
     * the first 5% and at the end, each with the part in V8's code spaces (compiled code, which
     * grows as more paths get hot); `growth` is the rest's growth from the first 5% to the end
     * (what the goal judges: what the runs left behind), `growthFromStart` from the start.
     */
    readonly cachesEmptied: {
      readonly start: CachesEmptied;
      readonly settled: CachesEmptied;
      readonly end: CachesEmptied;
      readonly growth: number;
      readonly growthFromStart: number;
    };
  };
  /** Entries in each process cache before it was emptied at the start and at the end. */
  readonly caches: { readonly start: Readonly<Record<string, number>>; readonly end: Readonly<Record<string, number>> };
  /** Open and reachable (after four forced GCs) SDK realms and apps, databases, SDK timers, at each end. */
  readonly live: {
    readonly start: { readonly open: LiveCounts; readonly reachable: LiveCounts };
    readonly end: { readonly open: LiveCounts; readonly reachable: LiveCounts };
  };
}

/** The heap after a forced GC with the process caches emptied, MB, and compiled code's part of it. */
export interface CachesEmptied {
  readonly heap: number;
  readonly code: number;
}

const MB = 1024 * 1024;
/** Full collections before the live counts are read (see measureMemory). */
const LIVE_COLLECTIONS = 4;

/** The parts of the WebAssembly API used here (the project's Node types leave the DOM's out). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  readonly Memory: abstract new (...args: never[]) => WasmMemory;
  instantiate: (...args: unknown[]) => Promise<unknown>;
}

/** WebAssembly memories made from here on (sql.js's), found by watching instantiation. */
function watchWasmMemories(): () => number {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const memories = new Set<WasmMemory>();
  const collect = (value: unknown): void => {
    if (value instanceof wasm.Memory) memories.add(value);
    else if (typeof value === 'object' && value !== null) {
      for (const inner of Object.values(value as Record<string, unknown>)) {
        if (inner instanceof wasm.Memory) memories.add(inner);
      }
    }
  };
  const instantiate = wasm.instantiate.bind(wasm);
  wasm.instantiate = async (...args: unknown[]) => {
    const imports = args[1] as Record<string, unknown> | undefined;
    for (const space of Object.values(imports ?? {})) collect(space);
    const result = (await instantiate(...args)) as { instance?: { exports: unknown }; exports?: unknown };
    collect((result.instance ?? result).exports);
    return result;
  };
  return () => [...memories].reduce((sum, memory) => sum + memory.buffer.byteLength, 0);
}

export async function measureMemory(options: {
  readonly workload: WorkloadName;
  readonly runs: number;
  readonly warmupRuns?: number;
  /** Runs between two progress lines, each with a forced GC and the heap it leaves (default 1,000). */
  readonly sampleEvery?: number;
  readonly root?: string;
  readonly log?: (line: string) => void;
  /** Reads the resident set size, bytes (default: the process's; a test counts the reads). */
  readonly readRss?: () => number;
}): Promise<MemoryFigures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('memory: run with node --expose-gc');
  const wasmBytes = watchWasmMemories();
  const modules = await loadWorkloadModules(OWN_DIST);
  const run = await workloadRunner(modules, WORKLOADS[options.workload], options.root ?? process.cwd());
  // As the leak test counts (test/leak/sdk-runs.test.ts): the run's last callbacks finish, one
  // full GC, then two turns so that the FinalizationRegistry's callbacks have run. Returns the
  // heap that collection left.
  const settle = async (): Promise<number> => {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    return process.memoryUsage().heapUsed;
  };
  // The caches' entries, then the heap without them, and the part of it that is compiled code.
  const emptyCaches = async (): Promise<{ entries: Readonly<Record<string, number>>; heap: number; code: number }> => {
    const entries = processCaches.sizes();
    processCaches.clear();
    return { entries, heap: await settle(), code: codeSpaceUsed() };
  };
  // What the runs still hold. V8 sometimes keeps the last run's apps and databases through one or
  // two full collections more (after 20 runs, about one reading in four still counted one or two
  // apps on the first two collections, and none on the third): read after one, the start or the
  // end can count them and the other not, and the comparison judges V8's timing. So the counts
  // are read after LIVE_COLLECTIONS collections, at both ends alike; the heap figures keep their
  // single collection (a leak that only several collections free shows there).
  const liveAfterCollections = async (): Promise<{ open: LiveCounts; reachable: LiveCounts }> => {
    for (let i = 0; i < LIVE_COLLECTIONS; i++) await settle();
    return { open: liveObjects.open, reachable: liveObjects.reachable };
  };
  let index = 0;
  for (let i = 0; i < (options.warmupRuns ?? 20); i++) await run(index++);
  // RSS is read before each forced collection, as the runs leave it: a collection the CLI never
  // forces gives pages back, and read after one the end would understate the growth.
  const readRss = options.readRss ?? (() => process.memoryUsage().rss);
  const startRss = readRss();
  const start = { rss: startRss, heap: await settle(), wasm: wasmBytes() };
  const emptiedStart = await emptyCaches();
  const liveStart = await liveAfterCollections();
  let maxRss = start.rss;
  let maxUsed = 0;
  let maxCommitted = 0;
  const started = performance.now();
  const settledAt = Math.floor(options.runs / 20);
  let rssSettled = start.rss;
  let heapSettled = start.heap;
  let emptiedSettled = emptiedStart;
  const sampleEvery = options.sampleEvery ?? 1000;
  let endRss: number | undefined;
  const heapSamples: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    await run(index++);
    if (i + 1 === settledAt) {
      // RSS as it is, before the collection below gives anything back.
      rssSettled = readRss();
      heapSettled = await settle();
      emptiedSettled = await emptyCaches();
    }
    if (i % 25 === 0) {
      const heap = v8.getHeapStatistics();
      maxRss = Math.max(maxRss, readRss());
      maxUsed = Math.max(maxUsed, heap.used_heap_size);
      maxCommitted = Math.max(maxCommitted, heap.total_heap_size);
    }
    if ((i + 1) % sampleEvery === 0) {
      const rss = readRss();
      if (i + 1 === options.runs) endRss = rss;
      // A forced collection (ten in 10,000 runs): what is still held, not what V8 has yet to collect.
      const heap = await settle();
      heapSamples.push(heap);
      options.log?.(
        `memory ${options.workload}: ${i + 1} runs, RSS ${round(rss / MB)} MB, wasm ${round(wasmBytes() / MB)} MB, heap after GC ${round(heap / MB)} MB`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  endRss ??= readRss();
  const end = { rss: endRss, heap: await settle(), wasm: wasmBytes() };
  const emptiedEnd = await emptyCaches();
  const liveEnd = await liveAfterCollections();
  return {
    workload: options.workload,
    runs: options.runs,
    seconds: round(seconds),
    rss: {
      start: round(start.rss / MB),
      settled: round(rssSettled / MB),
      end: round(end.rss / MB),
      growth: round((end.rss - start.rss) / MB),
      growthSettled: round((end.rss - rssSettled) / MB),
      max: round(Math.max(maxRss, end.rss) / MB),
    },
    wasm: { start: round(start.wasm / MB), end: round(end.wasm / MB), growth: round((end.wasm - start.wasm) / MB) },
    heap: {
      usedAfterGcStart: round(start.heap / MB),
      usedAfterGcSettled: round(heapSettled / MB),
      sampleEvery,
      usedAfterGcSamples: heapSamples.map((heap) => round(heap / MB)),
      usedAfterGcEnd: round(end.heap / MB),
      maxUsed: round(maxUsed / MB),
      maxCommitted: round(maxCommitted / MB),
      cachesEmptied: {
        start: inMb(emptiedStart),
        settled: inMb(emptiedSettled),
        end: inMb(emptiedEnd),
        growth: round((withoutCode(emptiedEnd) - withoutCode(emptiedSettled)) / MB),
        growthFromStart: round((withoutCode(emptiedEnd) - withoutCode(emptiedStart)) / MB),
      },
    },
    caches: { start: emptiedStart.entries, end: emptiedEnd.entries },
    live: { start: liveStart, end: liveEnd },
  };
}

const inMb = (emptied: { heap: number; code: number }): CachesEmptied => ({
  heap: round(emptied.heap / MB),
  code: round(emptied.code / MB),
});

const withoutCode = (emptied: { heap: number; code: number }): number => emptied.heap - emptied.code;

/** Bytes used in V8's code spaces (compiled code, large code objects included). */
function codeSpaceUsed(): number {
  let used = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (space.space_name.startsWith('code_')) used += space.space_used_size;
  }
  return used;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The heap as the command line sizes it (kernel/heap-growth.ts): the figure is the CLI's.
  limitHeapGrowth();
  try {
    const request = JSON.parse(process.argv[2] ?? '{}') as { workload?: string; runs?: number; root?: string };
    if (typeof request.workload !== 'string' || !isWorkloadName(request.workload)) {
      throw new Error(`memory: request.workload: expected one of ${Object.keys(WORKLOADS).join(', ')}`);
    }
    if (!Number.isInteger(request.runs) || request.runs! < 1)
      throw new Error('memory: request.runs: expected a whole number ≥ 1');
    const figures = await measureMemory({
      workload: request.workload,
      runs: request.runs!,
      ...(request.root !== undefined ? { root: request.root } : {}),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  }
}
