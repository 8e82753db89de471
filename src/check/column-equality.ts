/**
 * When a value read back is the value the app wrote, column type by column type. A server keeps
 * values in its own form — ASP.NET answers a date as `2026-01-01T00:00:00.0000000+00:00`, a
 * database may give an object's keys in another order — so text equality would report what is no
 * change at all; each type says what "the same value" means (docs/semantics.md, "Round trips").
 */
import { parseIsoTimestamp } from '../protocol/datetime.js';
import type { ColumnType, JsonObject, JsonValue, TableDefinition } from '../protocol/records.js';
import { jsonEqual } from './history-index.js';

/** The declared type of each column of each table, by table name. */
export type ColumnTypes = ReadonlyMap<string, Readonly<Record<string, ColumnType>>>;

export function columnTypesOf(tables: readonly TableDefinition[] | undefined): ColumnTypes {
  return new Map((tables ?? []).map((table) => [table.name, table.columns]));
}

/**
 * Whether `read` is the value `written` under the column's type. Null and missing are one value
 * (a server may leave a null column out of its answer). Undeclared columns compare as JSON.
 */
export function sameColumnValue(
  type: ColumnType | undefined,
  written: JsonValue | undefined,
  read: JsonValue | undefined,
): boolean {
  const a = written ?? null;
  const b = read ?? null;
  if (a === null || b === null) return a === b;
  switch (type) {
    case 'string':
    case 'boolean':
      return a === b;
    case 'number':
      return typeof a === 'number' && typeof b === 'number' && a === b;
    case 'date':
      return sameInstant(a, b);
    case 'object':
    case undefined:
      return jsonEqual(a, b);
  }
}

/**
 * The same instant at millisecond precision, the finest a JavaScript app can write or read: digits
 * past the third (ASP.NET keeps seven) and the zone's spelling do not count.
 */
function sameInstant(a: JsonValue, b: JsonValue): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return jsonEqual(a, b);
  const left = parseIsoTimestamp(a);
  const right = parseIsoTimestamp(b);
  if (left === undefined || right === undefined) return a === b;
  return left === right;
}

/** The columns of `values` that `row` does not hold under their types, in key order. */
export function differingColumns(
  columns: Readonly<Record<string, ColumnType>> | undefined,
  values: JsonObject,
  row: JsonObject,
): string[] {
  return Object.keys(values)
    .sort()
    .filter((key) => !sameColumnValue(columns?.[key], values[key], row[key]));
}
