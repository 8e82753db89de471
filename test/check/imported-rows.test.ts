/**
 * Imported rows (`server: { nullUpdatedAt: true }`): a row the editor writes straight into the
 * database has no updatedAt, so no pull brings it. The checkers leave exactly those rows out of
 * what a pull must bring and what convergence compares; once a write stamps the row, pulls bring it.
 */
import { describe, expect, test } from 'vitest';
import { createReferenceDriver } from '../../src/client/driver.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { toResolvedScenario } from '../../src/scenario/run.js';
import type { ScenarioDefinition, StepSpec } from '../../src/scenario/types.js';

const IMPORT: StepSpec[] = [
  { actor: 'editor-1', op: { type: 'insert', table: 'todoitem', record: { id: 'legacy', text: 'old' } } },
  { actor: 'client-1', op: { type: 'pull', table: 'todoitem', queryId: 'all' } },
  { actor: 'client-1', op: { type: 'pull', table: 'todoitem' } },
];

async function run(steps: StepSpec[]) {
  const definition: ScenarioDefinition = {
    version: 2,
    name: 'imported rows',
    server: { nullUpdatedAt: true },
    clients: 1,
    editors: ['editor-1'],
    steps,
  };
  const scenario = await toResolvedScenario(definition);
  const record = await executeProgram(scenario, scenario.program!, { driver: createReferenceDriver });
  const final = [...record.history].reverse().find((event) => event.kind === 'snapshot');
  if (final?.kind !== 'snapshot') throw new Error('no final snapshot');
  return { checks: record.checks, final };
}

describe('imported rows without updatedAt', () => {
  test('no pull brings one, and no checker asks for it', async () => {
    const { checks, final } = await run(IMPORT);
    expect(final.server['todoitem']?.map((row) => [row['id'], row['updatedAt']])).toEqual([['legacy', null]]);
    expect(final.clients['client-1']?.tables['todoitem']).toEqual([]);
    expect(checks.filter((check) => !check.valid).map((check) => check.explanation)).toEqual([]);
    const convergence = checks.find((check) => check.checker === 'convergence');
    expect(convergence?.explanation).toContain('todoitem/legacy has no updatedAt on the server');
  });

  test('once a write stamps it, pulls bring it like any other row', async () => {
    const { checks, final } = await run([
      ...IMPORT,
      { actor: 'editor-1', op: { type: 'update', table: 'todoitem', id: 'legacy', changes: { text: 'new' } } },
      { actor: 'client-1', op: { type: 'pull', table: 'todoitem', queryId: 'all' } },
    ]);
    expect(typeof final.server['todoitem']?.[0]?.['updatedAt']).toBe('string');
    expect(final.clients['client-1']?.tables['todoitem']?.map((row) => row['text'])).toEqual(['new']);
    expect(checks.every((check) => check.valid)).toBe(true);
  });
});
