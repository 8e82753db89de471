/**
 * Which parts of the real SDK's own source ran: V8's precise block coverage, taken through
 * `node:inspector` in the thread that runs the SDK. The SDK's modules are compiled once per
 * process (sdk/loader.ts) under their file names in node_modules, so the coverage of every
 * sandboxed copy lands on the same scripts; taking it resets the counters, so each take is one
 * run's coverage. Binary block coverage (no call counts) keeps the cost low.
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
    await session.post('Profiler.startPreciseCoverage', { callCount: false, detailed: true });
    return new SdkCoverage(session);
  }

  /**
   * The SDK blocks that ran since the last take. A block counts as run when V8 reports it with a
   * count above zero inside a function that ran; blocks that did not run in a function that did
   * are left out, so "ran" and "did not run" of a branch are different features only through the
   * branch that did.
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
