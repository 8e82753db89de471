/**
 * A bug of syncwright's own SDK harness is caught as a difference from the reference client, not
 * passed off as an SDK defect: on one small program, each harness mutant makes the harnessed SDK
 * differ from the reference client where the unmutated harness does not, with a signature no
 * known difference declares.
 */
import { describe, expect, test } from 'vitest';
import { resolveClient } from '../../src/scenario/clients.js';
import { differentialDeclarations, executeComparison, type ComparedRun } from '../../src/scenario/compare.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import { declarationsFor } from '../../src/scenario/run.js';
import type { SdkHarnessMutation } from '../../src/sdk/mutations.js';
import type { Program, ResolvedScenario } from '../../src/scenario/types.js';

const scenario: ResolvedScenario = await resolveDefinition(
  {
    version: 2,
    name: 'a local insert, a conflicting update, a push and a pull',
    clients: 1,
    editors: 1,
    policy: 'server-wins',
    steps: [{ actor: 'world', op: { type: 'note', text: 'the program is the test’s' } }],
  },
  '<inline>',
  process.cwd(),
);

const program: Program = {
  seed: 9,
  faults: { default: { latency: { kind: 'uniform', minMs: 5, maxMs: 40 } } },
  steps: [
    { actor: 'editor-1', op: { type: 'insert', table: 'todoitem', record: { id: 'r1', text: 'a', complete: false } } },
    { actor: 'client-1', op: { type: 'pull', table: 'todoitem' } },
    { actor: 'client-1', op: { type: 'insert', table: 'todoitem', record: { id: 'r2', text: 'b', complete: true } } },
    { actor: 'editor-1', op: { type: 'update', table: 'todoitem', id: 'r1', changes: { text: 'c' } } },
    { actor: 'client-1', op: { type: 'update', table: 'todoitem', record: { id: 'r1', text: 'd', complete: false } } },
    { actor: 'client-1', op: { type: 'push' } },
    { actor: 'client-1', op: { type: 'pull', table: 'todoitem' } },
  ],
};

// Pages of two: the SDK asks for the next page from the last record's updatedAt, the date it parsed.
const paged: ResolvedScenario = { ...scenario, pullPageSize: 2 };

const pagedProgram: Program = {
  seed: 9,
  faults: { default: { latency: { kind: 'uniform', minMs: 5, maxMs: 40 } } },
  steps: [
    { actor: 'editor-1', op: { type: 'insert', table: 'todoitem', record: { id: 'r1', text: 'a', complete: false } } },
    { actor: 'editor-1', op: { type: 'insert', table: 'todoitem', record: { id: 'r2', text: 'b', complete: true } } },
    { actor: 'editor-1', op: { type: 'insert', table: 'todoitem', record: { id: 'r3', text: 'c', complete: false } } },
    { actor: 'client-1', op: { type: 'pull', table: 'todoitem' } },
  ],
};

async function compare(
  mutations: SdkHarnessMutation[],
  on: { scenario: ResolvedScenario; program: Program } = { scenario, program },
): Promise<ComparedRun> {
  const pageSize = on.scenario.pullPageSize !== undefined ? { pageSize: on.scenario.pullPageSize } : {};
  const reference = await resolveClient('reference', pageSize);
  const sdk = await resolveClient('sdk', { sdkMutations: mutations, ...pageSize });
  return executeComparison(on.scenario, on.program, {
    reference: reference.driver,
    candidate: sdk.driver,
    declarations: declarationsFor(on.scenario, sdk.name),
    differences: differentialDeclarations(on.scenario, sdk.name),
  });
}

/** The differential's new signatures, and the ordinary checkers that failed, of a compared run. */
function verdict(run: ComparedRun): { differences: string[]; blamed: string[] } {
  return {
    differences: [
      ...new Set(
        run.judgement.violations
          .filter((violation) => violation.checker === 'differential' && violation.disposition === 'new')
          .map((violation) => violation.signature),
      ),
    ],
    blamed: [
      ...new Set(
        run.checks.filter((check) => check.checker !== 'differential' && !check.valid).map((check) => check.checker),
      ),
    ].sort(),
  };
}

describe('the SDK harness mutants, compared with the reference client', () => {
  test('the unmutated harness: compared, and no difference', async () => {
    const run = await compare([]);
    expect(run.comparison.excluded).toBeUndefined();
    expect(verdict(run)).toEqual({ differences: [], blamed: [] });
  }, 60_000);

  test.each([
    // The PATCH that should have met a 412 goes through, over the editor's text.
    ['xhr-drops-if-match', ['differential/diff.writes-sent/push/if-match'], ['no-lost-writes']],
    // cancelAndUpdate's transaction loses its last statement, the removal of the operation: the
    // server's copy is pushed back once more, and pulls leave the record at its old version.
    ['plugin-loses-last-statement', ['differential/diff.writes-sent/push/extra'], ['convergence', 'pull-completeness']],
    // The local table shows complete as 1 and 0: nothing else differs.
    ['snapshot-booleans-as-numbers', ['differential/diff.local-table/final/value'], ['convergence']],
  ] as const)(
    '%s: a new difference %j; ordinary checkers that blame the SDK: %j',
    async (mutation, differences, blamed) => {
      const run = await compare([mutation]);
      expect(run.comparison.excluded).toBeUndefined();
      expect(verdict(run)).toEqual({ differences, blamed });
      expect(run.valid).toBe(false);
    },
    60_000,
  );

  // The clock's mutant changes nothing on the program above (one page a pull): on pages of two, the
  // next page starts at the moment the SDK parsed the last record, after every record there is.
  test('date-from-time-reads-clock: a paged pull stops after its first page', async () => {
    const unmutated = await compare([], { scenario: paged, program: pagedProgram });
    expect(verdict(unmutated)).toEqual({ differences: [], blamed: [] });
    const run = await compare(['date-from-time-reads-clock'], { scenario: paged, program: pagedProgram });
    expect(run.comparison.excluded).toBeUndefined();
    // r3 never arrives: pull-completeness alone would blame the SDK for it.
    expect(verdict(run)).toEqual({
      differences: ['differential/diff.local-table/final/missing'],
      blamed: ['convergence', 'pull-completeness'],
    });
    expect(run.valid).toBe(false);
  }, 60_000);
});
