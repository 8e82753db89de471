/**
 * The scenario format as a zod schema: what `validateScenario` judges (in the words of its
 * messages) and what `schema/scenario.schema.json` tells editors. Functions are accepted where a
 * TypeScript scenario may hold them; a JSON file cannot.
 */
import { z } from 'zod';
import { COMPATIBILITY_MODES, SERVER_PROFILE_NAMES } from '../backend/profiles/profile.js';
import { CHECKER_NAMES } from '../check/index.js';
import { COVERAGE_COUNTERS } from '../check/coverage.js';
import { REFERENCE_COUNTERS } from '../check/references.js';
import {
  FIELD_RULES,
  INTENT_RULE_NAMES,
  TABLE_RULE_KEYS,
  invariantRuleId,
  type FieldRule,
  type Invariant,
  type TableRules,
} from '../check/intent-types.js';
import { signaturePatternProblem } from '../check/signature.js';
import { MAX_TOP_CAP } from '../backend/server-variants.js';
import { LINK_ERROR_STATUSES } from '../network/fault-plan.js';
import { faultPlanSchema } from '../network/schema.js';
import { OPERATION_ACTIONS, type PushHandler } from '../kernel/driver.js';
import { CLIENT_OPERATION_TYPES } from '../kernel/history.js';
import { QUERY_OPERATORS, TABLE_ACCESS } from '../kernel/local-query.js';
import { parseIsoTimestamp } from '../protocol/datetime.js';
import {
  MAX_BODY_BYTES,
  MAX_ID_LENGTH,
  MAX_JSON_DEPTH,
  MAX_OBJECT_DEPTH,
  MAX_STEPS,
  MAX_VIRTUAL_MS,
} from '../protocol/limits.js';
import type { JsonValue } from '../protocol/records.js';
import { formatBytes, jsonDepth } from '../protocol/safe-json.js';
import {
  aBoolean,
  aFunction,
  anArray,
  aString,
  across,
  dispatch,
  integerIn,
  numberIn,
  oneOf,
  recordOf,
  schemaIssues,
  strict,
  viewedAs,
  type Problem,
} from '../protocol/schema.js';
import { REACH_COUNTERS } from './reach.js';
import { SCRIPTED_DECISIONS } from './scripted.js';
import { ANSWER_COUNTERS, GENERATED_ACTIONS, RECORD_CHOICES } from './generated.js';
import {
  BUILT_IN_POLICIES,
  CREDENTIAL_FAULT_KINDS,
  STORE_FAULT_KINDS,
  FAULT_DECISION_KINDS,
  GENERATOR_PROFILES,
  SCENARIO_FORMAT_VERSION,
  STEP_KINDS,
  type MergeField,
} from './types.js';

/** A value in words, as the scenario messages show it. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The problems `schema` finds in `value`, as problems of the value `prefix` leads to. */
function nested(schema: z.ZodType, value: unknown, prefix: readonly PropertyKey[]): Problem[] {
  return schemaIssues(schema, value, show).map((issue) => ({ ...issue, path: [...prefix, ...issue.path] }));
}

/** A list with at least one item; `words` say what an empty one lacks. */
function nonEmpty<T extends z.ZodType>(list: T, words: string) {
  return across(list, (value) =>
    Array.isArray(value) && value.length === 0 ? [{ expected: words, rank: Number.NEGATIVE_INFINITY }] : [],
  );
}

/** A list of names used once each. */
function distinct<T extends z.ZodType>(
  list: T,
  nameOf: (item: unknown) => unknown,
  at: (i: number, item: unknown) => PropertyKey[],
) {
  return across(list, (value) => {
    if (!Array.isArray(value)) return [];
    const seen = new Set<string>();
    const problems: Problem[] = [];
    value.forEach((item, i) => {
      const name = nameOf(item);
      if (typeof name !== 'string') return;
      if (seen.has(name)) problems.push({ path: at(i, item), expected: 'a name not used before' });
      seen.add(name);
    });
    return problems;
  });
}

// --- records and ids, as the backend takes them -------------------------------------------

/** A record's values nested within the backend's limit, the record within its body size. */
function recordFits(value: unknown): Problem[] {
  if (!isObject(value)) return [];
  const problems: Problem[] = [];
  for (const [field, item] of Object.entries(value)) {
    const depth = jsonDepth(item, MAX_OBJECT_DEPTH);
    if (depth > MAX_OBJECT_DEPTH)
      problems.push({
        path: [field],
        expected: `a value nested at most ${MAX_OBJECT_DEPTH} levels deep (the backend's limit)`,
        found: `one nested ${depth > MAX_OBJECT_DEPTH + 1 ? 'deeper' : depth} levels`,
        rank: Number.POSITIVE_INFINITY,
      });
  }
  let bytes: number;
  try {
    bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  } catch {
    return problems;
  }
  if (bytes > MAX_BODY_BYTES)
    problems.push({
      expected: `a record of at most ${formatBytes(MAX_BODY_BYTES)} as JSON (the backend's body limit)`,
      found: formatBytes(bytes),
      rank: Number.POSITIVE_INFINITY,
    });
  return problems;
}

const ID_WORDS = `a non-empty id of at most ${MAX_ID_LENGTH} characters, without control characters`;
const recordId = () =>
  aString()
    .refine((id) => id !== '' && id.length <= MAX_ID_LENGTH && !/[\u0000-\u001f\u007f]/.test(id), { error: ID_WORDS })
    .describe('A record id: 1 to 255 characters, no control characters.');

/** A field's value: any JSON (what a file can hold); its nesting and size are judged with the record's. */
const fieldValue = () => z.custom<JsonValue>();
/** Field values of a record (or of changes to one). */
const fields = () => across(recordOf(fieldValue()), recordFits);
/** A record with its id. */
const record = () =>
  across(z.object({ id: recordId() }, { error: 'an object' }).catchall(fieldValue()), recordFits).describe(
    'A record, with its `id`.',
  );

// --- tables ---------------------------------------------------------------------------------

const COLUMN_TYPES = ['string', 'number', 'boolean', 'date', 'object'] as const;

const tableDefinition = strict({
  name: aString()
    .refine((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name), {
      error: 'a table name of letters, digits and underscores',
    })
    .describe('The table’s name: letters, digits and underscores.'),
  columns: recordOf(oneOf(COLUMN_TYPES)).describe(
    'Column name → type (`id`, `version`, `updatedAt`, `deleted` come with every table).',
  ),
  pageSize: integerIn(1, 1000).optional().describe('The server’s page size for this table.'),
  maxTop: integerIn(1, 100_000).optional().describe('The largest `$top` the server takes.'),
  softDelete: aBoolean().optional().describe('Deleted records stay, marked deleted. Default true.'),
  references: recordOf(aString())
    .optional()
    .describe(
      'Parent and child: column → the table whose record’s id it holds (a string column of this table; a table of the scenario).',
    ),
}).describe('A table definition.');

const table = dispatch([z.string().describe('A built-in table’s name (`todoitem`).'), tableDefinition], (value) =>
  typeof value === 'string' ? z.string() : tableDefinition,
);

const schemaVersion = strict({
  tables: nonEmpty(anArray(table), 'at least one table').describe(
    'Every table of this app version: each table of the version before, with the same columns or more, and perhaps new tables.',
  ),
}).describe('A later app version.');

// --- server -----------------------------------------------------------------------------------

const server = strict(
  {
    ties: oneOf(['stable', 'shuffled'])
      .optional()
      .describe('Order of records that share an `updatedAt`. Default stable.'),
    deletes: oneOf(['soft', 'hard']).optional().describe('`hard`: a delete removes the record. Default soft.'),
    topCap: integerIn(1, MAX_TOP_CAP).optional().describe('The server answers at most this many records a page.'),
    nullUpdatedAt: aBoolean()
      .optional()
      .describe(
        'Rows editors insert are imported rows with a null `updatedAt`, which no pull brings until a write stamps them.',
      ),
    perUser: recordOf(
      aString()
        .regex(/^[!-~]{1,256}$/)
        .describe('A user name: 1 to 256 printable ASCII characters without spaces.'),
    )
      .optional()
      .describe(
        'Rows belong to users: each client (every one) and editor named here is signed in as its user; an editor left out is an admin. Tables get a `userId` column the server stamps.',
      ),
    profile: oneOf(SERVER_PROFILE_NAMES).optional().describe('The real server imitated. Default node.'),
    compatibility: oneOf(COMPATIBILITY_MODES)
      .optional()
      .describe('`exact`: the server’s answers where it is broken, too. Default default.'),
  },
  ['profile', 'compatibility', 'ties', 'topCap', 'deletes', 'nullUpdatedAt', 'perUser'],
).describe('The real server the backend imitates, and how kind it is.');

// --- policies ---------------------------------------------------------------------------------

const builtInName = oneOf(BUILT_IN_POLICIES).describe('A built-in policy.');

const scriptedAnswer = across(
  strict({
    decision: oneOf(SCRIPTED_DECISIONS).describe('What the handler did with the conflict.'),
    record: fields().optional().describe('The record `update` and `cancelAndUpdate` store.'),
    action: oneOf(OPERATION_ACTIONS).optional(),
    table: aString().optional(),
    itemId: aString().optional(),
  }),
  (value) =>
    isObject(value) &&
    (value['decision'] === 'cancelAndUpdate' || value['decision'] === 'update') &&
    value['record'] === undefined
      ? [{ path: ['record'], expected: `the record ${String(value['decision'])} stores` }]
      : [],
).describe('One recorded answer to a conflict.');

const scripted = strict(
  {
    name: z.literal('scripted'),
    then: oneOf(BUILT_IN_POLICIES)
      .optional()
      .describe('The policy for later conflicts and for errors. Default tutorial.'),
    conflicts: anArray(scriptedAnswer).describe('Answers to this client’s conflicts, in order.'),
  },
  ['name', 'conflicts', 'then'],
).describe('Recorded answers to the conflicts, in order (what the explorer saves).');

const merge = strict({
  name: z.literal('merge'),
  prefer: oneOf(['client', 'server']).optional().describe('The side for fields `fields` does not name.'),
  fields: recordOf(oneOf(['client', 'server']))
    .optional()
    .describe('Field → the side whose value wins.'),
  mergeField: aFunction<MergeField>('a function (TypeScript scenarios only)').optional(),
}).describe('Merge field by field.');

const moduleSpec = strict({
  module: aString().describe('Path of a module exporting `{ onConflict, onError }`, relative to the scenario file.'),
  conflicts: anArray(scriptedAnswer)
    .optional()
    .describe('Answers, in order, to the conflicts the module leaves unresolved (what the explorer saves).'),
}).describe('A team’s own handler module.');

const handlerSpec = strict({
  handler: z.looseObject(
    {
      onConflict: aFunction<NonNullable<PushHandler['onConflict']>>('a function').optional(),
      onError: aFunction<NonNullable<PushHandler['onError']>>('a function').optional(),
    },
    { error: 'an object' },
  ),
});

const namedPolicy = strict({ name: builtInName });

const generatedName = z
  .literal('generated')
  .describe('Answers drawn by the generator, one per handler call, kept in the program (`answers`).');

export const policySchema = dispatch(
  [builtInName, generatedName, merge, scripted, moduleSpec, namedPolicy, handlerSpec],
  (value) => {
    if (value === 'generated') return generatedName;
    if (typeof value === 'string') return value === 'merge' ? z.literal('merge') : builtInName;
    if (!isObject(value)) return { expected: 'an object' };
    if ('module' in value) return moduleSpec;
    if ('handler' in value) return handlerSpec;
    if (value['name'] === 'scripted') return scripted;
    if (value['name'] === 'merge') return merge;
    return namedPolicy;
  },
).describe('How a client answers conflicts and errors during push. Default tutorial.');

/** One answer of a `generated` handler (scenario/generated.ts), by what it does. */
const waits = aBoolean().describe('Whether the handler waits for the resolution or call it started.');
const resolvesPlain = strict({ do: oneOf(['cancelAndDiscard', 'cancel']), wait: waits });
const resolvesWithRecord = strict({
  do: oneOf(['cancelAndUpdate', 'update']),
  record: oneOf(RECORD_CHOICES).describe('The push error’s record the resolution is given.'),
  wait: waits,
});
const changesAction = strict({
  do: z.literal('changeAction'),
  action: oneOf(OPERATION_ACTIONS).describe('The new action.'),
  record: oneOf(RECORD_CHOICES).optional().describe('The push error’s record it is given, if any.'),
  wait: waits,
});
const decidesNothing = strict({ do: oneOf(['isHandled', 'leave', 'throw']) });
const callsBack = strict({ do: oneOf(['push', 'pull']), wait: waits });
const purgesBack = strict({ do: z.literal('purge'), force: aBoolean(), wait: waits });
const generatedAnswer = dispatch(
  [resolvesPlain, resolvesWithRecord, changesAction, decidesNothing, callsBack, purgesBack],
  (value) => {
    if (!isObject(value)) return { expected: 'an object' };
    switch (value['do']) {
      case 'cancelAndDiscard':
      case 'cancel':
        return resolvesPlain;
      case 'cancelAndUpdate':
      case 'update':
        return resolvesWithRecord;
      case 'changeAction':
        return changesAction;
      case 'isHandled':
      case 'leave':
      case 'throw':
        return decidesNothing;
      case 'push':
      case 'pull':
        return callsBack;
      case 'purge':
        return purgesBack;
      default:
        return {
          path: ['do'],
          expected: `one of ${GENERATED_ACTIONS.map((action) => JSON.stringify(action)).join(', ')}`,
          found: JSON.stringify(value['do']) ?? 'nothing',
        };
    }
  },
).describe('One answer of a generated handler.');

const generatedAnswers = recordOf(anArray(generatedAnswer)).describe(
  'Per client, the answers of its `generated` handler in call order.',
);

// --- clients and editors ------------------------------------------------------------------------

const clientName = () =>
  aString().refine(
    (name) =>
      !(name === 'world' || name.startsWith('editor') || name === '' || name === 'network' || name === 'server'),
    { error: 'a client name other than "world", "server", "network" or "editor…"' },
  );

const clientSpec = strict(
  { policy: policySchema.optional().describe('This client’s own policy.'), name: clientName() },
  ['name', 'policy'],
);
const client = dispatch([clientName().describe('A client’s name.'), clientSpec], (value) =>
  typeof value === 'string' ? clientName() : clientSpec,
);

const clients = dispatch(
  [
    integerIn(1, 10).describe('How many clients: `client-1`, `client-2`…'),
    anArray(client).describe('The clients, by name or with a policy of their own.'),
  ],
  (value) =>
    typeof value === 'number'
      ? integerIn(1, 10)
      : distinct(
          nonEmpty(anArray(client), 'at least one client'),
          (item) => (isObject(item) ? item['name'] : item),
          (i, item) => (isObject(item) ? [i, 'name'] : [i]),
        ),
).describe('A count (`client-1`…) or the clients. Default 1.');

/** Names that start with "editor", once each (after the names themselves are checked). */
const editorNames = across(
  distinct(
    anArray(aString()),
    (item) => item,
    (i) => [i],
  ),
  (value) =>
    Array.isArray(value)
      ? value.flatMap((name, i) =>
          typeof name === 'string' && !name.startsWith('editor')
            ? [{ path: [i], expected: 'an editor name starting with "editor"', rank: Number.POSITIVE_INFINITY }]
            : [],
        )
      : [],
);

const editors = dispatch(
  [
    integerIn(0, 10).describe('How many server editors: `editor-1`, `editor-2`…'),
    anArray(aString().regex(/^editor/)).describe('The editors’ names, each starting with "editor".'),
  ],
  (value) => (typeof value === 'number' ? integerIn(0, 10) : editorNames),
).describe('Server editors: a count or names. Default 0.');

// --- steps ----------------------------------------------------------------------------------

const tableName = () => aString().optional().describe('The table; may be left out when the scenario has one.');

/** An operation by its `type`, from the kinds an actor may do. */
function operation<M extends Readonly<Record<string, z.ZodType>>, O extends z.ZodType>(
  types: readonly string[],
  byType: M,
  other: O,
) {
  const branches: readonly (M[keyof M] | O)[] = [...new Set([...(Object.values(byType) as M[keyof M][]), other])];
  return dispatch(branches, (value) => {
    if (!isObject(value)) return { expected: 'an object' };
    if (!types.includes(value['type'] as string)) return { path: ['type'], expected: typeWords(types) };
    return byType[value['type'] as string] ?? other;
  });
}

function typeWords(types: readonly string[]): string {
  return `one of ${types.map((type) => JSON.stringify(type)).join(', ')}`;
}

/** The hold step: built here, where the world's other actions are. */
function holdSchema() {
  const pushRequest = strict({
    kind: z.literal('push'),
    n: integerIn(1, MAX_STEPS).describe(
      'The n-th push request (POST, PATCH, DELETE) the client sends from the hold on.',
    ),
  }).describe('A push request.');
  const pullPage = strict({
    kind: z.literal('pull'),
    page: integerIn(1, MAX_STEPS).describe('The page of a pull (its page-th table query), from the hold on.'),
  }).describe('A page of a pull.');
  const request = dispatch([pushRequest, pullPage], (value) => {
    if (!isObject(value)) return { expected: 'an object' };
    if (value['kind'] === 'push') return pushRequest;
    if (value['kind'] === 'pull') return pullPage;
    return { path: ['kind'], expected: '"push" or "pull"' };
  }).describe('Which request’s answer the link keeps.');
  return strict({
    type: z.literal('hold'),
    client: aString().describe('The client whose link keeps the answer.'),
    request,
    steps: integerIn(1, MAX_STEPS).describe('The answer is let go once this many steps after the hold have run.'),
  }).describe(
    'While a push or pull is in flight: the link keeps the answer to the chosen request until the next `steps` steps have run (at the latest until the program ends).',
  );
}

const WORLD_OPS = ['offline', 'online', 'sign-in', 'heal', 'sync', 'wait', 'note', 'hold'] as const;

const linkOp = <T extends 'offline' | 'online' | 'sign-in'>(type: T, words: string) =>
  strict({ type: z.literal(type), client: aString().describe('The client whose link goes.') }).describe(words);
const worldOps = {
  offline: linkOp('offline', 'Take a client’s link down (a partition).'),
  online: linkOp('online', 'Bring a client’s link back.'),
  'sign-in': linkOp(
    'sign-in',
    'The client’s app signs in again: a token or rights a credential fault took are restored.',
  ),
  wait: strict({ type: z.literal('wait'), ms: numberIn(0, MAX_VIRTUAL_MS).describe('Virtual ms.') }).describe(
    'Let virtual time pass.',
  ),
  note: strict({ type: z.literal('note'), text: aString() }).describe('A note in the history.'),
  hold: holdSchema(),
};
const worldOther = strict({ type: oneOf(['heal', 'sync']) }).describe(
  '`heal`: every link online, no more faults; `sync`: every client pushes, then pulls every table.',
);

const editorOps = {
  insert: strict({ type: z.literal('insert'), table: tableName(), record: record() }).describe(
    'The server inserts a record.',
  ),
  update: strict({ type: z.literal('update'), table: tableName(), id: recordId(), changes: fields() }).describe(
    'The server changes fields of a record.',
  ),
};
const editorOther = strict({ type: z.literal('delete'), table: tableName(), id: recordId() }).describe(
  'The server deletes a record.',
);

const write = <T extends 'insert' | 'update'>(type: T) =>
  strict({ type: z.literal(type), table: tableName(), record: record() }).describe(`A local ${type}.`);
const byId = <T extends 'delete' | 'lookup'>(type: T) =>
  strict({ type: z.literal(type), table: tableName(), id: recordId() }).describe(`A local ${type} by id.`);
const COLUMN_WORDS = 'a column name (a letter or _, then letters, digits or _)';
const columnName = () =>
  aString()
    .refine((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name), { error: COLUMN_WORDS })
    .describe('A column of the table (`id` or one of its own).');
const dateLiteral = strict({
  date: aString()
    .refine((text) => parseIsoTimestamp(text) !== undefined, { error: 'an ISO 8601 date-time with a zone' })
    .describe('An ISO 8601 date-time with its zone, e.g. `2026-01-02T03:04:05.678Z`.'),
}).describe('A date literal (`datetimeoffset` in OData), apart from a string that looks like a date.');
const queryLiteral = dispatch(
  [z.string(), numberIn(-Number.MAX_VALUE, Number.MAX_VALUE), z.boolean(), z.null(), dateLiteral],
  (value) => {
    if (value === null) return z.null();
    switch (typeof value) {
      case 'string':
        return z.string();
      case 'number':
        return numberIn(-Number.MAX_VALUE, Number.MAX_VALUE);
      case 'boolean':
        return z.boolean();
      case 'object':
        if (!Array.isArray(value)) return dateLiteral;
        break;
    }
    return { expected: 'a string, a finite number, true or false, null or { "date": "<ISO date-time>" }' };
  },
).describe('The value compared with: of the column’s type, or null.');
const queryPredicate = across(
  strict({ column: columnName(), op: oneOf(QUERY_OPERATORS), value: queryLiteral }).describe('`column op value`.'),
  (value) =>
    isObject(value) && value['value'] === null && value['op'] !== 'eq' && value['op'] !== 'ne'
      ? [{ path: ['op'], expected: '"eq" or "ne" with a null value', found: show(value['op']) }]
      : [],
);
const localQuery = strict({
  where: anArray(queryPredicate).max(MAX_STEPS).optional().describe('Predicates, and-ed together.'),
  orderBy: anArray(strict({ column: columnName(), descending: aBoolean().optional() }).describe('A sort key.'))
    .max(MAX_STEPS)
    .optional()
    .describe('Sort keys, most significant first.'),
  skip: integerIn(0, MAX_STEPS).optional().describe('Rows to skip.'),
  take: integerIn(0, MAX_STEPS).optional().describe('Rows to take at most.'),
  select: nonEmpty(anArray(columnName()).max(MAX_STEPS), 'at least one column')
    .optional()
    .describe('The columns each row comes back with.'),
  includeTotalCount: aBoolean().optional().describe('Ask for the count of matching rows, before skip and take.'),
}).describe('A local query, as the client’s query API takes it.');

const clientOps = {
  insert: write('insert'),
  update: write('update'),
  delete: byId('delete'),
  lookup: byId('lookup'),
  read: strict({ type: z.literal('read'), table: tableName() }).describe('A local read of a whole table.'),
  query: strict({
    type: z.literal('query'),
    table: tableName(),
    query: localQuery,
    via: oneOf(TABLE_ACCESS)
      .optional()
      .describe(
        'How the app reaches the table: `context` (`syncContext.read(query)`, the default), `sync-table` (`client.getSyncTable(name)` asked for right then), `kept-sync-table` (one asked for once per app life).',
      ),
  }).describe('A local read through the client’s query API (judged against SQLite by `local.query`).'),
  pull: strict({
    type: z.literal('pull'),
    table: tableName(),
    queryId: aString().optional().describe('An incremental pull’s query id.'),
    filter: aString().optional().describe('An OData filter.'),
  }).describe('Pull a table (incrementally with a query id).'),
  purge: strict({ type: z.literal('purge'), table: tableName(), force: aBoolean().optional() }).describe(
    'Purge a table’s local records (`force`: with pending changes).',
  ),
};
/** The operations without arguments: every type `clientOps` leaves out. */
const NO_ARGUMENTS = CLIENT_OPERATION_TYPES.filter((type) => !(type in clientOps)) as Exclude<
  (typeof CLIENT_OPERATION_TYPES)[number],
  keyof typeof clientOps
>[];
const clientOther = strict({
  type: oneOf(NO_ARGUMENTS),
}).describe('An operation without arguments (push, restart…).');

const stepOf = <A extends z.ZodType, O extends z.ZodType>(actor: A, op: O) =>
  strict(
    {
      after: numberIn(0, MAX_VIRTUAL_MS).optional().describe('Virtual ms to wait before this step. Default 0.'),
      background: aBoolean()
        .optional()
        .describe('Start the step and go on without waiting for it (a push in flight while others act).'),
      actor,
      op,
    },
    ['actor', 'op', 'after', 'background'],
  );

const worldStep = stepOf(
  z.literal('world').describe('The world itself.'),
  operation(WORLD_OPS, worldOps, worldOther),
).describe('A step of the world: links, time, notes.');
const editorStep = stepOf(
  aString()
    .regex(/^editor/)
    .describe('A server editor (`editor-1`…).'),
  operation(OPERATION_ACTIONS, editorOps, editorOther),
).describe('A server edit.');
const clientStep = stepOf(
  aString().describe('A client (`client-1`…).'),
  operation(CLIENT_OPERATION_TYPES, clientOps, clientOther),
).describe('An app operation on a client.');
/** The op is judged once the actor says whose it is. */
const actorFirst = stepOf(aString(), z.unknown().optional());

const step = dispatch([clientStep, editorStep, worldStep], (value) => {
  if (!isObject(value) || typeof value['actor'] !== 'string') return actorFirst;
  if (value['actor'] === 'world') return worldStep;
  return value['actor'].startsWith('editor') ? editorStep : clientStep;
});

/** The virtual clock moves by each step's `after` and each `wait`: their sum must stay in range. */
function elapsed(value: unknown): Problem[] {
  if (!Array.isArray(value)) return [];
  const problems: Problem[] = [];
  let total = 0;
  value.forEach((item: unknown, i) => {
    const after = isObject(item) ? item['after'] : undefined;
    const op = isObject(item) && isObject(item['op']) ? item['op'] : undefined;
    for (const [ms, where] of [
      [after, [i, 'after']],
      [op?.['type'] === 'wait' ? op['ms'] : undefined, [i, 'op', 'ms']],
    ] as const) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_VIRTUAL_MS) continue;
      total += ms;
      if (total > MAX_VIRTUAL_MS) {
        problems.push({
          path: where,
          expected: `waits that add up to at most ${MAX_VIRTUAL_MS} ms of virtual time (ten years)`,
          found: `${total} ms by this step`,
        });
        total = Number.NEGATIVE_INFINITY;
      }
    }
  });
  return problems;
}

export const stepsSchema = dispatch([anArray(step).max(MAX_STEPS)], (value) =>
  Array.isArray(value) && value.length > MAX_STEPS
    ? { expected: `at most ${MAX_STEPS} steps`, found: `${value.length} steps` }
    : across(anArray(step), elapsed),
).describe('Fixed steps, in order.');

// --- generated programs ---------------------------------------------------------------------

/** `{ min, max }` with `max >= min` once both are right. */
function span<L extends z.ZodType, H extends z.ZodType>(min: L, max: H, words: (min: number) => string) {
  return across(strict({ min, max }), (value) =>
    isObject(value) &&
    typeof value['min'] === 'number' &&
    typeof value['max'] === 'number' &&
    min.safeParse(value['min']).success &&
    max.safeParse(value['max']).success &&
    value['min'] > value['max']
      ? [{ path: ['max'], expected: words(value['min']) }]
      : [],
  );
}

const NAMED_FAULT_KINDS = [...FAULT_DECISION_KINDS, ...CREDENTIAL_FAULT_KINDS, ...STORE_FAULT_KINDS] as const;
const faultKinds = dispatch(
  [z.literal('all').describe('Every network kind.'), anArray(oneOf(NAMED_FAULT_KINDS))],
  (value) => (value === 'all' ? z.literal('all') : anArray(oneOf(NAMED_FAULT_KINDS))),
).describe(
  'Which kinds of fault decision may occur (`all`: every network kind; credential and store kinds are named). Default: none.',
);

const faultRanges = strict({
  kinds: faultKinds.optional(),
  max: integerIn(0, 50).optional().describe('At most this many decisions per program. Default 4.'),
  statuses: nonEmpty(anArray(oneOf(LINK_ERROR_STATUSES)), 'at least one status')
    .optional()
    .describe('Statuses an `http-error` may answer with. Default [500, 503].'),
  requests: integerIn(1, 1000)
    .optional()
    .describe('Faults hit one of the first `requests` requests of a link. Default 12.'),
  writes: integerIn(1, 100_000)
    .optional()
    .describe('Crashes fall after one of the first `writes` store writes. Default 24.'),
  latency: span(integerIn(0, 60_000), integerIn(0, 60_000), () => 'an integer >= latency.min')
    .optional()
    .describe('Latency per link and way, uniform in [min, max] ms. Default 5–40.'),
  windowMs: integerIn(1, 600_000).optional().describe('Longest partition or fault window, virtual ms. Default 400.'),
  timeoutMs: integerIn(1, 600_000).optional().describe('Client timeout, ms. Default 2,000.'),
}).describe('Fault decisions generated programs carry.');

/** Every weight is judged, a step kind's or not (after the unknown kinds are named). */
const mix = viewedAs(
  across(recordOf(numberIn(0, 1000)), (value) =>
    isObject(value)
      ? Object.keys(value)
          .filter((kind) => !(STEP_KINDS as readonly string[]).includes(kind))
          .map((kind) => ({
            path: [kind],
            expected: `no such property (allowed: ${STEP_KINDS.join(', ')})`,
            rank: Number.NEGATIVE_INFINITY,
          }))
      : [],
  ),
  strict(Object.fromEntries(STEP_KINDS.map((kind) => [kind, numberIn(0, 1000).optional()]))),
);

const generate = strict(
  {
    profile: oneOf(GENERATOR_PROFILES)
      .optional()
      .describe('The generator’s profile: its mix, values and ids. Default wide.'),
    start: oneOf(['synced', 'empty'])
      .optional()
      .describe('`synced`: the records start on the server and every client. Default synced.'),
    steps: span(integerIn(0, 200).optional(), integerIn(1, 200).optional(), (min) => `an integer >= steps.min (${min})`)
      .optional()
      .describe('How many steps a program has. Default 1–12.'),
    records: integerIn(1, 50).optional().describe('Records `r1`…`rN` that exist from the start. Default 3.'),
    mix: mix.optional().describe('Relative weights of step kinds; kinds left out keep their default weight.'),
    background: numberIn(0, 1).optional().describe('Chance that a push or pull runs in the background. Default 0.25.'),
    maxDelay: integerIn(0, 60_000).optional().describe('Longest pause before a step, virtual ms. Default 30.'),
    faults: faultRanges.optional(),
  },
  ['profile', 'steps', 'records', 'start', 'mix', 'background', 'maxDelay', 'faults'],
).describe('Generated programs instead of fixed steps.');

// --- expectations and intent -------------------------------------------------------------------

const signaturePattern = across(aString(), (value) => {
  const problem = typeof value === 'string' ? signaturePatternProblem(value) : undefined;
  return problem === undefined ? [] : [{ expected: `a signature pattern checker/rule/op/status (${problem})` }];
}).describe('checker/rule/op/status, `*` for any segment, trailing segments optional.');
const signaturePatterns = () => anArray(signaturePattern);

const failing = strict({ fails: signaturePatterns().describe('The known findings, by signature pattern.') });
const outcome = dispatch([z.literal('pass'), failing], (value) => {
  if (value === 'pass') return z.literal('pass');
  return isObject(value) ? failing : { expected: '"pass" or { "fails": [signature patterns] }' };
});
const expectation = recordOf(
  outcome,
  'an object of client name (or "*") → "pass" or { "fails": [signature patterns] }',
).describe('Known findings per client (`reference`, `sdk`, a driver module) or `*`: "pass" or { "fails": [...] }.');

const fieldRule = oneOf(FIELD_RULES).describe('Which value the field holds once a conflict over it is settled.');
const tableRules = across(
  strict({
    'never-empty': aBoolean().optional().describe('The table never ends up empty.'),
    unique: dispatch([aString().min(1), anArray(aString().min(1)).min(1)], (value) =>
      Array.isArray(value)
        ? nonEmpty(
            anArray(aString().refine((field) => field !== '', { error: 'a field name' })),
            'a field name or a non-empty list of them',
          )
        : z
            .string({ error: 'a field name or a non-empty list of them' })
            .min(1, { error: 'a field name or a non-empty list of them' }),
    )
      .optional()
      .describe('A field (or fields) no two settled records share.'),
    rows: across(
      span(
        integerIn(0, 1_000_000).optional(),
        integerIn(0, 1_000_000).optional(),
        (min) => `an integer >= rows.min (${min})`,
      ),
      (value) =>
        isObject(value) && value['min'] === undefined && value['max'] === undefined
          ? [{ expected: 'a "min", a "max" or both', rank: Number.NEGATIVE_INFINITY }]
          : [],
    )
      .optional()
      .describe('How many settled records the table has.'),
  }),
  (value) =>
    isObject(value) && Object.keys(value).length === 0
      ? [{ expected: `at least one of ${TABLE_RULE_KEYS.join(', ')}`, rank: Number.NEGATIVE_INFINITY }]
      : [],
).describe('Rules of a table.');

const KEY_WORDS = 'a key "<table>.<field>" or "<table>"';
const intent = viewedAs(
  across(recordOf(z.custom<FieldRule | TableRules>()), (value) => {
    if (!isObject(value)) return [];
    return Object.entries(value).flatMap(([key, rule]): Problem[] => {
      const dot = key.indexOf('.');
      if (dot === 0 || dot === key.length - 1 || key === '')
        return [{ path: [key], expected: KEY_WORDS, found: show(key) }];
      if (dot > 0) return nested(fieldRule, rule, [key]);
      if (typeof rule === 'string')
        return [
          {
            path: [key],
            expected: `table rules { ${TABLE_RULE_KEYS.join(', ')} } (a field's rule needs a key "<table>.<field>")`,
          },
        ];
      return nested(tableRules, rule, [key]);
    });
  }),
  recordOf(z.union([fieldRule, tableRules])),
).describe(
  'What the app intends: per "<table>.<field>" a field rule (client-wins, server-wins, merged); per "<table>" table rules.',
);

const invariants = viewedAs(
  across(recordOf(z.custom<Invariant>()), (value) => {
    if (!isObject(value)) return [];
    const ruleIds = new Map<string, string>();
    const problems: Problem[] = [];
    for (const [name, invariant] of Object.entries(value)) {
      if (typeof invariant !== 'function')
        problems.push({
          path: [name],
          expected: 'a function (view) => true | false | [problems] (TypeScript scenarios only)',
        });
      const rule = invariantRuleId(name);
      const named = (expected: string): Problem => ({ path: [name], expected, found: show(name) });
      if (name.trim() === '' || rule === 'intent.invariant') problems.push(named('a name with letters or digits'));
      else if (INTENT_RULE_NAMES.includes(rule.slice('intent.'.length)))
        problems.push(named(`a name whose rule id is not a built-in one (${rule})`));
      else if (ruleIds.has(rule))
        problems.push(named(`a name whose rule id (${rule}) differs from ${JSON.stringify(ruleIds.get(rule))}'s`));
      else ruleIds.set(rule, name);
    }
    return problems;
  }),
  recordOf(z.never()),
).describe('TypeScript scenarios only: named checks of the settled run.');

// --- the scenario ---------------------------------------------------------------------------------

/** The top-level keys, in the order the messages list them. */
const TOP_LEVEL = [
  '$schema',
  'version',
  'name',
  'description',
  'extends',
  'tables',
  'schemaVersions',
  'server',
  'clients',
  'policy',
  'editors',
  'steps',
  'seed',
  'faults',
  'answers',
  'generate',
  'checks',
  'coverage',
  'expect',
  'allow',
  'intent',
  'invariants',
  'dropped',
  'runs',
  'settleRounds',
  'pullPageSize',
  'origin',
];

const scenarioShape = strict(
  {
    name: aString()
      .refine((name) => name.trim() !== '', { error: 'a non-empty string' })
      .describe('The scenario’s name.'),
    description: aString().optional().describe('What the scenario is about.'),
    extends: aString()
      .optional()
      .describe('Another scenario file this one builds on (relative to this file); what this file sets wins.'),
    tables: nonEmpty(anArray(table), 'at least one table')
      .optional()
      .describe('Table names (`todoitem` is built in) or definitions. Default ["todoitem"].'),
    schemaVersions: anArray(schemaVersion)
      .max(20)
      .optional()
      .describe(
        'The app’s later versions (2, 3…): each adds columns or tables to the one before, never removes or retypes. Clients start as version 1 (`tables`); an `upgrade` step restarts one as the next. The server has the newest. A step may name a table or column of any version.',
      ),
    server: server.optional(),
    clients: clients.optional(),
    policy: policySchema.optional(),
    editors: editors.optional(),
    steps: stepsSchema.optional(),
    seed: integerIn(0, 2 ** 31 - 1)
      .optional()
      .describe('The world seed of a fixed-step run. Default 1.'),
    faults: faultPlanSchema.optional(),
    answers: generatedAnswers.optional(),
    generate: generate.optional(),
    checks: anArray(oneOf(CHECKER_NAMES)).optional().describe('Checkers to run. Default: all.'),
    coverage: anArray(oneOf([...COVERAGE_COUNTERS, ...REACH_COUNTERS, ...ANSWER_COUNTERS, ...REFERENCE_COUNTERS]))
      .optional()
      .describe('Coverage counters the runs must reach, else the scenario is reported weak.'),
    version: z
      .literal(SCENARIO_FORMAT_VERSION, {
        error: `${SCENARIO_FORMAT_VERSION} (this format; version 1 files are migrated as they load)`,
      })
      .optional()
      .describe('The format version (2). Files without one are read as the current version.'),
    $schema: aString().optional().describe('The JSON Schema editors check this file with; ignored when loading.'),
    expect: expectation.optional(),
    allow: signaturePatterns()
      .optional()
      .describe('Outcomes the scenario intends, by signature pattern, for every client.'),
    intent: intent.optional(),
    invariants: invariants.optional(),
    dropped: oneOf(['list', 'forbid'])
      .optional()
      .describe('Local writes a handler or a forced purge dropped: `list` them (default) or `forbid` them.'),
    runs: integerIn(1, 1_000_000).optional().describe('Generated runs when the caller does not say. Default 100.'),
    settleRounds: integerIn(0, 10).optional().describe('Push-then-pull rounds after healing. Default 2.'),
    pullPageSize: integerIn(1, 1000).optional().describe('The app’s pull page size. Default: the client’s own (50).'),
    origin: strict({
      scenario: aString().describe('The scenario file whose run failed.'),
      seed: integerIn(-(2 ** 31), 2 ** 32)
        .optional()
        .describe('The run’s seed.'),
      path: aString().optional().describe('The shrink path (`syncwright replay <seed>:<path>`).'),
      client: aString().optional().describe('The client that failed.'),
      note: aString().optional(),
    })
      .optional()
      .describe('Where a saved counterexample came from.'),
  },
  TOP_LEVEL,
);

const AFTER_EDITORS = Object.keys(scenarioShape.shape).indexOf('editors');

/** A scenario file (after migrating an older format): the JSON Schema's root. */
export const scenarioSchema = across(scenarioShape, (value): Problem[] => {
  if (!isObject(value)) return [];
  const problems: Problem[] = [];
  if (value['steps'] !== undefined && value['generate'] !== undefined)
    problems.push({
      path: ['generate'],
      expected: 'either "steps" or "generate", not both',
      rank: AFTER_EDITORS,
      ahead: true,
    });
  if (value['extends'] === undefined && value['steps'] === undefined && value['generate'] === undefined)
    problems.push({ expected: 'a "steps" list or a "generate" section', rank: AFTER_EDITORS });
  return problems;
}).describe(
  'A syncwright scenario: tables, clients and their policies, fixed steps or a generator, checks and expectations.',
);

/** A counterexample's program (`seed`, `steps`, `faults`), as a results or regression file holds it. */
export const programSchema = strict({
  seed: integerIn(-(2 ** 31), 2 ** 32),
  steps: stepsSchema,
  faults: faultPlanSchema,
  answers: generatedAnswers.optional(),
});

/** Nothing below may walk a value nested deeper than any JSON syncwright reads (a TypeScript scenario's included). */
export function tooDeep(value: unknown): Problem | undefined {
  return jsonDepth(value, MAX_JSON_DEPTH) <= MAX_JSON_DEPTH
    ? undefined
    : { expected: `a value nested at most ${MAX_JSON_DEPTH} levels deep`, found: 'deeper nesting (or a cycle)' };
}
