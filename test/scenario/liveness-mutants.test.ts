/** The liveness checker against the planted bugs it is there for, and the unmodified client it must pass. */
import { describe, expect, test } from 'vitest';
import { createReferenceDriverWith } from '../../src/client/driver.js';
import type { ClientMutation } from '../../src/client/mutations.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import type { ScenarioDefinition } from '../../src/scenario/types.js';

async function run(definition: ScenarioDefinition, mutations: readonly ClientMutation[]) {
  const scenario = resolveDefinition(definition, '<test>', process.cwd());
  return executeProgram(scenario, scenario.program!, { driver: createReferenceDriverWith({ mutations }) });
}

/** A 503 outage, an update pushed into it and left unhandled, then two more pushes: the settle heals first. */
const outage: ScenarioDefinition = {
  name: 'an error left unhandled during an outage',
  clients: 1,
  policy: 'tutorial',
  faults: {
    default: { latency: { kind: 'fixed', ms: 10 } },
    links: { 'client-1': { faults: [{ effect: { kind: 'http-error', status: 503 }, when: { from: 0, until: 500 } }] } },
  },
  steps: [
    { actor: 'editor-1', op: { type: 'insert', record: { id: 'a', text: 'one', complete: false } } },
    { actor: 'client-1', op: { type: 'pull' } },
    { actor: 'client-1', op: { type: 'update', record: { id: 'a', text: 'two', complete: false } } },
    { actor: 'client-1', op: { type: 'push' } },
  ],
  settleRounds: 2,
};

/** A conflict the defer-to-pull policy resolves with cancel(). */
const conflict: ScenarioDefinition = {
  name: 'a conflict resolved with cancel()',
  clients: 1,
  policy: 'defer-to-pull',
  steps: [
    { actor: 'editor-1', op: { type: 'insert', record: { id: 'a', text: 'one', complete: false } } },
    { actor: 'client-1', op: { type: 'pull' } },
    { actor: 'editor-1', op: { type: 'update', id: 'a', changes: { text: 'theirs' } } },
    { actor: 'client-1', op: { type: 'update', record: { id: 'a', text: 'mine', complete: false } } },
    { actor: 'client-1', op: { type: 'push' } },
  ],
};

const liveness = (record: Awaited<ReturnType<typeof run>>) =>
  record.checks.find((check) => check.checker === 'liveness')!;

describe('liveness against planted bugs', () => {
  test('error-requeued-forever: every push after the heal stops on the remembered error: queue.stuck cites the operation', async () => {
    const clean = await run(outage, []);
    expect(liveness(clean).violations).toEqual([]);
    const mutant = await run(outage, ['error-requeued-forever']);
    expect(liveness(mutant).violations).toEqual([
      expect.objectContaining({
        rule: 'queue.stuck',
        at: { op: 'update', status: '503' },
        message: expect.stringContaining("client-1's queue is stuck on its update of todoitem/a"),
      }),
    ]);
  });

  test('reentrant-deadlock: a pull from inside the push waits for the push waiting for it; the world stops it as stuck', async () => {
    const clean = await run(conflict, []);
    expect(liveness(clean).violations).toEqual([]);
    expect(clean.stopped).toBeUndefined();
    const mutant = await run(conflict, ['reentrant-deadlock']);
    expect(mutant.stopped).toMatch(/^the run stopped: /);
    const stuck = mutant.history.find((event) => event.kind === 'stuck');
    expect(stuck).toMatchObject({ waiting: [{ client: 'client-1', op: 'push' }] });
    expect(liveness(mutant).violations).toEqual([
      expect.objectContaining({ rule: 'liveness.settles', at: { op: 'push', status: 'stuck' } }),
    ]);
  });
});
