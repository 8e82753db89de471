/**
 * Running a program as the hunt judges it: every violation the scenario does not allow is a
 * finding (the baseline, not the scenario's expectations, says which are known).
 */
import { occurrenceMetadata, type OccurrenceMetadata } from '../../check/signature.js';
import type { ResolvedClient } from '../clients.js';
import { executeProgram, type ExecuteOptions, type RunRecord } from '../execute.js';
import type { Program, ResolvedScenario } from '../types.js';

/** A finding of one run: a signature the scenario does not allow. */
export interface RunFinding {
  readonly signature: string;
  readonly checker: string;
  readonly example: string;
  readonly metadata: OccurrenceMetadata;
}

/** Runs a program as the hunt judges it: every violation the scenario does not allow is a finding. */
export type ProgramRunner = (
  program: Program,
  options?: Pick<ExecuteOptions, 'variation' | 'onStepStart'>,
) => Promise<RunRecord>;

export function programRunner(scenario: ResolvedScenario, client: ResolvedClient): ProgramRunner {
  return (program, options = {}) =>
    executeProgram(scenario, program, {
      driver: client.driver,
      declarations: { allow: scenario.allow, expected: [] },
      ...options,
    });
}

export function findingsOf(record: RunRecord): RunFinding[] {
  const seen = new Set<string>();
  const findings: RunFinding[] = [];
  let metadata: OccurrenceMetadata | undefined;
  for (const violation of record.judgement.violations) {
    if (violation.disposition === 'allowed' || seen.has(violation.signature)) continue;
    seen.add(violation.signature);
    metadata ??= occurrenceMetadata(record.history);
    findings.push({ signature: violation.signature, checker: violation.checker, example: violation.message, metadata });
  }
  return findings;
}

export function hasSignature(record: RunRecord, signature: string): boolean {
  return record.judgement.violations.some(
    (violation) => violation.disposition !== 'allowed' && violation.signature === signature,
  );
}
