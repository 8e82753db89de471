/**
 * Checks a fault plan that came from JSON. Every problem is reported with its path inside the
 * plan and what was expected there, all at once, so a hand-written plan can be fixed in one go.
 */
import { LINK_ERROR_STATUSES, linkPlanFor, type FaultPlan, type LinkPlan } from './fault-plan.js';
import { MAX_VIRTUAL_MS } from '../protocol/limits.js';

/** Every time in a plan is virtual ms in [0, MAX_VIRTUAL_MS]; a larger one could not be shown as a date. */
const T = MAX_VIRTUAL_MS;
import { MATCH_METHODS } from './request-match.js';

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

/** Returns the plan, typed, or throws {@link FaultPlanError} listing every problem. */
export function parseFaultPlan(value: unknown): FaultPlan {
  const issues = validateFaultPlan(value);
  if (issues.length > 0) throw new FaultPlanError(issues);
  return value as FaultPlan;
}

/** Every problem in the plan; empty when it is valid. */
export function validateFaultPlan(value: unknown): FaultPlanIssue[] {
  const issues: FaultPlanIssue[] = [];
  const v = new Validator(issues);
  if (!v.object(value, '', ['default', 'links'])) return issues;
  const plan = value as Record<string, unknown>;
  if (plan.default !== undefined) v.linkPlan(plan.default, 'default');
  if (plan.links !== undefined && v.object(plan.links, 'links')) {
    for (const [name, link] of Object.entries(plan.links as Record<string, unknown>)) {
      v.linkPlan(link, `links.${name}`);
    }
  }
  if (issues.length === 0) {
    // Partitions may come from the default and from a link's own entry: check them merged.
    const names = Object.keys((plan.links as Record<string, unknown> | undefined) ?? {});
    for (const name of names.length > 0 ? names : ['*']) {
      v.partitionOverlaps(linkPlanFor(plan as FaultPlan, name), name === '*' ? 'default' : `links.${name}`);
    }
  }
  return issues;
}

class Validator {
  constructor(private readonly issues: FaultPlanIssue[]) {}

  fail(path: string, expected: string, found: unknown): false {
    this.issues.push({ path, expected, found: show(found) });
    return false;
  }

  object(value: unknown, path: string, allowed?: readonly string[]): value is Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.fail(path, 'an object', value);
    if (allowed !== undefined) {
      for (const key of Object.keys(value)) {
        if (!allowed.includes(key))
          this.fail(
            join(path, key),
            `no such property (allowed: ${allowed.join(', ')})`,
            (value as Record<string, unknown>)[key],
          );
      }
    }
    return true;
  }

  number(value: unknown, path: string, min: number, max = Number.POSITIVE_INFINITY, integer = false): value is number {
    const ok =
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= min &&
      value <= max &&
      (!integer || Number.isInteger(value));
    if (!ok) {
      const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${max}]`;
      return this.fail(path, `${integer ? 'an integer' : 'a number'} ${range}`, value);
    }
    return true;
  }

  array(value: unknown, path: string): value is unknown[] {
    return Array.isArray(value) || this.fail(path, 'an array', value);
  }

  linkPlan(value: unknown, path: string): void {
    if (
      !this.object(value, path, [
        'latency',
        'latencyChanges',
        'timeoutMs',
        'faults',
        'partitions',
        'restarts',
        'crashes',
      ])
    )
      return;
    const plan = value as Record<keyof LinkPlan, unknown>;
    if (plan.latency !== undefined) this.latency(plan.latency, join(path, 'latency'));
    if (plan.latencyChanges !== undefined && this.array(plan.latencyChanges, join(path, 'latencyChanges'))) {
      plan.latencyChanges.forEach((change, i) => {
        const at = `${join(path, 'latencyChanges')}[${i}]`;
        if (!this.object(change, at, ['fromRequest', 'latency'])) return;
        this.number(change.fromRequest, join(at, 'fromRequest'), 1, Number.POSITIVE_INFINITY, true);
        this.latency(change.latency, join(at, 'latency'));
      });
    }
    if (plan.timeoutMs !== undefined) this.number(plan.timeoutMs, join(path, 'timeoutMs'), 1, T);
    if (plan.faults !== undefined && this.array(plan.faults, join(path, 'faults'))) {
      plan.faults.forEach((rule, i) => this.faultRule(rule, `${join(path, 'faults')}[${i}]`));
    }
    if (plan.partitions !== undefined && this.array(plan.partitions, join(path, 'partitions'))) {
      plan.partitions.forEach((rule, i) => this.partition(rule, `${join(path, 'partitions')}[${i}]`));
    }
    if (plan.restarts !== undefined && this.array(plan.restarts, join(path, 'restarts'))) {
      plan.restarts.forEach((rule, i) => this.restart(rule, `${join(path, 'restarts')}[${i}]`));
    }
    if (plan.crashes !== undefined && this.array(plan.crashes, join(path, 'crashes'))) {
      plan.crashes.forEach((rule, i) => {
        const at = `${join(path, 'crashes')}[${i}]`;
        if (this.object(rule, at, ['afterWrite']))
          this.number(rule.afterWrite, join(at, 'afterWrite'), 1, Number.POSITIVE_INFINITY, true);
      });
    }
  }

  latency(value: unknown, path: string): void {
    if (!this.object(value, path)) return;
    if ('up' in value || 'down' in value) {
      this.object(value, path, ['up', 'down']);
      this.latencyModel(value.up, join(path, 'up'));
      this.latencyModel(value.down, join(path, 'down'));
    } else {
      this.latencyModel(value, path);
    }
  }

  latencyModel(value: unknown, path: string): void {
    if (!this.object(value, path)) return;
    switch (value.kind) {
      case 'fixed':
        this.object(value, path, ['kind', 'ms']);
        this.number(value.ms, join(path, 'ms'), 0, T, true);
        return;
      case 'uniform':
        this.object(value, path, ['kind', 'minMs', 'maxMs']);
        this.range(value, path, 'minMs', 'maxMs');
        return;
      case 'long-tail':
        this.object(value, path, ['kind', 'minMs', 'maxMs', 'spikeProbability', 'spikeMinMs', 'spikeMaxMs']);
        this.range(value, path, 'minMs', 'maxMs');
        this.number(value.spikeProbability, join(path, 'spikeProbability'), 0, 1);
        this.range(value, path, 'spikeMinMs', 'spikeMaxMs');
        return;
      default:
        this.fail(
          join(path, 'kind'),
          '"fixed", "uniform" or "long-tail" (or an object with "up" and "down")',
          value.kind,
        );
    }
  }

  range(value: Record<string, unknown>, path: string, low: string, high: string): void {
    const a = this.number(value[low], join(path, low), 0, T, true);
    const b = this.number(value[high], join(path, high), 0, T, true);
    if (a && b && (value[low] as number) > (value[high] as number)) {
      this.fail(join(path, high), `a number >= ${low} (${String(value[low])})`, value[high]);
    }
  }

  faultRule(value: unknown, path: string): void {
    if (!this.object(value, path, ['effect', 'when'])) return;
    this.effect(value.effect, join(path, 'effect'));
    this.trigger(value.when, join(path, 'when'));
  }

  effect(value: unknown, path: string): void {
    if (!this.object(value, path)) return;
    switch (value.kind) {
      case 'http-error':
        this.object(value, path, ['kind', 'status', 'retryAfterSeconds']);
        if (!(LINK_ERROR_STATUSES as readonly unknown[]).includes(value.status)) {
          this.fail(join(path, 'status'), `one of ${LINK_ERROR_STATUSES.join(', ')}`, value.status);
        }
        if (value.retryAfterSeconds !== undefined) {
          if (value.status !== 429)
            this.fail(
              join(path, 'retryAfterSeconds'),
              'no Retry-After except with status 429',
              value.retryAfterSeconds,
            );
          else this.number(value.retryAfterSeconds, join(path, 'retryAfterSeconds'), 0, T / 1000, true);
        }
        return;
      case 'network-failure':
      case 'lost-response':
        this.object(value, path, ['kind']);
        return;
      case 'timeout':
        this.object(value, path, ['kind', 'applied']);
        if (value.applied !== undefined && typeof value.applied !== 'boolean')
          this.fail(join(path, 'applied'), 'true or false', value.applied);
        return;
      default:
        this.fail(join(path, 'kind'), '"http-error", "network-failure", "timeout" or "lost-response"', value.kind);
    }
  }

  trigger(value: unknown, path: string): void {
    if (!this.object(value, path)) return;
    if ('at' in value) {
      this.object(value, path, ['at']);
      this.number(value.at, join(path, 'at'), 0, T);
    } else if ('request' in value) {
      this.object(value, path, ['request']);
      this.number(value.request, join(path, 'request'), 1, Number.POSITIVE_INFINITY, true);
    } else if ('match' in value) {
      this.object(value, path, ['match', 'occurrence']);
      this.requestMatch(value.match, join(path, 'match'));
      this.number(value.occurrence, join(path, 'occurrence'), 1, Number.POSITIVE_INFINITY, true);
    } else if ('probability' in value) {
      this.object(value, path, ['probability', 'from', 'until']);
      this.number(value.probability, join(path, 'probability'), 0, 1);
      if (value.from !== undefined) this.number(value.from, join(path, 'from'), 0, T);
      if (value.until !== undefined && this.number(value.until, join(path, 'until'), 0, T)) this.after(value, path);
    } else if ('from' in value) {
      this.object(value, path, ['from', 'until']);
      if (this.number(value.from, join(path, 'from'), 0, T) && this.number(value.until, join(path, 'until'), 0, T))
        this.after(value, path);
    } else {
      this.fail(path, 'one of {at}, {from, until}, {request}, {match, occurrence}, {probability}', value);
    }
  }

  requestMatch(value: unknown, path: string): void {
    if (!this.object(value, path, ['method', 'table', 'itemId', 'op'])) return;
    if (!(MATCH_METHODS as readonly unknown[]).includes(value.method))
      this.fail(join(path, 'method'), `one of ${MATCH_METHODS.join(', ')}`, value.method);
    this.name(value.table, join(path, 'table'));
    if (value.itemId !== undefined) this.name(value.itemId, join(path, 'itemId'));
    if (value.op !== undefined) this.number(value.op, join(path, 'op'), 1, Number.POSITIVE_INFINITY, true);
  }

  name(value: unknown, path: string): void {
    if (typeof value !== 'string' || value === '' || value.length > 256)
      this.fail(path, 'a non-empty string of at most 256 characters', value);
  }

  after(value: Record<string, unknown>, path: string): void {
    const from = typeof value.from === 'number' ? value.from : 0;
    if ((value.until as number) <= from) this.fail(join(path, 'until'), `a time after from (${from})`, value.until);
  }

  partition(value: unknown, path: string): void {
    if (!this.object(value, path, ['from', 'until'])) return;
    if (
      this.number(value.from, join(path, 'from'), 0, T) &&
      value.until !== undefined &&
      this.number(value.until, join(path, 'until'), 0, T)
    ) {
      this.after(value, path);
    }
  }

  restart(value: unknown, path: string): void {
    if (!this.object(value, path, ['when', 'phase'])) return;
    this.trigger(value.when, join(path, 'when'));
    if (value.phase !== undefined && value.phase !== 'before-server' && value.phase !== 'after-server') {
      this.fail(join(path, 'phase'), '"before-server" or "after-server"', value.phase);
    }
  }

  partitionOverlaps(plan: LinkPlan, path: string): void {
    const sorted = [...(plan.partitions ?? [])].sort((a, b) => a.from - b.from);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1]!;
      const current = sorted[i]!;
      if (previous.until === undefined || previous.until > current.from) {
        this.fail(`${path}.partitions`, 'partitions that do not overlap (on this link, counting the default ones)', [
          previous,
          current,
        ]);
      }
    }
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
