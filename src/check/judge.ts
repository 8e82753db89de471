/**
 * From violations to a verdict: each violation's signature is looked up in what the scenario
 * declared. An outcome the scenario allows (it is the app's intent, e.g. conflicts left unhandled
 * in a scenario without a handler) and a known finding of the client under test do not fail the
 * run; anything else is new and does. Allowed wins over expected: an intended outcome is not a
 * finding at all.
 */
import { signatureMatches, signedViolations, type Signature } from './signature.js';
import type { CheckResult } from './types.js';

export type Disposition = 'new' | 'expected' | 'allowed';

export interface Declarations {
  /** Signature patterns of outcomes the scenario intends, for every client. */
  readonly allow: readonly string[];
  /**
   * Signature patterns of known findings of the client under test; `any` is an unpinned legacy
   * `expect: 'fail'` (every failure counts as known, and the report asks for the signatures).
   */
  readonly expected: readonly string[] | 'any';
}

export const NOTHING_DECLARED: Declarations = { allow: [], expected: [] };

export interface JudgedViolation {
  readonly signature: Signature;
  readonly checker: string;
  readonly disposition: Disposition;
  /** The pattern that matched (absent for new violations and unpinned expectations). */
  readonly matchedBy?: string;
  readonly message: string;
  readonly events: readonly number[];
}

export interface Judgement {
  /** No new violation. */
  readonly valid: boolean;
  readonly violations: readonly JudgedViolation[];
}

export function judge(results: readonly CheckResult[], declarations: Declarations): Judgement {
  const violations = signedViolations(results).map(({ signature, checker, violation }): JudgedViolation => {
    const base = { signature, checker, message: violation.message, events: violation.events };
    const allowedBy = declarations.allow.find((pattern) => signatureMatches(pattern, signature));
    if (allowedBy !== undefined) return { ...base, disposition: 'allowed', matchedBy: allowedBy };
    if (declarations.expected === 'any') return { ...base, disposition: 'expected' };
    const expectedBy = declarations.expected.find((pattern) => signatureMatches(pattern, signature));
    if (expectedBy !== undefined) return { ...base, disposition: 'expected', matchedBy: expectedBy };
    return { ...base, disposition: 'new' };
  });
  return { valid: violations.every((violation) => violation.disposition !== 'new'), violations };
}
