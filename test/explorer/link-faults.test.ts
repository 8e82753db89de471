import { describe, test, expect } from 'vitest';
import { DEFAULT_LINK_FAULTS, linkPlanOf, withChange, type LinkFaults } from '../../src/explorer/link-faults.js';
import { scenarioIssues } from '../../src/scenario/validate.js';
import { scriptedPolicy } from '../../src/scenario/scripted.js';
import type { PushErrorLike } from '../../src/kernel/driver.js';
import { validateFaultPlan } from '../../src/network/validate.js';

const slow: LinkFaults = { latency: { minMs: 200, maxMs: 200 }, errorRate: 0, errorStatus: 500, lostResponseRate: 0 };
const flaky: LinkFaults = {
  latency: { minMs: 10, maxMs: 40 },
  errorRate: 0.25,
  errorStatus: 503,
  lostResponseRate: 0.25,
};

describe('fault panel changes as a fault plan', () => {
  test('a change before the first request replaces the default; later ones start at the next request', () => {
    expect(linkPlanOf('client-1', [])).toEqual({ latency: { kind: 'uniform', minMs: 10, maxMs: 40 } });
    expect(linkPlanOf('client-1', withChange([], { fromRequest: 1, faults: slow }))).toEqual({
      latency: { kind: 'fixed', ms: 200 },
    });
    const plan = linkPlanOf('client-1', [{ fromRequest: 4, faults: slow }]);
    expect(plan).toEqual({
      latency: { kind: 'uniform', minMs: 10, maxMs: 40 },
      latencyChanges: [{ fromRequest: 4, latency: { kind: 'fixed', ms: 200 } }],
    });
    expect(validateFaultPlan({ links: { 'client-1': plan } })).toEqual([]);
  });

  test('rates become decisions for numbered requests, the same on every re-run, and stop at the next change', () => {
    const changes = [
      { fromRequest: 3, faults: flaky },
      { fromRequest: 40, faults: DEFAULT_LINK_FAULTS },
    ];
    const plan = linkPlanOf('client-2', changes);
    const requests = (plan.faults ?? []).map((rule) => ('request' in rule.when ? rule.when.request : -1));
    expect(requests.length).toBeGreaterThan(5);
    expect(Math.min(...requests)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...requests)).toBeLessThan(40);
    expect(new Set((plan.faults ?? []).map((rule) => rule.effect.kind))).toEqual(
      new Set(['http-error', 'lost-response']),
    );
    expect(linkPlanOf('client-2', changes)).toEqual(plan);
    expect(
      (linkPlanOf('client-2', changes, 10).faults ?? []).every(
        (rule) => 'request' in rule.when && rule.when.request <= 10,
      ),
    ).toBe(true);
  });
});

describe('the scripted policy', () => {
  function conflict(itemId: string, calls: string[]): PushErrorLike {
    const record =
      (name: string) =>
      async (...args: unknown[]) =>
        void calls.push(`${name}${args.length ? ` ${JSON.stringify(args)}` : ''}`);
    return {
      getError: () => ({ status: 412 }),
      isConflict: () => true,
      getTableName: () => 'todoitem',
      getAction: () => 'update',
      getServerRecord: () => ({ id: itemId, text: 'server' }),
      getClientRecord: () => ({ id: itemId, text: 'client' }),
      cancelAndUpdate: record('cancelAndUpdate'),
      cancelAndDiscard: record('cancelAndDiscard'),
      cancel: record('cancel'),
      update: record('update'),
      changeAction: record('changeAction'),
      isHandled: false,
    };
  }

  test('answers the n-th conflict with the n-th answer, and hands the rest (or a mismatch) to its fallback', () => {
    const calls: string[] = [];
    const fallback = { onConflict: () => void calls.push('fallback') };
    const policy = scriptedPolicy(
      [
        { decision: 'cancelAndUpdate', record: { id: 'a', text: 'mine' }, table: 'todoitem', itemId: 'a' },
        { decision: 'unhandled', itemId: 'b' },
        { decision: 'cancel', itemId: 'c' },
      ],
      fallback,
    );
    policy.onConflict!(conflict('a', calls));
    expect(policy.onConflict!(conflict('b', calls))).toBeUndefined();
    policy.onConflict!(conflict('z', calls));
    policy.onConflict!(conflict('c', calls));
    expect(calls).toEqual(['cancelAndUpdate [{"id":"a","text":"mine"}]', 'fallback', 'fallback']);
  });

  test('a scripted policy in a scenario file is checked like any other', () => {
    const base = { name: 's', steps: [{ actor: 'client-1', op: { type: 'push' } }] };
    expect(
      scenarioIssues(
        { ...base, policy: { name: 'scripted', conflicts: [{ decision: 'cancel' }], then: 'none' } },
        's.json',
      ),
    ).toEqual([]);
    const issues = scenarioIssues(
      {
        ...base,
        policy: { name: 'scripted', conflicts: [{ decision: 'update' }, { decision: 'shrug' }], then: 'maybe' },
      },
      's.json',
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'policy.then',
      'policy.conflicts[0].record',
      'policy.conflicts[1].decision',
    ]);
  });
});

describe('latency changes in a fault plan (network/link.ts)', () => {
  async function latencies(plan: import('../../src/network/fault-plan.js').FaultPlan): Promise<number[]> {
    const { World } = await import('../../src/world/world.js');
    const world = await World.create({ seed: 3, clients: 1, faults: plan });
    try {
      for (let i = 0; i < 6; i++) await world.settle(world.client('client-1').pull('todoitem'));
      return world.history.flatMap((event) => (event.kind === 'http-response' ? [event.latencyMs] : []));
    } finally {
      await world.close();
    }
  }

  test('requests before the change keep their latencies; from its request on, the new latency applies', async () => {
    const latency = { kind: 'uniform', minMs: 5, maxMs: 50 } as const;
    const plain = await latencies({ default: { latency } });
    const changed = await latencies({
      default: { latency, latencyChanges: [{ fromRequest: 4, latency: { kind: 'fixed', ms: 300 } }] },
    });
    expect(plain).toHaveLength(6);
    expect(changed.slice(0, 3)).toEqual(plain.slice(0, 3));
    expect(changed.slice(3)).toEqual([600, 600, 600]);
  });

  test('a malformed latency change is refused with its path', () => {
    expect(
      validateFaultPlan({
        default: { latencyChanges: [{ fromRequest: 0, latency: { kind: 'fixed', ms: 1 } }, { fromRequest: 2 }] },
      }).map((issue) => issue.path),
    ).toEqual(['default.latencyChanges[0].fromRequest', 'default.latencyChanges[1].latency']);
  });
});
