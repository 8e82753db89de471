/** The final settle: after healing, each client first pulls as its app does, then syncs in full. */
import { describe, expect, test } from 'vitest';
import { createReferenceDriverWith } from '../../src/client/driver.js';
import type { ClientMutation } from '../../src/client/mutations.js';
import { signedViolations } from '../../src/check/signature.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import type { ScenarioDefinition, StepSpec } from '../../src/scenario/types.js';

const T = 'todoitem';

async function run(definition: ScenarioDefinition, mutations: ClientMutation[] = []) {
  const scenario = resolveDefinition(definition, '<test>', process.cwd());
  return executeProgram(scenario, scenario.program!, {
    driver: createReferenceDriverWith({ mutations, pageSize: scenario.pullPageSize ?? 50 }),
  });
}

describe('the final settle', () => {
  test("runs each client's incremental pulls, as its program made them, before any push or full pull", async () => {
    const record = await run({
      name: 'app pulls',
      clients: 2,
      steps: [
        { actor: 'client-1', op: { type: 'insert', record: { id: 'a', text: 'x' } } },
        { actor: 'client-1', op: { type: 'pull', queryId: 'all' } },
        { actor: 'client-1', op: { type: 'pull', queryId: 'open', filter: 'complete eq false' } },
        { actor: 'client-1', op: { type: 'pull', queryId: 'all' } },
        { actor: 'client-2', op: { type: 'pull' } },
      ],
    });
    const heal = record.history.findIndex((event) => event.kind === 'heal');
    const after = record.history.slice(heal).filter((event) => event.kind === 'invoke');
    expect(after.slice(0, 3).map((event) => [event.actor, event.kind === 'invoke' ? event.op : null])).toEqual([
      ['client-1', { type: 'pull', table: T, queryId: 'all' }],
      ['client-1', { type: 'pull', table: T, queryId: 'open', filter: 'complete eq false' }],
      ['client-1', { type: 'push' }],
    ]);
    // Each is bracketed by snapshots, so pull completeness judges it.
    const pull = record.history.indexOf(after[0]!);
    expect(record.history[pull - 1]?.kind).toBe('snapshot');
    expect(record.valid).toBe(true);
  });

  test('an incremental mark that skipped a row is judged in the settle, not repaired by a full pull', async () => {
    // Three rows share an updatedAt; pages of two; the pull dies after its first page.
    const definition: ScenarioDefinition = {
      name: 'mark past a tie group',
      clients: 1,
      editors: ['editor-1'],
      pullPageSize: 2,
      steps: [
        ...['a', 'b', 'c'].map((id): StepSpec => ({
          actor: 'editor-1',
          op: { type: 'insert', record: { id, text: id } },
        })),
        { actor: 'client-1', op: { type: 'pull', queryId: 'all' } },
      ],
      faults: { links: { 'client-1': { faults: [{ effect: { kind: 'network-failure' }, when: { request: 2 } }] } } },
    };
    expect((await run(definition)).valid).toBe(true);
    const mutant = await run(definition, ['mark-past-page']);
    expect(mutant.valid).toBe(false);
    expect(signedViolations(mutant.checks).map((entry) => entry.signature)).toEqual([
      'pull-completeness/pull.complete/pull/ok',
    ]);
  });
});
