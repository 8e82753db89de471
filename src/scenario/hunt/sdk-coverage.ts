/**
 * Which parts of the real SDK's own source ran: V8's precise block coverage, taken through
 * `node:inspector` in the thread that runs the SDK. The SDK's modules are compiled once per
 * process (sdk/loader.ts) under their file names in node_modules, so the coverage of every
 * sandboxed copy lands on the same scripts; taking it resets the counters, so each take is one
 * run's coverage.
 *
 * Block counts, not binary coverage: in binary mode V8 reports a block only the first time it runs
 * in the isolate, so what a run "reached" would depend on what its thread ran before — on how
 * batches were spread over threads — and the hunt would stop being deterministic. Counts report
 * every block a run executed. Measured on the real SDK (12 runs of generated-tutorial.ts, a
 * loaded 2-core machine): about 340 blocks a run, 50 ms per take, +25–50% CPU per run; the SDK's
 * runs wait on the event loop most of their wall time, so the hunt's runs/s drop less than that.
 */
import { Session } from 'node:inspector/promises';

/** The SDK's scripts are the files of this package. */
const SDK_SCRIPT = /[\\/]azure-mobile-apps-client[\\/]/;

interface CoverageRange {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly count: number;
}

interface ScriptCoverage {
  readonly url: string;
  readonly functions: readonly { readonly ranges: readonly CoverageRange[] }[];
}

/** A block of the SDK that ran: `sdk:<file in the package>:<start>-<end>`. */
export type SdkBlock = string;

export class SdkCoverage {
  private constructor(private readonly session: Session) {}

  /** Starts precise block coverage for this thread's isolate. */
  static async start(): Promise<SdkCoverage> {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    return new SdkCoverage(session);
  }

  /**
   * The SDK blocks that ran since the last take: every range V8 reports with a count above zero
   * inside a function that ran (a block that did not run in a function that did is left out).
   */
  async take(): Promise<SdkBlock[]> {
    const { result } = (await this.session.post('Profiler.takePreciseCoverage')) as {
      result: readonly ScriptCoverage[];
    };
    const blocks: SdkBlock[] = [];
    for (const script of result) {
      const match = SDK_SCRIPT.exec(script.url);
      if (match === null) continue;
      const file = script.url.slice(match.index + match[0].length);
      for (const fn of script.functions) {
        if ((fn.ranges[0]?.count ?? 0) === 0) continue;
        for (const range of fn.ranges) {
          if (range.count > 0) blocks.push(`sdk:${file}:${range.startOffset}-${range.endOffset}`);
        }
      }
    }
    return blocks;
  }

  async stop(): Promise<void> {
    await this.session.post('Profiler.stopPreciseCoverage').catch(() => undefined);
    this.session.disconnect();
  }
}
