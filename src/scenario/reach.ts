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
import { generatorSettings } from './arbitraries.js';
import { STEP_KINDS, type Program, type ResolvedScenario, type Step, type StepKind } from './types.js';
import { VALUE_CLASSES, VALUE_COUNTERS, classifyValue, valueCounter } from './values.js';

/** The coverage counter of a step kind. */
export function stepCounter(kind: StepKind): string {
  return `step-${kind}`;
}

/** Every counter this module can produce, for validating a scenario's `coverage` list. */
export const REACH_COUNTERS: readonly string[] = [
  ...STEP_KINDS.map(stepCounter),
  ...VALUE_COUNTERS,
  ...SERVER_VARIANT_NAMES.map(serverCounter),
];

/** The coverage counter of runs against a less kind server. */
function serverCounter(variant: ServerVariantName): string {
  return `server-${variant}`;
}

type Scope = Pick<ResolvedScenario, 'tables' | 'generate' | 'program' | 'server'>;

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
    case 'sync':
    case 'read':
    case 'lookup':
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
  for (const variant of activeVariants(scenario.server)) bump(serverCounter(variant));
  const tables = new Map<string, TableDefinition>(scenario.tables.map((table) => [table.name, table]));
  const steps = program.steps.slice(preludeLength(scenario));
  steps.forEach((step, i) => {
    const kind = kindOf(step, editors.has(step.actor));
    if (kind !== undefined) bump(stepCounter(kind));
    if (editDuringPushAt(steps, i)) bump(stepCounter('edit-during-push'));
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
  scenario: Pick<ResolvedScenario, 'tables' | 'generate' | 'editors' | 'server'>,
): string[] {
  if (scenario.generate === undefined) return [];
  const servers = activeVariants(scenario.server).map(serverCounter);
  const settings = generatorSettings(scenario.generate);
  const kinds = STEP_KINDS.filter(
    (kind) =>
      (settings.mix[kind] ?? 0) > 0 &&
      (scenario.editors.length > 0 || !['edit-insert', 'edit-update', 'edit-delete'].includes(kind)),
  ).map(stepCounter);
  if (settings.profile !== 'wide') return [...kinds, ...servers];
  const types = new Set<ColumnType>(scenario.tables.flatMap((table) => Object.values(table.columns)));
  const values = [...types].flatMap((type) =>
    (VALUE_CLASSES[type] as readonly string[]).map((valueClass) => valueCounter(type, valueClass)),
  );
  return [...kinds, ...values, ...servers];
}
