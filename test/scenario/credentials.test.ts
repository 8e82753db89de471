/**
 * Credential faults end to end: a token that expires (401), rights revoked (403), a sign-in that
 * restores them. The unmodified reference client keeps its queue and pushes once signed in; the
 * drop-on-refusal mutant is caught; a loss that lasts is the app's outcome, by its own signature.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createReferenceDriverWith } from '../../src/client/driver.js';
import type { ClientMutation } from '../../src/client/mutations.js';
import type { CredentialLoss } from '../../src/network/fault-plan.js';
import { programArbitrary } from '../../src/scenario/arbitraries.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { createSdkDriver } from '../../src/sdk/driver.js';
import { impliedCoverage } from '../../src/scenario/reach.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import { declarationsFor } from '../../src/scenario/run.js';
import { ScenarioError, scenarioIssues } from '../../src/scenario/validate.js';
import type { ScenarioDefinition, Step, StepSpec } from '../../src/scenario/types.js';

function scenario(loss: CredentialLoss, signsIn: boolean): ScenarioDefinition {
  const steps: StepSpec[] = [
    { actor: 'editor-1', op: { type: 'insert', record: { id: 'a', text: 'one', complete: false } } },
    { actor: 'client-1', op: { type: 'pull' } },
    { actor: 'client-1', op: { type: 'update', record: { id: 'a', text: 'two', complete: false } } },
    { actor: 'client-1', op: { type: 'push' } },
    ...(signsIn ? [{ actor: 'world', op: { type: 'sign-in', client: 'client-1' } } satisfies StepSpec] : []),
  ];
  return {
    name: `${loss}, ${signsIn ? 'then a sign-in' : 'never signed in again'}`,
    clients: 1,
    policy: 'tutorial',
    faults: {
      default: { latency: { kind: 'fixed', ms: 10 } },
      // Requests 1 to 3 are the pull's; the push's PATCH is request 4.
      links: { 'client-1': { credentials: [{ loss, when: { request: 4 } }] } },
    },
    steps,
    allow: ['handler-outcomes/handler.error-unhandled'],
  };
}

async function run(
  definition: ScenarioDefinition,
  mutations: readonly ClientMutation[] = [],
  client: 'reference' | 'sdk' = 'reference',
) {
  const resolved = resolveDefinition(definition, '<test>', process.cwd());
  return executeProgram(resolved, resolved.program!, {
    driver: client === 'sdk' ? createSdkDriver : createReferenceDriverWith({ mutations }),
    declarations: declarationsFor(resolved, client),
  });
}

const signatures = (record: Awaited<ReturnType<typeof run>>) =>
  record.judgement.violations.map((judged) => `${judged.signature} ${judged.disposition}`);

describe('credential faults', () => {
  test.each([
    ['token-expired', 'reference'],
    ['rights-revoked', 'reference'],
    ['token-expired', 'sdk'],
    ['rights-revoked', 'sdk'],
  ] as const)(
    '%s, then a sign-in (%s client): the queue is kept and pushed once the app signs in',
    async (loss, client) => {
      const record = await run(scenario(loss, true), [], client);
      const status = loss === 'token-expired' ? 401 : 403;
      expect(signatures(record)).toEqual([`handler-outcomes/handler.error-unhandled/update/${status} allowed`]);
      expect(record.valid).toBe(true);
      expect(record.coverage[loss === 'token-expired' ? 'refused-401' : 'refused-403']).toBe(1);
      expect(record.coverage['pushed-after-sign-in']).toBe(1);
    },
  );

  test('drop-on-refusal: the refused operation leaves the queue, and no-lost-writes names the rule', async () => {
    const record = await run(scenario('token-expired', true), ['drop-on-refusal']);
    expect(record.valid).toBe(false);
    const lost = record.checks.find((check) => check.checker === 'no-lost-writes')!.violations;
    expect(lost.map((violation) => violation.rule).sort()).toEqual([
      'push.refusal-keeps-queue',
      'push.write-reaches-server',
    ]);
    expect(lost.find((violation) => violation.rule === 'push.refusal-keeps-queue')).toMatchObject({
      at: { op: 'update', status: 'dropped-on-refusal' },
      message: expect.stringContaining("client-1's pending update of todoitem/a was refused for its credentials"),
    });
    expect(record.coverage['pushed-after-sign-in']).toBe(0);
  });

  test('a token never renewed: the queue stays, and the last pull fails with status refused-401', async () => {
    const record = await run(scenario('token-expired', false));
    const convergence = record.checks.find((check) => check.checker === 'convergence')!;
    expect(convergence.violations).toEqual([]);
    // The pull pushes first and stops behind the kept update, so its table is excused; with
    // nothing pending the refused pull itself is the outcome, by a signature that says so.
    const idle = await run({
      ...scenario('token-expired', false),
      steps: [
        { actor: 'editor-1', op: { type: 'insert', record: { id: 'a', text: 'one', complete: false } } },
        { actor: 'client-1', op: { type: 'pull' } },
        { actor: 'client-1', op: { type: 'pull' } },
      ],
      allow: [],
    });
    expect(signatures(idle)).toEqual(['convergence/convergence.sync-succeeds/pull/refused-401 new']);
    expect(record.checks.find((check) => check.checker === 'no-lost-writes')!.violations).toEqual([]);
  });

  test('generated programs carry credential decisions and sign-in steps; coverage names what they should reach', () => {
    const definition: ScenarioDefinition = {
      name: 'generated credentials',
      clients: 2,
      generate: { mix: { 'sign-in': 5 }, faults: { kinds: ['token-expiry', 'rights-revoked'], max: 3 } },
    };
    const resolved = resolveDefinition(definition, '<test>', process.cwd());
    const programs = fc.sample(programArbitrary(resolved), { numRuns: 60, seed: 7 });
    const losses = programs.flatMap((program) =>
      Object.values(program.faults.links ?? {}).flatMap((link) => (link.credentials ?? []).map((rule) => rule.loss)),
    );
    expect(new Set(losses)).toEqual(new Set(['token-expired', 'rights-revoked']));
    const signIns = programs.flatMap((program) => program.steps.filter((step: Step) => step.op.type === 'sign-in'));
    expect(signIns.length).toBeGreaterThan(0);
    expect(impliedCoverage(resolved)).toEqual(
      expect.arrayContaining(['step-sign-in', 'refused-401', 'refused-403', 'pushed-after-sign-in']),
    );
    // `all` stays the network kinds: programs of the other generated scenarios do not change.
    const all = resolveDefinition({ name: 'all', generate: { faults: { kinds: 'all' } } }, '<test>', process.cwd());
    const plans = fc.sample(programArbitrary(all), { numRuns: 60, seed: 7 });
    expect(plans.some((program) => Object.values(program.faults.links ?? {}).some((link) => link.credentials))).toBe(
      false,
    );
  });

  test('bad input: an unknown fault kind, a sign-in without a client or of a client the scenario lacks', () => {
    const kinds = scenarioIssues({ name: 'bad', generate: { faults: { kinds: ['token-theft'] } } }, 'bad.json');
    expect(kinds).toEqual([expect.objectContaining({ path: 'generate.faults.kinds[0]', found: '"token-theft"' })]);
    expect(kinds[0]!.expected).toContain('"token-expiry"');
    const bare = scenarioIssues({ name: 'bad', steps: [{ actor: 'world', op: { type: 'sign-in' } }] }, 'bad.json');
    expect(bare).toEqual([expect.objectContaining({ path: 'steps[0].op.client', found: 'nothing' })]);
    const unknown = (): unknown =>
      resolveDefinition(
        { name: 'bad', clients: 1, steps: [{ actor: 'world', op: { type: 'sign-in', client: 'client-9' } }] },
        'bad.json',
        process.cwd(),
      );
    expect(unknown).toThrow(ScenarioError);
    expect(unknown).toThrow('bad.json: steps[0].op.client: expected one of the clients (client-1), found "client-9"');
  });
});
