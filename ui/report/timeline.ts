/** The swimlane timeline of a counterexample: lanes with test ids, cited events flagged, j/k keys. */
import type { TimelineLane, TimelineRow } from '../../src/report/timeline.js';
import { add, el, tid } from '../shared/dom.js';
import { MARKER_TEXT, timelineEvent } from '../shared/timeline/event.js';
import { timelineFlights } from '../shared/timeline/flights.js';
import { laneLabel, laneStrip, timelineRow } from '../shared/timeline/grid.js';
import { selectRow } from '../shared/timeline/view.js';
import type { ReportTimeline } from './timeline-view.js';

export function renderTimeline(view: ReportTimeline): HTMLDivElement {
  const tl = view.timeline;
  const lanes = tl.lanes;
  const n = Math.max(lanes.length, 1);
  const scroller = tid(el('div', 'tl'), 'timeline');
  scroller.tabIndex = 0;
  scroller.setAttribute('aria-label', 'Timeline; arrow keys move between events');
  scroller.style.setProperty('--lanes', String(n));
  const inner = el('div', 'tl-inner');
  const head = el('div', 'tl-head');
  const headLanes = el('div', 'tl-head-lanes');
  for (const lane of lanes) {
    const label = tid(laneLabel(lane), `lane-label-${lane.id}`);
    label.title = lane.id;
    headLanes.appendChild(label);
  }
  add(head, el('div', 'tl-time', 't (virtual)'), headLanes);
  inner.appendChild(head);

  const bodyNode = el('div', 'tl-body');
  const laneLayer = el('div', 'tl-lanes');
  lanes.forEach((lane, i) => laneLayer.appendChild(tid(laneStrip(lane, i, n), `lane-${lane.id}`)));
  bodyNode.appendChild(laneLayer);
  bodyNode.appendChild(timelineFlights(tl));

  let lastT: number | null = null;
  for (const row of tl.rows) {
    let flag: HTMLElement | null = null;
    if (row.citedBy.length) {
      flag = el('span', 'cite-flag');
      flag.title = `cited by ${row.citedBy.join(', ')}`;
    }
    const rowNode = timelineRow(row, lastT, renderEvent(row, lanes), flag);
    lastT = row.t;
    rowNode.addEventListener('click', () => selectRow(view, row.seq, false));
    view.rows.set(row.seq, { node: rowNode, row });
    bodyNode.appendChild(rowNode);
  }
  if (tl.rows.length === 0) bodyNode.appendChild(el('div', 'empty-state', 'The history is empty.'));
  inner.appendChild(bodyNode);
  scroller.appendChild(inner);
  scroller.addEventListener('keydown', (event) => {
    const key = event.key;
    if (key !== 'ArrowDown' && key !== 'ArrowUp' && key !== 'j' && key !== 'k') return;
    const seqs = tl.rows.map((r) => r.seq);
    const at = view.selected === null ? -1 : seqs.indexOf(view.selected);
    const next = key === 'ArrowDown' || key === 'j' ? Math.min(at + 1, seqs.length - 1) : Math.max(at - 1, 0);
    const seq = seqs[next];
    if (next >= 0 && seq !== undefined) {
      event.preventDefault();
      selectRow(view, seq, true);
    }
  });
  return scroller;
}

function badges(row: TimelineRow): HTMLElement[] {
  return row.markers.map((m) => tid(el('span', `badge ${m}`, MARKER_TEXT[m] || m), `${m}-marker`));
}

/** An arrow that crosses the network lane gets a dot there: the request went through it. */
function renderEvent(row: TimelineRow, lanes: readonly TimelineLane[]): HTMLButtonElement {
  const shape = row.shape;
  const vias =
    shape.shape !== 'arrow'
      ? []
      : lanesBetween(shape.from, shape.to).filter((via) => lanes[via] && lanes[via].kind === 'network');
  return timelineEvent(row, Math.max(lanes.length, 1), `event-${row.seq}`, badges(row), vias);
}

function lanesBetween(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = Math.min(a, b) + 1; i < Math.max(a, b); i++) out.push(i);
  return out;
}
