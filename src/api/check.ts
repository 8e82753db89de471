/** `syncwright/check`: the checkers, each a pure function of a history, and the rules they enforce. */
export {
  CHECKERS,
  CHECKER_NAMES,
  isCheckerName,
  runCheckers,
  checkConvergence,
  checkNoLostWrites,
  checkConflictCallbacks,
  checkCancelAndDiscard,
  checkNoResurrection,
  checkPullCompleteness,
  checkExactlyOnce,
  checkQueueCollapse,
  checkSessionGuarantees,
  checkIntent,
  coverageCounters,
  COVERAGE_COUNTERS,
  historyGaps,
  type HistoryGaps,
  type CheckerName,
  type Checker,
  type CheckContext,
  type CoverageCounter,
} from '../check/index.js';
export type { CheckResult, Violation } from '../check/types.js';
export { RULES, RULES_DOC, type Rule, type RuleId } from '../check/rules.js';
export type { IntentView, ClientView, ConflictView } from '../check/intent-view.js';
export type { DroppedWrite, DropCause } from '../check/dropped-writes.js';
