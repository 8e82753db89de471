/**
 * The pieces every input format's zod schema is built from, and the adapter that turns zod's
 * issues into syncwright's own "path: expected X, found Y" wording. Each piece carries the
 * words of what it expects as its error, so an issue's message is already the `expected` part;
 * the adapter adds where (as the format writes paths) and what was found there.
 *
 * Files are parsed (depth-guarded) before a schema sees them, and a schema only judges: callers
 * keep the value they parsed, so checking never changes what a program runs.
 */
import { z } from 'zod';

/**
 * A format's type as the code holds it: what its schema puts out, read-only all the way down
 * (zod's outputs are mutable; nothing that reads a file changes it).
 */
export type Frozen<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer I)[]
    ? readonly Frozen<I>[]
    : T extends object
      ? { readonly [K in keyof T]: Frozen<T[K]> }
      : T;

/** One problem, before a format words its path. */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly expected: string;
  /** What was there, already in words. */
  readonly found: string;
}

/** A value in words: short JSON, `nothing` for a missing one. */
export type Show = (value: unknown) => string;

/**
 * What editors see in place of a schema that checks in code ({@link dispatch}, {@link across}):
 * the JSON Schema (json-schema.ts) describes the view.
 */
const EDITOR_VIEWS = new WeakMap<z.ZodType, z.ZodType>();

/** The view of `schema`, or of the schema it was cloned from (`.describe()` clones). */
export function editorView(schema: z.core.$ZodType): z.ZodType | undefined {
  for (let at: z.core.$ZodType | undefined = schema; at !== undefined; at = at._zod.parent) {
    const view = EDITOR_VIEWS.get(at as z.ZodType);
    if (view !== undefined) return view;
  }
  return undefined;
}

/** `schema`, shown to editors as `view`. */
export function viewedAs<T extends z.ZodType>(schema: T, view: z.ZodType): T {
  EDITOR_VIEWS.set(schema, view);
  return schema;
}

/** Every problem `schema` finds in `value`, in the order a reader fixes them: unknown keys first. */
export function schemaIssues(schema: z.ZodType, value: unknown, show: Show): SchemaIssue[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  const out: (SchemaIssue & { readonly ahead?: boolean })[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // An object's unknown keys come before what is wrong inside it, one issue per key.
      const at = out.findIndex((other) => other.ahead !== true && startsWith(other.path, issue.path));
      const unknown = issue.keys.map((key) => {
        const path = [...issue.path, key];
        return { path, expected: issue.message, found: show(valueAt(value, path)) };
      });
      out.splice(at < 0 ? out.length : at, 0, ...unknown);
      continue;
    }
    // A length check runs even on a value of the wrong type: the same words twice say nothing new.
    const last = out.at(-1);
    if (last !== undefined && last.expected === issue.message && samePath(last.path, issue.path)) continue;
    const params = issue.code === 'custom' ? (issue.params as { found?: string; ahead?: true } | undefined) : undefined;
    out.push({
      path: issue.path,
      expected: issue.message,
      found: params?.found ?? show(valueAt(value, issue.path)),
      ahead: params?.ahead === true,
    });
  }
  return out.map(({ path, expected, found }) => ({ path, expected, found }));
}

function samePath(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  return a.length === b.length && startsWith(a, b);
}

function startsWith(path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
  return prefix.every((key, i) => path[i] === key);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** A problem a check found itself: where (below the checked value), what belongs there, and optionally what was found in words. */
export interface Problem {
  readonly path?: readonly PropertyKey[];
  readonly expected: string;
  readonly found?: string;
  /**
   * Where it goes among the schema's issues, in fields of the object's shape (0 = after the
   * first field's issues) or items of an array; default: after those of the field or item it names.
   */
  readonly rank?: number;
  /** Stays ahead of the problems inside the value it names (those of its keys included). */
  readonly ahead?: true;
}

/**
 * A check across fields, after the schema's own, each problem an issue placed after those of
 * the fields it follows (as a reader fixes them). It runs even when parts of the value have
 * problems (each check guards the types it reads), or with `onlyWhenValid` only when nothing
 * else is wrong.
 */
export function across<T extends z.ZodType>(
  schema: T,
  check: (value: unknown) => readonly Problem[],
  onlyWhenValid = false,
): z.ZodType<z.output<T>, z.input<T>> {
  const keys = schema instanceof z.ZodObject ? Object.keys(schema.shape as object) : [];
  const rank = (path: readonly PropertyKey[]): number =>
    typeof path[0] === 'number' ? path[0] : keys.indexOf(String(path[0]));
  const wrapped = z.custom<z.output<T>>().superRefine((value, ctx) => {
    const result = schema.safeParse(value);
    const issues: z.core.$ZodIssue[] = result.success ? [] : [...result.error.issues];
    if (!onlyWhenValid || issues.length === 0) {
      const ranks = issues.map((issue) => rank(issue.path));
      for (const problem of check(value)) {
        const at = problem.rank ?? rank(problem.path ?? []);
        let after = issues.length;
        while (after > 0 && ranks[after - 1]! > at) after--;
        issues.splice(after, 0, issueOf(problem));
        ranks.splice(after, 0, at);
      }
    }
    for (const issue of issues) ctx.addIssue({ ...issue });
  }) as unknown as z.ZodType<z.output<T>, z.input<T>>;
  return viewedAs(wrapped, schema);
}

function issueOf(problem: Problem): z.core.$ZodIssue {
  return {
    code: 'custom',
    message: problem.expected,
    path: [...(problem.path ?? [])],
    input: undefined,
    params: { found: problem.found, ahead: problem.ahead },
  };
}

/**
 * A value whose shape depends on itself (or is refused as a whole): `choose` picks the schema to
 * check it against, the way a reader would — one of the branches, or a narrower check of one
 * (a field left unjudged until the one it depends on is right). Editors see the branches (anyOf).
 */
export function dispatch<const B extends readonly z.ZodType[]>(
  branches: B,
  choose: (value: unknown) => z.ZodType | Problem,
): z.ZodType<z.output<B[number]>, z.input<B[number]>> {
  const schema = z.custom<z.output<B[number]>>().superRefine((value, ctx) => {
    const picked = choose(value);
    if (!(picked instanceof z.ZodType)) {
      ctx.addIssue({ ...issueOf(picked) });
      return;
    }
    const result = picked.safeParse(value);
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ ...issue });
  }) as unknown as z.ZodType<z.output<B[number]>, z.input<B[number]>>;
  return viewedAs(schema, branches.length === 1 ? branches[0]! : z.union(branches));
}

/** `a number in [min, max]` (or `an integer …`, `… >= min`): one message whichever bound fails. */
export function numberIn(min: number, max = Number.POSITIVE_INFINITY, integer = false) {
  const error = `${integer ? 'an integer' : 'a number'} ${max === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${max}]`}`;
  let schema = z.number({ error });
  if (integer) schema = schema.int({ error });
  schema = schema.min(min, { error });
  if (max !== Number.POSITIVE_INFINITY) schema = schema.max(max, { error });
  return schema;
}

export function integerIn(min: number, max = Number.POSITIVE_INFINITY) {
  return numberIn(min, max, true);
}

/** One of fixed values; `words` overrides the default `one of "a", "b"`. */
export function oneOf<const T extends readonly z.core.util.Literal[]>(
  values: T,
  words = `one of ${values.map((item) => JSON.stringify(item)).join(', ')}`,
) {
  return z.literal(values, { error: words });
}

export const aString = () => z.string({ error: 'a string' });
export const aBoolean = () => z.boolean({ error: 'true or false' });
export const anArray = <T extends z.ZodType>(item: T) => z.array(item, { error: 'an array' });

/** An object with these keys only; `allowed` lists them as the message does (default: the shape's order). */
export function strict<S extends z.ZodRawShape>(shape: S, allowed: readonly string[] = Object.keys(shape)) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `no such property (allowed: ${allowed.join(', ')})` : 'an object',
  });
}

/** An object of any keys, each value checked by `value`. */
export function recordOf<T extends z.ZodType>(value: T, expected = 'an object') {
  return z.record(z.string(), value, { error: expected });
}

/** A function (TypeScript scenarios only); JSON files cannot hold one. */
export function aFunction<F extends (...args: never[]) => unknown>(expected: string) {
  return z.custom<F>((value) => typeof value === 'function', { error: expected });
}
