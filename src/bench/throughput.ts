/**
 * Runs per second of a workload, measured the way every speed figure of the bench is: warm-up
 * runs first (sql.js loading, the JIT), then several short windows and the median of their
 * rates, with the slowest and fastest beside it — on a shared machine one window can fall into
 * a slow spell of the host, and the median is the figure a second bench run repeats.
 */

export interface ThroughputOptions {
  /** Runs before measuring. */
  readonly warmupRuns: number;
  /** Measuring windows; the median of their rates is the figure. */
  readonly windows: number;
  /** Wall ms each window lasts (it also runs at least `minRunsPerWindow` runs). */
  readonly windowMs: number;
  readonly minRunsPerWindow?: number;
}

export interface Throughput {
  readonly runs: number;
  /** The median of the windows' rates. */
  readonly runsPerSecond: number;
  /** The slowest and the fastest window. */
  readonly range: readonly [number, number];
  /** CPU time (user + system) of this process per run, over all windows. */
  readonly cpuMsPerRun: number;
}

/** Measures `run` (called with 0, 1, 2…: which run of the sequence this is). */
export async function measureThroughput(
  run: (index: number) => Promise<void>,
  options: ThroughputOptions,
): Promise<Throughput> {
  let index = 0;
  for (let i = 0; i < options.warmupRuns; i++) await run(index++);
  const rates: number[] = [];
  let runs = 0;
  const cpu = process.cpuUsage();
  for (let window = 0; window < options.windows; window++) {
    const started = performance.now();
    let windowRuns = 0;
    while (windowRuns < (options.minRunsPerWindow ?? 3) || performance.now() - started < options.windowMs) {
      await run(index++);
      windowRuns++;
    }
    rates.push((windowRuns * 1000) / (performance.now() - started));
    runs += windowRuns;
  }
  const used = process.cpuUsage(cpu);
  const sorted = [...rates].sort((a, b) => a - b);
  return {
    runs,
    runsPerSecond: round(median(sorted)),
    range: [round(sorted[0]!), round(sorted.at(-1)!)],
    cpuMsPerRun: round((used.user + used.system) / 1000 / runs),
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
