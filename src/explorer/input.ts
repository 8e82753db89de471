/**
 * Checks what the page (or anyone else) sends to the explorer's API and turns it into typed
 * calls. Everything from the wire is `unknown` until checked here; a problem becomes an
 * {@link InputError} naming the field and what was expected, which the API answers with 400.
 */
import { LINK_ERROR_STATUSES, type LinkErrorStatus } from '../network/fault-plan.js';
import type { JsonObject, JsonValue, TableDefinition } from '../protocol/records.js';
import { SCRIPTED_DECISIONS, type ScriptedResolution } from '../scenario/scripted.js';
import type { ClientOperation, ServerEdit } from '../kernel/history.js';
import type { LinkFaults } from './link-faults.js';
import { EXPLORER_POLICIES, type ExplorerPolicy } from './session.js';
import { OPERATION_ACTIONS } from '../kernel/driver.js';
import { MAX_BODY_BYTES, MAX_ID_LENGTH } from '../protocol/limits.js';
import { formatBytes } from '../protocol/safe-json.js';

export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly field: string,
    readonly expected: string,
    found: unknown,
  ) {
    super(`${field === '' ? 'body' : field}: expected ${expected}, found ${show(found)}`);
  }
}

const MAX_FIELDS = 64;
const MAX_TEXT = 10_000;
const MAX_ID = MAX_ID_LENGTH;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const QUERY_ID = /^[A-Za-z0-9_.-]{1,100}$/;
/** What a record may carry besides the table's own columns. */
const RECORD_SYSTEM = new Set(['id', 'version']);

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

type Body = Record<string, unknown>;

export function object(value: unknown, field: string, allowed: readonly string[]): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError(field, 'a JSON object', value);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw new InputError(
        join(field, key),
        `no such field (allowed: ${allowed.join(', ') || 'none'})`,
        (value as Body)[key],
      );
  }
  return value as Body;
}

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw new InputError(field, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

function text(value: unknown, field: string, max: number, pattern?: RegExp, what = 'a string'): string {
  if (typeof value !== 'string' || value.length > max || (pattern !== undefined && !pattern.test(value)))
    throw new InputError(field, `${what} of at most ${max} characters`, value);
  return value;
}

function id(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_ID || /[\u0000-\u001f]/.test(value))
    throw new InputError(field, `an id: 1 to ${MAX_ID} characters, no control characters`, value);
  return value;
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InputError(field, `a whole number from ${min} to ${max}`, value);
  return value;
}

function rate(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new InputError(field, 'a rate from 0 to 1', value);
  return value;
}

function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new InputError(field, 'true or false', value);
  return value;
}

function optional<T>(value: unknown, read: (value: unknown) => T): T | undefined {
  return value === undefined ? undefined : read(value);
}

function table(value: unknown, field: string, tables: readonly TableDefinition[]): TableDefinition {
  if (value === undefined) return tables[0]!;
  const name = oneOf(
    value,
    field,
    tables.map((t) => t.name),
  );
  return tables.find((t) => t.name === name)!;
}

/** A record for `definition`: its own columns (typed), `id` and `version`, nothing else. */
export function record(
  value: unknown,
  field: string,
  definition: TableDefinition,
  options: { needsId: boolean; partial?: boolean },
): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError(field, 'a record (a JSON object)', value);
  const entries = Object.entries(value as Body);
  if (entries.length > MAX_FIELDS)
    throw new InputError(field, `at most ${MAX_FIELDS} fields`, `${entries.length} fields`);
  const out: JsonObject = {};
  const columns = Object.keys(definition.columns);
  for (const [key, item] of entries) {
    const at = join(field, key);
    if (!FIELD_NAME.test(key)) throw new InputError(at, 'a field name of letters, digits and _', key);
    if (key === 'id') {
      out[key] = id(item, at);
      continue;
    }
    if (key === 'version') {
      out[key] = text(item, at, 200);
      continue;
    }
    const type = definition.columns[key];
    if (type === undefined || RECORD_SYSTEM.has(key))
      throw new InputError(at, `a column of ${definition.name} (${columns.join(', ')}), id or version`, key);
    out[key] = columnValue(item, at, type);
  }
  if (options.needsId && out['id'] === undefined)
    throw new InputError(join(field, 'id'), 'the id of the record', undefined);
  // 64 long texts fit the explorer's own limits and not the backend's body limit: refused here, not blamed on the client.
  const bytes = Buffer.byteLength(JSON.stringify(out), 'utf8');
  if (bytes > MAX_BODY_BYTES)
    throw new InputError(field, `a record of at most ${formatBytes(MAX_BODY_BYTES)} as JSON`, formatBytes(bytes));
  return out;
}

function columnValue(value: unknown, field: string, type: string): JsonValue {
  if (value === null) return null;
  switch (type) {
    case 'string':
      return text(value, field, MAX_TEXT);
    case 'boolean':
      return bool(value, field);
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw new InputError(field, 'a finite number or null', value);
      return value;
    case 'date':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
        throw new InputError(field, 'an ISO-8601 date or null', value);
      return value;
    default:
      return jsonValue(value, field, 0);
  }
}

function jsonValue(value: unknown, field: string, depth: number): JsonValue {
  if (depth > 8) throw new InputError(field, 'JSON nested at most 8 deep', '...');
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') return text(value, field, MAX_TEXT);
  if (Array.isArray(value)) return value.slice(0, 1000).map((item, i) => jsonValue(item, `${field}[${i}]`, depth + 1));
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value as Body).slice(0, MAX_FIELDS))
      out[key] = jsonValue(item, join(field, key), depth + 1);
    return out;
  }
  throw new InputError(field, 'a JSON value', value);
}

export interface ClientOperationInput {
  readonly op: ClientOperation;
  readonly background: boolean;
}

export function clientOperation(body: unknown, tables: readonly TableDefinition[]): ClientOperationInput {
  const b = object(body, '', ['type', 'table', 'record', 'id', 'queryId', 'filter', 'force', 'background']);
  const type = oneOf(b['type'], 'type', ['insert', 'update', 'delete', 'push', 'pull', 'purge', 'restart'] as const);
  const background = optional(b['background'], (v) => bool(v, 'background')) ?? false;
  const allow = (...fields: string[]): void => {
    for (const key of ['table', 'record', 'id', 'queryId', 'filter', 'force']) {
      if (b[key] !== undefined && !fields.includes(key))
        throw new InputError(key, `nothing (a ${type} takes ${fields.join(', ') || 'no other field'})`, b[key]);
    }
  };
  switch (type) {
    case 'insert':
    case 'update': {
      allow('table', 'record');
      const t = table(b['table'], 'table', tables);
      return {
        op: { type, table: t.name, record: record(b['record'], 'record', t, { needsId: type === 'update' }) },
        background,
      };
    }
    case 'delete': {
      allow('table', 'id');
      const t = table(b['table'], 'table', tables);
      return { op: { type, table: t.name, id: id(b['id'], 'id') }, background };
    }
    case 'pull': {
      allow('table', 'queryId', 'filter');
      const t = table(b['table'], 'table', tables);
      const queryId = optional(b['queryId'], (v) =>
        text(v, 'queryId', 100, QUERY_ID, 'a query id of letters, digits, ., _ and -'),
      );
      const filter = optional(b['filter'], (v) => text(v, 'filter', 2000));
      return {
        op: {
          type,
          table: t.name,
          ...(queryId !== undefined ? { queryId } : {}),
          ...(filter !== undefined && filter.trim() !== '' ? { filter } : {}),
        },
        background,
      };
    }
    case 'purge': {
      allow('table', 'force');
      const t = table(b['table'], 'table', tables);
      const force = optional(b['force'], (v) => bool(v, 'force'));
      return { op: { type, table: t.name, ...(force === true ? { force } : {}) }, background };
    }
    case 'push':
    case 'restart':
      allow();
      return { op: { type }, background };
  }
}

export interface ServerEditInput {
  readonly editor: string;
  readonly edit: ServerEdit;
}

export function serverEdit(body: unknown, tables: readonly TableDefinition[]): ServerEditInput {
  const b = object(body, '', ['editor', 'type', 'table', 'record', 'id', 'changes']);
  const editor =
    optional(b['editor'], (v) =>
      text(v, 'editor', 46, /^editor[-\w]{0,40}$/, 'an editor name starting with "editor"'),
    ) ?? 'editor-1';
  const type = oneOf(b['type'], 'type', OPERATION_ACTIONS);
  const t = table(b['table'], 'table', tables);
  switch (type) {
    case 'insert':
      object(b, '', ['editor', 'type', 'table', 'record']);
      return { editor, edit: { type, table: t.name, record: record(b['record'], 'record', t, { needsId: false }) } };
    case 'update': {
      object(b, '', ['editor', 'type', 'table', 'id', 'changes']);
      const changes = record(b['changes'], 'changes', t, { needsId: false });
      if ('id' in changes && changes['id'] !== b['id'])
        throw new InputError('changes.id', 'no id (or the same id as the row)', changes['id']);
      return { editor, edit: { type, table: t.name, id: id(b['id'], 'id'), changes } };
    }
    case 'delete':
      object(b, '', ['editor', 'type', 'table', 'id']);
      return { editor, edit: { type, table: t.name, id: id(b['id'], 'id') } };
  }
}

export function linkFaults(body: unknown): LinkFaults {
  const b = object(body, '', ['latency', 'errorRate', 'errorStatus', 'lostResponseRate']);
  const l = object(b['latency'], 'latency', ['minMs', 'maxMs']);
  const minMs = integer(l['minMs'], 'latency.minMs', 0, 60_000);
  const maxMs = integer(l['maxMs'], 'latency.maxMs', 0, 60_000);
  if (maxMs < minMs) throw new InputError('latency.maxMs', `a number >= latency.minMs (${minMs})`, maxMs);
  const errorRate = rate(b['errorRate'], 'errorRate');
  const lostResponseRate = rate(b['lostResponseRate'], 'lostResponseRate');
  if (errorRate + lostResponseRate > 1)
    throw new InputError(
      'lostResponseRate',
      `at most ${1 - errorRate} (errorRate + lostResponseRate <= 1)`,
      lostResponseRate,
    );
  const errorStatus = b['errorStatus'] === undefined ? 500 : b['errorStatus'];
  if (!(LINK_ERROR_STATUSES as readonly unknown[]).includes(errorStatus))
    throw new InputError('errorStatus', `one of ${LINK_ERROR_STATUSES.join(', ')}`, errorStatus);
  return { latency: { minMs, maxMs }, errorRate, errorStatus: errorStatus as LinkErrorStatus, lostResponseRate };
}

export type TimeInput =
  { readonly type: 'step' } | { readonly type: 'run-until-idle' } | { readonly type: 'advance'; readonly ms: number };

export function time(body: unknown): TimeInput {
  const b = object(body, '', ['type', 'ms']);
  const type = oneOf(b['type'], 'type', ['step', 'run-until-idle', 'advance'] as const);
  if (type === 'advance') return { type, ms: integer(b['ms'], 'ms', 0, 86_400_000) };
  if (b['ms'] !== undefined) throw new InputError('ms', `nothing (only advance takes ms)`, b['ms']);
  return { type };
}

export type WorldInput =
  { readonly type: 'heal' } | { readonly type: 'sync' } | { readonly type: 'note'; readonly text: string };

export function world(body: unknown): WorldInput {
  const b = object(body, '', ['type', 'text']);
  const type = oneOf(b['type'], 'type', ['heal', 'sync', 'note'] as const);
  if (type === 'note') return { type, text: text(b['text'], 'text', 500) };
  if (b['text'] !== undefined) throw new InputError('text', 'nothing (only note takes text)', b['text']);
  return { type };
}

export interface DecisionInput {
  readonly conflict: number;
  readonly resolution: ScriptedResolution;
}

export function decision(
  body: unknown,
  tables: readonly TableDefinition[],
  tableName: string | undefined,
): DecisionInput {
  const b = object(body, '', ['conflict', 'decision', 'record', 'action']);
  const conflict = integer(b['conflict'], 'conflict', 1, Number.MAX_SAFE_INTEGER);
  const choice = oneOf(b['decision'], 'decision', SCRIPTED_DECISIONS);
  const definition = tables.find((t) => t.name === tableName) ?? tables[0]!;
  const takesRecord = choice === 'cancelAndUpdate' || choice === 'update' || choice === 'changeAction';
  if (!takesRecord && b['record'] !== undefined)
    throw new InputError('record', `nothing (${choice} takes no record)`, b['record']);
  if (choice !== 'changeAction' && b['action'] !== undefined)
    throw new InputError('action', 'nothing (only changeAction takes an action)', b['action']);
  const withRecord =
    takesRecord && b['record'] !== undefined ? systemRecord(b['record'], 'record', definition) : undefined;
  if ((choice === 'cancelAndUpdate' || choice === 'update') && withRecord === undefined)
    throw new InputError('record', `the record ${choice} stores`, undefined);
  const action = choice === 'changeAction' ? oneOf(b['action'], 'action', OPERATION_ACTIONS) : undefined;
  return {
    conflict,
    resolution: {
      decision: choice,
      ...(withRecord !== undefined ? { record: withRecord } : {}),
      ...(action !== undefined ? { action } : {}),
    },
  };
}

/** A record as a resolution gives it: the table's columns and every system property the client keeps. */
function systemRecord(value: unknown, field: string, definition: TableDefinition): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InputError(field, 'a record (a JSON object)', value);
  const own: Body = {};
  const system: JsonObject = {};
  for (const [key, item] of Object.entries(value as Body)) {
    if (key === 'createdAt' || key === 'updatedAt') {
      if (item !== null && (typeof item !== 'string' || Number.isNaN(Date.parse(item))))
        throw new InputError(join(field, key), 'an ISO-8601 date or null', item);
      system[key] = item as string | null;
    } else if (key === 'deleted') {
      system[key] = bool(item, join(field, key));
    } else {
      own[key] = item;
    }
  }
  return { ...record(own, field, definition, { needsId: true }), ...system };
}

export function checkMode(body: unknown): 'now' | 'run' {
  const b = object(body ?? {}, '', ['mode']);
  return b['mode'] === undefined ? 'now' : oneOf(b['mode'], 'mode', ['now', 'run'] as const);
}

export interface SaveInput {
  readonly name: string;
  readonly description?: string;
  readonly overwrite: boolean;
}

export function save(body: unknown): SaveInput {
  const b = object(body, '', ['name', 'description', 'overwrite']);
  const name = text(b['name'], 'name', 80, /^[\w-]+$/, 'a file name of letters, digits, - and _');
  const description = optional(b['description'], (v) => text(v, 'description', 500));
  const overwrite = optional(b['overwrite'], (v) => bool(v, 'overwrite')) ?? false;
  return { name, ...(description !== undefined ? { description } : {}), overwrite };
}

export interface NewClientInput {
  readonly name?: string;
  readonly policy: ExplorerPolicy;
}

export function newClient(body: unknown): NewClientInput {
  const b = object(body ?? {}, '', ['name', 'policy']);
  const name = optional(b['name'], (v) =>
    text(v, 'name', 46, /^client[-\w]{0,40}$/, 'a client name starting with "client"'),
  );
  const policy = b['policy'] === undefined ? 'ask' : oneOf(b['policy'], 'policy', EXPLORER_POLICIES);
  return { ...(name !== undefined ? { name } : {}), policy };
}

export function offline(body: unknown): boolean {
  const b = object(body, '', ['offline']);
  return bool(b['offline'], 'offline');
}

export interface ResetInput {
  readonly seed?: number;
  readonly clients?: number;
  readonly policy?: ExplorerPolicy;
}

export function reset(body: unknown): ResetInput {
  const b = object(body ?? {}, '', ['seed', 'clients', 'policy']);
  const seed = optional(b['seed'], (v) => integer(v, 'seed', 0, 2 ** 31 - 1));
  const clients = optional(b['clients'], (v) => integer(v, 'clients', 1, 10));
  const policy = optional(b['policy'], (v) => oneOf(v, 'policy', EXPLORER_POLICIES));
  return {
    ...(seed !== undefined ? { seed } : {}),
    ...(clients !== undefined ? { clients } : {}),
    ...(policy !== undefined ? { policy } : {}),
  };
}
