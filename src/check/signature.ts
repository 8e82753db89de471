/**
 * Signatures: the name of a failure that stays the same however it was reached. One defect
 * found through two different fault sequences is one finding; a known finding named in a
 * scenario's expectations does not hide a new one.
 *
 * The key is deliberately small — the checker, the semantics rule, the kind of operation at fault
 * and the status at fault. Ids, values, times, the fault kinds and handler actions that led there
 * are left out of the key (they are the occurrence's metadata); the client and its version are a
 * separate key (a baseline names them), never part of the signature.
 */
import type { History } from '../kernel/history.js';
import { indexHistory } from './history-index.js';
import type { CheckResult, Violation } from './types.js';

/** Bumped when the way signatures are built changes: a baseline records the version it was made with. */
export const SIGNATURE_VERSION = 1;

export interface SignatureKey {
  readonly checker: string;
  readonly rule: string;
  readonly op: string;
  readonly status: string;
}

/** `checker/rule/op/status`, e.g. `no-lost-writes/push.if-match/update/200`. */
export type Signature = string;

/** A segment that matches any value in a pattern (`allow`, `expect`). */
export const ANY_SEGMENT = '*';

export function signatureKeyOf(checker: string, violation: Violation): SignatureKey {
  return {
    checker,
    rule: normalise(violation.rule ?? checker),
    op: normalise(violation.at?.op ?? ANY_SEGMENT),
    status: normalise(violation.at?.status ?? ANY_SEGMENT),
  };
}

export function formatSignature(key: SignatureKey): Signature {
  return [key.checker, key.rule, key.op, key.status].join('/');
}

export function signatureOf(checker: string, violation: Violation): Signature {
  return formatSignature(signatureKeyOf(checker, violation));
}

/** Segments hold no `/` and no white space, so a signature splits back into its key. */
function normalise(segment: string): string {
  const text = segment.trim().replace(/[\s/]+/g, '-');
  return text === '' ? ANY_SEGMENT : text;
}

/**
 * Whether a pattern names a signature. A pattern is a signature whose segments may be `*`; missing
 * trailing segments count as `*`, so `handler-outcomes/handler.threw` names every thrown handler.
 */
export function signatureMatches(pattern: string, signature: Signature): boolean {
  const wanted = pattern.split('/');
  const have = signature.split('/');
  if (wanted.length > have.length) return false;
  return wanted.every((segment, i) => segment === ANY_SEGMENT || segment === have[i]);
}

/** Why a pattern is not one: empty, too many segments, or a segment with white space. */
export function signaturePatternProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'an empty pattern';
  const segments = pattern.split('/');
  if (segments.length > 4) return 'more than four segments (checker/rule/op/status)';
  if (segments.some((segment) => segment === '' || /\s/.test(segment))) return 'an empty segment or white space';
  return undefined;
}

/** What led to one occurrence: kept beside the signature, never part of it. */
export interface OccurrenceMetadata {
  /** Fault kinds the run's links applied (`lost-response`, `http-error`, `partition`…), sorted. */
  readonly faults: readonly string[];
  /** Handler decisions the run recorded (`cancelAndDiscard`, `threw`…), sorted. */
  readonly handlerActions: readonly string[];
  /** Whether an app restarted during the run. */
  readonly restarted: boolean;
}

export function occurrenceMetadata(history: History): OccurrenceMetadata {
  const index = indexHistory(history);
  const faults = new Set<string>();
  for (const event of history) if (event.kind === 'fault') faults.add(event.fault);
  const actions = new Set<string>();
  for (const call of index.handlerCalls) if (call.decision !== undefined) actions.add(call.decision.decision);
  return { faults: [...faults].sort(), handlerActions: [...actions].sort(), restarted: index.restarts.length > 0 };
}

/** Every violation of a set of check results, with its signature. */
export function signedViolations(
  results: readonly CheckResult[],
): { readonly signature: Signature; readonly checker: string; readonly violation: Violation }[] {
  return results.flatMap((result) =>
    result.violations.map((violation) => ({
      signature: signatureOf(result.checker, violation),
      checker: result.checker,
      violation,
    })),
  );
}
