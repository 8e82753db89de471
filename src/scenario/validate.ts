/**
 * Checks a scenario as it came from a file, against its schema (schema.ts), and what the schema
 * cannot see alone: the names steps and intent use. Every problem is reported at once with the file,
 * the path inside the scenario and what was expected there, so a hand-written file can be
 * fixed in one go. Functions (a merge function, a handler object) are accepted where a
 * TypeScript scenario may hold them.
 */
import type { z } from 'zod';
import { intentParts } from '../check/intent-types.js';
import { planPath } from '../network/schema.js';
import { schemaIssues, type SchemaIssue } from '../protocol/schema.js';
import type { ColumnType, TableDefinition } from '../protocol/records.js';
import { isDateLiteral, type QueryLiteral } from '../kernel/local-query.js';
import { type ScenarioDefinition, type Step } from './types.js';
import { migrateScenario } from './migrate.js';
import { programSchema, scenarioSchema, show, tooDeep } from './schema.js';

export interface ScenarioIssue {
  readonly file: string;
  /** Where inside the scenario, e.g. `steps[2].op.type`; empty for the whole file. */
  readonly path: string;
  readonly expected: string;
  /** What was there, as short JSON. */
  readonly found: string;
}

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly file: string,
    readonly issues: readonly ScenarioIssue[],
  ) {
    super(
      issues.length === 1
        ? formatIssue(issues[0]!)
        : `${file}: ${issues.length} problems:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`,
    );
  }
}

export function formatIssue(issue: ScenarioIssue): string {
  return `${issue.file}: ${issue.path === '' ? '(scenario)' : issue.path}: expected ${issue.expected}, found ${issue.found}`;
}

/** Returns the definition, typed, or throws a {@link ScenarioError} listing every problem. */
export function validateScenario(value: unknown, file: string): ScenarioDefinition {
  return validateAndMigrate(value, file).definition;
}

/** Reads an older format as the current one (see migrate.ts), then validates; `notes` say what migrating did. */
export function validateAndMigrate(
  value: unknown,
  file: string,
): { readonly definition: ScenarioDefinition; readonly notes: readonly string[] } {
  const migrated = migrateScenario(value, file);
  const issues = scenarioIssues(migrated.value, file);
  if (issues.length > 0) throw new ScenarioError(file, issues);
  return { definition: migrated.value as ScenarioDefinition, notes: migrated.notes };
}

/** Every problem in the definition; empty when it is valid. */
export function scenarioIssues(value: unknown, file: string): ScenarioIssue[] {
  return checked(scenarioSchema, value, file, []);
}

/**
 * Every problem in a counterexample's program (`seed`, `steps`, `faults`), as the scenario
 * validator sees them in a scenario: a program from a file is checked before it runs.
 */
export function programIssues(value: unknown, file: string): ScenarioIssue[] {
  return checked(programSchema, value, file, ['program']);
}

/** The schema's issues in the scenario's words, after the depth check that keeps deep values from it. */
function checked(schema: z.ZodType, value: unknown, file: string, prefix: readonly string[]): ScenarioIssue[] {
  const deep = tooDeep(value);
  const issues: readonly SchemaIssue[] = deep
    ? [{ path: [], expected: deep.expected, found: deep.found ?? show(value) }]
    : schemaIssues(schema, value, show);
  return issues.map((issue) => ({
    file,
    path: scenarioPath([...prefix, ...issue.path]),
    expected: issue.expected,
    found: issue.found,
  }));
}

/** `steps[2].op.type`, `intent["orders.qty"]`; a fault plan's part as the plan writes it (`faults.links.a`). */
function scenarioPath(path: readonly PropertyKey[]): string {
  const faults = path[0] === 'program' ? 1 : 0;
  if (path[faults] === 'faults') {
    const head = faults === 1 ? 'program.faults' : 'faults';
    const rest = planPath(path.slice(faults + 1));
    return rest === '' ? head : `${head}.${rest}`;
  }
  return path.reduce<string>((at, key) => join(at, typeof key === 'number' ? key : String(key)), '');
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Checks that a scenario's intent names tables it has and columns of those tables. Runs after
 * `extends` is applied, like {@link referenceIssues}.
 */
export function intentIssues(
  file: string,
  declared: Readonly<Record<string, unknown>> | undefined,
  tables: readonly { readonly name: string; readonly columns: Readonly<Record<string, unknown>> }[],
): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const { fields, tables: tableRules } = intentParts(declared as Parameters<typeof intentParts>[0]);
  const tableNamed = (name: string, path: string): (typeof tables)[number] | undefined => {
    const table = tables.find((candidate) => candidate.name === name);
    if (table === undefined)
      issues.push({
        file,
        path,
        expected: `one of the tables (${tables.map((t) => t.name).join(', ')})`,
        found: show(name),
      });
    return table;
  };
  const column = (table: (typeof tables)[number], field: string, path: string): void => {
    const columns = Object.keys(table.columns);
    if (!columns.includes(field))
      issues.push({
        file,
        path,
        expected: `a column of table ${table.name} (${columns.join(', ') || 'none'})`,
        found: show(field),
      });
  };
  for (const { table, field } of fields) {
    const path = join('intent', `${table}.${field}`);
    const found = tableNamed(table, path);
    if (found !== undefined) column(found, field, path);
  }
  for (const { table, rules } of tableRules) {
    const path = join('intent', table);
    const found = tableNamed(table, path);
    if (found === undefined || rules.unique === undefined) continue;
    const unique = typeof rules.unique === 'string' ? [rules.unique] : rules.unique;
    unique.forEach((field, i) =>
      column(found, field, typeof rules.unique === 'string' ? join(path, 'unique') : join(join(path, 'unique'), i)),
    );
  }
  return issues;
}

/**
 * Checks that the steps of a resolved scenario only name clients, editors and tables it has.
 * Runs after `extends` is applied, so a regression file may rely on its original's clients.
 */
export function referenceIssues(
  file: string,
  steps: readonly { actor: string; op: { type: string; table?: string; client?: string } }[],
  clients: readonly string[],
  editors: readonly string[],
  tables: readonly string[],
  faultLinks: readonly string[],
): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  steps.forEach((step, i) => {
    const path = `steps[${i}]`;
    if (step.actor === 'world') {
      const linked =
        step.op.type === 'offline' ||
        step.op.type === 'online' ||
        step.op.type === 'sign-in' ||
        step.op.type === 'hold';
      if (linked && !clients.includes(step.op.client ?? '')) {
        issues.push({
          file,
          path: `${path}.op.client`,
          expected: `one of the clients (${clients.join(', ')})`,
          found: show(step.op.client),
        });
      }
      return;
    }
    if (!clients.includes(step.actor) && !editors.includes(step.actor)) {
      issues.push({
        file,
        path: `${path}.actor`,
        expected: `"world", a client (${clients.join(', ')}) or an editor (${editors.join(', ') || 'none'})`,
        found: show(step.actor),
      });
    }
    if (step.op.table !== undefined && !tables.includes(step.op.table)) {
      issues.push({
        file,
        path: `${path}.op.table`,
        expected: `one of the tables (${tables.join(', ')})`,
        found: show(step.op.table),
      });
    }
  });
  for (const link of faultLinks) {
    if (!clients.includes(link))
      issues.push({
        file,
        path: `faults.links.${link}`,
        expected: `a link named after a client (${clients.join(', ')})`,
        found: show(link),
      });
  }
  return issues;
}

/** The literal a predicate on a column of `type` compares with, in words; undefined when it fits. */
function literalMismatch(type: ColumnType | 'id', value: QueryLiteral): string | undefined {
  if (value === null) return undefined;
  const fits =
    type === 'id' || type === 'string'
      ? typeof value === 'string'
      : type === 'number'
        ? typeof value === 'number'
        : type === 'boolean'
          ? typeof value === 'boolean'
          : isDateLiteral(value);
  if (fits) return undefined;
  return type === 'date' ? 'a date literal { "date": "…" } or null' : `a ${type === 'id' ? 'string' : type} or null`;
}

/**
 * Checks that the query steps name columns of their table (`id` or its own), compare each with a
 * value of its type, and leave JSON columns out of comparisons and sort keys (SQLite would compare
 * their text, which no app means).
 */
export function queryIssues(file: string, steps: readonly Step[], tables: readonly TableDefinition[]): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  steps.forEach((step, i) => {
    const { op } = step;
    if (step.actor === 'world' || op.type !== 'query') return;
    const { query } = op;
    const table = tables.find((candidate) => candidate.name === op.table);
    if (table === undefined) return;
    const typeOf = (column: string): ColumnType | 'id' | undefined => (column === 'id' ? 'id' : table.columns[column]);
    const columns = ['id', ...Object.keys(table.columns)];
    const comparable = columns.filter((column) => typeOf(column) !== 'object');
    const check = (column: string, path: string, allowed: readonly string[]): boolean => {
      if (allowed.includes(column)) return true;
      issues.push({
        file,
        path: `steps[${i}].op.query.${path}`,
        expected: `one of the columns of table ${table.name} ${allowed === columns ? '' : 'that compare '}(${allowed.join(', ')})`,
        found: show(column),
      });
      return false;
    };
    (query.where ?? []).forEach((predicate, j) => {
      if (!check(predicate.column, `where[${j}].column`, comparable)) return;
      const expected = literalMismatch(typeOf(predicate.column)!, predicate.value);
      if (expected !== undefined)
        issues.push({ file, path: `steps[${i}].op.query.where[${j}].value`, expected, found: show(predicate.value) });
    });
    (query.orderBy ?? []).forEach((ordering, j) => check(ordering.column, `orderBy[${j}].column`, comparable));
    (query.select ?? []).forEach((column, j) => check(column, `select[${j}]`, columns));
  });
  return issues;
}
