import { describe, test, expect } from 'vitest';
import fc from 'fast-check';
import { validateFaultPlan } from '../../src/network/validate.js';
import { programArbitrary } from '../../src/scenario/arbitraries.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import { scenarioIssues } from '../../src/scenario/validate.js';

/** Steps in the largest step group: a three-record server batch, a pull and a restart. */
const LARGEST_GROUP = 5;

const scenario = resolveDefinition(
  { name: 'arb', clients: 2, editors: 1, generate: { steps: { max: 8 }, faults: { kinds: 'all', max: 4 } } },
  '<test>',
  process.cwd(),
);

describe('program arbitraries', () => {
  test('generate plain-JSON programs that are valid fixed-step scenarios with valid fault plans', () => {
    fc.assert(
      fc.property(programArbitrary(scenario), (program) => {
        expect(JSON.parse(JSON.stringify(program))).toEqual(program);
        expect(validateFaultPlan(program.faults)).toEqual([]);
        expect(
          scenarioIssues(
            { name: 'saved', clients: 2, editors: 1, seed: program.seed, steps: program.steps, faults: program.faults },
            'saved.json',
          ),
        ).toEqual([]);
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  test('start synced: every program opens with the records on the server and a sync', () => {
    const [program] = fc.sample(programArbitrary(scenario), { numRuns: 1, seed: 4 });
    expect(program!.steps.slice(0, 4).map((step) => `${step.actor} ${step.op.type}`)).toEqual([
      'editor-1 insert',
      'editor-1 insert',
      'editor-1 insert',
      'world sync',
    ]);
  });

  test('shrink faults along with steps: the smallest program has neither', () => {
    const smallest = fc.sample(fc.noShrink(programArbitrary(scenario)), { numRuns: 1, seed: 5 });
    expect(smallest.length).toBe(1);
    let shrunk: unknown;
    fc.check(
      fc.property(programArbitrary(scenario), (program) => {
        shrunk = program;
        return false;
      }),
      { seed: 5 },
    );
    const program = shrunk as { steps: unknown[]; faults: { links?: unknown } };
    // The prelude and one step group remain: a group (an edit during a pull, say) shrinks whole.
    expect(program.steps.length).toBeGreaterThan(4);
    expect(program.steps.length).toBeLessThanOrEqual(4 + LARGEST_GROUP);
    expect(smallest[0]!.steps.length).toBeGreaterThan(program.steps.length);
    expect(program.faults.links).toBeUndefined();
  });
  test('local reads are program steps: the default mix has reads and lookups, and most programs show every record and list at both ends', () => {
    const programs = fc.sample(programArbitrary(scenario), { numRuns: 200, seed: 6 });
    const kinds = new Set(programs.flatMap((program) => program.steps.slice(4).map((step) => step.op.type)));
    expect(kinds).toContain('read');
    expect(kinds).toContain('lookup');
    const shown = (program: (typeof programs)[number], at: number): string =>
      program.steps
        .slice(at)
        .map((step) => `${step.actor} ${step.op.type}${'id' in step.op ? ` ${step.op.id}` : ''}`)
        .join(', ');
    const closing =
      'client-1 lookup r1, client-1 lookup r2, client-1 lookup r3, client-1 read, client-2 lookup r1, client-2 lookup r2, client-2 lookup r3, client-2 read';
    const closed = programs.filter((program) => shown(program, -8) === closing).length;
    const opened = programs.filter(
      (program) => shown(program, 4).startsWith('client-1 read, client-2 read') && program.steps.length > 6,
    ).length;
    expect(closed).toBeGreaterThan(120);
    expect(opened).toBeGreaterThan(120);
  });
});
