/**
 * A results file (`results.json`) as a zod schema, as `merge-reports`, `--failed` and the
 * explorer read it back: checked down to each scenario and its counterexample's top-level
 * fields; histories are taken as they are (reports draw unknown event kinds as plain boxes).
 * Lists of nested things are judged whole (`an array of check results`), as their messages say.
 */
import { z } from 'zod';
import { across, dispatch, type Problem } from '../protocol/schema.js';
import { SCENARIO_STATUSES } from './summary.js';

/** The words of a file that is not syncwright's at all. */
export const NOT_SYNCWRIGHT = 'not a syncwright results file (tool.name is not "syncwright")';

/** A value as the results messages show it: `nothing`, `an array`, `the string "x"`, `a number`. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `a ${typeof value}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const aString = () => z.string({ error: 'a string' });
const aNumber = () => z.number({ error: 'a number' });
const anObject = (shape: z.ZodRawShape = {}) => z.looseObject(shape, { error: 'an object' });
const whole = (least: number, words: string) =>
  z.custom<number>((value) => Number.isInteger(value) && (value as number) >= least, { error: words });

/** `schema` judged as one value: any problem inside it is the whole value's, in `words`. */
function judgedWhole<T extends z.ZodType>(schema: T, words: string) {
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

const counterexample = anObject({
  seed: aNumber(),
  path: aString().optional(),
  shrinks: aNumber(),
  program: anObject(),
  replayCommand: aString(),
  scenario: aString().optional(),
  client: aString().optional(),
  stopped: aString().optional(),
  size: aNumber().optional(),
  checks: judgedWhole(checkResults, 'an array of check results'),
  history: judgedWhole(historyEvents, 'an array of history events'),
  tableDiff: judgedWhole(tableDiffs, 'an array of table diffs'),
});

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
  failure: counterexample.optional(),
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
