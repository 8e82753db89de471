/**
 * Store faults end to end: the device's SQLite fails a write (disk full, database locked). The
 * unmodified reference client and the real SDK roll the write back — a local write rejects with
 * nothing queued, a push keeps the operation whose answer it could not store, a pull moves no
 * mark — and lose nothing; the dequeue-on-store-failure mutant is caught by no-lost-writes.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createReferenceDriverWith } from '../../src/client/driver.js';
import type { ClientMutation } from '../../src/client/mutations.js';
import type { StoreFault } from '../../src/kernel/driver.js';
import type { History } from '../../src/kernel/history.js';
import { programArbitrary } from '../../src/scenario/arbitraries.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { impliedCoverage } from '../../src/scenario/reach.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import { declarationsFor } from '../../src/scenario/run.js';
import { scenarioIssues } from '../../src/scenario/validate.js';
import type { ScenarioDefinition, StepSpec } from '../../src/scenario/types.js';
import { createSdkDriver } from '../../src/sdk/driver.js';

type Client = 'reference' | 'sdk';

type StoreRule = { fault: StoreFault; write: number };

function scenario(steps: StepSpec[], store?: StoreRule | StoreRule[]): ScenarioDefinition {
  const rules = store === undefined ? [] : Array.isArray(store) ? store : [store];
  return {
    name: 'store faults',
    clients: 1,
    policy: 'tutorial',
    faults: {
      default: { latency: { kind: 'fixed', ms: 10 } },
      ...(rules.length === 0 ? {} : { links: { 'client-1': { store: rules } } }),
    },
    steps,
  };
}

async function run(definition: ScenarioDefinition, client: Client = 'reference', mutations: ClientMutation[] = []) {
  const resolved = resolveDefinition(definition, '<test>', process.cwd());
  return executeProgram(resolved, resolved.program!, {
    driver: client === 'sdk' ? createSdkDriver : createReferenceDriverWith({ mutations }),
    declarations: declarationsFor(resolved, client),
  });
}

type Record = Awaited<ReturnType<typeof run>>;

const signatures = (record: Record) =>
  record.judgement.violations.map((judged) => `${judged.signature} ${judged.disposition}`);

/** How each of client-1's operations of this type ended (`ok`, `fail`), settling included, in order. */
function outcomes(history: History, type: string): string[] {
  const ids = new Set(
    history.flatMap((event) =>
      event.kind === 'invoke' && event.actor === 'client-1' && event.op.type === type ? [event.opId] : [],
    ),
  );
  return history.flatMap((event) =>
    (event.kind === 'ok' || event.kind === 'fail') && ids.has(event.opId) ? [event.kind] : [],
  );
}

/** The first store write of client-1 from the `n`-th operation it invoked on (so a fault can aim at that step). */
function firstWriteOf(history: History, n: number): number {
  const invokes = history.filter((event) => event.kind === 'invoke' && event.actor === 'client-1');
  const from = invokes[n - 1]!.seq;
  let last = 0;
  for (const event of history) {
    if (event.kind === 'store-write' && event.client === 'client-1' && event.seq < from) last = event.last;
  }
  return last + 1;
}

/** The first store write of client-1 after the first event `from` matches. */
function firstWriteAfter(history: History, from: (event: History[number]) => boolean): number {
  const start = history.find(from)!.seq;
  for (const event of history) {
    if (event.kind === 'store-write' && event.client === 'client-1' && event.seq > start) return event.first;
  }
  throw new Error('no store write after it');
}

const storeFaultEvents = (history: History) =>
  history.filter((event) => event.kind === 'fault' && event.fault.startsWith('store-'));

const pull: StepSpec = { actor: 'client-1', op: { type: 'pull' } };
const push: StepSpec = { actor: 'client-1', op: { type: 'push' } };
const seed: StepSpec = { actor: 'editor-1', op: { type: 'insert', record: { id: 'a', text: 'one', complete: false } } };

describe('store faults', () => {
  test.each([
    ['disk-full', 'reference'],
    ['locked', 'reference'],
    ['disk-full', 'sdk'],
    ['locked', 'sdk'],
  ] as const)(
    'a local insert the store fails (%s, %s client) rejects, leaves nothing queued, and a retry succeeds',
    async (fault, client) => {
      const insert: StepSpec = {
        actor: 'client-1',
        op: { type: 'insert', record: { id: 'b', text: 'two', complete: false } },
      };
      const record = await run(scenario([insert, insert, push], { fault, write: 1 }), client);
      expect(storeFaultEvents(record.history)).toHaveLength(1);
      expect(outcomes(record.history, 'insert')).toEqual(['fail', 'ok']);
      expect(outcomes(record.history, 'push')[0]).toBe('ok');
      expect(signatures(record)).toEqual([]);
      expect(record.valid).toBe(true);
      expect(record.coverage[`store-${fault}`]).toBe(1);
    },
  );

  test.each(['reference', 'sdk'] as const)(
    'a push that cannot store the answer (%s client) fails and keeps the operation; the next push resolves it',
    async (client) => {
      const steps: StepSpec[] = [
        { ...seed, actor: 'editor-1' },
        pull,
        { actor: 'client-1', op: { type: 'update', record: { id: 'a', text: 'two', complete: false } } },
        push,
      ];
      const clean = await run(scenario(steps), client);
      const write = firstWriteOf(clean.history, 3);
      const record = await run(scenario(steps, { fault: 'disk-full', write }), client);
      expect(storeFaultEvents(record.history)).toHaveLength(1);
      expect(record.coverage['store-fault-in-push']).toBe(1);
      // The step's push fails; the settling push sends the kept update again and resolves what the server says.
      const pushes = outcomes(record.history, 'push');
      expect(pushes[0]).toBe('fail');
      expect(pushes.slice(1)).toEqual(pushes.slice(1).map(() => 'ok'));
      expect(pushes.length).toBeGreaterThan(1);
      expect(record.checks.find((check) => check.checker === 'no-lost-writes')!.violations).toEqual([]);
      expect(record.valid).toBe(true);
    },
  );

  test.each(['reference', 'sdk'] as const)(
    'an insert the server applied but the client could not store, then deleted locally (%s client): the delete folds it, as after a restart',
    async (client) => {
      // The insert stays queued, so the delete folds into it and nothing is sent: the server keeps
      // the record and the next pull brings it back — the app never stored that the server has it.
      const steps: StepSpec[] = [
        { actor: 'client-1', op: { type: 'insert', record: { id: 'x', text: 'one', complete: false } } },
        push,
        { actor: 'client-1', op: { type: 'delete', id: 'x' } },
      ];
      const write = firstWriteOf((await run(scenario(steps), client)).history, 2);
      const record = await run(scenario(steps, { fault: 'disk-full', write }), client);
      expect(storeFaultEvents(record.history)).toHaveLength(1);
      expect(outcomes(record.history, 'push')[0]).toBe('fail');
      expect(signatures(record)).toEqual([]);
      expect(record.valid).toBe(true);
    },
  );

  test('dequeue-on-store-failure: the operation leaves the queue though its answer was never stored', async () => {
    const steps: StepSpec[] = [
      seed,
      pull,
      { actor: 'client-1', op: { type: 'update', record: { id: 'a', text: 'two', complete: false } } },
      push,
    ];
    const write = firstWriteOf((await run(scenario(steps))).history, 3);
    const record = await run(scenario(steps, { fault: 'locked', write }), 'reference', ['dequeue-on-store-failure']);
    expect(record.valid).toBe(false);
    const lost = record.checks.find((check) => check.checker === 'no-lost-writes')!.violations;
    expect(lost).toEqual([
      expect.objectContaining({
        rule: 'local.store-failure-rolls-back',
        at: { op: 'push', status: 'dequeued' },
        message: expect.stringContaining('failed to write the server’s answer'.replace('’', "'")),
      }),
    ]);
  });

  describe('a pull that pushes an insert (stored) and a delete (412, the tutorial discards it) first', () => {
    // The shape the soak found at generated-store-faults 1:1799 (saved, two clients, as
    // scenarios/regressions/store-fault-in-a-handler-after-a-stored-answer.json).
    const steps: StepSpec[] = [
      seed,
      pull,
      { actor: 'editor-1', op: { type: 'update', id: 'a', changes: { text: 'theirs' } } },
      { actor: 'client-1', op: { type: 'insert', record: { id: 'x', text: 'mine', complete: false } } },
      { actor: 'client-1', op: { type: 'delete', id: 'a' } },
      pull,
    ];
    const noLostWrites = (record: Record) =>
      record.checks.find((check) => check.checker === 'no-lost-writes')!.violations;
    const clean = run(scenario(steps));

    test('a store fault in the handler’s resolution is not the stored answer’s: nothing is blamed on the insert', async () => {
      const handlerWrite = firstWriteAfter((await clean).history, (event) => event.kind === 'handler-call');
      // The discard fails (disk full); the page after it fails too (locked), so the pull fails.
      const record = await run(
        scenario(steps, [
          { fault: 'disk-full', write: handlerWrite },
          { fault: 'locked', write: handlerWrite + 1 },
        ]),
      );
      const faults = storeFaultEvents(record.history);
      expect(faults.map((event) => event.kind === 'fault' && event.detail)).toEqual([
        expect.objectContaining({ statement: 'delete', table: 'todoitem' }),
        expect.objectContaining({ statement: 'upsert', table: 'todoitem' }),
      ]);
      expect(outcomes(record.history, 'pull')[1]).toBe('fail');
      // The insert left the queue with its stored answer; the delete the handler failed to discard stayed.
      const after = record.history.find((event) => event.kind === 'snapshot' && event.seq > faults[1]!.seq);
      expect(after?.kind === 'snapshot' && after.clients['client-1']!.operations).toEqual([
        expect.objectContaining({ action: 'delete', itemId: 'a' }),
      ]);
      expect(noLostWrites(record)).toEqual([]);
      expect(signatures(record)).toEqual(['handler-outcomes/handler.threw/delete/store-disk-full new']);
    });

    test('the same fault on the insert’s answer: the unmodified client keeps it; dequeue-on-store-failure is caught, naming it', async () => {
      const answerWrite = firstWriteAfter(
        (await clean).history,
        (event) => event.kind === 'http-response' && event.response.status === 201,
      );
      const faulted = scenario(steps, { fault: 'disk-full', write: answerWrite });
      expect(noLostWrites(await run(faulted))).toEqual([]);
      const mutant = await run(faulted, 'reference', ['dequeue-on-store-failure']);
      expect(noLostWrites(mutant)).toEqual([
        expect.objectContaining({
          rule: 'local.store-failure-rolls-back',
          at: { op: 'pull', status: 'dequeued' },
          message: expect.stringContaining("failed to write the server's answer for todoitem/x"),
        }),
      ]);
    });
  });

  test.each(['reference', 'sdk'] as const)(
    'a pull whose page the store fails (%s client) fails, and the next pull brings the rows',
    async (client) => {
      const steps: StepSpec[] = [seed, pull, pull, { actor: 'client-1', op: { type: 'read' } }];
      const record = await run(scenario(steps, { fault: 'disk-full', write: 1 }), client);
      expect(storeFaultEvents(record.history)).toHaveLength(1);
      expect(record.coverage['store-fault-in-pull']).toBe(1);
      expect(outcomes(record.history, 'pull').slice(0, 2)).toEqual(['fail', 'ok']);
      expect(record.valid).toBe(true);
    },
  );

  test('generated programs carry store decisions only when named; coverage names what they should reach', () => {
    const definition: ScenarioDefinition = {
      name: 'generated store faults',
      clients: 2,
      generate: { faults: { kinds: ['store-full', 'store-locked'], max: 3 } },
    };
    const resolved = resolveDefinition(definition, '<test>', process.cwd());
    const programs = fc.sample(programArbitrary(resolved), { numRuns: 60, seed: 7 });
    const faults = programs.flatMap((program) =>
      Object.values(program.faults.links ?? {}).flatMap((link) => (link.store ?? []).map((rule) => rule.fault)),
    );
    expect(new Set(faults)).toEqual(new Set(['disk-full', 'locked']));
    expect(impliedCoverage(resolved)).toEqual(expect.arrayContaining(['store-disk-full', 'store-locked']));
    // `all` stays the network kinds: programs of the other generated scenarios do not change.
    const all = resolveDefinition({ name: 'all', generate: { faults: { kinds: 'all' } } }, '<test>', process.cwd());
    const plans = fc.sample(programArbitrary(all), { numRuns: 60, seed: 7 });
    expect(plans.some((program) => Object.values(program.faults.links ?? {}).some((link) => link.store))).toBe(false);
  });

  test('bad input: an unknown store fault, a write that is not a count, an unknown generator kind', () => {
    const fault = scenarioIssues(
      { name: 'bad', steps: [], faults: { links: { 'client-1': { store: [{ fault: 'disk-melted', write: 1 }] } } } },
      'bad.json',
    );
    expect(fault).toEqual([
      expect.objectContaining({
        path: 'faults.links.client-1.store[0].fault',
        expected: 'one of "disk-full", "locked"',
        found: '"disk-melted"',
      }),
    ]);
    const write = scenarioIssues(
      { name: 'bad', steps: [], faults: { default: { store: [{ fault: 'locked', write: 0 }] } } },
      'bad.json',
    );
    expect(write).toEqual([expect.objectContaining({ path: 'faults.default.store[0].write', found: '0' })]);
    const kind = scenarioIssues({ name: 'bad', generate: { faults: { kinds: ['store-melted'] } } }, 'bad.json');
    expect(kind).toEqual([expect.objectContaining({ path: 'generate.faults.kinds[0]', found: '"store-melted"' })]);
    expect(kind[0]!.expected).toContain('"store-full"');
  });
});
