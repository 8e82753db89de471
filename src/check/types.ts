/** What every checker returns. Checkers read histories only. */
import type { RuleId } from './rules.js';

export interface Violation {
  /** One sentence in plain words, ending with the rule it breaks: `… [rule pull.complete]`. */
  readonly message: string;
  /** The `seq` numbers of the history events that show it. */
  readonly events: readonly number[];
  /** The rule of docs/semantics.md it breaks (absent when no rule applies: a checker crashed, a history lacks a snapshot). */
  readonly rule?: RuleId;
}

export interface CheckResult {
  /** The checker's name, e.g. `convergence`. */
  readonly checker: string;
  readonly valid: boolean;
  readonly violations: readonly Violation[];
  /** Plain words, citing history events as `#<seq>`. */
  readonly explanation: string;
}
