/** Builds a CheckResult from violations, with the plain-words explanation reports show. */
import type { History } from '../kernel/history.js';
import type { TableDefinition } from '../protocol/records.js';
import type { ScenarioIntent } from './intent-types.js';
import type { CheckResult, Violation } from './types.js';

/** What a checker may be told besides the history. */
export interface CheckContext {
  /**
   * Which handlers each client has. A client without `onConflict` (policy `none`) gets no
   * calls; without this, every client is assumed to have both.
   */
  readonly handlers?: Readonly<Record<string, { readonly onConflict: boolean; readonly onError: boolean }>>;
  /** Label of the snapshot taken once the world healed and everyone pushed and pulled. */
  readonly finalLabel?: string;
  /** The client's cap on handler calls per operation per push (the SDK's is 5). */
  readonly maxHandlerCalls?: number;
  /** What the scenario says its app intends (the `intent` checker judges it). */
  readonly intent?: ScenarioIntent;
  /**
   * The scenario's tables: their column types say when a value read back is the value written
   * (`round-trip`). Without them every column compares as JSON.
   */
  readonly tables?: readonly TableDefinition[];
  /**
   * Every app version's tables, version 1 first, when the app has several (a client's `upgrade`
   * operations move it to the next): which columns a client's app knew when it held a row.
   */
  readonly versions?: readonly (readonly TableDefinition[])[];
}

export type Checker = (history: History, context?: CheckContext) => CheckResult;

/**
 * The checker's result. Each violation's message ends with the rule it cites (`… [rule pull.complete]`), so
 * that the explanation, the terminal and the reports all name it.
 */
export function verdict(checker: string, violations: Violation[], passed: string, notes: string[] = []): CheckResult {
  const unique = dedupe(violations.map(citing));
  const extra = notes.length > 0 ? ` ${notes.join(' ')}` : '';
  if (unique.length === 0) return { checker, valid: true, violations: [], explanation: `${passed}${extra}` };
  const shown = unique.slice(0, 5).map((violation) => violation.message);
  const more = unique.length > 5 ? ` (and ${unique.length - 5} more)` : '';
  return {
    checker,
    valid: false,
    violations: unique,
    explanation: `${unique.length} violation${unique.length === 1 ? '' : 's'}: ${shown.join(' ')}${more}${extra}`,
  };
}

function citing(violation: Violation): Violation {
  return violation.rule === undefined
    ? violation
    : { ...violation, message: `${violation.message} [rule ${violation.rule}]` };
}

function dedupe(violations: Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((violation) => {
    if (seen.has(violation.message)) return false;
    seen.add(violation.message);
    return true;
  });
}

export function hasHandler(
  context: CheckContext | undefined,
  client: string,
  handler: 'onConflict' | 'onError',
): boolean {
  const known = context?.handlers?.[client];
  return known === undefined ? true : known[handler];
}
