/**
 * Records between the driver's JSON world and the SDK's store: the column definitions the
 * store is given, values into the sandbox (dates as its Dates) and out of it (JSON, dates as
 * ISO strings), and rows read straight from SQLite decoded as the SDK's serializer would.
 */
import type { ColumnType, JsonObject, JsonValue, TableDefinition } from '../protocol/records.js';
import type { SdkColumnType, SdkRecord, SdkTableDefinition } from './sdk-types.js';
import type { SdkMutations } from './mutations.js';
import type { SqliteRow } from './sqlite-plugin.js';

/** System properties a local table may declare besides `id`. */
export type SystemColumn = 'version' | 'createdAt' | 'updatedAt' | 'deleted';

/**
 * `version` only: what the SDK needs for optimistic concurrency (If-Match on update/delete).
 * Properties without a column are dropped by the SDK's serializer, so a table without
 * `version` pushes every update unconditionally (see docs/sdk-findings.md).
 */
export const DEFAULT_SYSTEM_COLUMNS: readonly SystemColumn[] = ['version'];

const SYSTEM_COLUMN_TYPES: Record<SystemColumn, SdkColumnType> = {
  version: 'string',
  createdAt: 'date',
  updatedAt: 'date',
  deleted: 'boolean',
};

const USER_COLUMN_TYPES: Record<ColumnType, SdkColumnType> = {
  string: 'string',
  // 'real' accepts any JS number; 'integer' would refuse fractions.
  number: 'real',
  boolean: 'boolean',
  date: 'date',
  object: 'object',
};

const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The store's definition of a table. Names are checked: the SDK formats them into SQL as they are. */
export function sdkTableDefinition(table: TableDefinition, systemColumns: readonly SystemColumn[]): SdkTableDefinition {
  if (!SAFE_NAME.test(table.name) || table.name.startsWith('__')) {
    throw new Error(`sdk driver: table name ${JSON.stringify(table.name)} is not a plain identifier`);
  }
  const columnDefinitions: Record<string, SdkColumnType> = { id: 'string' };
  for (const [name, type] of Object.entries(table.columns)) {
    if (!SAFE_NAME.test(name))
      throw new Error(
        `sdk driver: column name ${JSON.stringify(name)} of table ${table.name} is not a plain identifier`,
      );
    const sdkType = USER_COLUMN_TYPES[type];
    if (sdkType === undefined)
      throw new Error(`sdk driver: column ${table.name}.${name} has unknown type ${JSON.stringify(type)}`);
    if (name.toLowerCase() === 'id') continue;
    columnDefinitions[name] = sdkType;
  }
  for (const column of systemColumns) columnDefinitions[column] = SYSTEM_COLUMN_TYPES[column];
  return { name: table.name, columnDefinitions };
}

export interface SandboxRealm {
  readonly parseJson: (text: string) => unknown;
  readonly makeDate: (epochMs: number) => Date;
}

/** A JSON record as an object of the sandbox, with ISO strings in date columns made Dates. */
export function toSdkRecord(record: JsonObject, definition: SdkTableDefinition, realm: SandboxRealm): SdkRecord {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new TypeError('sdk driver: a record must be a JSON object');
  }
  const copy = realm.parseJson(JSON.stringify(record)) as SdkRecord;
  for (const [name, type] of Object.entries(definition.columnDefinitions)) {
    const value = copy[name];
    if (type === 'date' && typeof value === 'string') {
      const ms = Date.parse(value);
      if (!Number.isNaN(ms)) copy[name] = realm.makeDate(ms);
    }
  }
  return copy;
}

/** Any value of the sandbox as JSON: Dates (of any realm) as ISO strings, undefined dropped. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object': {
      if (isDate(value)) {
        const time = value.getTime();
        return Number.isNaN(time) ? null : new Date(time).toISOString();
      }
      if (Array.isArray(value)) return value.map((item) => toJsonValue(item));
      const result: JsonObject = {};
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined && typeof item !== 'function') result[key] = toJsonValue(item);
      }
      return result;
    }
    default:
      return null;
  }
}

export function toJsonRecord(value: unknown): JsonObject {
  const json = toJsonValue(value);
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {};
}

/** `instanceof Date` fails across realms; the class tag does not. */
export function isDate(value: unknown): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

/** A row read from SQLite, decoded as `sqliteSerializer.deserialize` does, as JSON. */
export function decodeRow(row: SqliteRow, definition: SdkTableDefinition, mutations?: SdkMutations): JsonObject {
  const types = new Map(Object.entries(definition.columnDefinitions).map(([name, type]) => [name.toLowerCase(), type]));
  // Mutant: booleans shown as SQLite stores them.
  const rawBooleans = mutations?.has('snapshot-booleans-as-numbers') === true;
  const result: JsonObject = {};
  for (const [column, raw] of Object.entries(row)) {
    const type = types.get(column.toLowerCase());
    result[column] =
      rawBooleans && (type === 'boolean' || type === 'bool') ? (raw as JsonValue) : decodeValue(raw, type);
  }
  return result;
}

function decodeValue(raw: SqliteRow[string], type: SdkColumnType | undefined): JsonValue {
  if (raw === null || raw === undefined) return null;
  if (raw instanceof Uint8Array) return null;
  switch (type) {
    case 'boolean':
    case 'bool':
      return typeof raw === 'number' ? raw !== 0 : raw;
    case 'date':
      return typeof raw === 'number' ? new Date(raw).toISOString() : raw;
    case 'object':
    case 'array':
      if (typeof raw !== 'string') return raw;
      try {
        return JSON.parse(raw) as JsonValue;
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

/** JS code-unit order, the same on every machine (no locale). */
export function byId(a: JsonObject, b: JsonObject): number {
  const x = String(a['id']);
  const y = String(b['id']);
  return x < y ? -1 : x > y ? 1 : 0;
}
