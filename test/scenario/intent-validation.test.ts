/** A scenario's intent, invariants and dropped-writes policy, as a hand-written file gets them wrong. */
import { describe, expect, test } from 'vitest';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import type { ScenarioDefinition } from '../../src/scenario/types.js';
import { ScenarioError, formatIssue, scenarioIssues, validateScenario } from '../../src/scenario/validate.js';

const ORDERS = { name: 'orders', columns: { orderNo: 'string', qty: 'number' } };
const BASE = { name: 'intent', tables: [ORDERS], steps: [] };

function messages(value: Record<string, unknown>): string[] {
  return scenarioIssues({ ...BASE, ...value }, 'mine.json').map(formatIssue);
}

function resolveIssues(value: Record<string, unknown>): string[] {
  const definition = validateScenario({ ...BASE, ...value }, 'mine.json');
  try {
    resolveDefinition(definition, 'mine.json', '.');
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues.map(formatIssue);
    throw error;
  }
  return [];
}

describe('intent in a scenario file', () => {
  test('the proposal syntax is valid', () => {
    const intent = {
      'orders.qty': 'client-wins',
      orders: { unique: 'orderNo', rows: { min: 1 }, 'never-empty': true },
    };
    expect(messages({ intent, dropped: 'forbid' })).toEqual([]);
    expect(resolveIssues({ intent })).toEqual([]);
    const resolved = resolveDefinition(validateScenario({ ...BASE, intent }, 'mine.json'), 'mine.json', '.');
    expect(resolved.intent).toEqual({ declared: intent });
  });

  test('each mistake is named with the file, its path and what was expected', () => {
    expect(
      messages({
        intent: {
          'orders.qty': 'device-wins',
          '.qty': 'client-wins',
          orders: 'client-wins',
          other: { unique: '', rows: { min: 3, max: 1 }, nope: true },
          empty: {},
          sizes: { rows: {} },
          list: { unique: [] },
        },
        dropped: 'never',
      }),
    ).toEqual([
      'mine.json: intent["orders.qty"]: expected one of "client-wins", "server-wins", "merged", found "device-wins"',
      'mine.json: intent[".qty"]: expected a key "<table>.<field>" or "<table>", found ".qty"',
      'mine.json: intent.orders: expected table rules { never-empty, unique, rows } (a field\'s rule needs a key "<table>.<field>"), found "client-wins"',
      'mine.json: intent.other.nope: expected no such property (allowed: never-empty, unique, rows), found true',
      'mine.json: intent.other.unique: expected a field name or a non-empty list of them, found ""',
      'mine.json: intent.other.rows.max: expected an integer >= rows.min (3), found 1',
      'mine.json: intent.empty: expected at least one of never-empty, unique, rows, found {}',
      'mine.json: intent.sizes.rows: expected a "min", a "max" or both, found {}',
      'mine.json: intent.list.unique: expected a field name or a non-empty list of them, found []',
      'mine.json: dropped: expected one of "list", "forbid", found "never"',
    ]);
  });

  test('tables and columns are checked against the scenario, after extends applies', () => {
    expect(
      resolveIssues({
        intent: { 'orders.qtty': 'client-wins', 'invoices.total': 'merged', orders: { unique: ['nr'] } },
      }),
    ).toEqual([
      'mine.json: intent["orders.qtty"]: expected a column of table orders (orderNo, qty), found "qtty"',
      'mine.json: intent["invoices.total"]: expected one of the tables (orders), found "invoices"',
      'mine.json: intent.orders.unique[0]: expected a column of table orders (orderNo, qty), found "nr"',
    ]);
  });

  test('invariants are functions of TypeScript scenarios, each with a rule id of its own', () => {
    expect(messages({ invariants: { 'a JSON string': 'view.server.length > 0' } })).toEqual([
      'mine.json: invariants["a JSON string"]: expected a function (view) => true | false | [problems] (TypeScript scenarios only), found "view.server.length > 0"',
    ]);
    const ok = (): boolean => true;
    expect(
      messages({
        invariants: { 'Orders exist': ok, 'orders   exist!': ok, '***': ok, 'no-drops': ok, 'fine one': ok },
      }),
    ).toEqual([
      'mine.json: invariants["orders   exist!"]: expected a name whose rule id (intent.orders-exist) differs from "Orders exist"\'s, found "orders   exist!"',
      'mine.json: invariants["***"]: expected a name with letters or digits, found "***"',
      'mine.json: invariants.no-drops: expected a name whose rule id is not a built-in one (intent.no-drops), found "no-drops"',
    ]);
  });

  test('hostile input is data: markup in keys, deep nesting and absurd numbers get clear errors', () => {
    let deep: unknown = 'client-wins';
    for (let i = 0; i < 10_000; i++) deep = { unique: deep };
    // Nesting deeper than any scenario needs is refused as a whole, before any field is read.
    expect(messages({ intent: { deep } })).toEqual([
      'mine.json: (scenario): expected a value nested at most 256 levels deep, found deeper nesting (or a cycle)',
    ]);
    const found = messages({
      intent: {
        '<script>alert(1)</script>.x': 'client-wins',
        orders: { rows: { min: 1e308 } },
        deep: { unique: { unique: 'x' } },
      },
    });
    expect(found).toContain('mine.json: intent.orders.rows.min: expected an integer in [0, 1000000], found 1e+308');
    expect(found.some((line) => line.startsWith('mine.json: intent.deep.unique: expected a field name'))).toBe(true);
    const definition = validateScenario(
      { ...BASE, intent: { '<script>alert(1)</script>.x': 'client-wins' } },
      'mine.json',
    ) as ScenarioDefinition;
    expect(() => resolveDefinition(definition, 'mine.json', '.')).toThrow(
      'mine.json: intent["<script>alert(1)</script>.x"]: expected one of the tables (orders), found "<script>alert(1)</script>"',
    );
  });
});
