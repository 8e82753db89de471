/** Records, headers, bodies and operation queues as tables: every value a text cell. */
import type { PendingOperation } from '../../src/kernel/driver.js';
import type { HttpHeaders } from '../../src/protocol/http.js';
import type { JsonObject, JsonValue } from '../../src/protocol/records.js';
import { add, el, has, keysOf } from '../shared/dom.js';
import { jsonBlock } from '../shared/json-block.js';

/** A JSON value, coloured by type; `undefined` is a field the record does not have. */
export function valueNode(value: JsonValue | undefined): HTMLSpanElement {
  if (value === undefined) return el('span', 'absent', '—');
  if (value === null) return el('span', 'v-null', 'null');
  if (typeof value === 'string') return el('span', 'v-str', value);
  if (typeof value === 'number') return el('span', 'v-num', String(value));
  if (typeof value === 'boolean') return el('span', 'v-bool', String(value));
  return el('span', '', JSON.stringify(value));
}

/** An HTTP body: pretty JSON when it parses, the text as it is otherwise. */
export function bodyBlock(text: string | undefined | null): HTMLElement {
  if (text === undefined || text === null) return el('div', 'hint', 'no body');
  if (text === '') return el('div', 'hint', '(empty body)');
  try {
    return jsonBlock(JSON.parse(text));
  } catch {
    return el('pre', 'json', text);
  }
}

/** A value or a node already drawn; a pair whose value is `undefined` is left out. */
export type KvPair = readonly [string, JsonValue | Node | undefined];

export function kvTable(pairs: readonly KvPair[]): HTMLTableElement {
  const table = el('table', 'kv');
  for (const [name, value] of pairs) {
    if (value === undefined) continue;
    const td = el('td');
    add(td, value instanceof Node ? value : valueNode(value));
    table.appendChild(add(el('tr'), el('th', '', name), td));
  }
  return table;
}

export function headersTable(headers: HttpHeaders | undefined): HTMLElement {
  const names = keysOf(headers).sort();
  if (names.length === 0 || headers === undefined) return el('div', 'hint', 'no headers');
  return kvTable(names.map((name) => [name, String(headers[name])]));
}

/** `id` first, the table's own columns as they come, the system columns last. */
function columnsOf(rows: readonly (JsonObject | null | undefined)[]): string[] {
  const seen: string[] = [];
  for (const row of rows) for (const k of keysOf(row)) if (!seen.includes(k)) seen.push(k);
  const tail = ['createdAt', 'updatedAt', 'version', 'deleted'];
  const head = seen.includes('id') ? ['id'] : [];
  return [...head, ...seen.filter((k) => k !== 'id' && !tail.includes(k)), ...tail.filter((k) => seen.includes(k))];
}

export function rowsTable(rows: readonly JsonObject[] | undefined): HTMLElement {
  if (!rows || rows.length === 0) return el('div', 'hint', 'no rows');
  const columns = columnsOf(rows);
  const table = el('table', 'data');
  const head = el('tr');
  for (const c of columns) head.appendChild(el('th', '', c));
  table.appendChild(head);
  for (const row of rows) {
    const tr = el('tr');
    for (const c of columns) add(tr, add(el('td'), valueNode(has(row, c) ? row[c] : undefined)));
    table.appendChild(tr);
  }
  return add(el('div', 'scroll-x'), table);
}

export function opsTable(ops: readonly PendingOperation[] | undefined): HTMLElement {
  if (!ops || ops.length === 0) return el('div', 'hint', 'queue is empty');
  const table = el('table', 'data');
  const head = el('tr');
  for (const c of ['#', 'action', 'table', 'item', 'state']) head.appendChild(el('th', '', c));
  table.appendChild(head);
  for (const op of ops) {
    const tr = el('tr', op.locked ? 'locked' : '');
    add(
      tr,
      el('td', '', op.id),
      el('td', '', op.action),
      el('td', '', op.table),
      el('td', '', op.itemId),
      el('td', '', op.locked ? 'locked (being pushed)' : 'pending'),
    );
    table.appendChild(tr);
  }
  return table;
}

/** Two records field by field, the fields that differ marked. */
export function compareRecords(
  leftName: string,
  left: JsonObject | null,
  rightName: string,
  right: JsonObject | null,
): HTMLElement {
  const columns = columnsOf([left || {}, right || {}]);
  const table = el('table', 'data');
  add(table, add(el('tr'), el('th', '', 'field'), el('th', '', leftName), el('th', '', rightName)));
  for (const c of columns) {
    const a = left && has(left, c) ? left[c] : undefined;
    const b = right && has(right, c) ? right[c] : undefined;
    const differs = JSON.stringify(a) !== JSON.stringify(b);
    add(
      table,
      add(
        el('tr'),
        el('th', '', c),
        add(el('td', differs ? 'diff' : ''), left ? valueNode(a) : el('span', 'absent', 'none')),
        add(el('td', differs ? 'diff' : ''), right ? valueNode(b) : el('span', 'absent', 'none')),
      ),
    );
  }
  return add(el('div', 'scroll-x'), table);
}
