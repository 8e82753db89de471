/**
 * Checks a fault plan that came from JSON against its schema (schema.ts). Every problem is
 * reported with its path inside the plan and what was expected there, all at once, so a
 * hand-written plan can be fixed in one go.
 */
import type { FaultPlan } from './fault-plan.js';
import { schemaIssues } from '../protocol/schema.js';
import { faultPlanSchema, planPath, showPlanValue } from './schema.js';
import { processCaches } from '../kernel/process-caches.js';

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

/**
 * The value's JSON when JSON says all there is to it: plain objects, dense arrays, strings,
 * finite numbers other than -0, booleans and null. Undefined for anything else (a function, a
 * date, an `undefined` property, NaN…), which JSON would drop or change and the schema may not.
 */
function exactJson(value: unknown): string | undefined {
  const parts: string[] = [];
  const walk = (item: unknown, depth: number): boolean => {
    if (depth > 64) return false;
    if (item === null || typeof item === 'boolean' || typeof item === 'string') {
      parts.push(JSON.stringify(item));
      return true;
    }
    if (typeof item === 'number') {
      if (!Number.isFinite(item) || Object.is(item, -0)) return false;
      parts.push(JSON.stringify(item));
      return true;
    }
    if (typeof item !== 'object') return false;
    if (Array.isArray(item)) {
      if (Object.getPrototypeOf(item) !== Array.prototype || Reflect.ownKeys(item).length !== item.length + 1)
        return false;
      parts.push('[');
      for (let i = 0; i < item.length; i++) {
        if (i > 0) parts.push(',');
        if (!Object.hasOwn(item, i) || !walk(item[i], depth + 1)) return false;
      }
      parts.push(']');
      return true;
    }
    const prototype = Object.getPrototypeOf(item) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return false;
    parts.push('{');
    let first = true;
    for (const key of Reflect.ownKeys(item)) {
      if (typeof key !== 'string') return false;
      const descriptor = Reflect.getOwnPropertyDescriptor(item, key)!;
      if (!('value' in descriptor) || !descriptor.enumerable) return false;
      if (!first) parts.push(',');
      first = false;
      parts.push(JSON.stringify(key), ':');
      if (!walk(descriptor.value, depth + 1)) return false;
    }
    parts.push('}');
    return true;
  };
  return walk(value, 0) ? parts.join('') : undefined;
}

/** Every problem in the plan; empty when it is valid. */
export function validateFaultPlan(value: unknown): FaultPlanIssue[] {
  return schemaIssues(faultPlanSchema, value, showPlanValue).map((issue) => ({
    path: planPath(issue.path),
    expected: issue.expected,
    found: issue.found,
  }));
}
