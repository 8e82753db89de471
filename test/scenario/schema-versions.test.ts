/** Related tables and app versions are judged across tables, with "file: path: expected X, found Y" errors. */
import { describe, expect, test } from 'vitest';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import { ScenarioError, validateScenario } from '../../src/scenario/validate.js';
import type { ScenarioDefinition } from '../../src/scenario/types.js';
import type { TableDefinition } from '../../src/protocol/records.js';

const ORDERS: TableDefinition = { name: 'orders', columns: { customer: 'string', total: 'number' } };
const LINES: TableDefinition = {
  name: 'order_line',
  columns: { orderId: 'string' },
  references: { orderId: 'orders' },
};

function issues(definition: Partial<ScenarioDefinition>): string[] {
  try {
    resolveDefinition(
      { name: 'family', generate: {}, tables: [ORDERS, LINES], ...definition } as ScenarioDefinition,
      'family.json',
      process.cwd(),
    );
  } catch (error) {
    if (error instanceof ScenarioError)
      return error.issues.map((issue) => `${issue.path}: expected ${issue.expected}, found ${issue.found}`);
    throw error;
  }
  return [];
}

describe('related tables and schema versions', () => {
  test('a scenario with a reference and later versions that only add resolves, with the versions in order', () => {
    expect(issues({})).toEqual([]);
    const scenario = resolveDefinition(
      {
        name: 'family',
        generate: {},
        tables: [ORDERS, LINES],
        schemaVersions: [
          { tables: [{ ...ORDERS, columns: { ...ORDERS.columns, note: 'string' } }, LINES, 'todoitem'] },
        ],
      },
      'family.json',
      process.cwd(),
    );
    expect(scenario.tables.map((table) => table.name)).toEqual(['orders', 'order_line']);
    expect(scenario.schemaVersions.map((version) => version.map((table) => table.name))).toEqual([
      ['orders', 'order_line', 'todoitem'],
    ]);
  });

  test('a reference to a table the version lacks, or through a column that is not a string, is named', () => {
    expect(
      issues({
        tables: [
          ORDERS,
          { name: 'order_line', columns: { orderId: 'number' }, references: { orderId: 'order', shipId: 'orders' } },
        ],
      }),
    ).toEqual([
      "tables[1].references.orderId: expected a string column of table order_line (a child's column holds its parent's id), found a number column",
      'tables[1].references.orderId: expected one of the tables (orders, order_line), found "order"',
      'tables[1].references.shipId: expected a string column of table order_line (a child\'s column holds its parent\'s id), found no column "shipId"',
    ]);
  });

  test('a fixed step may name a table or a column only a later version defines; one no version defines is named', () => {
    const later = { tables: [{ ...ORDERS, columns: { ...ORDERS.columns, note: 'string' } }, LINES, 'todoitem'] };
    const steps = [
      { actor: 'client-1', op: { type: 'upgrade' } },
      { actor: 'client-1', op: { type: 'insert', table: 'todoitem', record: { id: 't1', text: 'a' } } },
      {
        actor: 'client-1',
        op: { type: 'query', table: 'orders', query: { where: [{ column: 'note', op: 'eq', value: 'x' }] } },
      },
    ];
    expect(issues({ generate: undefined, schemaVersions: [later], steps } as Partial<ScenarioDefinition>)).toEqual([]);
    expect(
      issues({
        generate: undefined,
        schemaVersions: [later],
        steps: [
          { actor: 'client-1', op: { type: 'insert', table: 'shipment', record: { id: 's1' } } },
          { actor: 'client-1', op: { type: 'query', table: 'orders', query: { select: ['gift'] } } },
        ],
      } as Partial<ScenarioDefinition>),
    ).toEqual([
      'steps[0].op.table: expected one of the tables (orders, order_line, todoitem), found "shipment"',
      'steps[1].op.query.select[0]: expected one of the columns of table orders (id, customer, total, note), found "gift"',
    ]);
  });

  test('a later version that removes a table or a column, or retypes one, is refused', () => {
    expect(
      issues({
        schemaVersions: [
          { tables: [{ name: 'orders', columns: { customer: 'number' } }] },
          { tables: [{ name: 'orders', columns: { customer: 'number' } }, LINES] },
        ],
      }),
    ).toEqual([
      'schemaVersions[0].tables[0].columns.customer: expected "string", its type in version 1 (an upgrade never retypes a column), found "number"',
      'schemaVersions[0].tables[0].columns: expected every column of table orders in version 1 (an upgrade adds columns, never removes one), found no column "total"',
      'schemaVersions[0].tables: expected every table of version 1 (an app upgrade adds tables, never removes one), found no table "order_line"',
    ]);
  });

  test('a later version naming an unknown built-in table is named with its path', () => {
    expect(issues({ schemaVersions: [{ tables: [ORDERS, LINES, 'nosuch'] }] })).toEqual([
      'schemaVersions[0].tables[2]: expected a built-in table (todoitem) or a table definition, found "nosuch"',
    ]);
  });

  test('the file schema rejects malformed references and versions in its own words', () => {
    const problems = (value: unknown): string[] => {
      try {
        validateScenario(value, 'family.json');
      } catch (error) {
        if (error instanceof ScenarioError)
          return error.issues.map((issue) => `${issue.path}: expected ${issue.expected}, found ${issue.found}`);
        throw error;
      }
      return [];
    };
    expect(
      problems({ name: 'x', generate: {}, tables: [{ name: 'a', columns: { p: 'string' }, references: { p: 3 } }] }),
    ).toEqual([expect.stringMatching(/^tables\[0\]\.references\.p: expected a string, found 3$/)]);
    expect(problems({ name: 'x', generate: {}, schemaVersions: [{ tables: [] }] })).toEqual([
      'schemaVersions[0].tables: expected at least one table, found []',
    ]);
    expect(problems({ name: 'x', generate: {}, schemaVersions: [{ tables: ['todoitem'], extra: 1 }] })).toEqual([
      expect.stringMatching(/^schemaVersions\[0\]\.extra: expected no such property/),
    ]);
  });
});
