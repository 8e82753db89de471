/**
 * Guarantees a less kind server takes away (backend/server-variants.ts). Under such a server a
 * correct client cannot keep them, so a violation of one is no finding: it is set aside and the
 * checker's result says it was not judged, and why. Every other rule is judged as usual.
 * docs/semantics.md ("Less kind servers") lists the same rules with the same reasons.
 */
import type { ServerVariantName } from '../backend/server-variants.js';
import type { RuleId } from './rules.js';
import type { CheckResult, Violation } from './types.js';

interface Suspension {
  readonly rule: RuleId;
  readonly why: string;
}

export const SUSPENDED_RULES: Readonly<Record<ServerVariantName, readonly Suspension[]>> = {
  'ties-shuffled': [],
  'top-capped': [],
  // Nothing is suspended: a row without updatedAt is outside what any pull is asked to bring, and
  // the checkers leave exactly those rows out (pull-completeness, convergence).
  'null-updated-at': [],
  // Nothing is suspended: every checker compares a device with the rows its user can see.
  'per-user': [],
  'hard-deletes': [
    {
      rule: 'convergence.tables-equal',
      why: 'a row deleted on the server leaves no tombstone, so no pull can remove it from a client that holds it',
    },
    {
      rule: 'pull.deleted-removed',
      why: 'there is no tombstone for a pull to bring',
    },
  ],
};

/**
 * `results` with the violations of rules `variants` suspend set aside: a checker left with none
 * is valid, and its explanation names each rule not judged, why, and how many it set aside.
 */
export function setAsideSuspended(
  results: readonly CheckResult[],
  variants: readonly ServerVariantName[],
): CheckResult[] {
  const suspended = new Map<string, { variant: ServerVariantName; why: string }>();
  for (const variant of variants) {
    for (const { rule, why } of SUSPENDED_RULES[variant]) suspended.set(rule, { variant, why });
  }
  if (suspended.size === 0) return [...results];
  return results.map((result) => {
    const aside = new Map<string, Violation[]>();
    const kept: Violation[] = [];
    for (const violation of result.violations) {
      if (violation.rule !== undefined && suspended.has(violation.rule)) {
        aside.set(violation.rule, [...(aside.get(violation.rule) ?? []), violation]);
      } else kept.push(violation);
    }
    if (aside.size === 0) return result;
    const notes = [...aside].map(([rule, violations]) => {
      const { variant, why } = suspended.get(rule)!;
      return `Not judged under ${variant}: ${rule} (${why}); ${violations.length} violation(s) set aside.`;
    });
    return {
      ...result,
      valid: kept.length === 0,
      violations: kept,
      explanation: kept.length === 0 ? notes.join(' ') : `${result.explanation} ${notes.join(' ')}`,
    };
  });
}
