/**
 * A history drawn as the report draws a counterexample (the shared timeline pieces and
 * stylesheet), with the explorer's details panel: the event as JSON and the state at that moment.
 * The session's own timeline and an opened counterexample's are each one of these.
 */
import type { HistoryEvent, History } from '../../src/kernel/history.js';
import type { Timeline, TimelineRow } from '../../src/report/timeline.js';
import { add, clear, el, keysOf, tid } from '../shared/dom.js';
import { fmtTime } from '../shared/format.js';
import { jsonBlock } from '../shared/json-block.js';
import { MARKER_TEXT, timelineEvent } from '../shared/timeline/event.js';
import { timelineFlights } from '../shared/timeline/flights.js';
import { laneLabel, laneStrip, timelineRow } from '../shared/timeline/grid.js';
import { eventBySeq, selectRow, type TimelineView } from '../shared/timeline/view.js';
import { button } from './controls.js';
import { mainTable, type Explorer } from './explorer.js';
import { recordsTable } from './records-table.js';

type Snapshot = Extract<HistoryEvent, { kind: 'snapshot' }>;

export interface ExplorerTimeline extends TimelineView {
  /** Before every test id: '' for the session's timeline, `ce-` for a counterexample's. */
  readonly prefix: string;
  readonly details: HTMLElement;
}

export interface TimelineSource {
  readonly prefix: string;
  readonly timeline: Timeline;
  readonly history: History;
  readonly details: HTMLElement;
  /** Told of each selection before the details are drawn. */
  readonly onSelect?: (row: TimelineRow) => void;
}

export function explorerTimeline(explorer: Explorer, source: TimelineSource): ExplorerTimeline {
  const view: ExplorerTimeline = {
    prefix: source.prefix,
    timeline: source.timeline,
    history: source.history,
    details: source.details,
    rows: new Map(),
    selected: null,
    show: (row) => {
      source.onSelect?.(row);
      renderDetails(explorer, view, row);
    },
  };
  return view;
}

/** Draws the timeline into `holder`, in place of what it held. */
export function renderTimeline(view: ExplorerTimeline, holder: HTMLElement): void {
  const tl = view.timeline;
  const lanes = tl.lanes;
  const n = Math.max(lanes.length, 1);
  const scroller = tid(el('div', 'tl'), `${view.prefix}timeline`);
  scroller.tabIndex = 0;
  scroller.style.setProperty('--lanes', String(n));
  const inner = el('div', 'tl-inner');
  const head = el('div', 'tl-head');
  const headLanes = el('div', 'tl-head-lanes');
  for (const lane of lanes) headLanes.appendChild(laneLabel(lane));
  add(head, el('div', 'tl-time', 't (virtual)'), headLanes);
  inner.appendChild(head);
  const body = el('div', 'tl-body');
  const laneLayer = el('div', 'tl-lanes');
  lanes.forEach((lane, i) => laneLayer.appendChild(laneStrip(lane, i, n)));
  body.appendChild(laneLayer);
  body.appendChild(timelineFlights(tl));
  let lastT: number | null = null;
  view.rows.clear();
  for (const row of tl.rows) {
    const badges = row.markers.map((m) => el('span', `badge ${m}`, MARKER_TEXT[m] || m));
    const rowNode = timelineRow(row, lastT, timelineEvent(row, n, `${view.prefix}event-${row.seq}`, badges, []), null);
    lastT = row.t;
    rowNode.addEventListener('click', () => selectRow(view, row.seq, false));
    view.rows.set(row.seq, { node: rowNode, row });
    body.appendChild(rowNode);
  }
  if (tl.rows.length === 0) body.appendChild(el('div', 'empty-state', 'Nothing has happened yet.'));
  inner.appendChild(body);
  scroller.appendChild(inner);
  scroller.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    move(view, event.key === 'ArrowDown' ? 1 : -1);
  });
  clear(holder).appendChild(scroller);
}

/** Selects the event `delta` rows away from the selected one (the first when none is). */
export function move(view: ExplorerTimeline, delta: number): void {
  const seqs = view.timeline.rows.map((r) => r.seq);
  if (seqs.length === 0) return;
  const at = view.selected === null ? -1 : seqs.indexOf(view.selected);
  const seq = seqs[Math.max(0, Math.min(seqs.length - 1, at + delta))];
  if (seq !== undefined) selectRow(view, seq, true);
}

/** Text with `#12`-style references to drawn events turned into buttons (plain text without a timeline). */
export function withRefs(view: ExplorerTimeline | null, text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const part of String(text).split(/(#\d+)/)) {
    const m = /^#(\d+)$/.exec(part);
    if (m && view && view.rows.has(Number(m[1]))) {
      const seq = Number(m[1]);
      frag.appendChild(button(`#${seq}`, 'ref', null, () => selectRow(view, seq, true)));
    } else if (part) frag.appendChild(document.createTextNode(part));
  }
  return frag;
}

function renderDetails(explorer: Explorer, view: ExplorerTimeline, row: TimelineRow): void {
  const panel = clear(view.details);
  const ev = eventBySeq(view, row.seq);
  add(
    panel,
    tid(el('div', 'ev-title', `#${row.seq} ${row.label}`), `${view.prefix}details-title`),
    el('div', 'ev-meta', `t = ${fmtTime(row.t)} · ${row.actor} · ${row.kind}`),
  );
  if (row.citedBy.length) panel.appendChild(el('div', 'ev-meta', `cited by: ${row.citedBy.join(', ')}`));
  panel.appendChild(jsonBlock(ev ?? {}));
  if (row.snapshot && ev?.kind !== 'snapshot') {
    const snap = eventBySeq(view, row.snapshot.seq);
    if (snap?.kind === 'snapshot') {
      const where = row.snapshot.relation === 'after' ? 'the first snapshot after' : 'the latest snapshot before';
      panel.appendChild(el('h4', '', `State from ${where} (#${snap.seq} “${snap.label}”)`));
      panel.appendChild(renderSnapshot(explorer, snap));
    }
  } else if (ev?.kind === 'snapshot') {
    panel.appendChild(renderSnapshot(explorer, ev));
  }
}

function renderSnapshot(explorer: Explorer, snap: Snapshot): HTMLDivElement {
  const box = tid(el('div', 'ce-state'), 'snapshot-state');
  const main = explorer.state ? mainTable(explorer.state) : null;
  const tableNamed = (name: string) => (main && main.name === name ? main : null);
  for (const name of keysOf(snap.clients)) {
    const c = snap.clients[name];
    for (const t of keysOf(c?.tables)) {
      const rows = c?.tables[t] || [];
      add(
        box,
        el('h4', '', `${name} · ${t} (${rows.length} rows, ${(c?.operations || []).length} pending)`),
        add(
          tid(el('div'), `snapshot-${name}`),
          recordsTable(rows, { table: tableNamed(t), prefix: 'snap-row-', extra: [] }),
        ),
      );
    }
  }
  for (const t of keysOf(snap.server)) {
    add(
      box,
      el('h4', '', `server · ${t}`),
      add(
        tid(el('div'), 'snapshot-server'),
        recordsTable(snap.server[t] || [], { table: tableNamed(t), prefix: 'snap-server-row-', extra: ['deleted'] }),
      ),
    );
  }
  return box;
}
