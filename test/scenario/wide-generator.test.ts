import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { CheckResult } from '../../src/check/types.js';
import { setAsideSuspended } from '../../src/check/not-judged.js';
import type { ColumnType } from '../../src/protocol/records.js';
import { programArbitrary } from '../../src/scenario/arbitraries.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import { runScenario } from '../../src/scenario/run.js';
import type { GeneratorSpec } from '../../src/scenario/types.js';
import { scenarioIssues } from '../../src/scenario/validate.js';
import { VALUE_CLASSES, classifyValue, wideValueArbitrary } from '../../src/scenario/values.js';

const TYPES = Object.keys(VALUE_CLASSES) as ColumnType[];

function scenarioWith(generate: GeneratorSpec) {
  return resolveDefinition({ name: 'wide', clients: 2, editors: 1, generate }, '<test>', process.cwd());
}

describe('values as apps have them', () => {
  test.each(TYPES)('every %s value drawn falls in one of its classes, and every class is drawn', (type) => {
    const seen = new Set<string>();
    for (const value of fc.sample(wideValueArbitrary(type), { numRuns: 3_000, seed: 5 })) {
      const valueClass = classifyValue(type, value);
      expect(VALUE_CLASSES[type] as readonly string[], JSON.stringify(value)).toContain(valueClass);
      seen.add(valueClass!);
    }
    expect([...seen].sort()).toEqual([...VALUE_CLASSES[type]].sort());
  });

  test('a failing value shrinks to the simple class', () => {
    // Every string fails: whatever class fast-check first met, the shrunk one is the simplest.
    const details = fc.check(
      fc.property(wideValueArbitrary('string'), (value) => typeof value !== 'string'),
      { seed: 11 },
    );
    expect(details.counterexample?.[0]).toBe('v0');
  });
});

describe('generator profiles', () => {
  test('old-mix draws only r1…rN ids, v<n> strings and none of the new step kinds', () => {
    const arbitrary = programArbitrary(scenarioWith({ profile: 'old-mix', steps: { min: 5, max: 12 } }));
    for (const program of fc.sample(arbitrary, { numRuns: 200, seed: 9 })) {
      for (const step of program.steps) {
        const op = step.op as Record<string, unknown>;
        expect(['purge', 'offline', 'online', 'query']).not.toContain(op['type']);
        expect(op['filter']).toBeUndefined();
        const record = (op['record'] ?? op['changes']) as Record<string, unknown> | undefined;
        if (record?.['id'] !== undefined) expect(record['id']).toMatch(/^r\d+$/);
        if (typeof record?.['text'] === 'string') expect(record['text']).toMatch(/^v\d+$/);
      }
    }
  });

  test('wide programs insert fresh ids, purge, pull with filters and stay valid fixed-step scenarios', () => {
    const arbitrary = programArbitrary(scenarioWith({ steps: { min: 5, max: 14 }, faults: { kinds: 'all' } }));
    const programs = fc.sample(arbitrary, { numRuns: 200, seed: 9 });
    const ops = programs.flatMap((program) => program.steps.map((step) => step.op as Record<string, unknown>));
    const inserted = ops.filter((op) => op['type'] === 'insert').map((op) => (op['record'] as { id: string }).id);
    expect(inserted.some((id) => !/^r\d+$/.test(id))).toBe(true);
    expect(ops.some((op) => op['type'] === 'purge')).toBe(true);
    expect(ops.some((op) => op['type'] === 'pull' && typeof op['filter'] === 'string')).toBe(true);
    for (const program of programs.slice(0, 50)) {
      const saved = {
        name: 's',
        clients: 2,
        editors: 1,
        seed: program.seed,
        steps: program.steps,
        faults: program.faults,
      };
      expect(scenarioIssues(saved, 'saved.json')).toEqual([]);
    }
  });

  test('a scenario file names its profile and server variants, and a wrong one is refused with its path', () => {
    const issues = scenarioIssues(
      { name: 'x', generate: { profile: 'narrow' }, server: { ties: 'sometimes', topCap: 0, deletes: 'hard' } },
      'x.json',
    ).map((issue) => issue.path);
    expect(issues).toEqual(['server.ties', 'server.topCap', 'generate.profile']);
  });

  test('at seed 42 the wide scenario reaches every step kind and value class of its tables', async () => {
    const result = await runScenario('scenarios/generated-wide.ts', { seed: 42 });
    expect(result.status).toBe('passed');
    expect(result.weak).toEqual([]);
    expect(result.coverage['step-purge']).toBeGreaterThan(0);
    expect(result.coverage['value-number-tiny']).toBeGreaterThan(0);
  }, 120_000);

  test('the less kind server scenario passes on the reference client and counts its variants', async () => {
    const result = await runScenario('scenarios/generated-unkind-server.ts', { seed: 42, runs: 40 });
    expect(result.status).toBe('passed');
    expect(result.coverage['server-hard-deletes']).toBe(40);
  }, 120_000);
});

describe('not judged under a less kind server', () => {
  const result: CheckResult = {
    checker: 'convergence',
    valid: false,
    violations: [
      {
        message: 'client-1 holds todoitem/r1, deleted on the server',
        events: [3],
        rule: 'convergence.tables-equal',
        at: { op: 'pull', status: 'ok' },
      },
      {
        message: 'the queue did not drain',
        events: [4],
        rule: 'convergence.queue-drains',
        at: { op: 'push', status: 'ok' },
      },
    ],
    explanation: '2 violations.',
  };

  test('hard deletes set aside what they suspend, say so, and keep the rest', () => {
    const [aside] = setAsideSuspended([result], ['hard-deletes']);
    expect(aside!.violations.map((violation) => violation.rule)).toEqual(['convergence.queue-drains']);
    expect(aside!.valid).toBe(false);
    expect(aside!.explanation).toContain('Not judged under hard-deletes: convergence.tables-equal');
    const [only] = setAsideSuspended([{ ...result, violations: result.violations.slice(0, 1) }], ['hard-deletes']);
    expect(only!.valid).toBe(true);
  });

  test('a variant that suspends nothing, or none at all, leaves results alone', () => {
    expect(setAsideSuspended([result], ['ties-shuffled', 'top-capped'])).toEqual([result]);
    expect(setAsideSuspended([result], [])).toEqual([result]);
  });
});
