/**
 * The app's intent, end to end on the reference client: the shipped orders scenario, the same
 * app with a handler that takes the server's copy, invariants of a TypeScript-style definition,
 * dropped writes in the results, and a failing intent shrunk like any failure.
 */
import { describe, expect, test } from 'vitest';
import path from 'node:path';
import { BUILT_IN_SCENARIOS_DIR, loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';
import type { RunResults, ScenarioResult } from '../../src/scenario/results.js';
import type { ScenarioDefinition } from '../../src/scenario/types.js';
import { renderJUnit } from '../../src/report/junit.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { renderTerminalSummary } from '../../src/report/terminal.js';

const ORDERS_FILE = path.join(BUILT_IN_SCENARIOS_DIR, 'intent-orders.json');

async function ordersWith(overrides: Partial<ScenarioDefinition>): Promise<ScenarioResult> {
  const scenario = await loadScenario(ORDERS_FILE);
  return runScenario({ ...scenario.definition, ...overrides });
}

function signatures(result: ScenarioResult): string[] {
  return (result.findings ?? []).map((finding) => `${finding.disposition} ${finding.signature}`);
}

function results(scenario: ScenarioResult): RunResults {
  return {
    tool: { name: 'syncwright', version: 'test' },
    seed: 42,
    client: 'reference',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    scenarios: [scenario],
  };
}

describe('intent: {"orders.qty": "client-wins"}', () => {
  test("passes on a handler that keeps the device's value", async () => {
    const result = await runScenario(ORDERS_FILE);
    expect(result.status).toBe('passed');
    expect(result.findings).toBeUndefined();
    expect(result.droppedWrites).toBeUndefined();
  });

  test("fails on a handler that takes the server's copy, with the intent's signature, in every report", async () => {
    const result = await ordersWith({ policy: 'server-wins' });
    expect(result.status).toBe('failed');
    expect(signatures(result)).toEqual(['new intent/intent.client-wins/update/412']);
    const intent = result.failure!.checks.find((check) => check.checker === 'intent')!;
    expect(intent.valid).toBe(false);
    expect(intent.explanation).toContain('orders.qty is 5 on the server and 5 on client-1');
    expect(intent.explanation).toContain("the device's value 3");
    // The write the decision dropped is listed too.
    expect(result.droppedWrites?.map((drop) => [drop.kind, drop.count])).toEqual([
      ['update by cancelAndUpdate on 412', 1],
    ]);
    const junit = renderJUnit(results(result));
    expect(junit).toContain('type="intent"');
    expect(junit).toContain('the scenario&apos;s intent &quot;client-wins&quot;');
    expect(junit).toContain('dropped write: update by cancelAndUpdate on 412');
    const html = renderHtmlReport(results(result));
    expect(html).toContain('intent.client-wins');
    expect(html).toContain('update by cancelAndUpdate on 412');
    const terminal = renderTerminalSummary(results(result), { color: false });
    expect(terminal).toContain('new finding intent/intent.client-wins/update/412');
    expect(terminal).toContain('dropped write: update by cancelAndUpdate on 412 (×1 in 1 run, first at 1)');
  });

  test('an intent the app declares is allowed or expected like any signature', async () => {
    const allowed = await ordersWith({ policy: 'server-wins', allow: ['intent/intent.client-wins'] });
    expect(allowed.status).toBe('passed');
    expect(signatures(allowed)).toEqual(['allowed intent/intent.client-wins/update/412']);
  });

  test('dropped: forbid makes the drop a failure of its own', async () => {
    const result = await ordersWith({ policy: 'server-wins', intent: {}, dropped: 'forbid' });
    expect(signatures(result)).toEqual(['new intent/intent.no-drops/update/412']);
  });
});

describe('invariants', () => {
  test('run over the settled view; a failing one fails the run with its own signature', async () => {
    const result = await ordersWith({
      invariants: {
        'every order has a customer': (view) => view.server['orders']!.every((row) => row['customer'] !== null),
        'no order above 4': (view) =>
          view.server['orders']!.filter((row) => (row['qty'] as number) > 4).map(
            (row) => `${String(row['id'])} has ${String(row['qty'])}`,
          ),
        'conflicts seen': (view) => view.conflicts.length === 1 && view.conflicts[0]!.decision === 'cancelAndUpdate',
      },
      policy: 'server-wins',
      intent: {},
    });
    expect(signatures(result)).toEqual(['new intent/intent.no-order-above-4/run/settled']);
    const intent = result.failure!.checks.find((check) => check.checker === 'intent')!;
    expect(intent.explanation).toContain('The invariant "no order above 4" does not hold: o1 has 5');
  });
});

describe('a failing intent shrinks like any failure', () => {
  test('a generated orders app with a server-wins handler fails client-wins and is shrunk', async () => {
    const result = await runScenario(
      {
        name: 'generated orders',
        tables: [{ name: 'orders', columns: { orderNo: 'string', qty: 'number' } }],
        clients: 2,
        editors: 1,
        policy: 'server-wins',
        intent: { 'orders.qty': 'client-wins' },
        allow: ['handler-outcomes/handler.error-unhandled'],
        generate: { steps: { min: 1, max: 12 }, records: 2 },
      },
      { runs: 100, seed: 42 },
    );
    expect(result.status).toBe('failed');
    // The device's update or its delete, whichever conflict the generated programs meet first.
    expect(
      signatures(result).some((line) => /^new intent\/intent\.client-wins\/(update|delete)\/412$/.test(line)),
    ).toBe(true);
    expect(result.failure!.shrinks).toBeGreaterThan(0);
    const steps = (result.failure!.program['steps'] as unknown[]).length;
    // The synced opening (2 inserts, a sync, 2 reads) and closing (per client 2 lookups and a read)
    // are fixed; the rest shrank to the few steps a conflict needs.
    expect(steps).toBeLessThanOrEqual(5 + 6 + 4);
  });
});

describe('the shipped scenario', () => {
  test('is valid and declares the intent it shows', async () => {
    const scenario = await loadScenario(ORDERS_FILE);
    expect(scenario.intent.declared).toEqual({
      'orders.qty': 'client-wins',
      orders: { unique: 'orderNo', 'never-empty': true, rows: { min: 1 } },
    });
  });
});
