/**
 * Running one program on two clients with the faults aligned by meaning: a fault the reference
 * run met on "the 2nd PATCH of r1" meets the SDK on its 2nd PATCH of r1, although the SDK sends
 * another number of requests before it; faults that cannot be aimed that way, and programs whose
 * calls overlap, are left out of the comparison and say why; a client compared with itself
 * differs in nothing.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { indexHistory } from '../../src/check/history-index.js';
import type { History, HistoryEvent } from '../../src/kernel/history.js';
import { alignFaults, overlappingOperations } from '../../src/scenario/align-faults.js';
import { programArbitrary } from '../../src/scenario/arbitraries.js';
import { resolveClient } from '../../src/scenario/clients.js';
import { differentialDeclarations, executeComparison } from '../../src/scenario/compare.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { loadScenario } from '../../src/scenario/load.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import { declarationsFor } from '../../src/scenario/run.js';
import type { FaultPlan } from '../../src/network/fault-plan.js';
import type { Program, ResolvedScenario, Step } from '../../src/scenario/types.js';

const scenario: ResolvedScenario = await resolveDefinition(
  {
    version: 2,
    name: 'two PATCHes of r1 after a paged pull',
    clients: 1,
    editors: 1,
    policy: 'tutorial',
    allow: ['handler-outcomes/handler.error-unhandled'],
    pullPageSize: 2,
    steps: [{ actor: 'world', op: { type: 'note', text: 'steps come from each test' } }],
  },
  '<inline>',
  process.cwd(),
);

const steps: Step[] = [
  { actor: 'editor-1', op: { type: 'insert', table: 'todoitem', record: { id: 'r1', text: 'a', complete: false } } },
  { actor: 'editor-1', op: { type: 'insert', table: 'todoitem', record: { id: 'r2', text: 'b', complete: false } } },
  { actor: 'editor-1', op: { type: 'insert', table: 'todoitem', record: { id: 'r3', text: 'c', complete: true } } },
  // Three records sharing one updatedAt, two to a page: the clients page through them differently.
  { actor: 'client-1', op: { type: 'pull', table: 'todoitem' } },
  { actor: 'client-1', op: { type: 'update', table: 'todoitem', record: { id: 'r1', text: 'v1', complete: false } } },
  { actor: 'client-1', op: { type: 'push' } },
  { actor: 'client-1', op: { type: 'update', table: 'todoitem', record: { id: 'r1', text: 'v2', complete: true } } },
  { actor: 'client-1', op: { type: 'push' } },
  { actor: 'client-1', op: { type: 'push' } },
];
const LATENCY: FaultPlan = { default: { latency: { kind: 'uniform', minMs: 5, maxMs: 40 }, timeoutMs: 2000 } };

/** The link's number and the PATCH-of-r1 count of every request of a history. */
function requests(history: History): { n: number; seq: number; patchOfR1: number | null }[] {
  let patches = 0;
  return history
    .filter((event): event is Extract<HistoryEvent, { kind: 'http-request' }> => event.kind === 'http-request')
    .map((event, i) => {
      const isPatch = event.request.method === 'PATCH' && event.request.url === '/tables/todoitem/r1';
      if (isPatch) patches++;
      return { n: i + 1, seq: event.seq, patchOfR1: isPatch ? patches : null };
    });
}

/** The request a history's one fault hit, as `requests` describes it. */
function faulted(history: History) {
  const faults = history.filter((event) => event.kind === 'fault');
  expect(faults).toHaveLength(1);
  const requestId = (faults[0] as Extract<HistoryEvent, { kind: 'fault' }>).detail?.['requestId'];
  const exchange = indexHistory(history).exchanges.find((candidate) => candidate.requestId === requestId)!;
  return requests(history).find((request) => request.seq === exchange.requestEvent.seq)!;
}

describe('faults aligned by meaning', () => {
  test('a lost answer on the 2nd PATCH of r1 hits the 2nd PATCH of r1 on both clients', async () => {
    const reference = await resolveClient('reference', { pageSize: 2 });
    const sdk = await resolveClient('sdk', { pageSize: 2 });
    // Which request number is the 2nd PATCH of r1 on the reference client's link?
    const plain = await executeProgram(scenario, { seed: 3, steps, faults: LATENCY }, { driver: reference.driver });
    const target = requests(plain.history).find((request) => request.patchOfR1 === 2)!;
    const program: Program = {
      seed: 3,
      steps,
      faults: {
        ...LATENCY,
        links: { 'client-1': { faults: [{ effect: { kind: 'lost-response' }, when: { request: target.n } }] } },
      },
    };

    const compared = await executeComparison(scenario, program, {
      reference: reference.driver,
      candidate: sdk.driver,
      declarations: declarationsFor(scenario, 'sdk'),
      differences: differentialDeclarations(scenario, 'sdk'),
    });
    expect(compared.comparison.excluded).toBeUndefined();
    expect(compared.comparison.aligned).toEqual([
      expect.objectContaining({
        link: 'client-1',
        match: { method: 'PATCH', table: 'todoitem', itemId: 'r1' },
        occurrence: 2,
        effect: { kind: 'fault', fault: { kind: 'lost-response' } },
      }),
    ]);
    const onReference = faulted(compared.comparison.reference.history);
    const onSdk = faulted(compared.history);
    expect(onReference).toMatchObject({ n: target.n, patchOfR1: 2 });
    expect(onSdk.patchOfR1).toBe(2);
    // The SDK pages through the tie with fewer queries: by number, the plan misses its PATCH.
    expect(onSdk.n).toBeLessThan(target.n);
    const unaligned = await executeProgram(scenario, program, { driver: sdk.driver });
    const sdkPatch = requests(unaligned.history).find((request) => request.patchOfR1 === 2)!;
    expect(unaligned.history.some((event) => event.kind === 'fault' && event.detail?.['request'] === sdkPatch.n)).toBe(
      false,
    );
  }, 60_000);

  test('a window of errors and a partition become faults on the requests they hit', async () => {
    const reference = await resolveClient('reference', { pageSize: 2 });
    const program: Program = {
      seed: 5,
      steps,
      faults: {
        ...LATENCY,
        links: {
          'client-1': {
            faults: [{ effect: { kind: 'http-error', status: 503 }, when: { from: 0, until: 60 } }],
            partitions: [{ from: 100, until: 140 }],
          },
        },
      },
    };
    const run = await executeProgram(scenario, program, { driver: reference.driver });
    const alignment = alignFaults(program, run.history);
    expect(alignment.kind).toBe('aligned');
    if (alignment.kind !== 'aligned') return;
    // The window failed the pull's first page and the first PATCH; the partition cut the second
    // PATCH in flight and failed the third before it left: each is now a fault on that request.
    expect(
      alignment.faults.map((fault) => [
        fault.match,
        fault.occurrence,
        fault.effect.kind === 'fault' ? fault.effect.fault : fault.effect,
      ]),
    ).toEqual([
      [{ method: 'GET', table: 'todoitem', op: 4 }, 1, { kind: 'http-error', status: 503 }],
      [{ method: 'PATCH', table: 'todoitem', itemId: 'r1' }, 1, { kind: 'http-error', status: 503 }],
      [{ method: 'PATCH', table: 'todoitem', itemId: 'r1' }, 2, { kind: 'network-failure' }],
      [{ method: 'PATCH', table: 'todoitem', itemId: 'r1' }, 3, { kind: 'network-failure' }],
    ]);
    const links = alignment.program.faults.links!;
    expect(links['client-1']!.partitions).toBeUndefined();
    expect(links['client-1']!.faults!.every((rule) => 'match' in rule.when)).toBe(true);
    expect(alignment.program.faults.default).toEqual(LATENCY.default);
  });

  test('a fault a partition overtook is aligned as what it amounted to, not as planned', async () => {
    // generated-wide 42:96: the plan lost the answer to a pull's first page, but the partition began
    // before the request reached the server; aligned as a lost answer, the SDK's pull ended with its
    // outcome unknown where the reference client's had failed — a difference of the alignment's making.
    const reference = await resolveClient('reference', { pageSize: 2 });
    const sdk = await resolveClient('sdk', { pageSize: 2 });
    const plain = await executeProgram(scenario, { seed: 3, steps, faults: LATENCY }, { driver: reference.driver });
    const page = plain.history.find(
      (event): event is Extract<HistoryEvent, { kind: 'http-request' }> =>
        event.kind === 'http-request' && event.request.method === 'GET',
    )!;
    const n = requests(plain.history).find((request) => request.seq === page.seq)!.n;
    const program: Program = {
      seed: 3,
      steps,
      faults: {
        ...LATENCY,
        links: {
          'client-1': {
            faults: [{ effect: { kind: 'lost-response' }, when: { request: n } }],
            partitions: [{ from: page.t + 1, until: page.t + 100 }],
          },
        },
      },
    };
    const run = await executeProgram(scenario, program, { driver: reference.driver });
    const failure = run.history.find((event) => event.kind === 'http-failure');
    expect(run.history.find((event) => event.kind === 'fault')).toMatchObject({ fault: 'lost-response' });
    expect(failure).toMatchObject({ failure: 'offline', applied: false });
    const alignment = alignFaults(program, run.history);
    expect(alignment.kind).toBe('aligned');
    if (alignment.kind !== 'aligned') return;
    expect(alignment.faults.map((fault) => [fault.match, fault.occurrence, fault.effect])[0]).toEqual([
      { method: 'GET', table: 'todoitem', op: 4 },
      1,
      { kind: 'fault', fault: { kind: 'network-failure' } },
    ]);

    const compared = await executeComparison(scenario, program, {
      reference: reference.driver,
      candidate: sdk.driver,
      declarations: declarationsFor(scenario, 'sdk'),
      differences: differentialDeclarations(scenario, 'sdk'),
    });
    expect(compared.comparison.excluded).toBeUndefined();
    const ended = (history: History) =>
      history.find((event) => event.kind !== 'invoke' && 'opId' in event && event.opId === 4)?.kind;
    expect([ended(compared.comparison.reference.history), ended(compared.history)]).toEqual(['fail', 'fail']);
    expect(
      compared.judgement.violations.filter(
        (violation) => violation.checker === 'differential' && violation.disposition === 'new',
      ),
    ).toEqual([]);
  }, 60_000);

  test('what cannot be aimed at a request leaves the program out, saying why', async () => {
    const reference = await resolveClient('reference', { pageSize: 2 });
    const atTime: Program = {
      seed: 5,
      steps,
      faults: { ...LATENCY, links: { 'client-1': { restarts: [{ when: { at: 50 } }] } } },
    };
    const run = await executeProgram(scenario, atTime, { driver: reference.driver });
    expect(alignFaults(atTime, run.history)).toEqual({
      kind: 'excluded',
      exclusion: {
        reason: 'timed-fault',
        detail: expect.stringMatching(/a restart at a time \(#\d+\) hits whatever is in flight/),
      },
    });
    // A crash point counts store writes, and the two stores write different numbers of statements.
    const crashes: FaultPlan = { ...LATENCY, links: { 'client-1': { crashes: [{ afterWrite: 3 }] } } };
    expect(alignFaults({ seed: 5, steps, faults: crashes }, run.history)).toEqual({
      kind: 'excluded',
      exclusion: {
        reason: 'crash-point',
        detail:
          "the plan's links.client-1.crashes restarts after store write 3, which is a different moment in each client's store.",
      },
    });
    // A rule kind this alignment does not know is never guessed at.
    const unknown = { ...LATENCY, links: { 'client-1': { storms: [{ at: 3 }] } } } as unknown as FaultPlan;
    expect(alignFaults({ seed: 5, steps, faults: unknown }, run.history)).toEqual({
      kind: 'excluded',
      exclusion: {
        reason: 'unknown-rule',
        detail: "the plan's links.client-1.storms cannot be aimed at a request both clients send.",
      },
    });
  });

  test('calls that overlap leave the program out', async () => {
    const reference = await resolveClient('reference', { pageSize: 2 });
    const overlapping: Step[] = [
      ...steps.slice(0, 5),
      { actor: 'client-1', op: { type: 'push' }, background: true },
      {
        actor: 'client-1',
        op: { type: 'update', table: 'todoitem', record: { id: 'r1', text: 'v3', complete: true } },
        after: 1,
      },
    ];
    const run = await executeProgram(
      scenario,
      { seed: 5, steps: overlapping, faults: LATENCY },
      { driver: reference.driver },
    );
    expect(overlappingOperations(run.history, 'reference')).toEqual({
      reason: 'concurrent',
      detail: expect.stringMatching(
        /^in the reference run, client-1's update \(#\d+\) started while client-1's push \(op #6\) was running\.$/,
      ),
    });
    const sequential = await executeProgram(
      scenario,
      { seed: 5, steps, faults: LATENCY },
      { driver: reference.driver },
    );
    expect(overlappingOperations(sequential.history, 'reference')).toBeUndefined();
  });
});

describe('the reference client compared with itself', () => {
  test('generated programs with every fault kind: the same history but for how faults were aimed, and no difference', async () => {
    const generated = await loadScenario('scenarios/generated-merge.ts');
    const reference = await resolveClient('reference', { pageSize: generated.pullPageSize! });
    const programs = fc.sample(programArbitrary(generated), { seed: 11, numRuns: 40 });
    let compared = 0;
    let exact = 0;
    let faults = 0;
    for (const program of programs) {
      const run = await executeComparison(generated, program, {
        reference: reference.driver,
        candidate: reference.driver,
        declarations: declarationsFor(generated, 'reference'),
        differences: differentialDeclarations(generated, 'reference'),
      });
      const reason = run.comparison.excluded?.reason;
      expect([undefined, 'concurrent', 'crash-point']).toContain(reason);
      if (reason !== undefined) continue;
      compared++;
      faults += run.comparison.aligned.length;
      expect(run.checks.find((check) => check.checker === 'differential')).toMatchObject({ valid: true });
      // Without partitions the run is the same event for event but for how its faults were aimed.
      // (A partition shows only in the requests it failed: each becomes a fault on its request,
      // and an offline link fails a request sooner than a failed connection does.)
      const partitioned = Object.values(program.faults.links ?? {}).some((link) => (link.partitions ?? []).length > 0);
      if (partitioned) continue;
      exact++;
      const aimless = (history: History): unknown[] =>
        history.map((event) =>
          event.kind === 'fault' ? { ...event, detail: { ...event.detail, trigger: '', rule: 0 } } : event,
        );
      expect(aimless(run.history)).toEqual(aimless(run.comparison.reference.history));
    }
    expect(compared).toBeGreaterThan(10);
    expect(exact).toBeGreaterThan(5);
    expect(faults).toBeGreaterThan(5);
  }, 120_000);
});
