/**
 * Checks a fault plan that came from JSON against its schema (schema.ts). Every problem is
 * reported with its path inside the plan and what was expected there, all at once, so a
 * hand-written plan can be fixed in one go.
 */
import type { FaultPlan } from './fault-plan.js';
import { schemaIssues } from '../protocol/schema.js';
import { faultPlanSchema, planPath, showPlanValue } from './schema.js';
import { validatedOnce } from '../kernel/valid-json-memo.js';

export interface FaultPlanIssue {
  /** Where in the plan, e.g. `links.client-1.faults[0].effect.status`. */
  readonly path: string;
  /** What belongs there. */
  readonly expected: string;
  /** What was found, as short JSON. */
  readonly found: string;
}

export class FaultPlanError extends Error {
  override readonly name = 'FaultPlanError';
  constructor(readonly issues: readonly FaultPlanIssue[]) {
    super(
      `invalid fault plan:\n${issues.map((issue) => `  ${issue.path || '(plan)'}: expected ${issue.expected}, found ${issue.found}`).join('\n')}`,
    );
  }
}

/** Throws {@link FaultPlanError} listing every problem, unless the same plan was found valid before. */
const checkPlan = validatedOnce('fault plans validated', (value) => {
  const issues = validateFaultPlan(value);
  if (issues.length > 0) throw new FaultPlanError(issues);
});

/** Returns the plan, typed, or throws {@link FaultPlanError} listing every problem. */
export function parseFaultPlan(value: unknown): FaultPlan {
  checkPlan(value);
  return value as FaultPlan;
}

/** Every problem in the plan; empty when it is valid. */
export function validateFaultPlan(value: unknown): FaultPlanIssue[] {
  return schemaIssues(faultPlanSchema, value, showPlanValue).map((issue) => ({
    path: planPath(issue.path),
    expected: issue.expected,
    found: issue.found,
  }));
}
