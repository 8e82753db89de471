/**
 * A results file (`results.json`) as a zod schema, as `merge-reports`, `--failed` and the
 * explorer read it back: checked down to each scenario and its counterexample's top-level
 * fields; histories are taken as they are (reports draw unknown event kinds as plain boxes).
 * Lists of nested things are judged whole (`an array of check results`), as their messages say.
 */
import { z } from 'zod';
import { across, dispatch, type Problem } from '../protocol/schema.js';
import {
  aNumber,
  anObject,
  aString,
  counterexampleSchema,
  describe,
  judgedWhole,
} from '../scenario/counterexample-schema.js';
import { SCENARIO_STATUSES } from './summary.js';

export { describe };

/** The words of a file that is not syncwright's at all. */
export const NOT_SYNCWRIGHT = 'not a syncwright results file (tool.name is not "syncwright")';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const whole = (least: number, words: string) =>
  z.custom<number>((value) => Number.isInteger(value) && (value as number) >= least, { error: words });

const scenario = anObject({
  name: aString(),
  file: aString(),
  client: aString(),
  description: aString().optional(),
  status: z.literal(SCENARIO_STATUSES, { error: `one of ${SCENARIO_STATUSES.join(', ')}` }),
  runs: whole(0, 'a whole number ≥ 0'),
  seed: aNumber(),
  durationMs: aNumber(),
  coverage: judgedWhole(z.record(z.string(), z.number()), 'an object of counts'),
  weak: judgedWhole(z.array(z.string()), 'an array of strings'),
  error: aString().optional(),
  timings: anObject().optional(),
  failure: counterexampleSchema.optional(),
});

const shard = across(
  // `total` is judged against `index` below.
  anObject({ index: whole(1, 'a whole number ≥ 1'), total: z.custom<number>().optional() }),
  (value): Problem[] =>
    isObject(value) && !(Number.isInteger(value['total']) && (value['total'] as number) >= (value['index'] as number))
      ? [{ path: ['total'], expected: 'a whole number ≥ shard.index' }]
      : [],
);

const syncwrightTool = anObject({ name: z.literal('syncwright'), version: aString() });
const tool = dispatch([syncwrightTool], (value) =>
  isObject(value) && value['name'] === 'syncwright' ? syncwrightTool : { expected: NOT_SYNCWRIGHT },
);

export const runResultsSchema = z.looseObject(
  {
    tool,
    seed: aNumber(),
    client: aString(),
    startedAt: aString(),
    durationMs: aNumber(),
    shard: shard.optional(),
    scenarios: z.array(scenario, { error: 'an array' }),
  },
  { error: 'a results object' },
);

/** `results.seed` for a top-level field, else `scenarios[2].failure.history`, `shard.index`, `tool.version`. */
export function resultsPath(path: readonly PropertyKey[]): string {
  if (path.length === 1) return `results.${String(path[0])}`;
  return path.reduce<string>(
    (at, key) => (typeof key === 'number' ? `${at}[${key}]` : at === '' ? String(key) : `${at}.${String(key)}`),
    '',
  );
}
