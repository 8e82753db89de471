/**
 * fast-check arbitraries for programs. A program is plain JSON: steps (which actor does what,
 * after how long, in the background or not), the fault plan (each fault an explicit decision:
 * "the 3rd request of client-1 loses its answer"), and the world's seed. Faults live in the
 * program, so fast-check shrinks them along with the steps.
 */
import fc from 'fast-check';
import { isPerUser, USER_ID_COLUMN } from '../backend/server-variants.js';
import type {
  CrashRule,
  CredentialRule,
  FaultPlan,
  FaultRule,
  LinkErrorStatus,
  LinkPlan,
  PartitionRule,
  RestartRule,
  StoreFaultRule,
} from '../network/fault-plan.js';
import type { ColumnType, JsonObject, JsonValue, TableDefinition } from '../protocol/records.js';
import { freshIdsArbitrary, wideValuesArbitrary } from './values.js';
import { pullFilterArbitrary } from './pull-filters.js';
import { localQueryArbitrary, tableAccessArbitrary } from './local-queries.js';
import { answersArbitrary } from './generated.js';
import {
  credentialDecisionArbitrary,
  credentialRuleOf,
  isCredentialFaultKind,
  signInStepArbitrary,
  type CredentialDecision,
} from './credentials.js';
import {
  isStoreFaultKind,
  storeFaultDecisionArbitrary,
  storeFaultRuleOf,
  type StoreFaultDecision,
} from './store-faults.js';
import {
  FAULT_DECISION_KINDS,
  type NamedFaultKind,
  type FaultDecisionKind,
  type FaultRanges,
  type GeneratorProfile,
  type GeneratorSpec,
  type Program,
  type ResolvedScenario,
  type Step,
  type StepKind,
} from './types.js';

/** The step mix of the `old-mix` profile: the generator's mix before the wide one, kept comparable. */
export const OLD_MIX: Readonly<Record<StepKind, number>> = {
  insert: 4,
  update: 4,
  delete: 2,
  push: 4,
  pull: 2,
  'pull-incremental': 2,
  'pull-query': 0,
  purge: 0,
  restart: 1,
  'edit-insert': 1,
  'edit-update': 3,
  'edit-delete': 1,
  offline: 0,
  online: 0,
  sync: 1,
  'edit-during-push': 2,
  read: 2,
  lookup: 2,
  query: 0,
  'edit-burst': 1,
  'edit-during-pull': 3,
  'restart-during-pull': 2,
  'sign-in': 0,
  hold: 0,
  'insert-family': 0,
  upgrade: 0,
};

/** The default (`wide`) mix: every step kind has a weight, so every API call is met. */
export const DEFAULT_MIX: Readonly<Record<StepKind, number>> = {
  ...OLD_MIX,
  'pull-query': 1,
  purge: 1,
  offline: 1,
  online: 1,
  hold: 2,
  // Drawn only where a scenario has related tables, and app versions to upgrade to.
  'insert-family': 2,
  upgrade: 1,
  query: 2,
};

/** The mix a profile starts from, before a scenario's `generate.mix`. */
export function profileMix(profile: GeneratorProfile): Readonly<Record<StepKind, number>> {
  return profile === 'old-mix' ? OLD_MIX : DEFAULT_MIX;
}

/** One fault decision of a generated program, before it becomes part of the fault plan. */
export type FaultDecision =
  | {
      readonly kind: 'http-error';
      readonly client: string;
      readonly status: LinkErrorStatus;
      readonly request?: number;
      readonly from?: number;
      readonly span?: number;
    }
  | { readonly kind: 'network-failure' | 'lost-response'; readonly client: string; readonly request: number }
  | { readonly kind: 'timeout'; readonly client: string; readonly request: number; readonly applied: boolean }
  | { readonly kind: 'partition'; readonly client: string; readonly from: number; readonly span: number }
  | {
      readonly kind: 'restart';
      readonly client: string;
      readonly request: number;
      readonly phase: 'before-server' | 'after-server';
    }
  | { readonly kind: 'crash'; readonly client: string; readonly afterWrite: number }
  | CredentialDecision
  | StoreFaultDecision;

export interface GeneratorSettings {
  readonly profile: GeneratorProfile;
  readonly minSteps: number;
  readonly maxSteps: number;
  readonly records: number;
  readonly start: 'synced' | 'empty';
  readonly mix: Readonly<Record<StepKind, number>>;
  readonly background: number;
  readonly maxDelay: number;
  readonly faultKinds: readonly NamedFaultKind[];
  readonly maxFaults: number;
  readonly statuses: readonly LinkErrorStatus[];
  readonly requests: number;
  readonly writes: number;
  readonly latency: { readonly min: number; readonly max: number };
  readonly windowMs: number;
  readonly timeoutMs: number;
}

export function generatorSettings(spec: GeneratorSpec = {}): GeneratorSettings {
  const faults: FaultRanges = spec.faults ?? {};
  const profile = spec.profile ?? 'wide';
  return {
    profile,
    minSteps: spec.steps?.min ?? 1,
    maxSteps: spec.steps?.max ?? 12,
    records: spec.records ?? 3,
    start: spec.start ?? 'synced',
    mix: { ...profileMix(profile), ...spec.mix },
    background: spec.background ?? 0.25,
    maxDelay: spec.maxDelay ?? 30,
    faultKinds: faults.kinds === 'all' ? FAULT_DECISION_KINDS : (faults.kinds ?? []),
    maxFaults: faults.max ?? 4,
    statuses: faults.statuses ?? [500, 503],
    requests: faults.requests ?? 12,
    writes: faults.writes ?? 24,
    latency: faults.latency ?? { min: 5, max: 40 },
    windowMs: faults.windowMs ?? 400,
    timeoutMs: faults.timeoutMs ?? 2_000,
  };
}

/** A value of a column's type; small numbers make shrunk programs read easily. */
export function columnValue(type: ColumnType, n: number): JsonValue {
  switch (type) {
    case 'string':
      return `v${n}`;
    case 'number':
      return n;
    case 'boolean':
      return n % 2 === 1;
    case 'date':
      return new Date(Date.UTC(2026, 0, 1 + (n % 28))).toISOString();
    case 'object':
      return { n };
  }
}

function valuesArbitrary(table: TableDefinition): fc.Arbitrary<JsonObject> {
  const columns = Object.entries(table.columns);
  if (columns.length === 0) return fc.constant({});
  return fc
    .tuple(...columns.map(() => fc.nat({ max: 99 })))
    .map(
      (numbers) =>
        Object.fromEntries(columns.map(([column, type], i) => [column, columnValue(type, numbers[i]!)])) as JsonObject,
    );
}

/** The arbitrary of a scenario's programs. */
export function programArbitrary(
  resolved: Pick<ResolvedScenario, 'clients' | 'editors' | 'tables' | 'generate'> &
    Partial<Pick<ResolvedScenario, 'server' | 'schemaVersions'>>,
): fc.Arbitrary<Program> {
  // The app never writes the column a per-user server stamps the owner in.
  const own = (list: readonly TableDefinition[]) => list.map((table) => appColumns(table, resolved.server));
  const scenario = {
    ...resolved,
    tables: own(resolved.tables),
    ...(resolved.schemaVersions === undefined ? {} : { schemaVersions: resolved.schemaVersions.map(own) }),
  };
  const settings = generatorSettings(scenario.generate);
  const clients = scenario.clients.map((client) => client.name);
  const editors = scenario.editors;
  // The opening writes the first version's tables; the drawn steps every table of the newest.
  const first = scenario.tables;
  const tables = scenario.schemaVersions?.at(-1) ?? first;
  const ids = Array.from({ length: settings.records }, (_, i) => `r${i + 1}`);
  const decisions =
    settings.faultKinds.length === 0 || settings.maxFaults === 0
      ? fc.constant([] as FaultDecision[])
      : fc.array(faultDecisionArbitrary(settings, fc.constantFrom(...clients)), { maxLength: settings.maxFaults });
  const prelude = settings.start === 'synced' ? syncedStart(first, ids, clients[0]!, editors[0]) : [];
  // The wide profile draws a program's fresh ids first: its steps then insert, edit and delete them.
  const drawn = { ...scenario, tables, upgrades: (scenario.schemaVersions?.length ?? 0) > 0 };
  const steps =
    settings.profile === 'old-mix'
      ? stepsArbitrary(drawn, settings, ids, [])
      : freshIdsArbitrary(2).chain((fresh) => stepsArbitrary(drawn, settings, ids, fresh));
  // Each app shows its lists after the synced opening (what later reads are held to), and every
  // record then its lists at the end, so that whatever a bug left behind locally is on screen
  // before the world heals and settles. Both are there in most programs and shrink away when a
  // failure does not need them.
  const opening = settings.start === 'synced' ? reads(clients, first) : [];
  const closing = clients.flatMap((who) =>
    tables.flatMap((t): Step[] => [
      ...ids.map((recordId): Step => ({ actor: who, op: { type: 'lookup', table: t.name, id: recordId } })),
      { actor: who, op: { type: 'read', table: t.name } },
    ]),
  );
  // Shrinks towards 0, that is towards leaving the reads out.
  const mostly = fc.nat({ max: 9 }).map((n) => n >= 2);
  const program = fc
    .record({
      seed: fc.noShrink(fc.nat({ max: 2 ** 31 - 1 })),
      steps,
      decisions,
      showsFirst: mostly,
      showsLast: mostly,
    })
    .map(({ seed, steps: list, decisions: faults, showsFirst, showsLast }) => ({
      seed,
      steps: [...prelude, ...(showsFirst ? opening : []), ...list, ...(showsLast ? closing : [])],
      faults: faultPlanOf(faults, clients, settings),
    }));
  // Handler answers are drawn after the rest, and only for a `generated` policy: other scenarios' programs stay as they were.
  const answering = scenario.clients.filter((client) => client.policy === 'generated').map((client) => client.name);
  if (answering.length === 0) return program;
  return fc.tuple(program, answersArbitrary(answering)).map(([drawn, answers]): Program => ({ ...drawn, answers }));
}

/** The columns the app writes: all but the owner column of a per-user server. */
function appColumns(table: TableDefinition, server: ResolvedScenario['server'] | undefined): TableDefinition {
  if (server === undefined || !isPerUser(server) || !Object.hasOwn(table.columns, USER_ID_COLUMN)) return table;
  const columns = Object.fromEntries(Object.entries(table.columns).filter(([name]) => name !== USER_ID_COLUMN));
  return { ...table, columns };
}

/** The steps of a program after its prelude; `fresh` ids are the ones no record has at the start. */
function stepsArbitrary(
  scenario: Pick<ResolvedScenario, 'clients' | 'editors' | 'tables'> & { readonly upgrades: boolean },
  settings: GeneratorSettings,
  ids: readonly string[],
  fresh: readonly string[],
): fc.Arbitrary<Step[]> {
  const clients = scenario.clients.map((client) => client.name);
  const editors = scenario.editors;
  const tables = scenario.tables;
  const wide = settings.profile === 'wide';

  const client = fc.constantFrom(...clients);
  const editor = editors.length > 0 ? fc.constantFrom(...editors) : undefined;
  const table = fc.constantFrom(...tables);
  // Any id for edits and deletes; an insert mostly takes a fresh one, so that it succeeds.
  // (existing ids weigh more, so that writes still meet and fold as often as in the old mix).
  const existing = fc.constantFrom(...ids);
  const id =
    fresh.length === 0
      ? existing
      : fc.oneof({ arbitrary: existing, weight: 3 }, { arbitrary: fc.constantFrom(...fresh), weight: 1 });
  const insertId = fresh.length === 0 ? id : fc.oneof({ arbitrary: fc.constantFrom(...fresh), weight: 3 }, id);
  const values = (t: TableDefinition): fc.Arbitrary<JsonObject> => (wide ? wideValuesArbitrary(t) : valuesArbitrary(t));
  const after = settings.maxDelay > 0 ? fc.nat({ max: settings.maxDelay }) : fc.constant(0);
  const background = fc.nat({ max: 99 }).map((n) => n < Math.round(settings.background * 100));
  const step = (actor: fc.Arbitrary<string>, op: fc.Arbitrary<Step['op']>, canBackground = false): fc.Arbitrary<Step> =>
    fc
      .record({ actor, op, after, background: canBackground ? background : fc.constant(false) })
      .map(({ actor: who, op: what, after: wait, background: bg }) => ({
        actor: who,
        op: what,
        ...(wait > 0 ? { after: wait } : {}),
        ...(bg ? { background: true } : {}),
      }));
  const withValues = <T>(
    build: (t: TableDefinition, recordId: string, values: JsonObject) => T,
    ids: fc.Arbitrary<string> = id,
  ): fc.Arbitrary<T> =>
    table.chain((t) => fc.tuple(ids, values(t)).map(([recordId, drawn]) => build(t, recordId, drawn)));

  const kinds: [StepKind, fc.Arbitrary<Step>][] = [
    [
      'insert',
      step(
        client,
        withValues(
          (t, recordId, drawn) => ({ type: 'insert' as const, table: t.name, record: { id: recordId, ...drawn } }),
          insertId,
        ),
      ),
    ],
    [
      'update',
      step(
        client,
        withValues((t, recordId, values) => ({
          type: 'update' as const,
          table: t.name,
          record: { id: recordId, ...values },
        })),
      ),
    ],
    [
      'delete',
      step(
        client,
        fc.tuple(table, id).map(([t, recordId]) => ({ type: 'delete' as const, table: t.name, id: recordId })),
      ),
    ],
    ['push', step(client, fc.constant({ type: 'push' as const }), true)],
    [
      'pull',
      step(
        client,
        table.map((t) => ({ type: 'pull' as const, table: t.name })),
        true,
      ),
    ],
    [
      'pull-incremental',
      step(
        client,
        table.map((t) => ({ type: 'pull' as const, table: t.name, queryId: `all-${t.name}` })),
        true,
      ),
    ],
    [
      'pull-query',
      step(
        client,
        table.chain((t) =>
          fc.tuple(pullFilterArbitrary(t), fc.boolean()).map(([filter, incremental]) => ({
            type: 'pull' as const,
            table: t.name,
            filter,
            // One query id per query: an app that reuses an id for another filter starts the
            // second query at the first one's mark (its own mistake, not the client's).
            ...(incremental ? { queryId: `query-${t.name}-${filterKey(filter)}` } : {}),
          })),
        ),
        true,
      ),
    ],
    [
      'purge',
      step(
        client,
        fc
          .tuple(table, fc.boolean())
          .map(([t, force]) => ({ type: 'purge' as const, table: t.name, ...(force ? { force } : {}) })),
      ),
    ],
    ['restart', step(client, fc.constant({ type: 'restart' as const }))],
    [
      'offline',
      step(
        fc.constant('world'),
        client.map((name) => ({ type: 'offline' as const, client: name })),
      ),
    ],
    [
      'online',
      step(
        fc.constant('world'),
        client.map((name) => ({ type: 'online' as const, client: name })),
      ),
    ],
    ['sync', step(fc.constant('world'), fc.constant({ type: 'sync' as const }))],
    ['sign-in', signInStepArbitrary(client, step)],
    [
      'read',
      step(
        client,
        table.map((t) => ({ type: 'read' as const, table: t.name })),
      ),
    ],
    [
      'lookup',
      step(
        client,
        fc.tuple(table, id).map(([t, recordId]) => ({ type: 'lookup' as const, table: t.name, id: recordId })),
      ),
    ],
    [
      'query',
      step(
        client,
        fc
          .tuple(
            table.chain((t) => fc.tuple(fc.constant(t), localQueryArbitrary(t, [...ids, ...fresh]))),
            tableAccessArbitrary,
          )
          .map(([[t, query], via]) => ({
            type: 'query' as const,
            table: t.name,
            query,
            ...(via === 'context' ? {} : { via }),
          })),
      ),
    ],
  ];
  if (editor !== undefined) {
    kinds.push(
      [
        'edit-insert',
        step(
          editor,
          withValues(
            (t, recordId, drawn) => ({ type: 'insert' as const, table: t.name, record: { id: recordId, ...drawn } }),
            insertId,
          ),
        ),
      ],
      [
        'edit-update',
        step(
          editor,
          withValues((t, recordId, values) => ({
            type: 'update' as const,
            table: t.name,
            id: recordId,
            changes: values,
          })),
        ),
      ],
      [
        'edit-delete',
        step(
          editor,
          fc.tuple(table, id).map(([t, recordId]) => ({ type: 'delete' as const, table: t.name, id: recordId })),
        ),
      ],
    );
  }
  const groups: [StepKind, fc.Arbitrary<Step[]>][] = kinds.map(([kind, arbitrary]) => [
    kind,
    arbitrary.map((one) => [one]),
  ]);
  const gap = fc.integer({ min: 1, max: Math.max(1, settings.latency.min) });
  const editDuringPush = (
    who: string,
    t: TableDefinition,
    recordId: string,
    first: JsonObject,
    second: JsonObject,
    wait: number,
  ): Step[] => [
    { actor: who, op: { type: 'update', table: t.name, record: { id: recordId, ...first } } },
    { actor: who, op: { type: 'push' }, background: true },
    { actor: who, op: { type: 'update', table: t.name, record: { id: recordId, ...second } }, after: wait },
  ];
  groups.push([
    'edit-during-push',
    wide
      ? fc
          .tuple(client, table, id, gap)
          .chain(([who, t, recordId, wait]) =>
            fc
              .tuple(values(t), values(t))
              .map(([first, second]) => editDuringPush(who, t, recordId, first, second, wait)),
          )
      : // The old mix's draw, kept as it was so that its seeds give the programs they gave.
        fc
          .tuple(client, table, id, fc.nat({ max: 99 }), fc.nat({ max: 99 }), gap)
          .map(([who, t, recordId, first, second, wait]) => {
            const numbered = (n: number): JsonObject =>
              Object.fromEntries(
                Object.entries(t.columns).map(([column, type]) => [column, columnValue(type, n)]),
              ) as JsonObject;
            return editDuringPush(who, t, recordId, numbered(first), numbered(second), wait);
          }),
  ]);
  groups.push([
    'edit-during-pull',
    fc
      .tuple(
        client,
        editor ?? fc.constant(undefined),
        table,
        id,
        fc.nat({ max: 99 }),
        fc.nat({ max: 99 }),
        fc.integer({ min: 1, max: Math.max(1, settings.latency.min) }),
      )
      .map(([who, edits, t, recordId, first, second, gap]): Step[] => {
        const values = (n: number): JsonObject =>
          Object.fromEntries(
            Object.entries(t.columns).map(([column, type]) => [column, columnValue(type, n)]),
          ) as JsonObject;
        return [
          ...(edits !== undefined
            ? [{ actor: edits, op: { type: 'update' as const, table: t.name, id: recordId, changes: values(first) } }]
            : []),
          { actor: who, op: { type: 'pull', table: t.name, queryId: `all-${t.name}` }, background: true },
          {
            actor: who,
            op: { type: 'update', table: t.name, record: { id: recordId, ...values(second) } },
            after: gap,
          },
        ];
      }),
  ]);
  groups.push([
    'restart-during-pull',
    fc
      .tuple(
        client,
        editor ?? fc.constant(undefined),
        table,
        fc.subarray([...ids], { minLength: Math.min(2, ids.length) }),
        fc.nat({ max: 99 }),
        fc.integer({ min: 1, max: Math.max(1, settings.latency.max * 4) }),
      )
      .map(([who, edits, t, burst, n, gap]): Step[] => [
        ...(edits !== undefined ? burstSteps(edits, t, burst, n) : []),
        { actor: who, op: { type: 'pull', table: t.name, queryId: `all-${t.name}` }, background: true },
        { actor: who, op: { type: 'restart' }, after: gap },
      ]),
  ]);
  groups.push(['hold', holdGroupArbitrary(client, table, id, values)]);
  const families = familyArbitrary(client, tables, insertId, values);
  if (families !== undefined) groups.push(['insert-family', families]);
  if (scenario.upgrades)
    groups.push(['upgrade', step(client, fc.constant({ type: 'upgrade' as const })).map((one) => [one])]);
  if (editor !== undefined && ids.length >= 2) {
    groups.push([
      'edit-burst',
      fc
        .tuple(editor, table, fc.subarray([...ids], { minLength: 2 }), fc.nat({ max: 99 }))
        .map(([who, t, burst, n]) => burstSteps(who, t, burst, n)),
    ]);
  }
  const weighted = groups
    .filter(([kind]) => (settings.mix[kind] ?? 0) > 0)
    .map(([kind, arbitrary]) => ({ arbitrary, weight: settings.mix[kind] }));
  if (weighted.length === 0) throw new RangeError('generate.mix gives every step kind weight 0');
  // Steps come in small groups (mostly of one) so that a group that only means something whole shrinks whole.
  return fc
    .array(fc.oneof(...weighted), { minLength: settings.minSteps, maxLength: settings.maxSteps })
    .map((list) => list.flat());
}

/**
 * "While X is in flight": a hold on a client's push request or pull page, then that push (after a
 * local update, so that there is something to push) or pull. The hold lasts `steps` steps, the
 * push or pull and at least one drawn after it, which run while its answer is kept.
 */
function holdGroupArbitrary(
  client: fc.Arbitrary<string>,
  table: fc.Arbitrary<TableDefinition>,
  id: fc.Arbitrary<string>,
  values: (t: TableDefinition) => fc.Arbitrary<JsonObject>,
): fc.Arbitrary<Step[]> {
  const steps = fc.integer({ min: 2, max: 4 });
  const push = fc.tuple(client, table, id, fc.integer({ min: 1, max: 2 }), steps).chain(([who, t, recordId, n, m]) =>
    values(t).map((drawn): Step[] => [
      { actor: who, op: { type: 'update', table: t.name, record: { id: recordId, ...drawn } } },
      { actor: 'world', op: { type: 'hold', client: who, request: { kind: 'push', n }, steps: m } },
      { actor: who, op: { type: 'push' } },
    ]),
  );
  const pull = fc
    .tuple(client, table, fc.integer({ min: 1, max: 2 }), steps, fc.boolean())
    .map(([who, t, page, m, incremental]): Step[] => [
      { actor: 'world', op: { type: 'hold', client: who, request: { kind: 'pull', page }, steps: m } },
      { actor: who, op: { type: 'pull', table: t.name, ...(incremental ? { queryId: `all-${t.name}` } : {}) } },
    ]);
  return fc.oneof(push, pull);
}

/**
 * Parent and child: the app inserts a parent and, without a sync between, one to three children
 * of a table that references the parent's table, each child's reference column holding the
 * parent's id. The parent takes an insert's id (mostly fresh, sometimes an existing one: its
 * insert then conflicts); the children's ids are the parent's with `-1`, `-2`…
 */
function familyArbitrary(
  client: fc.Arbitrary<string>,
  tables: readonly TableDefinition[],
  parentId: fc.Arbitrary<string>,
  values: (t: TableDefinition) => fc.Arbitrary<JsonObject>,
): fc.Arbitrary<Step[]> | undefined {
  const links = relations(tables);
  if (links.length === 0) return undefined;
  return fc
    .tuple(client, fc.constantFrom(...links), parentId, fc.integer({ min: 1, max: 3 }))
    .chain(([who, link, id, count]) =>
      fc
        .tuple(values(link.parent), fc.array(values(link.child), { minLength: count, maxLength: count }))
        .map(([parentValues, children]): Step[] => [
          { actor: who, op: { type: 'insert', table: link.parent.name, record: { id, ...parentValues } } },
          ...children.map((childValues, k): Step => ({
            actor: who,
            op: {
              type: 'insert',
              table: link.child.name,
              record: { id: `${id}-${k + 1}`, ...childValues, [link.column]: id },
            },
          })),
        ]),
    );
}

/** Each reference of a table: the child table, its column, and the parent table it names. */
function relations(
  tables: readonly TableDefinition[],
): { readonly child: TableDefinition; readonly column: string; readonly parent: TableDefinition }[] {
  return tables.flatMap((child) =>
    Object.entries(child.references ?? {}).flatMap(([column, name]) => {
      const parent = tables.find((table) => table.name === name);
      return parent === undefined ? [] : [{ child, column, parent }];
    }),
  );
}

/** An editor updating several records in one millisecond (no pause between the steps): they share an updatedAt. */
function burstSteps(editor: string, table: TableDefinition, ids: readonly string[], n: number): Step[] {
  return ids.map((recordId, i) => ({
    actor: editor,
    op: {
      type: 'update',
      table: table.name,
      id: recordId,
      changes: Object.fromEntries(
        Object.entries(table.columns).map(([column, type]) => [column, columnValue(type, n + i)]),
      ) as JsonObject,
    },
  }));
}

/**
 * The fixed opening of a `synced` program: every record on the server (written by an editor,
 * or pushed by the first client) and on every client. It is not shrunk away: it is the stage.
 */
export function syncedStart(
  tables: readonly TableDefinition[],
  ids: readonly string[],
  firstClient: string,
  editor: string | undefined,
): Step[] {
  const steps: Step[] = [];
  for (const table of tables) {
    ids.forEach((recordId, i) => {
      const values = Object.fromEntries(
        Object.entries(table.columns).map(([column, type]) => [column, columnValue(type, 100 + i)]),
      ) as JsonObject;
      steps.push({
        actor: editor ?? firstClient,
        op: { type: 'insert', table: table.name, record: { id: recordId, ...values } },
      });
    });
  }
  steps.push({ actor: 'world', op: { type: 'sync' } });
  return steps;
}

/**
 * Each client reads each table after the synced opening, as an app shows its lists after its
 * first sync: what later reads are held to.
 */
function reads(clients: readonly string[], tables: readonly TableDefinition[]): Step[] {
  return clients.flatMap((client) =>
    tables.map((table): Step => ({ actor: client, op: { type: 'read', table: table.name } })),
  );
}

function faultDecisionArbitrary(
  settings: GeneratorSettings,
  client: fc.Arbitrary<string>,
): fc.Arbitrary<FaultDecision> {
  const request = fc.integer({ min: 1, max: settings.requests });
  const from = fc.nat({ max: Math.max(1, settings.maxDelay * settings.maxSteps) });
  const span = fc.integer({ min: 1, max: settings.windowMs });
  const byKind: Record<FaultDecisionKind, fc.Arbitrary<FaultDecision>> = {
    'http-error': fc.oneof(
      fc
        .record({ client, status: fc.constantFrom(...settings.statuses), request })
        .map((d) => ({ kind: 'http-error' as const, ...d })),
      fc
        .record({ client, status: fc.constantFrom(...settings.statuses), from, span })
        .map((d) => ({ kind: 'http-error' as const, ...d })),
    ),
    'network-failure': fc.record({ client, request }).map((d) => ({ kind: 'network-failure' as const, ...d })),
    'lost-response': fc.record({ client, request }).map((d) => ({ kind: 'lost-response' as const, ...d })),
    timeout: fc.record({ client, request, applied: fc.boolean() }).map((d) => ({ kind: 'timeout' as const, ...d })),
    partition: fc.record({ client, from, span }).map((d) => ({ kind: 'partition' as const, ...d })),
    restart: fc
      .record({ client, request, phase: fc.constantFrom('after-server' as const, 'before-server' as const) })
      .map((d) => ({ kind: 'restart' as const, ...d })),
    crash: fc
      .record({ client, afterWrite: fc.integer({ min: 1, max: settings.writes }) })
      .map((d) => ({ kind: 'crash' as const, ...d })),
  };
  return fc.oneof(
    ...settings.faultKinds.map((kind) =>
      isCredentialFaultKind(kind)
        ? credentialDecisionArbitrary(kind, client, settings.requests)
        : isStoreFaultKind(kind)
          ? storeFaultDecisionArbitrary(kind, client, settings.writes)
          : byKind[kind],
    ),
  );
}

/** The fault plan a list of decisions amounts to (overlapping partitions of a link merged). */
export function faultPlanOf(
  decisions: readonly FaultDecision[],
  clients: readonly string[],
  settings: Pick<GeneratorSettings, 'latency' | 'timeoutMs'>,
): FaultPlan {
  type Rules = {
    faults: FaultRule[];
    partitions: PartitionRule[];
    restarts: RestartRule[];
    crashes: CrashRule[];
    credentials: CredentialRule[];
    store: StoreFaultRule[];
  };
  const links: Record<string, Rules> = {};
  const linkOf = (name: string): Rules =>
    (links[name] ??= { faults: [], partitions: [], restarts: [], crashes: [], credentials: [], store: [] });
  for (const decision of decisions) {
    const link = linkOf(decision.client);
    switch (decision.kind) {
      case 'http-error':
        link.faults.push({
          effect: { kind: 'http-error', status: decision.status },
          when:
            decision.request !== undefined
              ? { request: decision.request }
              : { from: decision.from ?? 0, until: (decision.from ?? 0) + (decision.span ?? 1) },
        });
        break;
      case 'network-failure':
      case 'lost-response':
        link.faults.push({ effect: { kind: decision.kind }, when: { request: decision.request } });
        break;
      case 'timeout':
        link.faults.push({
          effect: { kind: 'timeout', applied: decision.applied },
          when: { request: decision.request },
        });
        break;
      case 'partition':
        link.partitions.push({ from: decision.from, until: decision.from + decision.span });
        break;
      case 'restart':
        link.restarts.push({ when: { request: decision.request }, phase: decision.phase });
        break;
      case 'crash':
        link.crashes.push({ afterWrite: decision.afterWrite });
        break;
      case 'token-expiry':
      case 'rights-revoked':
        link.credentials.push(credentialRuleOf(decision));
        break;
      case 'store-full':
      case 'store-locked':
        link.store.push(storeFaultRuleOf(decision));
        break;
    }
  }
  const plan: { default: LinkPlan; links?: Record<string, LinkPlan> } = {
    default: {
      latency: { kind: 'uniform', minMs: settings.latency.min, maxMs: settings.latency.max },
      timeoutMs: settings.timeoutMs,
    },
  };
  const own: Record<string, LinkPlan> = {};
  for (const name of clients) {
    const link = links[name];
    if (link === undefined) continue;
    own[name] = {
      ...(link.faults.length > 0 ? { faults: link.faults } : {}),
      ...(link.partitions.length > 0 ? { partitions: mergeWindows(link.partitions) } : {}),
      ...(link.restarts.length > 0 ? { restarts: link.restarts } : {}),
      ...(link.crashes.length > 0 ? { crashes: link.crashes } : {}),
      ...(link.credentials.length > 0 ? { credentials: link.credentials } : {}),
      ...(link.store.length > 0 ? { store: link.store } : {}),
    };
  }
  if (Object.keys(own).length > 0) plan.links = own;
  return plan;
}

function mergeWindows(windows: readonly PartitionRule[]): PartitionRule[] {
  const sorted = [...windows].sort((a, b) => a.from - b.from);
  const merged: { from: number; until: number }[] = [];
  for (const window of sorted) {
    const until = window.until ?? window.from + 1;
    const last = merged.at(-1);
    if (last !== undefined && window.from <= last.until) last.until = Math.max(last.until, until);
    else merged.push({ from: window.from, until });
  }
  return merged;
}

/** A short stable key of a filter's text (FNV-1a, base 36): the query id of its incremental pulls. */
function filterKey(filter: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < filter.length; i++) hash = Math.imul(hash ^ filter.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36);
}
