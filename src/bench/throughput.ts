/**
 * Runs per second of a workload, measured the way every speed figure of the bench is: warm-up
 * runs first (sql.js loading, the JIT), then several windows and the median of their rates,
 * with the slowest and fastest beside it — on a shared machine one window can fall into a slow
 * spell of the host, and the median is the figure a second bench run repeats.
 *
 * A window is a number of runs, not a stretch of time. Run `i` is the same program (or seed) on
 * every build, so two builds measured side by side time the very same programs, window for
 * window, and only the time differs. Windows of fixed length gave a faster build more, and
 * other, programs than a slower one: on `sdk-generated` the head ran programs 30–230 in the
 * time the base ran 30–115, and generated programs differ in cost several times over.
 */

export interface ThroughputOptions {
  /** Runs before measuring. */
  readonly warmupRuns: number;
  /** Measuring windows; the median of their rates is the figure. */
  readonly windows: number;
  /** Runs in each window: the windows time runs `warmupRuns` to `warmupRuns + windows × runsPerWindow − 1`. */
  readonly runsPerWindow: number;
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

/** The bounds of each count: a probe's request is JSON anyone can write, and a huge count is a hang. */
const LIMITS: Readonly<Record<keyof ThroughputOptions, readonly [number, number]>> = {
  warmupRuns: [0, 1_000_000],
  windows: [1, 1_000],
  runsPerWindow: [1, 1_000_000],
};

/** The names of the counts {@link ThroughputOptions} holds. */
export const THROUGHPUT_COUNTS = Object.keys(LIMITS) as readonly (keyof ThroughputOptions)[];

/** A count the throughput measure refuses (see {@link checkThroughputOptions}). */
export class ThroughputOptionsError extends RangeError {
  override readonly name = 'ThroughputOptionsError';
}

/** Throws a {@link ThroughputOptionsError} naming the first option that is not a whole number within its limits. */
export function checkThroughputOptions(options: ThroughputOptions): void {
  for (const key of THROUGHPUT_COUNTS) {
    const [min, max] = LIMITS[key];
    const value: unknown = options[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new ThroughputOptionsError(
        `throughput: options.${key}: expected a whole number from ${min} to ${max}, found ${JSON.stringify(value) ?? String(value)}`,
      );
    }
  }
}

/** One measuring window: its wall time and this process's CPU time (user + system), in ms. */
export interface WindowTime {
  readonly ms: number;
  readonly cpuMs: number;
}

/** A workload warmed up, its measuring windows still to run: one at a time, in order. */
export interface WarmedUp {
  /** Windows not yet run. */
  readonly left: number;
  /** Runs the next window; throws when none is left. */
  next(): Promise<WindowTime>;
}

/**
 * Runs the warm-up runs of `run` (called with 0, 1, 2…: which run of the sequence this is) and
 * returns its windows to run when the caller says: the side-by-side bench alternates the windows
 * of two builds so that a slow spell of the machine falls on both.
 */
export async function warmUp(run: (index: number) => Promise<void>, options: ThroughputOptions): Promise<WarmedUp> {
  checkThroughputOptions(options);
  let index = 0;
  for (let i = 0; i < options.warmupRuns; i++) await run(index++);
  let left = options.windows;
  return {
    get left() {
      return left;
    },
    async next() {
      if (left === 0) throw new RangeError(`throughput: all ${options.windows} windows have run`);
      left--;
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < options.runsPerWindow; i++) await run(index++);
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      return { ms, cpuMs: (used.user + used.system) / 1000 };
    },
  };
}

/** The rate of one window, in runs per second. */
export function windowRate(window: WindowTime, runsPerWindow: number): number {
  return (runsPerWindow * 1000) / window.ms;
}

/** The figures of measured windows: the median of their rates, the slowest and fastest, CPU ms per run. */
export function throughputOf(windows: readonly WindowTime[], runsPerWindow: number): Throughput {
  if (windows.length === 0) throw new RangeError('throughput: no window was measured');
  const sorted = windows.map((window) => windowRate(window, runsPerWindow)).sort((a, b) => a - b);
  const runs = windows.length * runsPerWindow;
  const cpuMs = windows.reduce((sum, window) => sum + window.cpuMs, 0);
  return {
    runs,
    runsPerSecond: round(median(sorted)),
    range: [round(sorted[0]!), round(sorted.at(-1)!)],
    cpuMsPerRun: round(cpuMs / runs),
  };
}

/** Measures `run` (called with 0, 1, 2…: which run of the sequence this is): warm-up, then every window. */
export async function measureThroughput(
  run: (index: number) => Promise<void>,
  options: ThroughputOptions,
): Promise<Throughput> {
  const warmed = await warmUp(run, options);
  const windows: WindowTime[] = [];
  while (warmed.left > 0) windows.push(await warmed.next());
  return throughputOf(windows, options.runsPerWindow);
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
