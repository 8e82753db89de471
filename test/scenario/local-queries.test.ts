/**
 * The `query` step end to end: the fixed scenario's queries reach both clients through each way
 * to a table, the history records the answer beside the store's committed rows, and the
 * `local-query` checker judges every one — passing the reference client and the real SDK on
 * what they get right, catching the planted query mutations.
 */
import { describe, expect, test } from 'vitest';
import type { ClientMutation } from '../../src/client/mutations.js';
import type { LocalQueryResult } from '../../src/kernel/local-query.js';
import { resolveClient } from '../../src/scenario/clients.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { loadScenario } from '../../src/scenario/load.js';
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
