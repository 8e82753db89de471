/**
 * A counterexample as syncwright saves it (a failed run's `failure`, a hunt's `findings/NNN-*.json`),
 * as a zod schema: checked down to its top-level fields; lists of nested things are judged whole,
 * as the results file's messages say. `replay` and `merge-hunts` read counterexample files through
 * it, and the results file's schema (report/schema.ts) uses it for each scenario's `failure`.
 */
import { z } from 'zod';
import { schemaIssues } from '../protocol/schema.js';
import type { Counterexample } from './results.js';

/** A value as the results messages show it: `nothing`, `an array`, `the string "x"`, `a number`. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `a ${typeof value}`;
}

export const aString = () => z.string({ error: 'a string' });
export const aNumber = () => z.number({ error: 'a number' });
export const anObject = (shape: z.ZodRawShape = {}) => z.looseObject(shape, { error: 'an object' });

/** `schema` judged as one value: any problem inside it is the whole value's, in `words`. */
export function judgedWhole<T extends z.ZodType>(schema: T, words: string) {
  return z.custom<z.output<T>>((value) => schema.safeParse(value).success, { error: words });
}

const checkResults = z.array(
  z.looseObject({ checker: z.string(), valid: z.boolean(), violations: z.array(z.unknown()), explanation: z.string() }),
);
const finite = z.number();
const historyEvents = z.array(z.looseObject({ seq: finite, t: finite, actor: z.string(), kind: z.string() }));
const tableDiffs = z.array(
  z.looseObject({
    client: z.string(),
    table: z.string(),
    expected: z.array(z.unknown()),
    actual: z.array(z.unknown()),
  }),
);

const checks = judgedWhole(checkResults, 'an array of check results');
const history = judgedWhole(historyEvents, 'an array of history events');
const tableDiff = judgedWhole(tableDiffs, 'an array of table diffs');
export const counterexampleSchema = anObject({
  seed: aNumber(),
  path: aString().optional(),
  shrinks: aNumber(),
  program: anObject(),
  replayCommand: aString(),
  scenario: aString().optional(),
  client: aString().optional(),
  stopped: aString().optional(),
  size: aNumber().optional(),
  checks,
  history,
  tableDiff,
});

/**
 * A counterexample file: what `replay` needs (a program) and, of the rest, what is there must be
 * what syncwright writes. A file written by hand with a scenario, a seed and a program replays.
 */
const counterexampleFileSchema = anObject({
  seed: aNumber().optional(),
  path: aString().optional(),
  shrinks: aNumber().optional(),
  program: anObject(),
  replayCommand: aString().optional(),
  scenario: aString().optional(),
  client: aString().optional(),
  stopped: aString().optional(),
  size: aNumber().optional(),
  checks: checks.optional(),
  history: history.optional(),
  tableDiff: tableDiff.optional(),
  comparison: anObject({ against: aString(), program: anObject() }).optional(),
});

export class CounterexampleFileError extends Error {
  override readonly name = 'CounterexampleFileError';
}

/**
 * `value` (a counterexample, or a scenario result whose `failure` is one) checked as a counterexample
 * file `shown`: its program has steps, and every field it has is what syncwright writes.
 * @throws CounterexampleFileError with the file, the field, what belongs there and what was found.
 */
export function checkedCounterexample(value: unknown, shown: string): Counterexample {
  const candidate = isObject(value) && isObject(value['failure']) ? value['failure'] : value;
  if (!isObject(candidate) || !isObject(candidate['program']))
    throw new CounterexampleFileError(
      `${shown}: expected a counterexample with a "program" (as saved from a failed run)`,
    );
  if (!Array.isArray(candidate['program']['steps']))
    throw new CounterexampleFileError(`${shown}: the counterexample's program should have "steps"`);
  const issue = schemaIssues(counterexampleFileSchema, candidate, describe)[0];
  if (issue !== undefined)
    throw new CounterexampleFileError(
      `${shown}: ${issue.path.join('.')} should be ${issue.expected}, found ${issue.found}`,
    );
  return candidate as unknown as Counterexample;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
