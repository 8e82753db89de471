/**
 * Whether a history is whole. A simulated run's always is; `syncwright serve` keeps a bounded
 * one, which drops its oldest events (their `seq` numbers are missing) and keeps long bodies as
 * their length and digest. A checker over such a history cannot tell a lost write from one whose
 * events were dropped, so its verdict there is "unknown", never a violation.
 */
import type { History } from '../kernel/history.js';
import type { CheckResult } from './types.js';

export interface HistoryGaps {
  /** Events whose `seq` is missing: before the first kept event or between two. */
  readonly missingEvents: number;
  /** `http-request` and `http-response` events whose body was kept as a digest only. */
  readonly elidedBodies: number;
}

/** What `history` lacks, or undefined when it is whole. */
export function historyGaps(history: History): HistoryGaps | undefined {
  let missingEvents = 0;
  let elidedBodies = 0;
  let expected = 0;
  for (const event of history) {
    if (event.seq > expected) missingEvents += event.seq - expected;
    expected = event.seq + 1;
    if ((event.kind === 'http-request' || event.kind === 'http-response') && event.bodyElided !== undefined)
      elidedBodies++;
  }
  return missingEvents === 0 && elidedBodies === 0 ? undefined : { missingEvents, elidedBodies };
}

/** A checker's result over an incomplete history: unknown, with what it would have said as a note. */
export function unknownOver(result: CheckResult, gaps: HistoryGaps): CheckResult {
  const missing = [
    ...(gaps.missingEvents > 0
      ? [`${gaps.missingEvents} event${gaps.missingEvents === 1 ? ' was' : 's were'} dropped`]
      : []),
    ...(gaps.elidedBodies > 0
      ? [`${gaps.elidedBodies} bod${gaps.elidedBodies === 1 ? 'y was' : 'ies were'} kept as a digest only`]
      : []),
  ].join(' and ');
  const reason = `the history is incomplete (${missing})`;
  return {
    checker: result.checker,
    valid: true,
    violations: [],
    unknown: reason,
    explanation: result.valid
      ? `Unknown: no violation among the events kept, but ${reason} and what they held was not checked.`
      : `Unknown: ${reason}, so what the checker found may rest on what is missing. Among the events kept it found: ${result.explanation}`,
  };
}
