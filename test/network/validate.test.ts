import { describe, expect, test } from 'vitest';
import { linkPlanFor, type FaultPlan } from '../../src/network/fault-plan.js';
import { FaultPlanError, parseFaultPlan, validateFaultPlan } from '../../src/network/validate.js';

const everything: FaultPlan = {
  default: {
    latency: { kind: 'long-tail', minMs: 20, maxMs: 80, spikeProbability: 0.02, spikeMinMs: 1000, spikeMaxMs: 4000 },
    timeoutMs: 10_000,
    faults: [
      { effect: { kind: 'lost-response' }, when: { probability: 0.1 } },
      {
        effect: { kind: 'http-error', status: 429, retryAfterSeconds: 2 },
        when: { probability: 0.05, from: 0, until: 60_000 },
      },
      { effect: { kind: 'http-error', status: 503 }, when: { at: 5000 } },
      { effect: { kind: 'network-failure' }, when: { from: 100, until: 200 } },
      { effect: { kind: 'timeout', applied: true }, when: { request: 4 } },
    ],
    restarts: [{ when: { request: 7 }, phase: 'before-server' }, { when: { at: 9000 } }],
  },
  links: {
    'client-1': {
      latency: { up: { kind: 'fixed', ms: 200 }, down: { kind: 'uniform', minMs: 100, maxMs: 300 } },
      latencyChanges: [{ fromRequest: 10, latency: { kind: 'fixed', ms: 2000 } }],
      partitions: [{ from: 1000, until: 2000 }, { from: 3000 }],
    },
  },
};

describe('fault plan validation', () => {
  test('a plan using every feature is valid and survives a JSON round trip', () => {
    expect(validateFaultPlan(everything)).toEqual([]);
    expect(parseFaultPlan(JSON.parse(JSON.stringify(everything)))).toEqual(everything);
  });

  test('each problem is reported with its path and what was expected', () => {
    const issues = validateFaultPlan({
      default: {
        latency: { kind: 'fixed', ms: -1 },
        faults: [{ effect: { kind: 'http-error', status: 404 }, when: { probability: 2 } }],
      },
      links: {
        'client-2': { partitions: [{ from: 50, until: 10 }], restarts: [{ when: {}, phase: 'during' }], retries: 3 },
      },
    });
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path, issue]));
    expect(byPath['default.latency.ms']!.expected).toMatch(/integer in \[0, 315360000000\]/);
    expect(byPath['default.faults[0].effect.status']).toMatchObject({
      expected: 'one of 500, 502, 503, 429, 401, 403',
      found: '404',
    });
    expect(byPath['default.faults[0].when.probability']!.expected).toMatch(/\[0, 1\]/);
    expect(byPath['links.client-2.partitions[0].until']!.expected).toMatch(/after from/);
    expect(byPath['links.client-2.restarts[0].when']!.expected).toMatch(/one of/);
    expect(byPath['links.client-2.restarts[0].phase']).toBeDefined();
    expect(byPath['links.client-2.retries']!.expected).toMatch(/no such property/);
    const change = validateFaultPlan({ default: { latencyChanges: [{ fromRequest: 0, latency: { kind: 'fixed' } }] } });
    expect(change.map((issue) => issue.path)).toEqual([
      'default.latencyChanges[0].fromRequest',
      'default.latencyChanges[0].latency.ms',
    ]);
  });

  test('parseFaultPlan throws one error that lists every issue', () => {
    const error = (() => {
      try {
        parseFaultPlan({ default: { timeoutMs: 0, faults: 'often' } });
      } catch (e) {
        return e;
      }
    })() as FaultPlanError;
    expect(error).toBeInstanceOf(FaultPlanError);
    expect(error.issues).toHaveLength(2);
    expect(error.message).toContain('default.timeoutMs: expected a number in [1, 315360000000], found 0');
    expect(error.message).toContain('default.faults: expected an array, found "often"');
  });

  test('hostile input gets an error, not a crash', () => {
    for (const value of [
      null,
      42,
      'plan',
      [],
      { links: null },
      { default: { latency: { up: 3 } } },
      { links: { a: { faults: [null] } } },
    ]) {
      expect(() => parseFaultPlan(value)).toThrow(FaultPlanError);
    }
    expect(() => parseFaultPlan({ links: { '<script>alert(1)</script>': { timeoutMs: 'x' } } })).toThrow(
      /links\.<script>alert\(1\)<\/script>\.timeoutMs/,
    );
  });

  test('Retry-After belongs to 429 only', () => {
    const issues = validateFaultPlan({
      default: {
        faults: [{ effect: { kind: 'http-error', status: 503, retryAfterSeconds: 1 }, when: { request: 1 } }],
      },
    });
    expect(issues[0]!.path).toBe('default.faults[0].effect.retryAfterSeconds');
  });

  test('overlapping partitions on one link are refused, default ones included', () => {
    const issues = validateFaultPlan({
      default: { partitions: [{ from: 0, until: 100 }] },
      links: { a: { partitions: [{ from: 50, until: 70 }] } },
    });
    expect(issues.map((i) => i.path)).toEqual(['links.a.partitions']);
  });

  test("a link's own latency replaces the default and its faults add to the default's", () => {
    const merged = linkPlanFor(everything, 'client-1');
    expect(merged.latency).toEqual(everything.links!['client-1']!.latency);
    expect(merged.timeoutMs).toBe(10_000);
    expect(merged.faults).toHaveLength(5);
    expect(merged.partitions).toHaveLength(2);
    expect(linkPlanFor(everything, 'client-9').partitions).toEqual([]);
  });

  test('a plan found valid once is valid again; a look-alike JSON would not tell apart is still judged', () => {
    const plan = {
      default: { timeoutMs: 1000, faults: [{ effect: { kind: 'lost-response' }, when: { request: 2 } }] },
    };
    expect(parseFaultPlan(plan)).toBe(plan);
    expect(parseFaultPlan(structuredClone(plan))).toEqual(plan);
    // Same JSON text as the valid plan (JSON drops a function), but not a valid plan.
    const withFunction = { default: { ...plan.default, latency: () => 1 } };
    expect(JSON.stringify(withFunction)).toBe(JSON.stringify(plan));
    expect(() => parseFaultPlan(withFunction)).toThrow(FaultPlanError);
    const withInfinity = { default: { ...plan.default, timeoutMs: Number.POSITIVE_INFINITY } };
    expect(() => parseFaultPlan(withInfinity)).toThrow(FaultPlanError);
    expect(() => parseFaultPlan(withInfinity)).toThrow(FaultPlanError);
  });
});
