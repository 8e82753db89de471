/**
 * Coverage of what a program asked for, next to the checkers' coverage of what happened
 * (check/coverage.ts): which step kinds it ran, which value classes it wrote, which less kind server it met. These need the
 * scenario (its tables' column types, the generator's prelude), which the history does not hold.
 * A generated scenario implies the counters its generator can reach — every step kind of its mix,
 * every value class of its tables' column types, its server's variants — and names the ones no
 * run reached as weak.
 */
import type { ColumnType, JsonObject, TableDefinition } from '../protocol/records.js';
import { SERVER_VARIANT_NAMES, activeVariants, type ServerVariantName } from '../backend/server-variants.js';
import { profileNamed } from '../backend/profiles/index.js';
import { generatorSettings } from './arbitraries.js';
import { IMPLIED_ANSWER_COUNTERS } from './generated.js';
import { STEP_KINDS, type Program, type ResolvedScenario, type Step, type StepKind } from './types.js';
import { VALUE_CLASSES, VALUE_COUNTERS, classifyValue, valueCounter } from './values.js';
import { impliedCredentialCoverage } from './credentials.js';
import { impliedStoreFaultCoverage } from './store-faults.js';
import { QUERY_COUNTERS, impliedQueryCoverage, queryCounters } from './local-queries.js';

/** The coverage counter of a step kind. */
export function stepCounter(kind: StepKind): string {
  return `step-${kind}`;
}

/** Every counter this module can produce, for validating a scenario's `coverage` list. */
export const REACH_COUNTERS: readonly string[] = [
  ...STEP_KINDS.map(stepCounter),
  'upgrade-added-column',
  'upgrade-added-table',
  ...VALUE_COUNTERS,
  ...SERVER_VARIANT_NAMES.map(serverCounter),
  'server-sub-ms-timestamps',
  ...QUERY_COUNTERS,
];

/** The coverage counter of runs against a less kind server. */
function serverCounter(variant: ServerVariantName): string {
  return `server-${variant}`;
}

/**
 * The server counters of a scenario's runs: its less kind variants, and timestamps finer than a
 * millisecond when its profile stamps them (ASP.NET's seven digits: records a millisecond-wide
 * bound cannot tell apart).
 */
function serverCounters(server: Scope['server']): string[] {
  const counters = activeVariants(server).map(serverCounter);
  if (profileNamed(server.profile).timestampDigits > 3) counters.push('server-sub-ms-timestamps');
  return counters;
}

type Scope = Pick<ResolvedScenario, 'tables' | 'generate' | 'program' | 'server'> &
  Partial<Pick<ResolvedScenario, 'schemaVersions'>>;

/** How many steps open a generated program before the drawn ones (syncedStart's inserts and sync). */
function preludeLength(scenario: Scope): number {
  if (scenario.generate === undefined || scenario.program !== undefined) return 0;
  const settings = generatorSettings(scenario.generate);
  return settings.start === 'synced' ? scenario.tables.length * settings.records + 1 : 0;
}

/** The kind of one step, as the generator names it (`undefined` for world steps no mix draws: heal, wait, note). */
function kindOf(step: Step, editor: boolean): StepKind | undefined {
  const op = step.op;
  switch (op.type) {
    case 'insert':
    case 'update':
    case 'delete':
      return editor ? (`edit-${op.type}` as const) : op.type;
    case 'pull':
      if ('filter' in op && op.filter !== undefined) return 'pull-query';
      return 'queryId' in op && op.queryId !== undefined ? 'pull-incremental' : 'pull';
    case 'push':
    case 'purge':
    case 'restart':
    case 'offline':
    case 'online':
    case 'sign-in':
    case 'sync':
    case 'read':
    case 'lookup':
    case 'query':
    case 'hold':
    case 'upgrade':
      return op.type;
    default:
      return undefined;
  }
}

/** An update, a background push and another update of the same record by the same client. */
function editDuringPushAt(steps: readonly Step[], i: number): boolean {
  const [before, push, after] = [steps[i - 1], steps[i], steps[i + 1]];
  if (before === undefined || push === undefined || after === undefined) return false;
  if (push.op.type !== 'push' || push.background !== true) return false;
  const same = (step: Step): string | undefined =>
    step.actor === push.actor && step.op.type === 'update' && 'record' in step.op
      ? `${step.op.table}/${String(step.op.record['id'])}`
      : undefined;
  const first = same(before);
  return first !== undefined && first === same(after);
}

/** A background incremental pull followed by `next` of the same client: a group built around a pull in flight. */
function duringPullAt(steps: readonly Step[], i: number, next: (step: Step) => boolean): boolean {
  const [pull, after] = [steps[i], steps[i + 1]];
  if (pull === undefined || after === undefined || pull.background !== true) return false;
  if (pull.op.type !== 'pull' || !('queryId' in pull.op) || pull.op.queryId === undefined) return false;
  return after.actor === pull.actor && next(after);
}

/** An update of a record (the whole record) by the pull's client, while the pull pages. */
function editDuringPullAt(steps: readonly Step[], i: number): boolean {
  const table = steps[i]?.op.type === 'pull' ? (steps[i]!.op as { table: string }).table : undefined;
  return duringPullAt(steps, i, (step) => step.op.type === 'update' && 'record' in step.op && step.op.table === table);
}

/** A restart of the pull's client while the pull pages. */
function restartDuringPullAt(steps: readonly Step[], i: number): boolean {
  return duringPullAt(steps, i, (step) => step.op.type === 'restart');
}

/**
 * Two or more editor updates in a row, in the same virtual millisecond, of different records of
 * one table: a server-side batch whose records share an updatedAt, however the program drew it.
 */
function editBurstAt(steps: readonly Step[], i: number, editors: ReadonlySet<string>): boolean {
  const isEdit = (step: Step | undefined): step is Step =>
    step !== undefined && editors.has(step.actor) && step.op.type === 'update' && 'changes' in step.op;
  const [first, second, before] = [steps[i], steps[i + 1], steps[i - 1]];
  if (!isEdit(first) || !isEdit(second) || (second.after ?? 0) > 0) return false;
  const same = (a: Step, b: Step): boolean =>
    a.actor === b.actor &&
    (a.op as { table: string }).table === (b.op as { table: string }).table &&
    (a.op as { id: string }).id !== (b.op as { id: string }).id;
  // Counted once, at the burst's first step.
  return same(first, second) && !(isEdit(before) && (first.after ?? 0) === 0 && same(before, first));
}

/** A client's insert of a parent and, right after, its insert of a child that references it. */
function insertFamilyAt(steps: readonly Step[], i: number, tables: ReadonlyMap<string, TableDefinition>): boolean {
  const [parent, child] = [steps[i], steps[i + 1]];
  if (parent === undefined || child === undefined || parent.actor !== child.actor) return false;
  if (parent.op.type !== 'insert' || child.op.type !== 'insert' || !('record' in parent.op) || !('record' in child.op))
    return false;
  const { table, record } = parent.op;
  const references = tables.get(child.op.table)?.references ?? {};
  const childRecord = child.op.record;
  return Object.entries(references).some(([column, name]) => name === table && childRecord[column] === record['id']);
}

/** What an upgrade from `from` to the next version adds: new columns of old tables, new tables. */
function upgradeAdds(
  from: readonly TableDefinition[],
  to: readonly TableDefinition[],
): { readonly columns: number; readonly tables: number } {
  let columns = 0;
  let tables = 0;
  for (const table of to) {
    const old = from.find((candidate) => candidate.name === table.name);
    if (old === undefined) tables++;
    else columns += Object.keys(table.columns).filter((column) => !(column in old.columns)).length;
  }
  return { columns, tables };
}

function valuesOf(step: Step): { table: string; values: JsonObject } | undefined {
  const op = step.op;
  if ((op.type === 'insert' || op.type === 'update') && 'record' in op) return { table: op.table, values: op.record };
  if (op.type === 'update' && 'changes' in op) return { table: op.table, values: op.changes };
  return undefined;
}

/** The counters a program reached by what it asked for. */
export function reachCounters(scenario: Scope, program: Program, editors: ReadonlySet<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  const bump = (name: string): void => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  for (const counter of serverCounters(scenario.server)) bump(counter);
  const versions = [scenario.tables, ...(scenario.schemaVersions ?? [])];
  const tables = new Map<string, TableDefinition>(versions.at(-1)!.map((table) => [table.name, table]));
  const running = new Map<string, number>();
  const steps = program.steps.slice(preludeLength(scenario));
  steps.forEach((step, i) => {
    const kind = kindOf(step, editors.has(step.actor));
    if (kind !== undefined) bump(stepCounter(kind));
    if (insertFamilyAt(steps, i, tables)) bump(stepCounter('insert-family'));
    if (kind === 'upgrade') {
      const version = running.get(step.actor) ?? 1;
      if (version < versions.length) {
        const adds = upgradeAdds(versions[version - 1]!, versions[version]!);
        if (adds.columns > 0) bump('upgrade-added-column');
        if (adds.tables > 0) bump('upgrade-added-table');
        running.set(step.actor, version + 1);
      }
    }
    if (editDuringPushAt(steps, i)) bump(stepCounter('edit-during-push'));
    if (editDuringPullAt(steps, i)) bump(stepCounter('edit-during-pull'));
    if (restartDuringPullAt(steps, i)) bump(stepCounter('restart-during-pull'));
    if (editBurstAt(steps, i, editors)) bump(stepCounter('edit-burst'));
    if (step.op.type === 'query' && !editors.has(step.actor))
      for (const counter of queryCounters(tables.get(step.op.table), step.op.query, step.op.via ?? 'context'))
        bump(counter);
    const written = valuesOf(step);
    const table = written === undefined ? undefined : tables.get(written.table);
    if (written === undefined || table === undefined) return;
    for (const [column, type] of Object.entries(table.columns)) {
      const valueClass = classifyValue(type, written.values[column]);
      if (valueClass !== undefined) bump(valueCounter(type, valueClass));
    }
  });
  return counts;
}

/**
 * The counters a generated scenario's runs should reach: every step kind its mix gives a weight
 * (editor kinds only with editors), and in the `wide` profile every value class of its tables'
 * column types. Fixed-step scenarios imply none.
 */
export function impliedCoverage(
  scenario: Pick<ResolvedScenario, 'tables' | 'generate' | 'editors' | 'server'> &
    Partial<Pick<ResolvedScenario, 'clients' | 'schemaVersions'>>,
): string[] {
  if (scenario.generate === undefined) return [];
  // A generated handler should have taken every kind of answer (scenario/generated.ts).
  const answers = scenario.clients?.some((client) => client.policy === 'generated') ? IMPLIED_ANSWER_COUNTERS : [];
  const servers = [...serverCounters(scenario.server), ...answers];
  const settings = generatorSettings(scenario.generate);
  const versions = [scenario.tables, ...(scenario.schemaVersions ?? [])];
  const newest = versions.at(-1)!;
  const related = newest.some((table) => Object.keys(table.references ?? {}).length > 0);
  const kinds = STEP_KINDS.filter(
    (kind) =>
      (settings.mix[kind] ?? 0) > 0 &&
      (scenario.editors.length > 0 || !['edit-insert', 'edit-update', 'edit-delete', 'edit-burst'].includes(kind)) &&
      (kind !== 'insert-family' || related) &&
      (kind !== 'upgrade' || versions.length > 1),
  ).map(stepCounter);
  if ((settings.mix.upgrade ?? 0) > 0) {
    const adds = versions.slice(1).map((version, i) => upgradeAdds(versions[i]!, version));
    if (adds.some((add) => add.columns > 0)) kinds.push('upgrade-added-column');
    if (adds.some((add) => add.tables > 0)) kinds.push('upgrade-added-table');
  }
  const queries = (settings.mix.query ?? 0) > 0 ? impliedQueryCoverage(scenario.tables) : [];
  const credentials = [
    ...queries,
    ...impliedCredentialCoverage(settings.faultKinds, (settings.mix['sign-in'] ?? 0) > 0),
    ...impliedStoreFaultCoverage(settings.faultKinds),
  ];
  if (settings.profile !== 'wide') return [...kinds, ...servers, ...credentials];
  const types = new Set<ColumnType>(newest.flatMap((table) => Object.values(table.columns)));
  const values = [...types].flatMap((type) =>
    (VALUE_CLASSES[type] as readonly string[]).map((valueClass) => valueCounter(type, valueClass)),
  );
  return [...kinds, ...values, ...servers, ...credentials];
}
