/**
 * The fields of a record of one table, one control per column of its own: a checkbox for a
 * boolean, a number box for a number, a text box for the rest (an `object` column takes JSON).
 * Each control's test id is `<prefix>-<column>`, so `insert-text` for the tutorial's table.
 */
import type { JsonObject, JsonValue, TableDefinition } from '../../src/protocol/records.js';
import { checkbox, input, labelled } from './controls.js';

export interface RecordForm {
  /** The controls, in column order, ready to go into a row of the page. */
  readonly fields: readonly HTMLElement[];
  /** The record as typed: an empty number, date or object box is null. */
  read(): JsonObject;
  /** Empties every control. */
  clear(): void;
}

export function recordForm(table: TableDefinition, prefix: string, row?: JsonObject): RecordForm {
  const fields: HTMLElement[] = [];
  const readers: (() => [string, JsonValue])[] = [];
  const clearers: (() => void)[] = [];
  for (const [column, type] of Object.entries(table.columns)) {
    const testid = `${prefix}-${column}`;
    const current = row?.[column];
    if (type === 'boolean') {
      const box = checkbox(testid, current === true);
      fields.push(labelled(column, box));
      readers.push(() => [column, box.checked]);
      clearers.push(() => {
        box.checked = false;
      });
      continue;
    }
    const box = input(type === 'number' ? 'number' : 'text', testid, shown(current));
    box.placeholder = type === 'string' ? column : `${column} (${type})`;
    fields.push(box);
    readers.push(() => [column, valueOf(type, box.value)]);
    clearers.push(() => {
      box.value = '';
    });
  }
  return {
    fields,
    read: () => Object.fromEntries(readers.map((read) => read())) as JsonObject,
    clear: () => clearers.forEach((clear) => clear()),
  };
}

function shown(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** What a box holds as the column's value; what does not parse is sent as typed, for the explorer to refuse. */
function valueOf(type: string, text: string): JsonValue {
  if (type === 'string') return text;
  if (text.trim() === '') return null;
  if (type === 'number') {
    const number = Number(text);
    return Number.isFinite(number) ? number : text;
  }
  if (type === 'object') {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return text;
    }
  }
  return text;
}
