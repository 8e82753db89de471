/** What every checker returns. Checkers read histories only. */
import type { RuleId } from './rules.js';

export interface Violation {
  /** One sentence in plain words, ending with the rule it breaks: `… [rule pull.complete]`. */
  readonly message: string;
  /** The `seq` numbers of the history events that show it. */
  readonly events: readonly number[];
  /** The rule of docs/semantics.md it breaks (absent when no rule applies: a checker crashed, a history lacks a snapshot); part of its signature. */
  readonly rule?: RuleId;
  /**
   * Where it went wrong, in the words of its signature: the kind of operation at fault
   * (`insert`, `update`, `delete`, `push`, `pull`, `purge`, `read`…) and the status at fault
   * (an HTTP status, `network`, `lost-response`, `threw`, `ok`…). No ids, values or times.
   */
  readonly at?: { readonly op: string; readonly status: string };
}

export interface CheckResult {
  /** The checker's name, e.g. `convergence`. */
  readonly checker: string;
  readonly valid: boolean;
  readonly violations: readonly Violation[];
  /** Plain words, citing history events as `#<seq>`. */
  readonly explanation: string;
}
