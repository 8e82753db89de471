/**
 * What the page (or anyone else) sends to the explorer's API, as zod schemas in the words of the
 * API's 400 answers. An answer names one problem, the first a reader meets: unknown fields, then
 * the fields in the order a request is read (a field that depends on another is judged once that
 * one is right). Records depend on the session's tables, so their schemas are built per table
 * list; input.ts turns a request that passed into a typed call.
 */
import { z } from 'zod';
import { LINK_ERROR_STATUSES } from '../network/fault-plan.js';
import { MAX_BODY_BYTES, MAX_ID_LENGTH } from '../protocol/limits.js';
import type { ColumnType, JsonObject, JsonValue, TableDefinition } from '../protocol/records.js';
import { formatBytes } from '../protocol/safe-json.js';
import { across, dispatch, oneOf, type Problem } from '../protocol/schema.js';
import { show } from '../scenario/schema.js';
import { SCRIPTED_DECISIONS, type ScriptedDecision } from '../scenario/scripted.js';
import { OPERATION_ACTIONS } from '../kernel/driver.js';
import { EXPLORER_POLICIES } from './session.js';

const MAX_FIELDS = 64;
const MAX_TEXT = 10_000;
/** Of a JSON column, only this many items (and {@link MAX_FIELDS} keys) are judged and kept. */
const MAX_ITEMS = 1000;
const MAX_DEPTH = 8;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const QUERY_ID = /^[A-Za-z0-9_.-]{1,100}$/;

/** A value as the API's answers show it: short JSON, `nothing` for a missing one (the scenario messages' words). */
export { show };

/** `body` for the request itself, else `record.data.a[0]`. */
export function fieldOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path.reduce<string>(
    (at, key) => (typeof key === 'number' ? `${at}[${key}]` : at === '' ? String(key) : `${at}.${String(key)}`),
    '',
  );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A request object with these fields only; `allowed` lists them as the answer does. */
function fields<S extends z.ZodRawShape>(shape: S, allowed: readonly string[] = Object.keys(shape)) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `no such field (allowed: ${allowed.join(', ') || 'none'})` : 'a JSON object',
  });
}

function text(max: number, pattern?: RegExp, what = 'a string') {
  const error = `${what} of at most ${max} characters`;
  const schema = z.string({ error }).max(max, { error });
  return pattern === undefined ? schema : schema.regex(pattern, { error });
}

function id() {
  const error = `an id: 1 to ${MAX_ID_LENGTH} characters, no control characters`;
  return z
    .string({ error })
    .min(1, { error })
    .max(MAX_ID_LENGTH, { error })
    .regex(/^[^\u0000-\u001f]*$/, { error });
}

function whole(min: number, max: number) {
  const error = `a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function rate() {
  const error = 'a rate from 0 to 1';
  return z.number({ error }).min(0, { error }).max(1, { error });
}

const bool = () => z.boolean({ error: 'true or false' });
const either = <const T extends readonly z.core.util.Literal[]>(values: T) =>
  oneOf(values, `one of ${values.join(', ')}`);
/** A field judged elsewhere (by a head or a branch). */
const anything = () => z.unknown().optional();
/** A field this request leaves out: `nothing (why)`. */
const nothing = (why: string) => z.never({ error: `nothing (${why})` }).optional();

const date = () =>
  z
    .string({ error: 'an ISO-8601 date or null' })
    .refine((value) => !Number.isNaN(Date.parse(value)), { error: 'an ISO-8601 date or null' });

const COLUMN: Record<Exclude<ColumnType, 'object'>, () => z.ZodType> = {
  string: () => text(MAX_TEXT),
  boolean: bool,
  number: () => z.number({ error: 'a finite number or null' }),
  date,
};

/** The first problem `schema` finds in `value`, `path` below the checked record. */
function problemOf(schema: z.ZodType, value: unknown, path: readonly PropertyKey[]): Problem[] {
  const result = schema.safeParse(value);
  const issue = result.success ? undefined : result.error.issues[0];
  return issue === undefined ? [] : [{ path: [...path, ...issue.path], expected: issue.message }];
}

/** A JSON column's value: judged as far as it is kept (see {@link keptJson}). */
function jsonProblems(value: unknown, path: readonly PropertyKey[], depth: number): Problem[] {
  if (depth > MAX_DEPTH) return [{ path, expected: `JSON nested at most ${MAX_DEPTH} deep`, found: show('...') }];
  if (value === null || typeof value === 'boolean') return [];
  if (typeof value === 'number' && Number.isFinite(value)) return [];
  if (typeof value === 'string') return problemOf(text(MAX_TEXT), value, path);
  const children = Array.isArray(value)
    ? value.slice(0, MAX_ITEMS).map((item, i) => [i, item] as const)
    : isObject(value)
      ? Object.entries(value).slice(0, MAX_FIELDS)
      : undefined;
  if (children === undefined) return [{ path, expected: 'a JSON value' }];
  for (const [key, item] of children) {
    const problems = jsonProblems(item, [...path, key], depth + 1);
    if (problems.length > 0) return problems;
  }
  return [];
}

/** A JSON column's value as a record keeps it: the first items and keys only. */
export function keptJson(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map(keptJson);
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value)
        .slice(0, MAX_FIELDS)
        .map(([key, item]) => [key, keptJson(item as JsonValue)]),
    );
  return value;
}

/** A record that passed {@link recordSchema} as it is kept: JSON columns cut to what was judged. */
export function keptRecord(value: Record<string, unknown>, definition: TableDefinition): JsonObject {
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value))
    out[key] =
      definition.columns[key] === 'object' && Object.hasOwn(definition.columns, key)
        ? keptJson(item as JsonValue)
        : (item as JsonValue);
  return out;
}

/** Each field of a record, in its order: a name, then `id`, `version` or a column of the table with its type. */
function recordProblems(value: Record<string, unknown>, definition: TableDefinition, needsId: boolean): Problem[] {
  const entries = Object.entries(value);
  if (entries.length > MAX_FIELDS)
    return [{ expected: `at most ${MAX_FIELDS} fields`, found: show(`${entries.length} fields`) }];
  const columns = Object.keys(definition.columns);
  for (const [key, item] of entries) {
    if (!FIELD_NAME.test(key))
      return [{ path: [key], expected: 'a field name of letters, digits and _', found: show(key) }];
    // Own properties only: a column named like an Object method (`toString`) is not one unless the table has it.
    const type = Object.hasOwn(definition.columns, key) ? definition.columns[key] : undefined;
    const problems =
      key === 'id'
        ? problemOf(id(), item, [key])
        : key === 'version'
          ? problemOf(text(200), item, [key])
          : type === undefined
            ? [
                {
                  path: [key],
                  expected: `a column of ${definition.name} (${columns.join(', ')}), id or version`,
                  found: show(key),
                },
              ]
            : item === null
              ? []
              : type === 'object'
                ? jsonProblems(item, [key], 0)
                : problemOf(COLUMN[type](), item, [key]);
    if (problems.length > 0) return problems;
  }
  if (needsId && value['id'] === undefined) return [{ path: ['id'], expected: 'the id of the record' }];
  // 64 long texts fit the explorer's own limits and not the backend's body limit: refused here, not blamed on the client.
  const bytes = Buffer.byteLength(JSON.stringify(keptRecord(value, definition)), 'utf8');
  return bytes > MAX_BODY_BYTES
    ? [{ expected: `a record of at most ${formatBytes(MAX_BODY_BYTES)} as JSON`, found: show(formatBytes(bytes)) }]
    : [];
}

function aRecord(missing?: string) {
  return z.custom<Record<string, unknown>>(isObject, {
    error: (issue) => (issue.input === undefined && missing !== undefined ? missing : 'a record (a JSON object)'),
  });
}

/** A record for `definition`: its own columns (typed), `id` and `version`, nothing else. */
export function recordSchema(definition: TableDefinition, needsId: boolean, missing?: string) {
  return across(
    aRecord(missing),
    (value) => recordProblems(value as Record<string, unknown>, definition, needsId),
    true,
  );
}

/** The system properties a resolution's record may carry besides a record's own fields. */
const RESOLUTION_SYSTEM: Readonly<Record<string, z.ZodType>> = {
  createdAt: date().nullable(),
  updatedAt: date().nullable(),
  deleted: bool(),
};

/** A record as a resolution gives it: the system properties first, then the rest as a record with its id. */
function resolutionRecordSchema(definition: TableDefinition, missing?: string) {
  return across(
    aRecord(missing),
    (value) => {
      const own: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const system = Object.hasOwn(RESOLUTION_SYSTEM, key) ? RESOLUTION_SYSTEM[key] : undefined;
        if (system === undefined) own[key] = item;
        else {
          const problems = problemOf(system, item, [key]);
          if (problems.length > 0) return problems;
        }
      }
      return recordProblems(own, definition, true);
    },
    true,
  );
}

/** `value` judged by `head` until it passes, then by the branch `next` picks from it. */
function afterHead<const B extends readonly z.ZodType[]>(
  head: z.ZodType,
  branches: B,
  next: (value: Record<string, unknown>) => z.ZodType,
) {
  return dispatch(branches, (value) => (head.safeParse(value).success ? next(value as Record<string, unknown>) : head));
}

/** Built once per table list (a session's tables never change). */
function perTables<T>(build: (tables: readonly TableDefinition[]) => T): (tables: readonly TableDefinition[]) => T {
  const built = new WeakMap<readonly TableDefinition[], T>();
  return (tables) => {
    let schema = built.get(tables);
    if (schema === undefined) built.set(tables, (schema = build(tables)));
    return schema;
  };
}

/** The table a request names (the first table when it names none). */
export function tableOf(tables: readonly TableDefinition[], name: unknown): TableDefinition {
  return tables.find((table) => table.name === name) ?? tables[0]!;
}

const tableName = (tables: readonly TableDefinition[]) =>
  z.custom<string>((value) => tables.some((table) => table.name === value), {
    error: `one of ${tables.map((table) => table.name).join(', ')}`,
  });

export const CLIENT_OPERATION_TYPES = ['insert', 'update', 'delete', 'push', 'pull', 'purge', 'restart'] as const;
export type ClientOperationType = (typeof CLIENT_OPERATION_TYPES)[number];
const OPERATION_FIELDS = ['type', 'table', 'record', 'id', 'queryId', 'filter', 'force', 'background'];
/** The fields besides `type` and `background`, in the order a request is read. */
const OPERATION_ARGUMENTS = ['table', 'record', 'id', 'queryId', 'filter', 'force'] as const;
const TAKES: Record<ClientOperationType, readonly (typeof OPERATION_ARGUMENTS)[number][]> = {
  insert: ['table', 'record'],
  update: ['table', 'record'],
  delete: ['table', 'id'],
  pull: ['table', 'queryId', 'filter'],
  purge: ['table', 'force'],
  push: [],
  restart: [],
};

function operationArguments(
  type: ClientOperationType,
  tables: readonly TableDefinition[],
  definition: TableDefinition,
): z.ZodRawShape {
  const table = tableName(tables).optional();
  switch (type) {
    case 'insert':
    case 'update':
      return { table, record: recordSchema(definition, type === 'update') };
    case 'delete':
      return { table, id: id() };
    case 'pull':
      return {
        table,
        queryId: text(100, QUERY_ID, 'a query id of letters, digits, ., _ and -').optional(),
        filter: text(2000).optional(),
      };
    case 'purge':
      return { table, force: bool().optional() };
    case 'push':
    case 'restart':
      return {};
  }
}

/** A client operation (`POST /api/clients/:name/operations`): what it takes depends on its type, a record's fields on its table. */
export const clientOperationSchema = perTables((tables) => {
  const head = fields(
    {
      type: either(CLIENT_OPERATION_TYPES),
      background: bool().optional(),
      table: anything(),
      record: anything(),
      id: anything(),
      queryId: anything(),
      filter: anything(),
      force: anything(),
    },
    OPERATION_FIELDS,
  );
  const branch = (type: ClientOperationType, definition: TableDefinition) => {
    const takes = TAKES[type];
    const refused = OPERATION_ARGUMENTS.filter((key) => !takes.includes(key)).map(
      (key) => [key, nothing(`a ${type} takes ${takes.join(', ') || 'no other field'}`)] as const,
    );
    return fields(
      {
        type: z.literal(type),
        background: bool().optional(),
        ...Object.fromEntries(refused),
        ...operationArguments(type, tables, definition),
      },
      OPERATION_FIELDS,
    );
  };
  return afterHead(head, [head], (value) =>
    branch(value['type'] as ClientOperationType, tableOf(tables, value['table'])),
  );
});

const EDIT_FIELDS = ['editor', 'type', 'table', 'record', 'id', 'changes'];
/** An update's fields as its answer lists them (its changes are read before its id). */
const UPDATE_FIELDS = ['editor', 'type', 'table', 'id', 'changes'];

/** A server edit (`POST /api/server/edits`): the editor, type and table first, then what the type takes. */
export const serverEditSchema = perTables((tables) => {
  const editor = text(46, /^editor[-\w]{0,40}$/, 'an editor name starting with "editor"').optional();
  const head = fields(
    {
      editor,
      type: either(OPERATION_ACTIONS),
      table: tableName(tables).optional(),
      record: anything(),
      id: anything(),
      changes: anything(),
    },
    EDIT_FIELDS,
  );
  const known = { editor: anything(), type: anything(), table: anything() };
  const branch = (type: (typeof OPERATION_ACTIONS)[number], definition: TableDefinition) => {
    switch (type) {
      case 'insert':
        return fields({ ...known, record: recordSchema(definition, false) });
      case 'update':
        return across(
          fields({ ...known, changes: recordSchema(definition, false), id: id() }, UPDATE_FIELDS),
          (value): Problem[] => {
            if (!isObject(value) || !recordSchema(definition, false).safeParse(value['changes']).success) return [];
            const changes = value['changes'] as Record<string, unknown>;
            return 'id' in changes && changes['id'] !== value['id']
              ? [{ path: ['changes', 'id'], expected: 'no id (or the same id as the row)' }]
              : [];
          },
        );
      case 'delete':
        return fields({ ...known, id: id() });
    }
  };
  return afterHead(head, [head], (value) =>
    branch(value['type'] as (typeof OPERATION_ACTIONS)[number], tableOf(tables, value['table'])),
  );
});

/** A link's fault panel (`PUT /api/links/:name/faults`). */
export const linkFaultsSchema = across(
  fields(
    {
      latency: across(fields({ minMs: whole(0, 60_000), maxMs: whole(0, 60_000) }), (value): Problem[] => {
        if (!isObject(value)) return [];
        const { minMs, maxMs } = value;
        return whole(0, 60_000).safeParse(minMs).success &&
          whole(0, 60_000).safeParse(maxMs).success &&
          (maxMs as number) < (minMs as number)
          ? [{ path: ['maxMs'], expected: `a number >= latency.minMs (${String(minMs)})` }]
          : [];
      }),
      errorRate: rate(),
      lostResponseRate: rate(),
      errorStatus: either(LINK_ERROR_STATUSES).optional(),
    },
    ['latency', 'errorRate', 'errorStatus', 'lostResponseRate'],
  ),
  (value): Problem[] => {
    if (
      !isObject(value) ||
      !rate().safeParse(value['errorRate']).success ||
      !rate().safeParse(value['lostResponseRate']).success
    )
      return [];
    const errorRate = value['errorRate'] as number;
    return errorRate + (value['lostResponseRate'] as number) > 1
      ? [{ path: ['lostResponseRate'], expected: `at most ${1 - errorRate} (errorRate + lostResponseRate <= 1)` }]
      : [];
  },
);

/** A virtual-time control (`POST /api/time`): only `advance` takes `ms`. One branch per type, so the type stays discriminated. */
const advance = fields({ type: z.literal('advance'), ms: whole(0, 86_400_000) });
const step = fields({ type: z.literal('step'), ms: nothing('only advance takes ms') });
const runUntilIdle = fields({ type: z.literal('run-until-idle'), ms: nothing('only advance takes ms') });
export const timeSchema = afterHead(
  fields({ type: either(['step', 'run-until-idle', 'advance']), ms: anything() }),
  [step, runUntilIdle, advance],
  (value) => (value['type'] === 'advance' ? advance : value['type'] === 'step' ? step : runUntilIdle),
);

/** A world action (`POST /api/world`): only `note` takes `text`. */
const note = fields({ type: z.literal('note'), text: text(500) });
const heal = fields({ type: z.literal('heal'), text: nothing('only note takes text') });
const sync = fields({ type: z.literal('sync'), text: nothing('only note takes text') });
export const worldSchema = afterHead(
  fields({ type: either(['heal', 'sync', 'note']), text: anything() }),
  [heal, sync, note],
  (value) => (value['type'] === 'note' ? note : value['type'] === 'heal' ? heal : sync),
);

const DECISION_FIELDS = ['conflict', 'decision', 'record', 'action'];

/** An answer to a conflict (`POST /api/conflict`): a record for the decisions that store one, an action for changeAction. */
export function decisionSchema(tables: readonly TableDefinition[], table: string | undefined) {
  const definition = tables.find((t) => t.name === table) ?? tables[0]!;
  const conflict = whole(1, Number.MAX_SAFE_INTEGER);
  const head = fields({ conflict, decision: either(SCRIPTED_DECISIONS), record: anything(), action: anything() });
  const noAction = nothing('only changeAction takes an action');
  const branch = (decision: ScriptedDecision) => {
    switch (decision) {
      case 'cancelAndUpdate':
      case 'update':
        // An action is refused before the record is read.
        return fields(
          {
            conflict,
            decision: anything(),
            action: noAction,
            record: resolutionRecordSchema(definition, `the record ${decision} stores`),
          },
          DECISION_FIELDS,
        );
      case 'changeAction':
        return fields({
          conflict,
          decision: anything(),
          record: resolutionRecordSchema(definition).optional(),
          action: either(OPERATION_ACTIONS),
        });
      default:
        return fields({
          conflict,
          decision: anything(),
          record: nothing(`${decision} takes no record`),
          action: noAction,
        });
    }
  };
  return afterHead(head, [head], (value) => branch(value['decision'] as ScriptedDecision));
}

/** How a check runs (`POST /api/check`). */
export const checkModeSchema = fields({ mode: either(['now', 'run']).optional() });

/** Saving the session as a scenario (`POST /api/save`). */
export const saveSchema = fields({
  name: text(80, /^[\w-]+$/, 'a file name of letters, digits, - and _'),
  description: text(500).optional(),
  overwrite: bool().optional(),
});

/** A new client (`POST /api/clients`). */
export const newClientSchema = fields({
  name: text(46, /^client[-\w]{0,40}$/, 'a client name starting with "client"').optional(),
  policy: either(EXPLORER_POLICIES).optional(),
});

/** Taking a client off line or back (`POST /api/clients/:name/offline`). */
export const offlineSchema = fields({ offline: bool() });

/** Starting over (`POST /api/reset`). */
export const resetSchema = fields({
  seed: whole(0, 2 ** 31 - 1).optional(),
  clients: whole(1, 10).optional(),
  policy: either(EXPLORER_POLICIES).optional(),
});
