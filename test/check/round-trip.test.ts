import { describe, expect, test } from 'vitest';
import { checkRoundTrip } from '../../src/check/round-trip.js';
import type { JsonObject, ServerRecord, TableDefinition } from '../../src/protocol/records.js';
import type { History } from '../../src/kernel/history.js';
import { replay } from '../../src/scenario/replay.js';
import { HistoryBuilder, pending, record, state } from './history-builder.js';

const TABLES: TableDefinition[] = [
  { name: 'todoitem', columns: { text: 'string', complete: 'boolean', due: 'date', meta: 'object' } },
];

const WRITTEN: JsonObject = {
  id: 'a',
  text: 'milk',
  complete: false,
  due: '2026-01-01T00:00:00Z',
  meta: { shop: 'corner', qty: 2 },
};

/** What the server answered to the insert, and what client-2 holds afterwards. */
interface Run {
  readonly answer?: Partial<ServerRecord>;
  readonly device?: JsonObject;
  readonly devicePending?: boolean;
  /** client-2 edits the record locally after its pull (an edit whose operation the snapshot no longer shows). */
  readonly deviceEdit?: JsonObject;
}

/**
 * client-1 inserts WRITTEN and pushes it (answered 201 with `answer` over the written values,
 * version v1); client-2 pulls and ends holding `device` (by default the answer itself).
 */
function history(run: Run = {}): ReturnType<HistoryBuilder['build']> {
  const h = new HistoryBuilder();
  h.op('client-1', { type: 'insert', table: 'todoitem', record: WRITTEN });
  const push = h.invoke('client-1', { type: 'push' });
  const stored = record('a', 'milk', 'v1', { ...WRITTEN, ...run.answer });
  h.exchange('client-1', 'POST', '/tables/todoitem', 201, { body: WRITTEN, answer: stored });
  h.ok('client-1', push.opId);
  const pull = h.invoke('client-2', { type: 'pull', table: 'todoitem' });
  h.exchange('client-2', 'GET', '/tables/todoitem', 200, { answer: [stored] });
  h.ok('client-2', pull.opId);
  if (run.deviceEdit !== undefined) h.op('client-2', { type: 'update', table: 'todoitem', record: run.deviceEdit });
  const device = run.device ?? stored;
  h.snapshot(
    'final',
    {
      'client-1': state([stored]),
      'client-2': state([device], run.devicePending === true ? [pending(1, 'update', 'a')] : []),
    },
    [stored],
  );
  return h.build();
}

describe('round-trip fidelity', () => {
  test('a faithful run passes: the server stores the written values and the other device holds them', () => {
    const result = checkRoundTrip(history(), { tables: TABLES });
    expect(result.violations).toEqual([]);
    expect(result.explanation).toContain('all 1 answer(s) to accepted writes, and the 1 row(s) of other devices');
  });

  test('a server answer that changed a value fails roundtrip.server-stores', () => {
    const result = checkRoundTrip(history({ answer: { text: 'milk ' } }), { tables: TABLES });
    expect(result.valid).toBe(false);
    expect(result.violations).toHaveLength(1);
    const [violation] = result.violations;
    expect(violation!.rule).toBe('roundtrip.server-stores');
    expect(violation!.at).toEqual({ op: 'insert', status: '201' });
    expect(violation!.message).toContain('with {"text":"milk "}');
    expect(violation!.message).toContain('not the {"text":"milk"} the app wrote');
  });

  test('a date stored with seven digits and an offset is the same instant; another instant is not', () => {
    const sevenDigits = { due: '2026-01-01T00:00:00.0000000+00:00' };
    expect(checkRoundTrip(history({ answer: sevenDigits }), { tables: TABLES }).valid).toBe(true);
    // Without the column's type the texts differ, so the table definitions are what makes it pass.
    expect(checkRoundTrip(history({ answer: sevenDigits })).valid).toBe(false);
    const shifted = checkRoundTrip(history({ answer: { due: '2026-01-01T00:00:00.0010000+00:00' } }), {
      tables: TABLES,
    });
    expect(shifted.violations.map((violation) => violation.rule)).toEqual(['roundtrip.server-stores']);
  });

  test('an object with its keys in another order is the same value; another value is not', () => {
    const reordered = { meta: { qty: 2, shop: 'corner' } };
    expect(checkRoundTrip(history({ answer: reordered }), { tables: TABLES }).valid).toBe(true);
    const changed = checkRoundTrip(history({ answer: { meta: { qty: '2', shop: 'corner' } } }), { tables: TABLES });
    expect(changed.violations.map((violation) => violation.rule)).toEqual(['roundtrip.server-stores']);
  });

  test('a device holding a different value at the same version fails roundtrip.device-pulls', () => {
    const corrupted = record('a', 'milk', 'v1', { ...WRITTEN, text: '"milk"' });
    const result = checkRoundTrip(history({ device: corrupted }), { tables: TABLES });
    expect(result.violations).toHaveLength(1);
    const [violation] = result.violations;
    expect(violation!.rule).toBe('roundtrip.device-pulls');
    expect(violation!.at).toEqual({ op: 'pull', status: 'string' });
    expect(violation!.message).toContain('client-2 holds todoitem/a at version v1 with {"text":"\\"milk\\""}');
  });

  test('a device whose row is another version, or holds its own edit, is not judged against the write', () => {
    const later = record('a', 'oat milk', 'v2', { ...WRITTEN, text: 'oat milk' });
    expect(checkRoundTrip(history({ device: later }), { tables: TABLES }).valid).toBe(true);
    const edited = { ...record('a', 'milk', 'v1', WRITTEN), text: 'oat milk' };
    expect(checkRoundTrip(history({ device: edited, devicePending: true }), { tables: TABLES }).valid).toBe(true);
    expect(checkRoundTrip(history({ device: edited }), { tables: TABLES }).valid).toBe(false);
    // Its own edit whose operation is gone is a lost write (no-lost-writes), not a changed pull.
    expect(checkRoundTrip(history({ device: edited, deviceEdit: edited }), { tables: TABLES }).valid).toBe(true);
  });

  test('a device whose date is the same instant in the server’s spelling passes', () => {
    const stored = record('a', 'milk', 'v1', { ...WRITTEN, due: '2026-01-01T00:00:00.000Z' });
    expect(checkRoundTrip(history({ device: stored }), { tables: TABLES }).valid).toBe(true);
  });
  test('a device that pulled a version before its upgrade is not held to the columns the upgrade added (saved regression)', async () => {
    // Found by the 10,000-run soak (generated-family 1:8889): client-1's update of order_line/r1
    // (discount 0, a column of app version 2) is applied while its answer is held; client-2, still
    // at version 1, pulls that version without the column, then upgrades: null is what it can hold.
    const { run, scenario } = await replay({
      scenario: 'scenarios/regressions/family-pulled-before-upgrade-while-answer-held.json',
    });
    const versions = [scenario.tables, ...scenario.schemaVersions];
    const context = { tables: versions.at(-1)!, versions };
    expect(checkRoundTrip(run.history, context).valid).toBe(true);
    // A column version 1 knew is still held to what the server stored.
    const planted = run.history.map((event) =>
      event.kind === 'snapshot'
        ? {
            ...event,
            clients: Object.fromEntries(
              Object.entries(event.clients).map(([name, client]) => [
                name,
                name === 'client-2'
                  ? {
                      ...client,
                      tables: {
                        ...client.tables,
                        order_line: (client.tables['order_line'] ?? []).map((row) =>
                          row['id'] === 'r1' ? { ...row, qty: 7 } : row,
                        ),
                      },
                    }
                  : client,
              ]),
            ),
          }
        : event,
    ) as History;
    const violations = checkRoundTrip(planted, context).violations;
    expect(violations.map((violation) => violation.rule)).toContain('roundtrip.device-pulls');
    expect(violations.some((violation) => violation.message.includes('"qty":7'))).toBe(true);
  });
});
