/**
 * Row-by-row comparison of what a client should hold (the server's live rows) with what it
 * holds, matched by `id`, with the fields that differ named.
 */
import type { JsonObject, JsonValue } from '../protocol/records.js';
import type { TableDiff } from '../scenario/results.js';
import { canonicalJson } from '../protocol/canonical-json.js';

export type RowDiffStatus = 'same' | 'changed' | 'missing' | 'extra';

export interface RowDiff {
  /** The row's id, or `#<index>` for rows without one. */
  readonly key: string;
  readonly status: RowDiffStatus;
  /** The server's row (absent for rows only the client has). */
  readonly expected: JsonObject | null;
  /** The client's row (absent for rows it lacks). */
  readonly actual: JsonObject | null;
  /**
   * Fields whose values differ (a field present on one side only counts, unless it is a system
   * property the client does not store at all).
   */
  readonly changed: readonly string[];
}

export interface TableDiffView {
  readonly client: string;
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: readonly RowDiff[];
  readonly counts: Readonly<Record<RowDiffStatus, number>>;
}

const TRAILING_COLUMNS = ['createdAt', 'updatedAt', 'version', 'deleted'];

function rowKey(row: JsonObject, index: number): string {
  const id = Object.prototype.hasOwnProperty.call(row, 'id') ? row['id'] : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : `#${index}`;
}

function own(row: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(row, key) ? row[key] : undefined;
}

/**
 * Fields whose values differ. A system property that none of the client's rows carries is a
 * column the client does not store (the SDK's store keeps no `createdAt`, `updatedAt` or
 * `deleted`): the server having it is not a difference. The table's own columns always count.
 */
function changedFields(expected: JsonObject, actual: JsonObject, unstored: ReadonlySet<string>): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].filter((key) => !unstored.has(key));
  return keys.filter((key) => canonicalJson(own(expected, key)) !== canonicalJson(own(actual, key)));
}

function orderColumns(rows: readonly JsonObject[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  const own = [...seen].filter((key) => key !== 'id' && !TRAILING_COLUMNS.includes(key));
  return [...(seen.has('id') ? ['id'] : []), ...own, ...TRAILING_COLUMNS.filter((key) => seen.has(key))];
}

export function diffTable(diff: TableDiff): TableDiffView {
  const expected = (diff.expected ?? []).filter(isObject);
  const actual = (diff.actual ?? []).filter(isObject);
  // Several rows may share an id in a broken client; they are matched in order.
  const remaining = new Map<string, JsonObject[]>();
  actual.forEach((row, index) => {
    const key = rowKey(row, index);
    remaining.set(key, [...(remaining.get(key) ?? []), row]);
  });
  const unstored = new Set(TRAILING_COLUMNS.filter((column) => !actual.some((row) => Object.hasOwn(row, column))));
  const rows: RowDiff[] = [];
  expected.forEach((row, index) => {
    const key = rowKey(row, index);
    const candidates = remaining.get(key) ?? [];
    const match = candidates.shift();
    if (match === undefined) {
      rows.push({ key, status: 'missing', expected: row, actual: null, changed: Object.keys(row) });
      return;
    }
    const changed = changedFields(row, match, unstored);
    rows.push({ key, status: changed.length === 0 ? 'same' : 'changed', expected: row, actual: match, changed });
  });
  actual.forEach((row, index) => {
    const key = rowKey(row, index);
    const left = remaining.get(key);
    if (left && left.includes(row)) {
      left.splice(left.indexOf(row), 1);
      rows.push({ key, status: 'extra', expected: null, actual: row, changed: Object.keys(row) });
    }
  });
  const counts: Record<RowDiffStatus, number> = { same: 0, changed: 0, missing: 0, extra: 0 };
  for (const row of rows) counts[row.status]++;
  return {
    client: String(diff.client),
    table: String(diff.table),
    columns: orderColumns([...expected, ...actual]),
    rows,
    counts,
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
