/**
 * The `query` step end to end: the fixed scenario's queries reach both clients through each way
 * to a table, the history records the answer beside the store's committed rows, and the
 * `local-query` checker judges every one — passing the reference client and the real SDK on
 * what they get right, catching the planted query mutations.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ClientMutation } from '../../src/client/mutations.js';
import type { LocalQueryResult } from '../../src/kernel/local-query.js';
import { resolveClient } from '../../src/scenario/clients.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { loadScenario } from '../../src/scenario/load.js';
import { localQueryArbitrary } from '../../src/scenario/local-queries.js';
import { declarationsFor } from '../../src/scenario/run.js';

const FILE = 'scenarios/local-queries.json';

async function run(client: 'reference' | 'sdk', mutations: ClientMutation[] = []) {
  const scenario = await loadScenario(FILE);
  const resolved = await resolveClient(client, { mutations });
  return executeProgram(scenario, scenario.program!, {
    driver: resolved.driver,
    declarations: declarationsFor(scenario, resolved.name),
  });
}

function answers(record: Awaited<ReturnType<typeof run>>): LocalQueryResult[] {
  const queries = new Set(
    record.history.flatMap((event) => (event.kind === 'invoke' && event.op.type === 'query' ? [event.opId] : [])),
  );
  return record.history.flatMap((event) =>
    event.kind === 'ok' && queries.has(event.opId) ? [event.value as unknown as LocalQueryResult] : [],
  );
}

describe('query steps', () => {
  test('the reference client answers every query as SQLite does, and the checker judged them all', async () => {
    const record = await run('reference');
    const check = record.checks.find((result) => result.checker === 'local-query')!;
    expect(check.valid).toBe(true);
    expect(check.explanation).toMatch(/^9 local queries answered/);
    const all = answers(record);
    expect(all).toHaveLength(9);
    // Hostile strings stay values: the table is still there and the row with one is found by it.
    expect(all[1]!.rows.map((row) => row['id'])).toEqual(['b']);
    expect(all[2]).toMatchObject({ rows: [], totalCount: 0 });
    expect(all[0]!.committed.map((row) => row['id'])).toEqual(['a', 'b', 'c', 'd']);
  });

  test('the same program on the real SDK records its answers beside the committed rows', async () => {
    const record = await run('sdk');
    const all = answers(record);
    expect(all).toHaveLength(9);
    expect(all[0]!.committed.map((row) => row['id'])).toEqual(['a', 'b', 'c', 'd']);
    // `title ne 'milk'` leaves out the row whose title is null: azure-odata-sql's `!=` is three-valued.
    expect(all[7]!.rows.map((row) => row['id'])).toEqual(['b', 'd']);
    expect(record.judgement.violations.map((v) => [v.signature, v.disposition])).toEqual([
      ['local-query/local.query/query/missing', 'expected'],
    ]);
  });
});

describe('generated queries', () => {
  const NOTE = {
    name: 'note',
    columns: { title: 'string', count: 'number', due: 'date', pinned: 'boolean', meta: 'object' },
  } as const;

  test('draw every part over every comparable column, and never compare a JSON column', () => {
    const queries = fc.sample(localQueryArbitrary(NOTE, ['r1', 'fresh']), { numRuns: 500, seed: 5 });
    const compared = new Set(queries.flatMap((query) => (query.where ?? []).map((p) => p.column)));
    expect([...compared].sort()).toEqual(['count', 'due', 'id', 'pinned', 'title']);
    const sorted = new Set(queries.flatMap((query) => (query.orderBy ?? []).map((o) => o.column)));
    expect(sorted.has('meta')).toBe(false);
    for (const part of ['skip', 'take', 'select', 'includeTotalCount'] as const)
      expect(queries.some((query) => query[part] !== undefined)).toBe(true);
    expect(queries.some((query) => (query.where ?? []).some((p) => p.value === null))).toBe(true);
    for (const query of queries)
      for (const predicate of query.where ?? [])
        if (predicate.value === null) expect(['eq', 'ne']).toContain(predicate.op);
  });

  test('a failing query shrinks to the simplest one that still fails', () => {
    // "No query filters" fails on any where clause: the counterexample keeps one plain predicate and nothing else.
    const outcome = fc.check(
      fc.property(localQueryArbitrary(NOTE, ['r1']), (query) => query.where === undefined),
      { seed: 11, numRuns: 200 },
    );
    expect(outcome.failed).toBe(true);
    const [query] = outcome.counterexample!;
    expect(query).toEqual({ where: [{ column: 'id', op: 'eq', value: 'r1' }] });
  });
});
