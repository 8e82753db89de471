/**
 * The panel beside a counterexample's timeline: the selected event in full (a section per kind
 * of event), the events that belong with it, and the clients' and server's state at that moment.
 */
import type { HistoryEvent } from '../../src/kernel/history.js';
import type { TimelineRow } from '../../src/report/timeline.js';
import { add, el, has, keysOf, tid } from '../shared/dom.js';
import { fmtTime } from '../shared/format.js';
import { jsonBlock } from '../shared/json-block.js';
import { eventBySeq } from '../shared/timeline/view.js';
import { plural } from './format.js';
import { refButton } from './refs.js';
import type { ReportTimeline } from './timeline-view.js';
import { bodyBlock, compareRecords, headersTable, kvTable, opsTable, rowsTable } from './values.js';

type Snapshot = Extract<HistoryEvent, { kind: 'snapshot' }>;

export function showEmptyDetails(view: ReportTimeline): void {
  view.details.textContent = '';
  view.details.appendChild(
    el(
      'div',
      'empty',
      'Click an event on the timeline to see its records, headers and the operation queue at that moment.',
    ),
  );
}

function heading(panel: HTMLElement, title: string): void {
  panel.appendChild(el('h4', '', title));
}

export function renderDetails(view: ReportTimeline, row: TimelineRow): void {
  const panel = view.details;
  panel.textContent = '';
  const ev = eventBySeq(view, row.seq);
  add(panel, tid(el('div', 'ev-title', `#${row.seq} ${row.label}`), 'details-title'));
  add(panel, el('div', 'ev-meta', `t = ${fmtTime(row.t)} · ${row.actor} · ${row.kind}`));
  if (row.citedBy.length) add(panel, el('div', 'ev-meta', `cited by: ${row.citedBy.join(', ')}`));
  if (ev) renderEvent(panel, ev);
  if (row.related.length) {
    heading(panel, 'Related events');
    const rel = el('div', 'chips');
    for (const seq of row.related) {
      const other = view.rows.get(seq);
      rel.appendChild(add(el('div'), refButton(view, seq), ' ', other ? other.row.label : ''));
    }
    panel.appendChild(rel);
  }
  if (row.snapshot && ev?.kind !== 'snapshot') {
    const snap = eventBySeq(view, row.snapshot.seq);
    if (snap?.kind === 'snapshot') {
      const where = row.snapshot.relation === 'after' ? 'the first snapshot after it' : 'the latest snapshot before it';
      heading(panel, 'State at this moment');
      const note = el('div', 'hint');
      add(note, `From ${where}: `, refButton(view, snap.seq), ` “${snap.label}” at ${fmtTime(snap.t)}.`);
      panel.appendChild(note);
      renderSnapshot(panel, snap, row.client);
    }
  }
  panel.appendChild(add(el('details', 'raw'), el('summary', '', 'Raw event JSON'), jsonBlock(ev ?? {})));
}

/** The event's own section, by kind. */
function renderEvent(panel: HTMLElement, ev: HistoryEvent): void {
  switch (ev.kind) {
    case 'invoke':
      heading(panel, 'Operation');
      panel.appendChild(jsonBlock(ev.op));
      break;
    case 'ok':
      if (ev.value !== undefined) {
        heading(panel, 'Returned');
        panel.appendChild(jsonBlock(ev.value));
      }
      break;
    case 'fail':
    case 'info':
      heading(panel, ev.kind === 'info' ? 'Outcome unknown' : 'Error');
      panel.appendChild(el('pre', 'json', ev.error));
      break;
    case 'http-request':
      heading(panel, 'Request');
      panel.appendChild(
        kvTable([
          ['method', ev.request?.method],
          ['url', ev.request?.url],
          ['link', ev.link],
          ['request id', ev.requestId],
        ]),
      );
      heading(panel, 'Headers');
      panel.appendChild(headersTable(ev.request?.headers));
      heading(panel, 'Body');
      panel.appendChild(bodyBlock(ev.request?.body));
      break;
    case 'http-response':
      heading(panel, 'Response');
      panel.appendChild(
        kvTable([
          ['status', ev.response?.status],
          ['latency', `${ev.latencyMs} ms`],
          ['link', ev.link],
          ['request id', ev.requestId],
        ]),
      );
      heading(panel, 'Headers');
      panel.appendChild(headersTable(ev.response?.headers));
      heading(panel, 'Body');
      panel.appendChild(bodyBlock(ev.response?.body));
      break;
    case 'http-failure':
      heading(panel, 'No answer reached the client');
      panel.appendChild(
        kvTable([
          ['failure', ev.failure],
          ['applied on server', ev.applied],
          ['after', `${ev.latencyMs} ms`],
          ['link', ev.link],
          ['request id', ev.requestId],
        ]),
      );
      break;
    case 'fault':
      heading(panel, 'Fault');
      panel.appendChild(
        kvTable([
          ['fault', ev.fault],
          ['link', ev.link],
        ]),
      );
      if (ev.detail !== undefined) panel.appendChild(jsonBlock(ev.detail));
      break;
    case 'handler-call':
      heading(panel, `${ev.handler} called`);
      panel.appendChild(
        kvTable([
          ['table', ev.table],
          ['action', ev.action],
          ['item', ev.itemId],
          ['status', ev.status],
          ['error', ev.error],
        ]),
      );
      heading(panel, 'Records given to the handler');
      panel.appendChild(compareRecords('client record', ev.clientRecord, 'server record', ev.serverRecord));
      break;
    case 'handler-decision':
      heading(panel, 'Handler decision');
      panel.appendChild(
        kvTable([
          ['decision', ev.decision],
          ['isHandled', ev.isHandled],
          ['action', ev.action],
          ['error', ev.error],
        ]),
      );
      if (ev.record !== undefined) {
        heading(panel, 'Record');
        panel.appendChild(jsonBlock(ev.record));
      }
      break;
    case 'restart':
      panel.appendChild(
        kvTable([
          ['client', ev.client],
          ['mid-operation', ev.midOperation],
        ]),
      );
      break;
    case 'partition':
      panel.appendChild(
        kvTable([
          ['client', ev.client],
          ['offline', ev.offline],
        ]),
      );
      break;
    case 'snapshot':
      renderSnapshot(panel, ev, null);
      break;
    case 'note':
      panel.appendChild(el('p', '', ev.text));
      break;
    case 'heal':
      break;
  }
}

/** Each client's queue and tables (only `focus`'s when it has one), then the server's tables. */
function renderSnapshot(panel: HTMLElement, snap: Snapshot, focus: string | null): void {
  const clients = keysOf(snap.clients);
  const shown = focus && has(snap.clients, focus) ? [focus] : clients;
  for (const name of shown) {
    const c = snap.clients[name];
    const box = tid(el('div'), 'snapshot-client');
    add(box, el('h4', '', `${name} · operation queue (${(c?.operations || []).length})`), opsTable(c?.operations));
    for (const table of keysOf(c?.tables)) {
      const rows = c?.tables[table];
      add(box, el('h4', '', `${name} · local ${table} (${plural((rows || []).length, 'row')})`), rowsTable(rows));
    }
    panel.appendChild(box);
  }
  for (const table of keysOf(snap.server)) {
    const rows = snap.server[table];
    add(
      panel,
      el('h4', '', `server · ${table} (${plural((rows || []).length, 'row')}, deleted included)`),
      rowsTable(rows),
    );
  }
}
