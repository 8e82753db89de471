/**
 * App upgrades on the reference client: an upgrade keeps the store and adds the new columns and
 * tables (`restart.upgrade-keeps-data`), an old version drops the columns it does not know when it
 * pulls, writes only those it knows, and the round trip judges a device on the columns it knew.
 */
import { describe, expect, test } from 'vitest';
import { createReferenceDriverWith } from '../../src/client/driver.js';
import type { ClientMutation } from '../../src/client/mutations.js';
import { checkUpgrades } from '../../src/check/upgrades.js';
import type { History } from '../../src/kernel/history.js';
import type { TableDefinition } from '../../src/protocol/records.js';
import { executeProgram, FINAL_SNAPSHOT } from '../../src/scenario/execute.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import type { StepSpec } from '../../src/scenario/types.js';

const V1: TableDefinition[] = [{ name: 'orders', columns: { customer: 'string' } }];
const V2: TableDefinition[] = [
  { name: 'orders', columns: { customer: 'string', note: 'string' } },
  { name: 'shipment', columns: { orderId: 'string' }, references: { orderId: 'orders' } },
];

async function run(steps: StepSpec[], mutations: ClientMutation[] = []) {
  const scenario = resolveDefinition(
    { name: 'upgrades', tables: V1, schemaVersions: [{ tables: V2 }], clients: 2, steps },
    '<test>',
    process.cwd(),
  );
  return executeProgram(scenario, scenario.program!, { driver: createReferenceDriverWith({ mutations }) });
}

function snapshotAfter(history: History, label: string) {
  const found = history.find((event) => event.kind === 'snapshot' && event.label === label);
  if (found?.kind !== 'snapshot') throw new Error(`no snapshot ${label}`);
  return found;
}

const written: StepSpec[] = [
  { actor: 'client-1', op: { type: 'insert', table: 'orders', record: { id: 'a', customer: 'ann', note: 'x' } } },
  { actor: 'client-1', op: { type: 'insert', table: 'orders', record: { id: 'b', customer: 'bob' } } },
  { actor: 'client-1', op: { type: 'push' } },
  { actor: 'client-1', op: { type: 'insert', table: 'orders', record: { id: 'c', customer: 'cy' } } },
  { actor: 'client-1', op: { type: 'upgrade' } },
  { actor: 'client-1', op: { type: 'update', table: 'orders', record: { id: 'b', customer: 'bob', note: '007' } } },
  { actor: 'client-1', op: { type: 'push' } },
];

describe('app upgrades', () => {
  test('an upgrade keeps every row and the queue, with the new column empty and the new table there', async () => {
    const record = await run(written);
    // Step 4's closing snapshot is the one before the upgrade (nothing happened between).
    const before = snapshotAfter(record.history, 'after step 4').clients['client-1']!;
    const after = snapshotAfter(record.history, 'after step 5').clients['client-1']!;
    expect(before.tables['orders']!.map((row) => [row['id'], row['customer'], row['note']])).toEqual([
      ['a', 'ann', undefined],
      ['b', 'bob', undefined],
      ['c', 'cy', undefined],
    ]);
    expect(after.tables['orders']!.map((row) => [row['id'], row['customer'], row['note']])).toEqual([
      ['a', 'ann', null],
      ['b', 'bob', null],
      ['c', 'cy', null],
    ]);
    expect(after.tables['shipment']).toEqual([]);
    expect(after.operations.map((operation) => [operation.action, operation.itemId])).toEqual([['insert', 'c']]);
    const invoke = record.history.find((event) => event.kind === 'invoke' && event.op.type === 'upgrade');
    const ok = record.history.find(
      (event) => event.kind === 'ok' && invoke?.kind === 'invoke' && event.opId === invoke.opId,
    );
    expect(ok?.kind === 'ok' ? ok.value : undefined).toBe(2);
    expect(record.valid).toBe(true);
    const result = record.checks.find((check) => check.checker === 'upgrades');
    expect(result?.valid).toBe(true);
    // Step 5's upgrade, and client-2's before the settle.
    expect(result?.explanation).toContain('Each of the 2 upgrade(s) judged');
  });

  test('version 1 writes only the columns it knows; after the upgrade the new column round-trips', async () => {
    const record = await run(written);
    const insert = record.history.find(
      (event) =>
        event.kind === 'invoke' && event.op.type === 'insert' && 'record' in event.op && event.op.record['id'] === 'a',
    );
    expect(insert?.kind === 'invoke' && 'record' in insert.op ? insert.op.record : undefined).toEqual({
      id: 'a',
      customer: 'ann',
    });
    const final = snapshotAfter(record.history, FINAL_SNAPSHOT);
    for (const client of ['client-1', 'client-2'])
      expect(final.clients[client]!.tables['orders']!.find((row) => row['id'] === 'b')?.['note']).toBe('007');
    expect(record.checks.find((check) => check.checker === 'round-trip')?.valid).toBe(true);
  });

  test('an old version drops the columns it does not know when it pulls; its upgrade leaves them empty', async () => {
    const record = await run([
      { actor: 'client-1', op: { type: 'upgrade' } },
      { actor: 'client-1', op: { type: 'insert', table: 'orders', record: { id: 'a', customer: 'ann', note: 'n' } } },
      { actor: 'client-1', op: { type: 'push' } },
      { actor: 'client-2', op: { type: 'pull', table: 'orders', queryId: 'all' } },
      { actor: 'client-2', op: { type: 'upgrade' } },
    ]);
    const pulled = snapshotAfter(record.history, 'after step 4').clients['client-2']!.tables['orders']!;
    expect(pulled.map((row) => [row['id'], 'note' in row])).toEqual([['a', false]]);
    const upgraded = snapshotAfter(record.history, 'after step 5').clients['client-2']!.tables['orders']!;
    expect(upgraded.map((row) => [row['id'], row['note']])).toEqual([['a', null]]);
    // Not a round-trip failure: client-2 first held that version as an app without `note`.
    expect(record.valid).toBe(true);
  });

  test('an upgrade that re-creates the table (the upgrade-recreates-table mutant) breaks restart.upgrade-keeps-data', async () => {
    const record = await run(written, ['upgrade-recreates-table']);
    const result = record.checks.find((check) => check.checker === 'upgrades');
    expect(result?.valid).toBe(false);
    expect(
      result?.violations.map((violation) => [violation.rule, violation.at.op, violation.at.status]),
    ).toContainEqual(['restart.upgrade-keeps-data', 'upgrade', 'lost-row']);
    expect(result?.violations[0]!.message).toContain('orders/a is gone');
  });

  test('a changed value in a planted history is named with its column', async () => {
    const record = await run(written);
    const planted = record.history.map((event) =>
      event.kind === 'snapshot' && event.label === 'after step 5'
        ? {
            ...event,
            clients: {
              ...event.clients,
              'client-1': {
                ...event.clients['client-1']!,
                tables: {
                  ...event.clients['client-1']!.tables,
                  orders: event.clients['client-1']!.tables['orders']!.map((row) =>
                    row['id'] === 'a' ? { ...row, customer: 'ANN' } : row,
                  ),
                },
              },
            },
          }
        : event,
    ) as History;
    const result = checkUpgrades(planted);
    expect(result.violations.map((violation) => violation.at.status)).toEqual(['changed']);
    expect(result.violations[0]!.message).toContain('orders/a changed customer "ann" → "ANN"');
  });
});
