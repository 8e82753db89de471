/**
 * The results of one replayed run, shaped as a run's results so that the HTML report draws its
 * timeline: `replay --out` writes one for any run, the passing ones too (a passing run is where a
 * reader learns what a healthy history looks like).
 */
import type { ResolvedClient } from '../scenario/clients.js';
import { FindingTally, scenarioStatus } from '../scenario/findings.js';
import type { ReplayResult } from '../scenario/replay.js';
import type { RunResults } from '../scenario/results.js';
import { counterexampleOf } from '../scenario/run.js';
import { SIGNATURE_VERSION } from '../check/signature.js';
import { expectationFor } from '../scenario/types.js';

export interface ReplayReportInput {
  readonly result: ReplayResult;
  readonly client: ResolvedClient;
  readonly version: string;
  /** Wall-clock figures, the only ones a report holds that the replay did not decide. */
  readonly startedAt: string;
  readonly durationMs: number;
  /** Shrink steps the replayed counterexample took, when a counterexample was replayed. */
  readonly shrinks: number;
}

export function replayResults(input: ReplayReportInput): RunResults {
  const { result, client } = input;
  const seed = result.seed ?? result.program.seed;
  const first = { seed, ...(result.path !== undefined ? { path: result.path } : {}) };
  const tally = new FindingTally();
  tally.add(result.run, first);
  const findings = tally.summaries();
  const expected = expectationFor(result.scenario.expect, client.name);
  return {
    tool: { name: 'syncwright', version: input.version, signatureVersion: SIGNATURE_VERSION },
    seed,
    client: client.name,
    startedAt: input.startedAt,
    durationMs: input.durationMs,
    scenarios: [
      {
        name: result.scenario.name,
        ...(result.scenario.description !== undefined ? { description: result.scenario.description } : {}),
        file: result.scenario.file,
        client: client.name,
        status: scenarioStatus(expected, findings),
        runs: 1,
        seed,
        durationMs: input.durationMs,
        coverage: result.run.coverage,
        weak: result.scenario.coverage.filter((name) => (result.run.coverage[name] ?? 0) === 0),
        ...(findings.length > 0 ? { findings } : {}),
        ...(expected.length > 0 ? { expected } : {}),
        failure: counterexampleOf(result.scenario, client, result.run, { ...first, shrinks: input.shrinks }),
      },
    ],
  };
}
