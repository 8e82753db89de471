/**
 * From a validated definition to a runnable scenario: `extends` applied, defaults filled in,
 * tables, clients and editors named, fixed steps turned into a program, references checked.
 */
import { CHECKER_NAMES } from '../check/index.js';
import { USER_ID_COLUMN, withOwnerColumn } from '../backend/server-variants.js';
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
import { schemaIssues } from './schema-versions.js';

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
  const perUser = typeof definition.server?.perUser === 'object' ? definition.server.perUser : undefined;
  const resolveTables = (list: readonly (string | TableDefinition)[], at: string): TableDefinition[] =>
    list.map((table, i): TableDefinition => {
      if (typeof table !== 'string') return table;
      const known = BUILT_IN_TABLES[table];
      if (known === undefined) {
        issues.push({
          file,
          path: `${at}[${i}]`,
          expected: `a built-in table (${Object.keys(BUILT_IN_TABLES).join(', ')}) or a table definition`,
          found: JSON.stringify(table),
        });
        return { name: table, columns: {} };
      }
      return known;
    });
  const named = resolveTables(definition.tables ?? ['todoitem'], 'tables');
  const tables = perUser === undefined ? named : named.map((table, i) => ownedTable(table, i, file, issues));
  const schemaVersions = (definition.schemaVersions ?? []).map((version, i) => {
    const listed = resolveTables(version.tables, `schemaVersions[${i}].tables`);
    return perUser === undefined ? listed : listed.map(withOwnerColumn);
  });
  issues.push(...schemaIssues(file, tables, schemaVersions));
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
  // A step may name a table or column any app version defines: it runs after an upgrade to it (at
  // an older version the world refuses it alike on every client). The newest definition wins.
  const known = [
    ...new Map([...tables, ...schemaVersions.flat()].map((table) => [table.name, table] as const)).values(),
  ];
  const steps = (definition.steps ?? []).map((step) => normaliseStep(step, firstTable));
  issues.push(
    ...referenceIssues(
      file,
      steps.map((step) => ({ actor: step.actor, op: step.op as { type: string; table?: string; client?: string } })),
      clients.map((client) => client.name),
      editors,
      known.map((table) => table.name),
      Object.keys(definition.faults?.links ?? {}),
    ),
  );
  issues.push(...queryIssues(file, steps, known));
  issues.push(...intentIssues(file, definition.intent, tables));
  if (perUser !== undefined)
    issues.push(
      ...userIssues(
        file,
        perUser,
        clients.map((client) => client.name),
        editors,
      ),
    );
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
    schemaVersions,
    server: {
      profile: definition.server?.profile ?? 'node',
      compatibility: definition.server?.compatibility ?? 'default',
      ...(definition.server?.ties !== undefined ? { ties: definition.server.ties } : {}),
      ...(definition.server?.topCap !== undefined ? { topCap: definition.server.topCap } : {}),
      ...(definition.server?.deletes !== undefined ? { deletes: definition.server.deletes } : {}),
      ...(definition.server?.nullUpdatedAt === true ? { nullUpdatedAt: true } : {}),
      ...(perUser !== undefined ? { perUser } : {}),
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

/**
 * A per-user server stamps each row's owner in `userId`; the app's tables declare it, as the
 * samples' `table.columns = { userId: 'string', … }` do, so that a device keeps what it pulls.
 */
function ownedTable(table: TableDefinition, i: number, file: string, issues: ScenarioIssue[]): TableDefinition {
  const type = table.columns[USER_ID_COLUMN];
  if (type !== undefined && type !== 'string')
    issues.push({
      file,
      path: `tables[${i}].columns.${USER_ID_COLUMN}`,
      expected: 'string (a per-user server stamps the owner there) or no such column',
      found: JSON.stringify(type),
    });
  return withOwnerColumn(table);
}

/** Every client signed in as a user; only clients and editors named. */
function userIssues(
  file: string,
  users: Readonly<Record<string, string>>,
  clients: readonly string[],
  editors: readonly string[],
): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  for (const client of clients) {
    if (!Object.hasOwn(users, client))
      issues.push({
        file,
        path: 'server.perUser',
        expected: `a user for every client (a per-user server answers a client without one 401), "${client}" among them`,
        found: 'none',
      });
  }
  for (const actor of Object.keys(users)) {
    if (!clients.includes(actor) && !editors.includes(actor))
      issues.push({
        file,
        path: `server.perUser.${actor}`,
        expected: `a client or editor of the scenario (${[...clients, ...editors].join(', ')})`,
        found: JSON.stringify(actor),
      });
  }
  return issues;
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
