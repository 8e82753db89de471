/** What every checker returns. Checkers read histories only. */

export interface Violation {
  /** One sentence in plain words. */
  readonly message: string;
  /** The `seq` numbers of the history events that show it. */
  readonly events: readonly number[];
}

export interface CheckResult {
  /** The checker's name, e.g. `convergence`. */
  readonly checker: string;
  readonly valid: boolean;
  readonly violations: readonly Violation[];
  /** Plain words, citing history events as `#<seq>`. */
  readonly explanation: string;
}
