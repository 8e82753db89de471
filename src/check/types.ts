/** What every checker returns. Checkers read histories only. */
import type { RuleId } from './rules.js';

/**
 * A rule the scenario declares for its own app (`intent`, `invariants`, `dropped`), not one of
 * docs/semantics.md: the client owes it nothing, the app's design does.
 */
export type AppRuleId = `intent.${string}`;

/**
 * A failure of the run or of syncwright itself, not of the client: a checker that threw, a run
 * that crashed, a history with nothing to judge. Shown like any finding, so it is never lost.
 */
export type ToolRuleId = 'tool.checker-crashed' | 'tool.run-crashed' | 'tool.no-snapshot';

export interface Violation {
  /** One sentence in plain words, ending with the rule it breaks: `… [rule pull.complete]`. */
  readonly message: string;
  /** The `seq` numbers of the history events that show it. */
  readonly events: readonly number[];
  /** The rule it breaks — of docs/semantics.md, of the app's declared intent, or of the tool itself; part of its signature. */
  readonly rule: RuleId | AppRuleId | ToolRuleId;
  /**
   * Where it went wrong, in the words of its signature: the kind of operation at fault
   * (`insert`, `update`, `delete`, `push`, `pull`, `purge`, `read`…) and the status at fault
   * (an HTTP status, `network`, `lost-response`, `threw`, `ok`…). No ids, values or times.
   */
  readonly at: { readonly op: string; readonly status: string };
}

export interface CheckResult {
  /** The checker's name, e.g. `convergence`. */
  readonly checker: string;
  /** False when the checker shows a violation, and only then: an `unknown` result is not one. */
  readonly valid: boolean;
  readonly violations: readonly Violation[];
  /**
   * Jepsen's third outcome: set when the history lacks what the checker would need to decide
   * (a bounded history that dropped events or kept bodies as digests only). It says what could
   * not be seen; `valid` is then true and `violations` empty, since nothing was shown to break.
   */
  readonly unknown?: string;
  /** Plain words, citing history events as `#<seq>`. */
  readonly explanation: string;
}
