/**
 * What a scenario's runs found, by signature: each distinct signature once, with how often it
 * came and the first run that showed it. The scenario's status follows from the tally and from
 * what the scenario expected of the client under test.
 */
import { occurrenceMetadata, signatureMatches } from '../check/signature.js';
import type { RunRecord } from './execute.js';
import type { FindingSummary, ScenarioStatus } from './results.js';

export class FindingTally {
  private readonly bySignature = new Map<string, FindingSummary>();

  /** Counts each distinct signature of a run once. */
  add(record: RunRecord, first: { readonly seed: number; readonly path?: string }): void {
    const inRun = new Set<string>();
    for (const violation of record.judgement.violations) {
      if (inRun.has(violation.signature)) continue;
      inRun.add(violation.signature);
      const known = this.bySignature.get(violation.signature);
      if (known !== undefined) {
        this.bySignature.set(violation.signature, { ...known, count: known.count + 1 });
        continue;
      }
      this.bySignature.set(violation.signature, {
        signature: violation.signature,
        checker: violation.checker,
        disposition: violation.disposition,
        count: 1,
        first,
        example: violation.message,
        metadata: occurrenceMetadata(record.history),
      });
    }
  }

  get size(): number {
    return this.bySignature.size;
  }

  summaries(): FindingSummary[] {
    return [...this.bySignature.values()];
  }
}

/** Tallies of several parts of one scenario (work units, shards), joined in part order. */
export function joinFindings(parts: readonly (readonly FindingSummary[])[]): FindingSummary[] {
  const joined = new Map<string, FindingSummary>();
  for (const part of parts) {
    for (const finding of part) {
      const known = joined.get(finding.signature);
      joined.set(finding.signature, known === undefined ? finding : { ...known, count: known.count + finding.count });
    }
  }
  return [...joined.values()];
}

/** Expected patterns that no finding matched. */
export function staleExpectations(expected: readonly string[], findings: readonly FindingSummary[]): string[] {
  return expected.filter(
    (pattern) =>
      !findings.some((finding) => finding.disposition === 'expected' && signatureMatches(pattern, finding.signature)),
  );
}

export function scenarioStatus(expected: readonly string[], findings: readonly FindingSummary[]): ScenarioStatus {
  if (findings.some((finding) => finding.disposition === 'new')) return 'failed';
  if (expected.length === 0) return 'passed';
  return findings.some((finding) => finding.disposition === 'expected') ? 'expected-failure' : 'unexpected-pass';
}
