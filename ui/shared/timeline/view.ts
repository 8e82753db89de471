/**
 * A drawn timeline: the model it was drawn from, the row nodes by event seq, and which event is
 * selected. Each page keeps one per timeline it shows and says how a selected event is shown.
 */
import type { History, HistoryEvent } from '../../../src/kernel/history.js';
import type { Timeline, TimelineRow } from '../../../src/report/timeline.js';

export interface DrawnRow {
  readonly node: HTMLElement;
  readonly row: TimelineRow;
}

export interface TimelineView {
  readonly timeline: Timeline;
  readonly history: History;
  /** Filled as the rows are drawn. */
  readonly rows: Map<number, DrawnRow>;
  selected: number | null;
  /** Fills the page's details panel for the event just selected. */
  readonly show: (row: TimelineRow) => void;
}

/** Moves the highlight to one event and its related ones. */
export function highlightRow(view: TimelineView, seq: number, scroll: boolean): DrawnRow | null {
  const entry = view.rows.get(seq);
  if (!entry) return null;
  const previous = view.selected === null ? undefined : view.rows.get(view.selected);
  if (previous) {
    previous.node.classList.remove('selected');
    for (const r of previous.row.related) view.rows.get(r)?.node.classList.remove('related');
  }
  view.selected = seq;
  entry.node.classList.add('selected');
  for (const r of entry.row.related) view.rows.get(r)?.node.classList.add('related');
  if (scroll) entry.node.scrollIntoView({ block: 'nearest' });
  return entry;
}

/** Highlights an event and shows it in the page's details panel. */
export function selectRow(view: TimelineView, seq: number, scroll: boolean): void {
  const entry = highlightRow(view, seq, scroll);
  if (entry) view.show(entry.row);
}

export function eventBySeq(view: TimelineView, seq: number): HistoryEvent | null {
  return view.history.find((event) => event.seq === seq) ?? null;
}
