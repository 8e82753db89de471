/** A client's table against the server's, row by row; identical rows hidden behind a toggle. */
import type { RowDiff, RowDiffStatus, TableDiffView } from '../../src/report/table-diff.js';
import type { JsonObject } from '../../src/protocol/records.js';
import { add, el, has, tid } from '../shared/dom.js';
import { plural } from './format.js';
import { valueNode } from './values.js';

const STATUS_TEXT: Readonly<Record<RowDiffStatus, string>> = {
  same: 'same',
  changed: 'differs',
  missing: 'missing',
  extra: 'extra',
};

interface Side {
  readonly side: 'expected' | 'actual';
  readonly who: string;
  readonly record: JsonObject;
}

function sidesOf(view: TableDiffView, r: RowDiff): Side[] {
  const sides: Side[] = [];
  if (r.expected) sides.push({ side: 'expected', who: 'server', record: r.expected });
  if (r.actual) sides.push({ side: 'actual', who: view.client, record: r.actual });
  return sides;
}

export function renderTableDiff(view: TableDiffView, index: number): HTMLDivElement {
  const wrap = tid(el('div', 'diff-table'), `table-diff-${index}`);
  const caption = el('div', 'caption');
  const c = view.counts;
  const differs = c.changed + c.missing + c.extra > 0;
  add(
    caption,
    el('b', '', view.client),
    ' · ',
    el('b', '', view.table),
    ' — ',
    differs
      ? [
          `${c.changed} changed`,
          `${c.missing} missing on the client`,
          `${c.extra} extra on the client`,
          `${c.same} identical`,
        ].join(', ')
      : `matches the server (${plural(c.same, 'row')})`,
  );
  wrap.appendChild(caption);
  const table = el('table', 'data');
  table.hidden = !differs;
  const head = el('tr');
  add(head, el('th', '', ''), el('th', '', 'side'));
  for (const col of view.columns) head.appendChild(el('th', '', col));
  table.appendChild(head);
  const hidden: HTMLTableRowElement[] = [];
  for (const r of view.rows) {
    sidesOf(view, r).forEach((side, i) => {
      const tr = el('tr', `row-${r.status} side-${side.side}`);
      tr.appendChild(el('td', 'status-cell', i === 0 ? STATUS_TEXT[r.status] : ''));
      tr.appendChild(el('td', 'mono', side.who));
      for (const col of view.columns) {
        const present = has(side.record, col);
        const changed = r.status === 'changed' && r.changed.includes(col);
        tr.appendChild(
          add(el('td', changed ? 'diff' : present ? '' : 'absent'), valueNode(present ? side.record[col] : undefined)),
        );
      }
      if (r.status === 'same') {
        tr.hidden = true;
        hidden.push(tr);
      }
      table.appendChild(tr);
    });
  }
  wrap.appendChild(add(el('div', 'scroll-x'), table));
  const first = hidden[0];
  if (first) {
    const label = (show: boolean): string => `${show ? 'hide ' : 'show '}${plural(c.same, 'identical row')}`;
    const toggle = el('button', 'link-button', label(false));
    toggle.type = 'button';
    toggle.addEventListener('click', () => {
      const show = first.hidden;
      for (const tr of hidden) tr.hidden = !show;
      if (!differs) table.hidden = !show;
      toggle.textContent = label(show);
    });
    wrap.appendChild(toggle);
  }
  return wrap;
}
