import { describe, test, expect } from 'vitest';
import { countExhaustive, enumerateExhaustive, runExhaustive } from '../../src/scenario/exhaustive.js';

describe('exhaustive mode', () => {
  test('enumerates every program of 2 clients × 1 record × up to 3 steps each plus at most one server edit', () => {
    // Σ over step counts a, b ≤ 3 of 5^a·5^b sequence pairs, each with no edit or one of 2 edits in one of a+b+1 gaps.
    expect(countExhaustive()).toBe(341_328);
    let count = 0;
    for (const _program of enumerateExhaustive()) count++;
    expect(count).toBe(341_328);
  });

  test('enumerates a small scope completely and without repeats', () => {
    const options = { alphabet: ['update', 'push'] as const, maxSteps: 1, edits: ['delete'] as const };
    const programs = [...enumerateExhaustive(options)];
    // Pairs of sequences of length ≤ 1 over 2 letters: 3 × 3 = 9, each with no edit or an edit in a+b+1 gaps.
    expect(programs.length).toBe(countExhaustive(options));
    expect(programs.length).toBe(9 + 1 + 2 + 2 + 2 + 3 + 3 + 2 + 3 + 3);
    expect(new Set(programs.map((program) => JSON.stringify(program))).size).toBe(programs.length);
  });

  test('a sample of the programs passes on the reference client', async () => {
    const result = await runExhaustive({ stride: 34_133, limit: 10 });
    expect(result.total).toBe(341_328);
    expect(result.checked).toBe(10);
    expect(result.failures).toEqual([]);
  });

  test('finds a mutant in a small scope', async () => {
    const result = await runExhaustive({
      alphabet: ['update', 'delete', 'push'],
      maxSteps: 2,
      edits: [],
      mutations: ['wrong-collapse'],
      stopOnFailure: true,
    });
    expect(result.failures.length).toBe(1);
    expect(result.failures[0]!.checks.map((check) => check.checker)).toContain('queue-collapse');
  });
});
