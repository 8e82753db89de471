/**
 * Checks a fault plan that came from JSON against its schema (schema.ts). Every problem is
 * reported with its path inside the plan and what was expected there, all at once, so a
 * hand-written plan can be fixed in one go.
 */
import type { FaultPlan } from './fault-plan.js';
import { schemaIssues } from '../protocol/schema.js';
import { faultPlanSchema, planPath, showPlanValue } from './schema.js';
import { processCaches } from '../kernel/process-caches.js';
import { exactJson } from '../protocol/exact-json.js';

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

/**
 * Plans already found valid, by their exact JSON: a bench or a hunt builds the same plan for
 * every world, and judging it by the schema costs more than the rest of making the world.
 */
const validPlans = new Set<string>();
const MAX_VALID_PLANS = 256;
processCaches.register('fault plans validated', validPlans);

/** Returns the plan, typed, or throws {@link FaultPlanError} listing every problem. */
export function parseFaultPlan(value: unknown): FaultPlan {
  const key = exactJson(value);
  if (key !== undefined && validPlans.has(key)) return value as FaultPlan;
  const issues = validateFaultPlan(value);
  if (issues.length > 0) throw new FaultPlanError(issues);
  if (key !== undefined && validPlans.size < MAX_VALID_PLANS) validPlans.add(key);
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
