/**
 * The local-query checker over hand-made histories: it passes an answer SQLite would give (ties in
 * any order, a window cut inside a tie), names each kind of difference, keeps hostile values
 * harmless (they are bound, never spliced), and leaves alone a query that raced a commit.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { checkLocalQuery } from '../../src/check/local-query.js';
import type { HistoryEvent } from '../../src/kernel/history.js';
import type { LocalQuery, LocalQueryResult } from '../../src/kernel/local-query.js';
import type { JsonObject, JsonValue, TableDefinition } from '../../src/protocol/records.js';
import { loadSqlJs } from '../../src/sqlite/sqljs.js';

const TABLE: TableDefinition = {
  name: 'note',
  columns: { title: 'string', count: 'number', due: 'date', pinned: 'boolean' },
};
const ROWS: JsonObject[] = [
  { id: 'a', title: 'milk', count: 2, due: '2026-01-02T00:00:00.000Z', pinned: true },
  { id: 'b', title: "'; DROP TABLE t; --", count: 2, due: '2026-01-03T04:05:06.789Z', pinned: false },
  { id: 'c', title: null, count: -1.5, due: null, pinned: null },
  { id: 'd', title: '<script>alert(1)</script>', count: 7, due: '2026-01-01T00:00:00.000Z', pinned: true },
];

beforeAll(async () => {
  await loadSqlJs();
});

function history(query: LocalQuery, answer: Omit<LocalQueryResult, 'committed'> & { committed?: JsonObject[] }) {
  const events: HistoryEvent[] = [
    { seq: 0, t: 0, actor: 'client-1', kind: 'invoke', opId: 1, op: { type: 'query', table: 'note', query } },
    {
      seq: 1,
      t: 1,
      actor: 'client-1',
      kind: 'ok',
      opId: 1,
      value: { committed: ROWS, ...answer } as unknown as JsonValue,
    },
  ];
  return checkLocalQuery(events, { tables: [TABLE] });
}

const ids = (...list: string[]): JsonObject[] => list.map((id) => ROWS.find((row) => row['id'] === id)!);
const statuses = (result: ReturnType<typeof checkLocalQuery>): string[] =>
  result.violations.map((violation) => `${violation.rule}/${violation.at.op}/${violation.at.status}`);

describe('local-query', () => {
  test('an answer SQLite would give passes, whatever the order within a tie of the sort key', () => {
    const byCount: LocalQuery = { orderBy: [{ column: 'count' }] };
    expect(history(byCount, { rows: ids('c', 'a', 'b', 'd') }).valid).toBe(true);
    expect(history(byCount, { rows: ids('c', 'b', 'a', 'd') }).valid).toBe(true);
    // No sort key: any order.
    expect(history({}, { rows: ids('d', 'c', 'b', 'a') }).valid).toBe(true);
    // A window cut inside the tie (a, b) may hold either of them.
    const cut: LocalQuery = { orderBy: [{ column: 'count' }], skip: 1, take: 1 };
    expect(history(cut, { rows: ids('a') }).valid).toBe(true);
    expect(history(cut, { rows: ids('b') }).valid).toBe(true);
    expect(statuses(history(cut, { rows: ids('d') }))).toEqual(['local.query/query/window']);
  });

  test('hostile strings are values: bound as parameters, they find their row and harm nothing', () => {
    for (const title of ["'; DROP TABLE t; --", '<script>alert(1)</script>']) {
      const query: LocalQuery = { where: [{ column: 'title', op: 'eq', value: title }], includeTotalCount: true };
      const row = ROWS.filter((candidate) => candidate['title'] === title);
      const result = history(query, { rows: row, totalCount: 1 });
      expect(result.valid).toBe(true);
      expect(result.explanation).toMatch(/^1 local query answered/);
    }
    // A value that would end the statement if it were spliced matches nothing, and says so.
    const spliced: LocalQuery = { where: [{ column: 'title', op: 'eq', value: "x' OR '1'='1" }] };
    expect(history(spliced, { rows: [] }).valid).toBe(true);
    expect(statuses(history(spliced, { rows: ROWS }))).toEqual(['local.query/query/filter']);
  });

  test('eq and ne are null-safe; comparisons match no null; dates compare as instants', () => {
    const ne: LocalQuery = { where: [{ column: 'title', op: 'ne', value: 'milk' }] };
    expect(history(ne, { rows: ids('b', 'c', 'd') }).valid).toBe(true);
    const left = history(ne, { rows: ids('b', 'd') });
    expect(statuses(left)).toEqual(['local.query/query/missing']);
    expect(left.explanation).toContain('leaving out {"id":"c"');
    expect(left.explanation).toContain('[rule local.query]');
    const isNull: LocalQuery = { where: [{ column: 'pinned', op: 'eq', value: null }] };
    expect(history(isNull, { rows: ids('c') }).valid).toBe(true);
    const after: LocalQuery = { where: [{ column: 'due', op: 'gt', value: { date: '2026-01-02T00:00:00Z' } }] };
    expect(history(after, { rows: ids('b') }).valid).toBe(true);
    // The same instant spelt otherwise is the same value.
    expect(history(after, { rows: [{ ...ids('b')[0]!, due: '2026-01-03T04:05:06.789+00:00' }] }).valid).toBe(true);
    const big: LocalQuery = {
      where: [
        { column: 'count', op: 'ge', value: 2 },
        { column: 'pinned', op: 'eq', value: true },
      ],
    };
    expect(history(big, { rows: ids('a', 'd') }).valid).toBe(true);
  });

  test('each kind of difference is named', () => {
    const ordered: LocalQuery = { orderBy: [{ column: 'count', descending: true }] };
    expect(statuses(history(ordered, { rows: ids('c', 'a', 'b', 'd') }))).toEqual(['local.query/query/order']);
    const counted: LocalQuery = { includeTotalCount: true, take: 1, orderBy: [{ column: 'id' }] };
    expect(statuses(history(counted, { rows: ids('a'), totalCount: 1 }))).toEqual(['local.query/query/count']);
    expect(statuses(history(counted, { rows: ids('a') }))).toEqual(['local.query/query/count']);
    expect(history(counted, { rows: ids('a'), totalCount: 4 }).valid).toBe(true);
    const selected: LocalQuery = { select: ['id', 'count'], orderBy: [{ column: 'id' }], take: 1 };
    expect(history(selected, { rows: [{ id: 'a', count: 2 }] }).valid).toBe(true);
    expect(statuses(history(selected, { rows: ids('a') }))).toEqual(['local.query/query/columns']);
    expect(statuses(history(selected, { rows: [{ id: 'a', count: 3 }] }))).toEqual(['local.query/query/values']);
    expect(statuses(history({}, { rows: [...ROWS, ids('a')[0]!] }))).toEqual(['local.query/query/window']);
  });

  test('a query that raced a commit is judged against the rows before and after, else left unjudged', () => {
    const all: LocalQuery = {};
    const after = [...ROWS, { id: 'e', title: 'new', count: 0, due: null, pinned: false }];
    expect(history(all, { rows: after, committedAfter: after }).valid).toBe(true);
    const between = history(all, { rows: ids('a'), committedAfter: after });
    expect(between.valid).toBe(true);
    expect(between.explanation).toContain('left unjudged');
    // Without a commit in between there is one truth.
    expect(statuses(history(all, { rows: ids('a') }))).toEqual(['local.query/query/missing']);
  });

  test('a client that rejects a valid query breaks the rule', () => {
    const events: HistoryEvent[] = [
      {
        seq: 0,
        t: 0,
        actor: 'client-1',
        kind: 'invoke',
        opId: 1,
        op: { type: 'query', table: 'note', query: { take: 1 } },
      },
      { seq: 1, t: 1, actor: 'client-1', kind: 'fail', opId: 1, error: 'Unsupported literal' },
    ];
    const result = checkLocalQuery(events, { tables: [TABLE] });
    expect(statuses(result)).toEqual(['local.query/query/threw']);
    expect(result.violations[0]!.events).toEqual([0, 1]);
  });
});
