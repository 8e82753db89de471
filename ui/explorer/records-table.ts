/** Rows of a table as the explorer shows them: short values, a test id per row, actions at the end. */
import type { JsonObject, JsonValue, TableDefinition } from '../../src/protocol/records.js';
import { add, el, has, keysOf, tid } from '../shared/dom.js';

const SYSTEM_COLUMNS = ['createdAt', 'updatedAt', 'deleted', 'version'];

/** `id`, the table's declared columns, then any other field the rows have; system columns are asked for. */
function columnsOf(rows: readonly JsonObject[], table: TableDefinition | null): string[] {
  const columns = ['id', ...(table ? keysOf(table.columns) : [])];
  for (const row of rows) {
    for (const k of keysOf(row)) if (!columns.includes(k) && !SYSTEM_COLUMNS.includes(k)) columns.push(k);
  }
  return columns;
}

function shortValue(v: JsonValue | undefined): string {
  if (v === undefined) return '';
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export interface RecordsTableOptions {
  readonly table: TableDefinition | null;
  /** Each row's test id is this and its id. */
  readonly prefix: string;
  /** System columns to show, after the others. */
  readonly extra: readonly string[];
  /** Buttons for a row's last cell; without it there is no such cell. */
  readonly actions?: (row: JsonObject) => HTMLElement[];
  /** The id of the row being edited. */
  readonly highlight?: string | null;
}

export function recordsTable(rows: readonly JsonObject[], options: RecordsTableOptions): HTMLDivElement {
  const { table, prefix, extra, actions, highlight } = options;
  const columns = [...columnsOf(rows, table), ...extra];
  const t = el('table', 'data');
  const head = el('tr');
  for (const c of columns) head.appendChild(el('th', '', c));
  if (actions) head.appendChild(el('th', '', ''));
  t.appendChild(head);
  for (const row of rows) {
    const cls = (row['deleted'] === true ? 'deleted' : '') + (highlight === String(row['id']) ? ' editing' : '');
    const tr = tid(el('tr', cls), `${prefix}${String(row['id'])}`);
    for (const c of columns) {
      const td = el('td', c === 'version' || c === 'updatedAt' ? 'mono' : '', has(row, c) ? shortValue(row[c]) : '');
      td.setAttribute('data-column', c);
      tr.appendChild(td);
    }
    if (actions) {
      const cell = el('td', 'actions');
      for (const b of actions(row)) add(cell, b, ' ');
      tr.appendChild(cell);
    }
    t.appendChild(tr);
  }
  return add(el('div', 'scroll-x'), t);
}
