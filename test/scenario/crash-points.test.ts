/** Crash points in generated programs: generated, shrunk like every other fault decision, replayed byte for byte. */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createReferenceDriver } from '../../src/client/driver.js';
import { faultPlanOf, programArbitrary } from '../../src/scenario/arbitraries.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import type { Program } from '../../src/scenario/types.js';
import { validateFaultPlan } from '../../src/network/validate.js';

const scenario = resolveDefinition(
  {
    name: 'crash points',
    clients: 2,
    editors: 1,
    generate: { steps: { min: 1, max: 8 }, faults: { kinds: ['crash'], max: 3, writes: 30 } },
    pullPageSize: 2,
  },
  '<test>',
  process.cwd(),
);

const hashOf = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');
const crashes = (program: Program): number =>
  Object.values(program.faults.links ?? {}).reduce((n, link) => n + (link.crashes?.length ?? 0), 0);

describe('crash points in generated programs', () => {
  test('the fault plan of a crash decision names the client and the write, and validates', () => {
    const plan = faultPlanOf([{ kind: 'crash', client: 'client-2', afterWrite: 7 }], ['client-1', 'client-2'], {
      latency: { min: 5, max: 40 },
      timeoutMs: 2_000,
    });
    expect(plan.links).toEqual({ 'client-2': { crashes: [{ afterWrite: 7 }] } });
    expect(validateFaultPlan(plan)).toEqual([]);
    expect(validateFaultPlan({ links: { 'client-1': { crashes: [{ afterWrite: 0 }, { write: 2 }] } } })).toEqual([
      { path: 'links.client-1.crashes[0].afterWrite', expected: 'an integer >= 1', found: '0' },
      {
        path: 'links.client-1.crashes[1].write',
        expected: 'no such property (allowed: afterWrite)',
        found: '2',
      },
      { path: 'links.client-1.crashes[1].afterWrite', expected: 'an integer >= 1', found: 'nothing' },
    ]);
  });

  test('a program that fails because a crash point fired shrinks to one crash point and replays to the same history', async () => {
    // The property "no app ever crashes between two store writes" fails exactly when a crash point fires.
    const outcome = await fc.check(
      fc.asyncProperty(programArbitrary(scenario), async (program) => {
        const run = await executeProgram(scenario, program, { driver: createReferenceDriver });
        return !run.history.some((event) => event.kind === 'fault' && event.fault === 'crash');
      }),
      { seed: 7, numRuns: 60 },
    );
    expect(outcome.failed).toBe(true);
    const [program] = outcome.counterexample! as [Program];
    expect(outcome.numShrinks).toBeGreaterThan(0);
    expect(crashes(program)).toBe(1);
    const first = await executeProgram(scenario, program, { driver: createReferenceDriver });
    const second = await executeProgram(scenario, JSON.parse(JSON.stringify(program)) as Program, {
      driver: createReferenceDriver,
    });
    expect(first.history.some((event) => event.kind === 'fault' && event.fault === 'crash')).toBe(true);
    expect(hashOf(second.history)).toBe(hashOf(first.history));
  }, 120_000);
});
