/**
 * The grid of a timeline: a labelled column per lane and a row per event. The pieces come bare;
 * a page that wants test ids or titles on them adds its own.
 */
import type { LaneKind, TimelineLane, TimelineRow } from '../../../src/report/timeline.js';
import { add, el } from '../dom.js';
import { fmtTime } from '../format.js';

const LANE_KIND_TEXT: Readonly<Record<LaneKind, string>> = {
  client: 'client',
  network: 'network',
  server: 'backend',
  editor: 'server editor',
  actor: 'actor',
};

/** Where lane `index` of `count` has its line, in percent of the track's width. */
export function center(index: number, count: number): number {
  return ((index + 0.5) / count) * 100;
}

export function laneLabel(lane: TimelineLane): HTMLDivElement {
  return add(el('div', `lane-label ${lane.kind}`), el('small', '', LANE_KIND_TEXT[lane.kind] || lane.kind), lane.id);
}

export function laneStrip(lane: TimelineLane, index: number, count: number): HTMLDivElement {
  const strip = el('div', `lane ${lane.kind}`);
  strip.style.left = `${(index / count) * 100}%`;
  strip.style.width = `${100 / count}%`;
  return strip;
}

/** A row's time is left blank when the row above has the same one. */
export function timelineRow(
  row: TimelineRow,
  lastT: number | null,
  eventNode: HTMLElement,
  flag: HTMLElement | null,
): HTMLDivElement {
  const rowNode = el('div', `tl-row tone-${row.tone}${row.citedBy.length ? ' cited' : ''}`);
  rowNode.setAttribute('data-seq', String(row.seq));
  const time = add(el('div', 'tl-time'), el('span', 'seq', `#${row.seq}`), row.t === lastT ? '' : fmtTime(row.t), flag);
  return add(rowNode, time, add(el('div', 'tl-track'), eventNode));
}
