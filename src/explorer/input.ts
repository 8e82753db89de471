/**
 * Turns what the page (or anyone else) sends to the explorer's API into typed calls. Everything
 * from the wire is `unknown` until its schema (schema.ts) passes it; the first problem becomes an
 * {@link InputError} naming the field and what was expected, which the API answers with 400.
 */
import type { z } from 'zod';
import type { LinkErrorStatus } from '../network/fault-plan.js';
import type { JsonObject, TableDefinition } from '../protocol/records.js';
import { schemaIssues, type Frozen } from '../protocol/schema.js';
import type { ScriptedResolution } from '../scenario/scripted.js';
import type { ClientOperation, ServerEdit } from '../kernel/history.js';
import type { OperationAction } from '../kernel/driver.js';
import type { LinkFaults } from './link-faults.js';
import type { ExplorerPolicy } from './session.js';
import {
  checkModeSchema,
  clientOperationSchema,
  decisionSchema,
  fieldOf,
  keptRecord,
  linkFaultsSchema,
  newClientSchema,
  offlineSchema,
  resetSchema,
  saveSchema,
  serverEditSchema,
  show,
  tableOf,
  timeSchema,
  worldSchema,
  type ClientOperationType,
} from './schema.js';

export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly field: string,
    readonly expected: string,
    found: unknown,
  ) {
    super(wording(field, expected, show(found)));
  }
}

function wording(field: string, expected: string, found: string): string {
  return `${field === '' ? 'body' : field}: expected ${expected}, found ${found}`;
}

/** `body` if `schema` passes it, else the error of its first problem. */
function checked<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const [first] = schemaIssues(schema, body, show);
  if (first === undefined) return body as z.output<T>;
  const field = first.path.length === 0 ? '' : fieldOf(first.path);
  const error = new InputError(field, first.expected, undefined);
  // The schema words what it found (a count, a size) where the value itself would say less.
  error.message = wording(field, first.expected, first.found);
  throw error;
}

type Body = Record<string, unknown>;

/** A body that passed a schema, read field by field (the schema vouched for each field's type). */
const fieldsOf = (body: unknown): Body => body as Body;

export interface ClientOperationInput {
  readonly op: ClientOperation;
  readonly background: boolean;
}

export function clientOperation(body: unknown, tables: readonly TableDefinition[]): ClientOperationInput {
  const b = fieldsOf(checked(clientOperationSchema(tables), body));
  const type = b['type'] as ClientOperationType;
  const background = (b['background'] as boolean | undefined) ?? false;
  const table = tableOf(tables, b['table']);
  switch (type) {
    case 'insert':
    case 'update':
      return { op: { type, table: table.name, record: keptRecord(b['record'] as Body, table) }, background };
    case 'delete':
      return { op: { type, table: table.name, id: b['id'] as string }, background };
    case 'pull': {
      const queryId = b['queryId'] as string | undefined;
      const filter = b['filter'] as string | undefined;
      return {
        op: {
          type,
          table: table.name,
          ...(queryId !== undefined ? { queryId } : {}),
          ...(filter !== undefined && filter.trim() !== '' ? { filter } : {}),
        },
        background,
      };
    }
    case 'purge':
      return { op: { type, table: table.name, ...(b['force'] === true ? { force: true } : {}) }, background };
    case 'push':
    case 'restart':
      return { op: { type }, background };
  }
}

export interface ServerEditInput {
  readonly editor: string;
  readonly edit: ServerEdit;
}

export function serverEdit(body: unknown, tables: readonly TableDefinition[]): ServerEditInput {
  const b = fieldsOf(checked(serverEditSchema(tables), body));
  const editor = (b['editor'] as string | undefined) ?? 'editor-1';
  const type = b['type'] as OperationAction;
  const table = tableOf(tables, b['table']);
  switch (type) {
    case 'insert':
      return { editor, edit: { type, table: table.name, record: keptRecord(b['record'] as Body, table) } };
    case 'update':
      return {
        editor,
        edit: { type, table: table.name, id: b['id'] as string, changes: keptRecord(b['changes'] as Body, table) },
      };
    case 'delete':
      return { editor, edit: { type, table: table.name, id: b['id'] as string } };
  }
}

export function linkFaults(body: unknown): LinkFaults {
  const b = fieldsOf(checked(linkFaultsSchema, body));
  const { minMs, maxMs } = b['latency'] as { minMs: number; maxMs: number };
  return {
    latency: { minMs, maxMs },
    errorRate: b['errorRate'] as number,
    errorStatus: (b['errorStatus'] as LinkErrorStatus | undefined) ?? 500,
    lostResponseRate: b['lostResponseRate'] as number,
  };
}

/** A virtual-time control, as its schema puts it out (the page sends the same). */
export type TimeInput = Frozen<z.output<typeof timeSchema>>;

export function time(body: unknown): TimeInput {
  const b = checked(timeSchema, body);
  return b.type === 'advance' ? { type: b.type, ms: b.ms } : { type: b.type };
}

/** A world action, as its schema puts it out (the page sends the same). */
export type WorldInput = Frozen<z.output<typeof worldSchema>>;

export function world(body: unknown): WorldInput {
  const b = checked(worldSchema, body);
  return b.type === 'note' ? { type: b.type, text: b.text } : { type: b.type };
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
  const b = fieldsOf(checked(decisionSchema(tables, tableName), body));
  const choice = b['decision'] as ScriptedResolution['decision'];
  const record = b['record'] as Body | undefined;
  const action = b['action'] as OperationAction | undefined;
  return {
    conflict: b['conflict'] as number,
    resolution: {
      decision: choice,
      ...(record !== undefined ? { record: resolutionRecord(record, tableOf(tables, tableName)) } : {}),
      ...(action !== undefined ? { action } : {}),
    },
  };
}

/** A resolution's record as kept: the record's own fields, then the system properties it gives. */
function resolutionRecord(value: Body, definition: TableDefinition): JsonObject {
  const own: Body = {};
  const system: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'createdAt' || key === 'updatedAt' || key === 'deleted') system[key] = item as string | boolean | null;
    else own[key] = item;
  }
  return { ...keptRecord(own, definition), ...system };
}

export function checkMode(body: unknown): 'now' | 'run' {
  return checked(checkModeSchema, body ?? {}).mode ?? 'now';
}

export interface SaveInput {
  readonly name: string;
  readonly description?: string;
  readonly overwrite: boolean;
}

export function save(body: unknown): SaveInput {
  const { name, description, overwrite } = checked(saveSchema, body);
  return { name, ...(description !== undefined ? { description } : {}), overwrite: overwrite ?? false };
}

export interface NewClientInput {
  readonly name?: string;
  readonly policy: ExplorerPolicy;
}

export function newClient(body: unknown): NewClientInput {
  const { name, policy } = checked(newClientSchema, body ?? {});
  return { ...(name !== undefined ? { name } : {}), policy: policy ?? 'ask' };
}

export function offline(body: unknown): boolean {
  return checked(offlineSchema, body).offline;
}

export type ResetInput = Frozen<z.output<typeof resetSchema>>;

export function reset(body: unknown): ResetInput {
  const { seed, clients, policy } = checked(resetSchema, body ?? {});
  return {
    ...(seed !== undefined ? { seed } : {}),
    ...(clients !== undefined ? { clients } : {}),
    ...(policy !== undefined ? { policy } : {}),
  };
}
