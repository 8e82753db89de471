/**
 * From a validated definition to a runnable scenario: `extends` applied, defaults filled in,
 * tables, clients and editors named, fixed steps turned into a program, references checked.
 */
import { CHECKER_NAMES } from '../check/index.js';
import { TODOITEM_TABLE, type TableDefinition } from '../protocol/records.js';
import type { ClientOperation, ServerEdit } from '../kernel/history.js';
import type {
  PolicySpec,
  Program,
  ResolvedScenario,
  ScenarioDefinition,
  Step,
  StepSpec,
  WorldAction,
} from './types.js';
import { intentIssues, queryIssues, referenceIssues, ScenarioError, type ScenarioIssue } from './validate.js';

export const DEFAULT_RUNS = 100;
export const DEFAULT_SETTLE_ROUNDS = 2;
const BUILT_IN_TABLES: Record<string, TableDefinition> = { [TODOITEM_TABLE.name]: TODOITEM_TABLE };

/** Fields a scenario takes from the one it extends, unless it sets them itself. */
export function mergeDefinitions(base: ScenarioDefinition, own: ScenarioDefinition): ScenarioDefinition {
  const merged: Record<string, unknown> = { ...base };
  delete merged['extends'];
  delete merged['expect'];
  delete merged['origin'];
  delete merged['coverage'];
  if (own.steps !== undefined) {
    delete merged['generate'];
    delete merged['runs'];
  }
  if (own.generate !== undefined) {
    delete merged['steps'];
    delete merged['seed'];
    delete merged['faults'];
    delete merged['answers'];
  }
  for (const [key, value] of Object.entries(own)) if (value !== undefined && key !== 'extends') merged[key] = value;
  return merged as unknown as ScenarioDefinition;
}

export function resolveDefinition(
  definition: ScenarioDefinition,
  file: string,
  baseDir: string,
  notes: readonly string[] = [],
): ResolvedScenario {
  const issues: ScenarioIssue[] = [];
  const tables = (definition.tables ?? ['todoitem']).map((table, i): TableDefinition => {
    if (typeof table !== 'string') return table;
    const known = BUILT_IN_TABLES[table];
    if (known === undefined) {
      issues.push({
        file,
        path: `tables[${i}]`,
        expected: `a built-in table (${Object.keys(BUILT_IN_TABLES).join(', ')}) or a table definition`,
        found: JSON.stringify(table),
      });
      return { name: table, columns: {} };
    }
    return known;
  });
  const policy: PolicySpec = definition.policy ?? 'tutorial';
  const clientSpecs = definition.clients ?? 1;
  const clients =
    typeof clientSpecs === 'number'
      ? Array.from({ length: clientSpecs }, (_, i) => ({ name: `client-${i + 1}`, policy }))
      : clientSpecs.map((spec) =>
          typeof spec === 'string' ? { name: spec, policy } : { name: spec.name, policy: spec.policy ?? policy },
        );
  const stepEditors = [
    ...new Set((definition.steps ?? []).map((step) => step.actor).filter((actor) => actor.startsWith('editor'))),
  ].sort();
  const editors =
    definition.editors === undefined
      ? stepEditors
      : typeof definition.editors === 'number'
        ? Array.from({ length: definition.editors }, (_, i) => `editor-${i + 1}`)
        : [...definition.editors];
  const firstTable = tables[0]?.name ?? 'todoitem';
  const steps = (definition.steps ?? []).map((step) => normaliseStep(step, firstTable));
  issues.push(
    ...referenceIssues(
      file,
      steps.map((step) => ({ actor: step.actor, op: step.op as { type: string; table?: string; client?: string } })),
      clients.map((client) => client.name),
      editors,
      tables.map((table) => table.name),
      Object.keys(definition.faults?.links ?? {}),
    ),
  );
  issues.push(...queryIssues(file, steps, tables));
  issues.push(...intentIssues(file, definition.intent, tables));
  if (definition.steps === undefined && definition.generate === undefined) {
    issues.push({
      file,
      path: '',
      expected: 'a "steps" list or a "generate" section (here or in the scenario it extends)',
      found: 'neither',
    });
  }
  if (issues.length > 0) throw new ScenarioError(file, issues);
  const program: Program | undefined =
    definition.steps === undefined
      ? undefined
      : {
          seed: definition.seed ?? 1,
          steps,
          faults: definition.faults ?? {},
          ...(definition.answers !== undefined ? { answers: definition.answers } : {}),
        };
  return {
    name: definition.name,
    ...(definition.description !== undefined ? { description: definition.description } : {}),
    file,
    tables,
    server: {
      profile: definition.server?.profile ?? 'node',
      compatibility: definition.server?.compatibility ?? 'default',
      ...(definition.server?.ties !== undefined ? { ties: definition.server.ties } : {}),
      ...(definition.server?.topCap !== undefined ? { topCap: definition.server.topCap } : {}),
      ...(definition.server?.deletes !== undefined ? { deletes: definition.server.deletes } : {}),
      ...(definition.server?.nullUpdatedAt === true ? { nullUpdatedAt: true } : {}),
    },
    clients,
    editors,
    ...(program !== undefined ? { program } : {}),
    ...(definition.generate !== undefined && program === undefined ? { generate: definition.generate } : {}),
    checks: definition.checks ?? CHECKER_NAMES,
    coverage: definition.coverage ?? [],
    expect: definition.expect ?? {},
    allow: definition.allow ?? [],
    intent: {
      ...(definition.intent !== undefined ? { declared: definition.intent } : {}),
      ...(definition.invariants !== undefined ? { invariants: definition.invariants } : {}),
      ...(definition.dropped !== undefined ? { dropped: definition.dropped } : {}),
    },
    runs: definition.runs ?? DEFAULT_RUNS,
    settleRounds: definition.settleRounds ?? DEFAULT_SETTLE_ROUNDS,
    ...(definition.pullPageSize !== undefined ? { pullPageSize: definition.pullPageSize } : {}),
    baseDir,
    ...(definition.origin !== undefined ? { origin: definition.origin } : {}),
    definition,
    notes,
  };
}

/** Fills in the table a step left out. */
export function normaliseStep(step: StepSpec, table: string): Step {
  const op = step.op as { type: string; table?: string };
  const needsTable =
    step.actor !== 'world' &&
    ['insert', 'update', 'delete', 'read', 'lookup', 'query', 'pull', 'purge'].includes(op.type);
  const full = (needsTable && op.table === undefined ? { ...op, table } : op) as
    ClientOperation | ServerEdit | WorldAction;
  return {
    actor: step.actor,
    op: full,
    ...(step.after !== undefined && step.after > 0 ? { after: step.after } : {}),
    ...(step.background === true ? { background: true } : {}),
  };
}
