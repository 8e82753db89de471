/**
 * Column types of the local store and the conversions between JavaScript values and SQLite
 * values, as the SDK's MobileServiceSqliteStore does them: dates are INTEGER epoch
 * milliseconds, booleans INTEGER 0/1, objects and arrays JSON TEXT.
 */
import type { JsonObject, JsonValue } from '../protocol/records.js';

/** The SDK's column types, aliases included. */
export const ColumnType = {
  Object: 'object',
  Array: 'array',
  Integer: 'integer',
  Int: 'int',
  Float: 'float',
  Real: 'real',
  String: 'string',
  Text: 'text',
  Boolean: 'boolean',
  Bool: 'bool',
  Date: 'date',
} as const;

export type ColumnTypeName = (typeof ColumnType)[keyof typeof ColumnType];

const COLUMN_TYPE_NAMES: readonly string[] = Object.values(ColumnType);

export function isColumnTypeName(value: unknown): value is ColumnTypeName {
  return typeof value === 'string' && COLUMN_TYPE_NAMES.includes(value);
}

/** A value of a local record: what JSON allows, plus Date for `date` columns. */
export type LocalValue = JsonValue | Date;

/** A record as the local store and the sync table API hand it out: columns typed, dates as Date. */
export interface LocalRecord {
  [property: string]: LocalValue | undefined;
}

/** What SQLite holds in a cell. */
export type CellValue = string | number | null;

export type SqliteType = 'TEXT' | 'INTEGER' | 'REAL';

export function sqliteTypeOf(type: ColumnTypeName): SqliteType {
  switch (type) {
    case 'object':
    case 'array':
    case 'string':
    case 'text':
      return 'TEXT';
    case 'integer':
    case 'int':
    case 'boolean':
    case 'bool':
    case 'date':
      return 'INTEGER';
    case 'float':
    case 'real':
      return 'REAL';
  }
}

/** The type the OData-to-SQL compiler uses for a column of this type. */
export function filterTypeOf(type: ColumnTypeName): 'string' | 'number' | 'boolean' | 'date' | 'object' {
  switch (type) {
    case 'string':
    case 'text':
      return 'string';
    case 'integer':
    case 'int':
    case 'float':
    case 'real':
      return 'number';
    case 'boolean':
    case 'bool':
      return 'boolean';
    case 'date':
      return 'date';
    case 'object':
    case 'array':
      return 'object';
  }
}

export class ColumnTypeError extends Error {
  override readonly name = 'ColumnTypeError';
}

function describe(value: unknown): string {
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  try {
    return `${JSON.stringify(value)} of type ${typeof value}`;
  } catch {
    return `a value of type ${typeof value}`;
  }
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A JavaScript value → what goes into a column of `type`. Throws when the value does not fit. */
export function toCell(value: LocalValue | undefined, type: ColumnTypeName, column: string): CellValue {
  if (value === null || value === undefined) return null;
  const refuse = (): never => {
    throw new ColumnTypeError(
      `Converting value ${describe(value)} to type ${type} is not supported (column '${column}').`,
    );
  };
  switch (type) {
    case 'object':
      if (!isPlainObject(value) && !Array.isArray(value)) refuse();
      return JSON.stringify(value);
    case 'array':
      if (!Array.isArray(value)) refuse();
      return JSON.stringify(value);
    case 'string':
    case 'text':
      // Any value fits a string column, as in the SDK; a Date is written as ISO text (the SDK
      // writes it JSON-quoted, which reads back as a string with quotes in it).
      if (typeof value === 'string') return value;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? refuse() : value.toISOString();
      return JSON.stringify(value);
    case 'integer':
    case 'int':
    case 'boolean':
    case 'bool':
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      return refuse();
    case 'date':
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
      return refuse();
    case 'float':
    case 'real':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      return refuse();
  }
}

/** A cell read from a column of `type` → its JavaScript value. Untyped columns come back as they are. */
export function fromCell(cell: CellValue | Uint8Array, type: ColumnTypeName | undefined, column: string): LocalValue {
  if (cell === null) return null;
  if (cell instanceof Uint8Array)
    throw new ColumnTypeError(`Column '${column}' holds a blob, which no column type reads`);
  if (type === undefined) return cell;
  const refuse = (): never => {
    throw new ColumnTypeError(
      `Converting stored value ${describe(cell)} to type ${type} is not supported (column '${column}').`,
    );
  };
  switch (type) {
    case 'object':
    case 'array': {
      if (typeof cell !== 'string') return refuse();
      let parsed: unknown;
      try {
        parsed = JSON.parse(cell);
      } catch {
        return refuse();
      }
      if (type === 'array' ? !Array.isArray(parsed) : typeof parsed !== 'object' || parsed === null) return refuse();
      return parsed as JsonValue;
    }
    case 'string':
    case 'text':
      return typeof cell === 'string' ? cell : JSON.stringify(cell);
    case 'integer':
    case 'int':
      return typeof cell === 'number' && Number.isInteger(cell) ? cell : refuse();
    case 'boolean':
    case 'bool':
      return typeof cell === 'number' && Number.isInteger(cell) ? cell !== 0 : refuse();
    case 'date':
      return typeof cell === 'number' && Number.isInteger(cell) ? new Date(cell) : refuse();
    case 'float':
    case 'real':
      return typeof cell === 'number' ? cell : refuse();
  }
}

/**
 * A table's columns, looked up without regard to case (SQLite column names are
 * case-insensitive, and the SDK matches properties to columns the same way).
 */
export class ColumnSet {
  private readonly byLowerName = new Map<string, { name: string; type: ColumnTypeName }>();
  /** Lookups by the exact spelling, remembered: a pull asks for the same few names 100,000 times. */
  private readonly byExactName = new Map<string, { name: string; type: ColumnTypeName } | null>();

  constructor(definitions: Readonly<Record<string, ColumnTypeName>>) {
    for (const [name, type] of Object.entries(definitions)) this.byLowerName.set(name.toLowerCase(), { name, type });
  }

  /** The column a property maps to, or undefined when the table has none. */
  get(property: string): { name: string; type: ColumnTypeName } | undefined {
    let column = this.byExactName.get(property);
    if (column === undefined) {
      column = this.byLowerName.get(property.toLowerCase()) ?? null;
      if (this.byExactName.size < 1000) this.byExactName.set(property, column);
    }
    return column ?? undefined;
  }

  typeOf(property: string): ColumnTypeName | undefined {
    return this.get(property)?.type;
  }

  entries(): { name: string; type: ColumnTypeName }[] {
    return [...this.byLowerName.values()];
  }

  toDefinitions(): Record<string, ColumnTypeName> {
    const result: Record<string, ColumnTypeName> = {};
    for (const { name, type } of this.byLowerName.values()) result[name] = type;
    return result;
  }
}

/** A deep copy of a local record that keeps Dates as Dates. */
export function copyRecord<T extends LocalRecord | null | undefined>(record: T): T {
  if (record === null || record === undefined) return record;
  return copyValue(record) as T;
}

function copyValue(value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map(copyValue);
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) result[key] = copyValue(item);
    return result;
  }
  return value;
}
