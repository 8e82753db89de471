/**
 * Bad input, worded as the hand-written validators worded it before the formats got their zod
 * schemas: bad-input-corpus.jsonl holds 122 broken files (scenarios, programs, fault plans,
 * tables files, results files; half the scenarios and fault plans with several problems),
 * each with every issue — or the error — the old validators reported for it. The schemas must
 * say the same, in the same order. (The cases were drawn by mutating shipped scenarios and
 * valid files; a differential run of 20,000 such files per format found no other difference.)
 * A format that gains a field or a step gains it in its lists of what is allowed, and only there:
 * the credentials and store faults, the hold step and the generated handlers' answers added
 * `credentials`, `store`, `sign-in`, `hold` and `answers` to eight cases' lists; the query step
 * added `query` to six cases' lists of client operation types.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseTablesFile } from '../../src/backend/tables-file.js';
import { validateFaultPlan } from '../../src/network/validate.js';
import { parseRunResults } from '../../src/report/json.js';
import { programIssues, scenarioIssues } from '../../src/scenario/validate.js';

interface Case {
  readonly format: 'scenarios' | 'programs' | 'faultPlans' | 'tablesFiles' | 'resultsFiles';
  readonly input: unknown;
  readonly expected: unknown;
}

const cases = readFileSync(new URL('bad-input-corpus.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Case);

const errorOf = (read: () => unknown): string => {
  try {
    read();
    return 'ok';
  } catch (error) {
    return (error as Error).message;
  }
};

const judge: Record<Case['format'], (input: unknown) => unknown> = {
  scenarios: (input) => scenarioIssues(input, 'f.json'),
  programs: (input) => programIssues(input, 'f.json'),
  faultPlans: (input) => validateFaultPlan(input),
  tablesFiles: (input) => errorOf(() => parseTablesFile(JSON.stringify(input) ?? 'null', 'f.json')),
  resultsFiles: (input) => errorOf(() => parseRunResults(JSON.stringify(input) ?? 'null', 'r.json')),
};

describe('bad input is worded as before', () => {
  test('the corpus covers every format, with files that have several problems', () => {
    const formats = new Set(cases.map((c) => c.format));
    expect([...formats].sort()).toEqual(['faultPlans', 'programs', 'resultsFiles', 'scenarios', 'tablesFiles']);
    expect(cases.filter((c) => Array.isArray(c.expected) && c.expected.length > 1).length).toBeGreaterThan(20);
  });

  test.each(cases.map((c, i) => [i + 1, c.format, c] as const))('case %i (%s)', (_, format, c) => {
    expect(judge[format](c.input)).toEqual(c.expected);
  });
});
