/**
 * What a hunt writes and a later command reads back, as zod schemas in the words of their
 * messages: the known-findings baseline (`--baseline`), a corpus entry (`--corpus`), and a
 * shard's findings.json (`merge-reports`). Each reader reports the first problem, as a person
 * fixing the file meets it. Corpus programs are checked at their top only (what the readers rely
 * on to tell the file's kind); each finding down to what the merge reads of it.
 */
import { z } from 'zod';
import { SIGNATURE_VERSION } from '../../check/signature.js';
import { across, dispatch, type Frozen, type Problem } from '../../protocol/schema.js';

export const BASELINE_FORMAT = 1;

/** The baseline and each of its entries, as the schemas below put them out. */
export type BaselineEntry = Frozen<z.output<typeof baselineEntry>>;
export type Baseline = Frozen<z.output<typeof baselineSchema>>;

/** `typeof value === 'object'`: arrays count, as the readers have always let them. */
const isObjectLike = (value: unknown): value is object => typeof value === 'object' && value !== null;
const isObject = (value: unknown): value is Record<string, unknown> => isObjectLike(value) && !Array.isArray(value);

/** The fields of `value` that `shape` names, taken from whatever `value` is (missing ones undefined). */
function fieldsOf(shape: z.ZodRawShape, value: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(shape).map((key) => [key, isObjectLike(value) ? (value as Record<string, unknown>)[key] : undefined]),
  );
}

/** An object (or array) whose `shape` fields are judged in order. */
function objectLike<S extends z.ZodRawShape>(shape: S, expected: string) {
  const fields = z.object(shape);
  return across(
    z.custom<z.output<typeof fields>>(isObjectLike, { error: expected }),
    (value): Problem[] => {
      const result = fields.safeParse(fieldsOf(shape, value));
      return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path, expected: issue.message }));
    },
    true,
  );
}

/** A value as baseline messages show it: JSON cut at 80 characters, `undefined` for a missing one. */
export function showBaselineValue(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
}

const CLIENT_KEY = /^[^@\s]+@[^@\s]+$/;

const baselineEntry = objectLike(
  {
    signature: z
      .string({ error: 'a signature checker/rule/op/status' })
      .refine((signature) => signature.split('/').length === 4, { error: 'a signature checker/rule/op/status' })
      .describe('`checker/rule/op/status`, as check/signature.ts builds it.'),
    note: z.string({ error: 'a string' }).describe('What it is, and where docs/sdk-findings.md says so.'),
  },
  'an object',
);
const baselineEntries = z.array(baselineEntry, { error: 'an array of entries' });

const byClient = z.record(z.string(), baselineEntries);
/** Keyed by `<client>@<version>`, each key judged before its entries. */
const baselineClients = dispatch([byClient], (value) => {
  if (!isObject(value)) return { expected: 'an object keyed by <client>@<version>' };
  for (const [key, entries] of Object.entries(value)) {
    if (!CLIENT_KEY.test(key))
      return { path: [key], expected: 'a key <client>@<version>', found: showBaselineValue(key) };
    if (!baselineEntries.safeParse(entries).success) return z.looseObject({ [key]: baselineEntries });
  }
  return byClient;
});

/** Other keys are let through (and kept), as they always were. */
export const baselineSchema = z.object(
  {
    format: z.literal(BASELINE_FORMAT, { error: String(BASELINE_FORMAT) }),
    signatureVersion: z
      .literal(SIGNATURE_VERSION, { error: `${SIGNATURE_VERSION} (this syncwright's signatures)` })
      .describe("How the signatures were built (check/signature.ts): another version's signatures do not compare."),
    clients: baselineClients.describe('Keyed by `<client>@<version>`, e.g. `sdk@2.0.1`.'),
  },
  { error: 'an object' },
);

/** `(top)` for the file itself, else `clients.sdk@2.0.1[3].note`. */
export function baselinePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top)';
  return path.reduce<string>(
    (at, key) => (typeof key === 'number' ? `${at}[${key}]` : at === '' ? String(key) : `${at}.${String(key)}`),
    '',
  );
}

const featureHashes = z.array(z.number().min(0).refine(Number.isInteger));

const corpusEntry = z.looseObject({
  id: z.string({ error: 'a string' }),
  scenario: z.string({ error: 'a string' }),
  program: objectLike(
    {
      seed: z.number({ error: 'a number' }),
      steps: z.array(z.unknown(), { error: 'an array' }),
      faults: z.custom<object>(isObjectLike, { error: 'an object' }),
    },
    'an object',
  ),
  features: z.custom<number[]>((value) => featureHashes.safeParse(value).success, {
    error: 'an array of feature hashes (whole numbers)',
  }),
});

/** A corpus entry: a program a hunt ran, and the features its run reached. */
export const corpusEntrySchema = dispatch([corpusEntry], (value) =>
  isObject(value)
    ? corpusEntry
    : { expected: 'a corpus entry object', found: Array.isArray(value) ? 'an array' : String(value) },
);

const whole = (words = 'a whole number ≥ 0') =>
  z.custom<number>((value) => Number.isInteger(value) && (value as number) >= 0, { error: words });
const text = () => z.string({ error: 'a string' });

/**
 * A counterexample file a shard wrote: `findings/<name>.json` under its own folder. The merge
 * copies the file it names, so a name that climbs out of the folder (`..`, an absolute path) is refused.
 */
const counterexampleFile = z.custom<string>(
  (value) =>
    typeof value === 'string' &&
    /^findings\/[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.json$/.test(value) &&
    !value.includes('..'),
  { error: 'a counterexample file in the shard’s findings folder (findings/<name>.json)' },
);

/** What `merge-reports` reads of each finding: to order them, count them and carry their counterexamples. */
const finding = z.looseObject(
  {
    signature: text(),
    status: z.literal(['new', 'known'], { error: 'new or known' }),
    first: z.looseObject({ batch: whole(), run: whole() }, { error: 'an object' }),
    occurrences: whole(),
    shrunk: z.looseObject({ file: counterexampleFile, replayCommand: text() }, { error: 'an object' }).optional(),
  },
  { error: 'a finding object' },
);

/** What `merge-reports` reads of a shard's summary to tell whether shards belong together and add them up. */
const huntSummary = z.looseObject(
  {
    seed: z.number({ error: 'a number' }),
    client: text(),
    clientVersion: text(),
    guidance: z.boolean({ error: 'true or false' }),
    runs: whole(),
    batches: whole(),
    mutantRuns: whole(),
    end: text(),
    corpus: z.looseObject({ inputHash: text(), inputSize: whole(), added: whole() }, { error: 'an object' }),
    coverage: z.looseObject({ features: whole(), sdkBlocks: whole() }, { error: 'an object' }),
  },
  { error: 'an object' },
);

const huntResults = z.looseObject({
  kind: z.literal('hunt'),
  startedAt: text(),
  durationMs: z.number({ error: 'a number' }),
  hunt: huntSummary,
  findings: z.array(finding),
});

/** A hunt's findings.json, as far as `merge-reports` tells it from a run's results. */
export const huntResultsSchema = dispatch([huntResults], (value) => {
  if (!isObject(value) || value['kind'] !== 'hunt' || !Array.isArray(value['findings']))
    return { expected: `a hunt's findings.json ("kind": "hunt" with "findings")`, found: 'something else' };
  if (!isObjectLike(value['hunt'])) return { expected: `"hunt" (the hunt's summary)`, found: 'none' };
  return huntResults;
});
