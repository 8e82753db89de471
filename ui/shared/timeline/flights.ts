import type { Timeline } from '../../../src/report/timeline.js';
import { el } from '../dom.js';
import { center } from './grid.js';

/** The bars beside the network lane that show how long each request was in flight. */
export function timelineFlights(timeline: Timeline): HTMLDivElement {
  const n = Math.max(timeline.lanes.length, 1);
  const rowIndex = new Map<number, number>();
  timeline.rows.forEach((row, i) => rowIndex.set(row.seq, i));
  let networkLane = -1;
  timeline.lanes.forEach((lane, i) => {
    if (lane.kind === 'network') networkLane = i;
  });
  const flights = el('div', 'tl-flights');
  if (networkLane < 0) return flights;
  for (const flight of timeline.flights) {
    const from = rowIndex.get(flight.fromSeq);
    const to = rowIndex.get(flight.toSeq);
    if (from === undefined || to === undefined) continue;
    const bar = el('div', `flight${flight.lost ? ' lost' : ''}`);
    bar.style.left = `calc(${center(networkLane, n)}% + ${12 + flight.slot * 7}px)`;
    bar.style.top = `calc(${from} * var(--row-h) + var(--row-h) * 0.7)`;
    bar.style.height = `calc(${to - from} * var(--row-h))`;
    bar.title = `in flight ${flight.latencyMs} ms`;
    flights.appendChild(bar);
  }
  return flights;
}
