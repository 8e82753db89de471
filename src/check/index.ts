/** The checkers by name, and running a set of them over one history. */
import type { History } from '../kernel/history.js';
import { checkCancelAndDiscard, CANCEL_AND_DISCARD } from './cancel-and-discard.js';
import { checkConflictCallbacks, CONFLICT_CALLBACKS } from './conflict-callbacks.js';
import { checkConvergence, CONVERGENCE } from './convergence.js';
import { checkExactlyOnce, EXACTLY_ONCE } from './exactly-once.js';
import { checkHandlerOutcomes, HANDLER_OUTCOMES } from './handler-outcomes.js';
import { checkIntent, INTENT } from './intent.js';
import { checkLiveness, LIVENESS } from './liveness.js';
import { checkLocalQuery, LOCAL_QUERY } from './local-query.js';
import { checkNoLostWrites, NO_LOST_WRITES } from './no-lost-writes.js';
import { checkNoResurrection, NO_RESURRECTION } from './no-resurrection.js';
import { checkPullCompleteness, PULL_COMPLETENESS } from './pull-completeness.js';
import { checkPullMarks, PULL_MARKS } from './pull-marks.js';
import { checkQueueCollapse, QUEUE_COLLAPSE } from './queue-collapse.js';
import { checkRoundTrip, ROUND_TRIP } from './round-trip.js';
import { checkReferences, REFERENCES } from './references.js';
import { checkUpgrades, UPGRADES } from './upgrades.js';
import { historyGaps, unknownOver } from './completeness.js';
import { checkSessionGuarantees, SESSION_GUARANTEES } from './session-guarantees.js';
import type { CheckResult } from './types.js';
import type { Checker, CheckContext } from './verdict.js';

export const CHECKER_NAMES = [
  CONVERGENCE,
  NO_LOST_WRITES,
  CONFLICT_CALLBACKS,
  CANCEL_AND_DISCARD,
  NO_RESURRECTION,
  PULL_COMPLETENESS,
  EXACTLY_ONCE,
  QUEUE_COLLAPSE,
  HANDLER_OUTCOMES,
  LIVENESS,
  PULL_MARKS,
  SESSION_GUARANTEES,
  ROUND_TRIP,
  REFERENCES,
  UPGRADES,
  LOCAL_QUERY,
  INTENT,
] as const;

export type CheckerName = (typeof CHECKER_NAMES)[number];

export const CHECKERS: Readonly<Record<CheckerName, Checker>> = {
  [CONVERGENCE]: checkConvergence,
  [NO_LOST_WRITES]: checkNoLostWrites,
  [CONFLICT_CALLBACKS]: checkConflictCallbacks,
  [CANCEL_AND_DISCARD]: checkCancelAndDiscard,
  [NO_RESURRECTION]: checkNoResurrection,
  [PULL_COMPLETENESS]: checkPullCompleteness,
  [EXACTLY_ONCE]: checkExactlyOnce,
  [QUEUE_COLLAPSE]: checkQueueCollapse,
  [HANDLER_OUTCOMES]: checkHandlerOutcomes,
  [LIVENESS]: checkLiveness,
  [PULL_MARKS]: checkPullMarks,
  [SESSION_GUARANTEES]: checkSessionGuarantees,
  [ROUND_TRIP]: checkRoundTrip,
  [REFERENCES]: checkReferences,
  [UPGRADES]: checkUpgrades,
  [LOCAL_QUERY]: checkLocalQuery,
  [INTENT]: checkIntent,
};

export function isCheckerName(name: string): name is CheckerName {
  return (CHECKER_NAMES as readonly string[]).includes(name);
}

/**
 * Runs the named checkers (all by default). A checker that throws is reported as a failed
 * result naming the exception, so one bug cannot hide the other verdicts. Over an incomplete
 * history (a bounded one that dropped events, see completeness.ts) every verdict is unknown.
 */
export function runCheckers(
  history: History,
  names: readonly CheckerName[] = CHECKER_NAMES,
  context?: CheckContext,
): CheckResult[] {
  const gaps = historyGaps(history);
  return names.map((name) => {
    let result: CheckResult;
    try {
      result = CHECKERS[name](history, context);
    } catch (error) {
      const message = `The ${name} checker crashed: ${error instanceof Error ? error.message : String(error)}`;
      const violation = {
        rule: 'tool.checker-crashed',
        at: { op: 'check', status: 'threw' },
        message,
        events: [],
      } as const;
      result = { checker: name, valid: false, violations: [violation], explanation: message };
    }
    return gaps === undefined ? result : unknownOver(result, gaps);
  });
}

export {
  checkCancelAndDiscard,
  checkConflictCallbacks,
  checkConvergence,
  checkExactlyOnce,
  checkHandlerOutcomes,
  checkIntent,
  checkLiveness,
  checkLocalQuery,
  checkNoLostWrites,
  checkNoResurrection,
  checkPullCompleteness,
  checkPullMarks,
  checkQueueCollapse,
  checkRoundTrip,
  checkSessionGuarantees,
};
export { coverageCounters, COVERAGE_COUNTERS, type CoverageCounter } from './coverage.js';
export type { Checker, CheckContext } from './verdict.js';
export type { CheckResult } from './types.js';
export { historyGaps, type HistoryGaps } from './completeness.js';
