/**
 * Checks a scenario as it came from a file. Every problem is reported at once with the file,
 * the path inside the scenario and what was expected there, so a hand-written file can be
 * fixed in one go. Functions (a merge function, a handler object) are accepted where a
 * TypeScript scenario may hold them.
 */
import { COMPATIBILITY_MODES, SERVER_PROFILE_NAMES } from '../backend/profiles/profile.js';
import { CHECKER_NAMES } from '../check/index.js';
import { COVERAGE_COUNTERS } from '../check/coverage.js';
import { REACH_COUNTERS } from './reach.js';
import { MAX_TOP_CAP } from '../backend/server-variants.js';
import {
  FIELD_RULES,
  INTENT_RULE_NAMES,
  TABLE_RULE_KEYS,
  intentParts,
  invariantRuleId,
} from '../check/intent-types.js';
import { signaturePatternProblem } from '../check/signature.js';
import { LINK_ERROR_STATUSES } from '../network/fault-plan.js';
import { validateFaultPlan } from '../network/validate.js';
import { SCRIPTED_DECISIONS } from './scripted.js';
import { OPERATION_ACTIONS } from '../kernel/driver.js';
import { CLIENT_OPERATION_TYPES } from '../kernel/history.js';
import {
  BUILT_IN_POLICIES,
  FAULT_DECISION_KINDS,
  SCENARIO_FORMAT_VERSION,
  STEP_KINDS,
  GENERATOR_PROFILES,
  type ScenarioDefinition,
} from './types.js';
import { migrateScenario } from './migrate.js';
import {
  MAX_BODY_BYTES,
  MAX_ID_LENGTH,
  MAX_JSON_DEPTH,
  MAX_OBJECT_DEPTH,
  MAX_STEPS,
  MAX_VIRTUAL_MS,
} from '../protocol/limits.js';
import { formatBytes, jsonDepth } from '../protocol/safe-json.js';

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

const TOP_LEVEL = [
  '$schema',
  'version',
  'name',
  'description',
  'extends',
  'tables',
  'server',
  'clients',
  'policy',
  'editors',
  'steps',
  'seed',
  'faults',
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
] as const;

const COLUMN_TYPES = ['string', 'number', 'boolean', 'date', 'object'];
const CLIENT_OPS = CLIENT_OPERATION_TYPES;
const EDIT_OPS = OPERATION_ACTIONS;
const WORLD_OPS = ['offline', 'online', 'heal', 'sync', 'wait', 'note'];

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
  const v = new Validator(file);
  // Checked first: nothing below may walk a value nested deeper (a TypeScript scenario's included).
  if (!v.shallow(value, '')) return v.issues;
  if (!v.object(value, '', TOP_LEVEL)) return v.issues;
  const s = value;
  if (v.string(s['name'], 'name') && (s['name'] as string).trim() === '')
    v.fail('name', 'a non-empty string', s['name']);
  if (s['description'] !== undefined) v.string(s['description'], 'description');
  if (s['extends'] !== undefined) v.string(s['extends'], 'extends');
  if (s['tables'] !== undefined) v.tables(s['tables']);
  if (
    s['server'] !== undefined &&
    v.object(s['server'], 'server', ['profile', 'compatibility', 'ties', 'topCap', 'deletes'])
  ) {
    const server = s['server'] as Record<string, unknown>;
    if (server['ties'] !== undefined) v.oneOf(server['ties'], 'server.ties', ['stable', 'shuffled']);
    if (server['deletes'] !== undefined) v.oneOf(server['deletes'], 'server.deletes', ['soft', 'hard']);
    if (server['topCap'] !== undefined) v.integer(server['topCap'], 'server.topCap', 1, MAX_TOP_CAP);
    if (server['profile'] !== undefined) v.oneOf(server['profile'], 'server.profile', SERVER_PROFILE_NAMES);
    if (server['compatibility'] !== undefined)
      v.oneOf(server['compatibility'], 'server.compatibility', COMPATIBILITY_MODES);
  }
  if (s['clients'] !== undefined) v.clients(s['clients']);
  if (s['policy'] !== undefined) v.policy(s['policy'], 'policy');
  if (s['editors'] !== undefined) {
    v.names(s['editors'], 'editors', 0, 10);
    if (Array.isArray(s['editors'])) {
      (s['editors'] as unknown[]).forEach((name, i) => {
        if (typeof name === 'string' && !name.startsWith('editor'))
          v.fail(`editors[${i}]`, 'an editor name starting with "editor"', name);
      });
    }
  }
  if (s['steps'] !== undefined && s['generate'] !== undefined)
    v.fail('generate', 'either "steps" or "generate", not both', s['generate']);
  if (s['extends'] === undefined && s['steps'] === undefined && s['generate'] === undefined) {
    v.fail('', 'a "steps" list or a "generate" section', s);
  }
  if (s['steps'] !== undefined) v.steps(s['steps'], 'steps');
  if (s['seed'] !== undefined) v.integer(s['seed'], 'seed', 0, 2 ** 31 - 1);
  if (s['faults'] !== undefined) {
    for (const issue of validateFaultPlan(s['faults'])) {
      v.issues.push({
        file,
        path: issue.path === '' ? 'faults' : `faults.${issue.path}`,
        expected: issue.expected,
        found: issue.found,
      });
    }
  }
  if (s['generate'] !== undefined) v.generate(s['generate']);
  if (s['checks'] !== undefined) v.oneOfEach(s['checks'], 'checks', CHECKER_NAMES);
  if (s['coverage'] !== undefined) v.oneOfEach(s['coverage'], 'coverage', [...COVERAGE_COUNTERS, ...REACH_COUNTERS]);
  if (s['version'] !== undefined && s['version'] !== SCENARIO_FORMAT_VERSION)
    v.fail(
      'version',
      `${SCENARIO_FORMAT_VERSION} (this format; version 1 files are migrated as they load)`,
      s['version'],
    );
  if (s['$schema'] !== undefined) v.string(s['$schema'], '$schema');
  if (s['expect'] !== undefined) v.expectation(s['expect']);
  if (s['allow'] !== undefined) v.signaturePatterns(s['allow'], 'allow');
  if (s['intent'] !== undefined) v.intent(s['intent']);
  if (s['invariants'] !== undefined) v.invariants(s['invariants']);
  if (s['dropped'] !== undefined) v.oneOf(s['dropped'], 'dropped', ['list', 'forbid']);
  if (s['runs'] !== undefined) v.integer(s['runs'], 'runs', 1, 1_000_000);
  if (s['settleRounds'] !== undefined) v.integer(s['settleRounds'], 'settleRounds', 0, 10);
  if (s['pullPageSize'] !== undefined) v.integer(s['pullPageSize'], 'pullPageSize', 1, 1000);
  if (s['origin'] !== undefined && v.object(s['origin'], 'origin', ['scenario', 'seed', 'path', 'client', 'note'])) {
    const origin = s['origin'] as Record<string, unknown>;
    v.string(origin['scenario'], 'origin.scenario');
    if (origin['seed'] !== undefined) v.integer(origin['seed'], 'origin.seed', -(2 ** 31), 2 ** 32);
    if (origin['path'] !== undefined) v.string(origin['path'], 'origin.path');
    if (origin['client'] !== undefined) v.string(origin['client'], 'origin.client');
    if (origin['note'] !== undefined) v.string(origin['note'], 'origin.note');
  }
  return v.issues;
}

/**
 * Every problem in a counterexample's program (`seed`, `steps`, `faults`), as the scenario
 * validator sees them in a scenario: a program from a file is checked before it runs.
 */
export function programIssues(value: unknown, file: string): ScenarioIssue[] {
  const v = new Validator(file);
  if (!v.shallow(value, 'program') || !v.object(value, 'program', ['seed', 'steps', 'faults'])) return v.issues;
  v.integer(value['seed'], 'program.seed', -(2 ** 31), 2 ** 32);
  v.steps(value['steps'], 'program.steps');
  for (const issue of validateFaultPlan(value['faults']))
    v.issues.push({
      file,
      path: issue.path === '' ? 'program.faults' : `program.faults.${issue.path}`,
      expected: issue.expected,
      found: issue.found,
    });
  return v.issues;
}

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

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

class Validator {
  readonly issues: ScenarioIssue[] = [];

  /** `{ <client or *>: "pass" | { fails: [signature patterns] } }`. */
  expectation(value: unknown): void {
    const shape = 'an object of client name (or "*") → "pass" or { "fails": [signature patterns] }';
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail('expect', shape, value);
      return;
    }
    for (const [client, outcome] of Object.entries(value)) {
      const path = join('expect', client);
      if (outcome === 'pass') continue;
      if (typeof outcome !== 'object' || outcome === null || Array.isArray(outcome)) {
        this.fail(path, '"pass" or { "fails": [signature patterns] }', outcome);
        continue;
      }
      if (this.object(outcome, path, ['fails']))
        this.signaturePatterns((outcome as Record<string, unknown>)['fails'], join(path, 'fails'));
    }
  }

  /** A list of signature patterns: `checker/rule/op/status`, `*` for any segment, trailing ones optional. */
  signaturePatterns(value: unknown, path: string): void {
    if (!this.array(value, path)) return;
    (value as unknown[]).forEach((pattern, i) => {
      const at = `${path}[${i}]`;
      if (!this.string(pattern, at)) return;
      const problem = signaturePatternProblem(pattern as string);
      if (problem !== undefined) this.fail(at, `a signature pattern checker/rule/op/status (${problem})`, pattern);
    });
  }

  /**
   * `{ "<table>.<field>": "client-wins" | "server-wins" | "merged", "<table>": { "never-empty"?,
   * "unique"?, "rows"? } }`. Whether the tables and fields exist is checked once `extends` is applied.
   */
  intent(value: unknown): void {
    if (!this.object(value, 'intent')) return;
    for (const [key, rule] of Object.entries(value)) {
      const path = join('intent', key);
      const dot = key.indexOf('.');
      if (dot >= 0) {
        if (dot === 0 || dot === key.length - 1) this.fail(path, 'a key "<table>.<field>" or "<table>"', key);
        else this.oneOf(rule, path, FIELD_RULES);
        continue;
      }
      if (key === '') {
        this.fail(path, 'a key "<table>.<field>" or "<table>"', key);
        continue;
      }
      if (typeof rule === 'string') {
        this.fail(
          path,
          `table rules { ${TABLE_RULE_KEYS.join(', ')} } (a field's rule needs a key "<table>.<field>")`,
          rule,
        );
        continue;
      }
      if (!this.object(rule, path, TABLE_RULE_KEYS)) continue;
      if (Object.keys(rule).length === 0) this.fail(path, `at least one of ${TABLE_RULE_KEYS.join(', ')}`, rule);
      if (rule['never-empty'] !== undefined) this.boolean(rule['never-empty'], join(path, 'never-empty'));
      const unique = rule['unique'];
      if (unique !== undefined) {
        if (Array.isArray(unique)) {
          if (unique.length === 0) this.fail(join(path, 'unique'), 'a field name or a non-empty list of them', unique);
          unique.forEach((field, i) => {
            if (this.string(field, join(join(path, 'unique'), i)) && field === '')
              this.fail(join(join(path, 'unique'), i), 'a field name', field);
          });
        } else if (typeof unique !== 'string' || unique === '') {
          this.fail(join(path, 'unique'), 'a field name or a non-empty list of them', unique);
        }
      }
      const rows = rule['rows'];
      if (rows !== undefined && this.object(rows, join(path, 'rows'), ['min', 'max'])) {
        const rowsPath = join(path, 'rows');
        if (rows['min'] === undefined && rows['max'] === undefined)
          this.fail(rowsPath, 'a "min", a "max" or both', rows);
        const min = rows['min'] === undefined || this.integer(rows['min'], join(rowsPath, 'min'), 0, 1_000_000);
        const max = rows['max'] === undefined || this.integer(rows['max'], join(rowsPath, 'max'), 0, 1_000_000);
        if (
          min &&
          max &&
          typeof rows['min'] === 'number' &&
          typeof rows['max'] === 'number' &&
          rows['min'] > rows['max']
        )
          this.fail(join(rowsPath, 'max'), `an integer >= rows.min (${rows['min']})`, rows['max']);
      }
    }
  }

  /** Named functions (TypeScript scenarios); each name gives a rule id `intent.<name>` of its own. */
  invariants(value: unknown): void {
    if (!this.object(value, 'invariants')) return;
    const ruleIds = new Map<string, string>();
    for (const [name, invariant] of Object.entries(value)) {
      const path = join('invariants', name);
      if (typeof invariant !== 'function')
        this.fail(path, 'a function (view) => true | false | [problems] (TypeScript scenarios only)', invariant);
      const rule = invariantRuleId(name);
      if (name.trim() === '' || rule === 'intent.invariant') {
        this.fail(path, 'a name with letters or digits', name);
        continue;
      }
      if (INTENT_RULE_NAMES.includes(rule.slice('intent.'.length))) {
        this.fail(path, `a name whose rule id is not a built-in one (${rule})`, name);
        continue;
      }
      const other = ruleIds.get(rule);
      if (other !== undefined)
        this.fail(path, `a name whose rule id (${rule}) differs from ${JSON.stringify(other)}'s`, name);
      else ruleIds.set(rule, name);
    }
  }

  constructor(private readonly file: string) {}

  fail(path: string, expected: string, found: unknown): false {
    this.issues.push({ file: this.file, path, expected, found: show(found) });
    return false;
  }

  /** `found` already in words (not a value to show). */
  failWith(path: string, expected: string, found: string): false {
    this.issues.push({ file: this.file, path, expected, found });
    return false;
  }

  /** False (with an issue) for a value nested deeper than any JSON syncwright reads. */
  shallow(value: unknown, path: string): boolean {
    const depth = jsonDepth(value, MAX_JSON_DEPTH);
    return (
      depth <= MAX_JSON_DEPTH ||
      this.failWith(path, `a value nested at most ${MAX_JSON_DEPTH} levels deep`, 'deeper nesting (or a cycle)')
    );
  }

  /** A program's steps: at most MAX_STEPS, whose waits add up to at most MAX_VIRTUAL_MS. */
  steps(value: unknown, path: string): void {
    if (!this.array(value, path)) return;
    if (value.length > MAX_STEPS) {
      this.failWith(path, `at most ${MAX_STEPS} steps`, `${value.length} steps`);
      return;
    }
    let elapsed = 0;
    value.forEach((step, i) => {
      const at = `${path}[${i}]`;
      this.step(step, at);
      // The virtual clock moves by each step's `after` and each `wait`: their sum must stay in range.
      const after = (step as { after?: unknown } | null)?.after;
      const op = (step as { op?: { type?: unknown; ms?: unknown } } | null)?.op;
      for (const [ms, where] of [
        [after, `${at}.after`],
        [op?.type === 'wait' ? op.ms : undefined, `${at}.op.ms`],
      ] as const) {
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_VIRTUAL_MS) continue;
        elapsed += ms;
        if (elapsed > MAX_VIRTUAL_MS) {
          this.failWith(
            where,
            `waits that add up to at most ${MAX_VIRTUAL_MS} ms of virtual time (ten years)`,
            `${elapsed} ms by this step`,
          );
          elapsed = Number.NEGATIVE_INFINITY;
        }
      }
    });
  }

  /** A record as the backend will take it: values nested within its limit, within its body size. */
  recordFits(value: Record<string, unknown>, path: string): void {
    for (const [field, item] of Object.entries(value)) {
      const depth = jsonDepth(item, MAX_OBJECT_DEPTH);
      if (depth > MAX_OBJECT_DEPTH)
        this.failWith(
          join(path, field),
          `a value nested at most ${MAX_OBJECT_DEPTH} levels deep (the backend's limit)`,
          `one nested ${depth > MAX_OBJECT_DEPTH + 1 ? 'deeper' : depth} levels`,
        );
    }
    let bytes: number;
    try {
      bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
    } catch {
      return;
    }
    if (bytes > MAX_BODY_BYTES)
      this.failWith(
        path,
        `a record of at most ${formatBytes(MAX_BODY_BYTES)} as JSON (the backend's body limit)`,
        formatBytes(bytes),
      );
  }

  /** A record id the backend takes: 1 to MAX_ID_LENGTH characters, no control characters. */
  recordId(value: unknown, path: string): boolean {
    if (!this.string(value, path)) return false;
    const id = value as string;
    return (
      (id !== '' && id.length <= MAX_ID_LENGTH && !/[\u0000-\u001f\u007f]/.test(id)) ||
      this.fail(path, `a non-empty id of at most ${MAX_ID_LENGTH} characters, without control characters`, id)
    );
  }

  object(value: unknown, path: string, allowed?: readonly string[]): value is Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.fail(path, 'an object', value);
    if (allowed !== undefined) {
      for (const key of Object.keys(value)) {
        if (!allowed.includes(key))
          this.fail(
            join(path, key),
            `no such property (allowed: ${allowed.join(', ')})`,
            (value as Record<string, unknown>)[key],
          );
      }
    }
    return true;
  }

  string(value: unknown, path: string): value is string {
    return typeof value === 'string' || this.fail(path, 'a string', value);
  }

  boolean(value: unknown, path: string): value is boolean {
    return typeof value === 'boolean' || this.fail(path, 'true or false', value);
  }

  array(value: unknown, path: string): value is unknown[] {
    return Array.isArray(value) || this.fail(path, 'an array', value);
  }

  number(value: unknown, path: string, min: number, max = Number.POSITIVE_INFINITY): value is number {
    const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
    return (
      ok || this.fail(path, `a number ${max === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${max}]`}`, value)
    );
  }

  integer(value: unknown, path: string, min: number, max = Number.POSITIVE_INFINITY): value is number {
    const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
    return (
      ok ||
      this.fail(path, `an integer ${max === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${max}]`}`, value)
    );
  }

  oneOf(value: unknown, path: string, allowed: readonly unknown[]): boolean {
    return (
      allowed.includes(value) ||
      this.fail(path, `one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}`, value)
    );
  }

  oneOfEach(value: unknown, path: string, allowed: readonly string[]): void {
    if (!this.array(value, path)) return;
    value.forEach((item, i) => this.oneOf(item, join(path, i), allowed));
  }

  /** A count, or a list of distinct names. */
  names(value: unknown, path: string, min: number, max: number): void {
    if (typeof value === 'number') {
      this.integer(value, path, min, max);
      return;
    }
    if (!this.array(value, path)) return;
    const seen = new Set<string>();
    value.forEach((name, i) => {
      if (this.string(name, join(path, i))) {
        if (seen.has(name)) this.fail(join(path, i), 'a name not used before', name);
        seen.add(name);
      }
    });
  }

  tables(value: unknown): void {
    if (!this.array(value, 'tables')) return;
    if (value.length === 0) this.fail('tables', 'at least one table', value);
    value.forEach((table, i) => {
      const path = join('tables', i);
      if (typeof table === 'string') return;
      if (!this.object(table, path, ['name', 'columns', 'pageSize', 'maxTop', 'softDelete'])) return;
      if (this.string(table['name'], join(path, 'name')) && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(table['name'])) {
        this.fail(join(path, 'name'), 'a table name of letters, digits and underscores', table['name']);
      }
      if (this.object(table['columns'], join(path, 'columns'))) {
        for (const [column, type] of Object.entries(table['columns']))
          this.oneOf(type, join(join(path, 'columns'), column), COLUMN_TYPES);
      }
      if (table['pageSize'] !== undefined) this.integer(table['pageSize'], join(path, 'pageSize'), 1, 1000);
      if (table['maxTop'] !== undefined) this.integer(table['maxTop'], join(path, 'maxTop'), 1, 100_000);
      if (table['softDelete'] !== undefined) this.boolean(table['softDelete'], join(path, 'softDelete'));
    });
  }

  clients(value: unknown): void {
    if (typeof value === 'number') {
      this.integer(value, 'clients', 1, 10);
      return;
    }
    if (!this.array(value, 'clients')) return;
    if (value.length === 0) this.fail('clients', 'at least one client', value);
    const seen = new Set<string>();
    value.forEach((client, i) => {
      const path = join('clients', i);
      let name: unknown = client;
      if (typeof client !== 'string') {
        if (!this.object(client, path, ['name', 'policy'])) return;
        name = client['name'];
        if (client['policy'] !== undefined) this.policy(client['policy'], join(path, 'policy'));
      }
      const namePath = typeof client === 'string' ? path : join(path, 'name');
      if (!this.string(name, namePath)) return;
      if (name === 'world' || name.startsWith('editor') || name === '' || name === 'network' || name === 'server') {
        this.fail(namePath, 'a client name other than "world", "server", "network" or "editor…"', name);
      }
      if (seen.has(name)) this.fail(namePath, 'a name not used before', name);
      seen.add(name);
    });
  }

  policy(value: unknown, path: string): void {
    if (typeof value === 'string') {
      if (value === 'merge') return;
      this.oneOf(value, path, BUILT_IN_POLICIES);
      return;
    }
    if (!this.object(value, path)) return;
    if ('module' in value) {
      this.object(value, path, ['module', 'conflicts']);
      this.string(value['module'], join(path, 'module'));
      if (value['conflicts'] !== undefined) this.answers(value['conflicts'], join(path, 'conflicts'));
      return;
    }
    if ('handler' in value) {
      this.object(value, path, ['handler']);
      const handler = value['handler'];
      if (this.object(handler, join(path, 'handler'))) {
        for (const key of ['onConflict', 'onError']) {
          if (handler[key] !== undefined && typeof handler[key] !== 'function')
            this.fail(join(join(path, 'handler'), key), 'a function', handler[key]);
        }
      }
      return;
    }
    if (value['name'] === 'scripted') {
      this.object(value, path, ['name', 'conflicts', 'then']);
      if (value['then'] !== undefined) this.oneOf(value['then'], join(path, 'then'), BUILT_IN_POLICIES);
      this.answers(value['conflicts'], join(path, 'conflicts'));
      return;
    }
    if (value['name'] === 'merge') {
      this.object(value, path, ['name', 'prefer', 'fields', 'mergeField']);
      if (value['prefer'] !== undefined) this.oneOf(value['prefer'], join(path, 'prefer'), ['client', 'server']);
      if (value['fields'] !== undefined && this.object(value['fields'], join(path, 'fields'))) {
        for (const [field, side] of Object.entries(value['fields']))
          this.oneOf(side, join(join(path, 'fields'), field), ['client', 'server']);
      }
      if (value['mergeField'] !== undefined && typeof value['mergeField'] !== 'function') {
        this.fail(join(path, 'mergeField'), 'a function (TypeScript scenarios only)', value['mergeField']);
      }
      return;
    }
    this.object(value, path, ['name']);
    this.oneOf(value['name'], join(path, 'name'), BUILT_IN_POLICIES);
  }

  /** Recorded answers to conflicts, in order (a `scripted` policy's, or those a module left to the user). */
  answers(value: unknown, path: string): void {
    if (!this.array(value, path)) return;
    (value as unknown[]).forEach((answer, i) => {
      const at = join(path, i);
      if (!this.object(answer, at, ['decision', 'record', 'action', 'table', 'itemId'])) return;
      this.oneOf(answer['decision'], join(at, 'decision'), SCRIPTED_DECISIONS);
      if (answer['record'] !== undefined && this.object(answer['record'], join(at, 'record')))
        this.recordFits(answer['record'], join(at, 'record'));
      if (
        (answer['decision'] === 'cancelAndUpdate' || answer['decision'] === 'update') &&
        answer['record'] === undefined
      ) {
        this.fail(join(at, 'record'), `the record ${String(answer['decision'])} stores`, undefined);
      }
      if (answer['action'] !== undefined) this.oneOf(answer['action'], join(at, 'action'), OPERATION_ACTIONS);
      if (answer['table'] !== undefined) this.string(answer['table'], join(at, 'table'));
      if (answer['itemId'] !== undefined) this.string(answer['itemId'], join(at, 'itemId'));
    });
  }

  step(value: unknown, path: string): void {
    if (!this.object(value, path, ['actor', 'op', 'after', 'background'])) return;
    if (value['after'] !== undefined) this.number(value['after'], join(path, 'after'), 0, MAX_VIRTUAL_MS);
    if (value['background'] !== undefined) this.boolean(value['background'], join(path, 'background'));
    if (!this.string(value['actor'], join(path, 'actor'))) return;
    const actor = value['actor'];
    const opPath = join(path, 'op');
    if (!this.object(value['op'], opPath)) return;
    const op = value['op'];
    const typePath = join(opPath, 'type');
    const kind = actor === 'world' ? WORLD_OPS : actor.startsWith('editor') ? EDIT_OPS : CLIENT_OPS;
    if (!this.oneOf(op['type'], typePath, kind)) return;
    const type = op['type'] as string;
    const table = (): void => {
      if (op['table'] !== undefined) this.string(op['table'], join(opPath, 'table'));
    };
    const id = (key = 'id'): void => {
      this.recordId(op[key], join(opPath, key));
    };
    const record = (key: string, needsId: boolean): void => {
      if (!this.object(op[key], join(opPath, key))) return;
      const rec = op[key] as Record<string, unknown>;
      if (needsId || rec['id'] !== undefined) this.recordId(rec['id'], join(join(opPath, key), 'id'));
      this.recordFits(rec, join(opPath, key));
    };
    if (actor === 'world') {
      switch (type) {
        case 'offline':
        case 'online':
          this.object(op, opPath, ['type', 'client']);
          this.string(op['client'], join(opPath, 'client'));
          return;
        case 'wait':
          this.object(op, opPath, ['type', 'ms']);
          this.number(op['ms'], join(opPath, 'ms'), 0, MAX_VIRTUAL_MS);
          return;
        case 'note':
          this.object(op, opPath, ['type', 'text']);
          this.string(op['text'], join(opPath, 'text'));
          return;
        default:
          this.object(op, opPath, ['type']);
          return;
      }
    }
    if (actor.startsWith('editor')) {
      switch (type) {
        case 'insert':
          this.object(op, opPath, ['type', 'table', 'record']);
          table();
          record('record', true);
          return;
        case 'update':
          this.object(op, opPath, ['type', 'table', 'id', 'changes']);
          table();
          id();
          if (this.object(op['changes'], join(opPath, 'changes')))
            this.recordFits(op['changes'] as Record<string, unknown>, join(opPath, 'changes'));
          return;
        default:
          this.object(op, opPath, ['type', 'table', 'id']);
          table();
          id();
          return;
      }
    }
    switch (type) {
      case 'insert':
      case 'update':
        this.object(op, opPath, ['type', 'table', 'record']);
        table();
        record('record', true);
        return;
      case 'delete':
      case 'lookup':
        this.object(op, opPath, ['type', 'table', 'id']);
        table();
        id();
        return;
      case 'read':
        this.object(op, opPath, ['type', 'table']);
        table();
        return;
      case 'pull':
        this.object(op, opPath, ['type', 'table', 'queryId', 'filter']);
        table();
        if (op['queryId'] !== undefined) this.string(op['queryId'], join(opPath, 'queryId'));
        if (op['filter'] !== undefined) this.string(op['filter'], join(opPath, 'filter'));
        return;
      case 'purge':
        this.object(op, opPath, ['type', 'table', 'force']);
        table();
        if (op['force'] !== undefined) this.boolean(op['force'], join(opPath, 'force'));
        return;
      default:
        this.object(op, opPath, ['type']);
        return;
    }
  }

  generate(value: unknown): void {
    const path = 'generate';
    if (!this.object(value, path, ['profile', 'steps', 'records', 'start', 'mix', 'background', 'maxDelay', 'faults']))
      return;
    if (value['profile'] !== undefined) this.oneOf(value['profile'], 'generate.profile', GENERATOR_PROFILES);
    if (value['start'] !== undefined) this.oneOf(value['start'], 'generate.start', ['synced', 'empty']);
    if (value['steps'] !== undefined && this.object(value['steps'], 'generate.steps', ['min', 'max'])) {
      const steps = value['steps'];
      const min = steps['min'] === undefined || this.integer(steps['min'], 'generate.steps.min', 0, 200);
      const max = steps['max'] === undefined || this.integer(steps['max'], 'generate.steps.max', 1, 200);
      if (
        min &&
        max &&
        typeof steps['min'] === 'number' &&
        typeof steps['max'] === 'number' &&
        steps['min'] > steps['max']
      ) {
        this.fail('generate.steps.max', `an integer >= steps.min (${steps['min']})`, steps['max']);
      }
    }
    if (value['records'] !== undefined) this.integer(value['records'], 'generate.records', 1, 50);
    if (value['mix'] !== undefined && this.object(value['mix'], 'generate.mix', STEP_KINDS)) {
      for (const [kind, weight] of Object.entries(value['mix'])) this.number(weight, `generate.mix.${kind}`, 0, 1000);
    }
    if (value['background'] !== undefined) this.number(value['background'], 'generate.background', 0, 1);
    if (value['maxDelay'] !== undefined) this.integer(value['maxDelay'], 'generate.maxDelay', 0, 60_000);
    if (value['faults'] !== undefined) this.faultRanges(value['faults']);
  }

  faultRanges(value: unknown): void {
    const path = 'generate.faults';
    if (
      !this.object(value, path, ['kinds', 'max', 'statuses', 'requests', 'writes', 'latency', 'windowMs', 'timeoutMs'])
    )
      return;
    if (value['kinds'] !== undefined && value['kinds'] !== 'all')
      this.oneOfEach(value['kinds'], `${path}.kinds`, FAULT_DECISION_KINDS);
    if (value['max'] !== undefined) this.integer(value['max'], `${path}.max`, 0, 50);
    if (value['statuses'] !== undefined && this.array(value['statuses'], `${path}.statuses`)) {
      if (value['statuses'].length === 0) this.fail(`${path}.statuses`, 'at least one status', value['statuses']);
      value['statuses'].forEach((status, i) => this.oneOf(status, `${path}.statuses[${i}]`, LINK_ERROR_STATUSES));
    }
    if (value['requests'] !== undefined) this.integer(value['requests'], `${path}.requests`, 1, 1000);
    if (value['writes'] !== undefined) this.integer(value['writes'], `${path}.writes`, 1, 100_000);
    if (value['latency'] !== undefined && this.object(value['latency'], `${path}.latency`, ['min', 'max'])) {
      const latency = value['latency'];
      const a = this.integer(latency['min'], `${path}.latency.min`, 0, 60_000);
      const b = this.integer(latency['max'], `${path}.latency.max`, 0, 60_000);
      if (a && b && (latency['min'] as number) > (latency['max'] as number))
        this.fail(`${path}.latency.max`, 'an integer >= latency.min', latency['max']);
    }
    if (value['windowMs'] !== undefined) this.integer(value['windowMs'], `${path}.windowMs`, 1, 600_000);
    if (value['timeoutMs'] !== undefined) this.integer(value['timeoutMs'], `${path}.timeoutMs`, 1, 600_000);
  }
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
      if ((step.op.type === 'offline' || step.op.type === 'online') && !clients.includes(step.op.client ?? '')) {
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
