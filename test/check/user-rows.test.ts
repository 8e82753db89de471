/**
 * A per-user server (`server: { perUser: … }`): each device is held to the rows its user can see,
 * and `pull.user-rows` shows a device holding another user's row — here planted by a server that
 * answers every read as alice's.
 */
import { describe, expect, test } from 'vitest';
import { createBackend } from '../../src/backend/backend.js';
import { createReferenceDriver, createReferenceDriverWith } from '../../src/client/driver.js';
import { coverageCounters } from '../../src/check/coverage.js';
import { executeProgram, type ExecuteOptions } from '../../src/scenario/execute.js';
import { toResolvedScenario } from '../../src/scenario/run.js';
import type { ScenarioDefinition, StepSpec } from '../../src/scenario/types.js';

const OPENING: StepSpec[] = [
  { actor: 'editor-1', op: { type: 'insert', table: 'todoitem', record: { id: 'a1', text: 'alice’s' } } },
  { actor: 'client-3', op: { type: 'insert', table: 'todoitem', record: { id: 'b1', text: 'bob’s' } } },
  { actor: 'world', op: { type: 'sync' } },
];

async function run(steps: StepSpec[], options: Partial<ExecuteOptions> = {}) {
  const definition: ScenarioDefinition = {
    version: 2,
    name: 'rows per user',
    server: { perUser: { 'client-1': 'alice', 'client-2': 'alice', 'client-3': 'bob', 'editor-1': 'alice' } },
    clients: 3,
    editors: ['editor-1'],
    policy: 'tutorial',
    steps,
  };
  const scenario = await toResolvedScenario(definition);
  const record = await executeProgram(scenario, scenario.program!, { driver: createReferenceDriver, ...options });
  const final = [...record.history].reverse().find((event) => event.kind === 'snapshot');
  if (final?.kind !== 'snapshot') throw new Error('no final snapshot');
  const ids = (client: string) => final.clients[client]?.tables['todoitem']?.map((row) => row['id']).sort();
  return { record, final, ids };
}

describe('rows per user', () => {
  test('each device ends with exactly its user’s rows, and every checker agrees', async () => {
    const { record, final, ids } = await run(OPENING);
    expect(final.server['todoitem']?.map((row) => [row['id'], row['userId']])).toEqual([
      ['a1', 'alice'],
      ['b1', 'bob'],
    ]);
    expect([ids('client-1'), ids('client-2'), ids('client-3')]).toEqual([['a1'], ['a1'], ['b1']]);
    expect(record.checks.filter((check) => !check.valid).map((check) => check.explanation)).toEqual([]);
    const counts = coverageCounters(record.history);
    expect(counts['per-user-owned-insert']).toBe(1);
    expect(counts['per-user-isolated']).toBe(3);
  });

  test('an update of another user’s row is a 404 that keeps the operation queued: the app’s outcome', async () => {
    const { record, final } = await run([
      ...OPENING,
      { actor: 'client-3', op: { type: 'update', table: 'todoitem', record: { id: 'a1', text: 'bob was here' } } },
      { actor: 'client-3', op: { type: 'push' } },
    ]);
    expect(final.server['todoitem']?.find((row) => row['id'] === 'a1')?.['text']).toBe('alice’s');
    expect(final.clients['client-3']?.operations.map((operation) => operation.itemId)).toEqual(['a1']);
    expect(coverageCounters(record.history)['per-user-foreign-refused']).toBeGreaterThan(0);
    const outcomes = record.checks.find((check) => check.checker === 'handler-outcomes');
    expect(
      outcomes?.violations.map((violation) => `${violation.rule}/${violation.at.op}/${violation.at.status}`),
    ).toContain('handler.error-unhandled/update/404');
    expect(record.checks.find((check) => check.checker === 'pull-completeness')?.valid).toBe(true);
  });

  test('a server that answers every read as alice’s puts her row on bob’s device, and pull.user-rows says so', async () => {
    const leaky: ExecuteOptions['backend'] = async (environment) => {
      const backend = await createBackend({ ...environment, tables: [...environment.tables], perUser: true });
      return {
        insert: backend.insert.bind(backend),
        update: backend.update.bind(backend),
        delete: backend.delete.bind(backend),
        snapshot: backend.snapshot.bind(backend),
        close: backend.close.bind(backend),
        handle: (request, options) =>
          backend.handle(
            request.method === 'GET'
              ? { ...request, headers: { ...request.headers, 'x-zumo-auth': 'alice' } }
              : request,
            options,
          ),
      };
    };
    const { record, ids } = await run(OPENING, { backend: leaky });
    expect(ids('client-3')).toContain('a1');
    const pulls = record.checks.find((check) => check.checker === 'pull-completeness');
    const leaks = pulls?.violations.filter((violation) => violation.rule === 'pull.user-rows') ?? [];
    expect(leaks.map((violation) => violation.message)).toContainEqual(
      expect.stringContaining('client-3, signed in as bob, holds todoitem/a1'),
    );
  });

  test('drop-on-not-found: a refused write of alice’s row leaves bob’s queue but not his device, and pull.user-rows says so', async () => {
    const { record, final } = await run(
      [
        ...OPENING,
        { actor: 'client-3', op: { type: 'update', table: 'todoitem', record: { id: 'a1', text: 'bob was here' } } },
        { actor: 'client-3', op: { type: 'pull', table: 'todoitem' } },
      ],
      { driver: createReferenceDriverWith({ mutations: ['drop-on-not-found'] }) },
    );
    expect(final.clients['client-3']?.operations).toEqual([]);
    const pulls = record.checks.find((check) => check.checker === 'pull-completeness');
    expect(pulls?.violations.map((violation) => violation.rule)).toContain('pull.user-rows');
  });
});
