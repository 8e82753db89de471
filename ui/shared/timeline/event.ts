/**
 * One event as a button on its row: a box on its lane, an arrow between two lanes, or a band
 * across them all, each drawn by its own function.
 */
import type { Marker, TimelineRow, TimelineShape } from '../../../src/report/timeline.js';
import { add, el, tid } from '../dom.js';
import { center } from './grid.js';

export const MARKER_TEXT: Readonly<Record<Marker, string>> = {
  conflict: 'conflict',
  fault: 'fault',
  decision: 'decision',
  'error-handler': 'error',
  restart: 'restart',
};

type Shape<K extends TimelineShape['shape']> = Extract<TimelineShape, { shape: K }>;

/**
 * The page makes the badges and says which lanes an arrow gets a dot on (vias), because the two
 * pages mark those differently.
 */
export function timelineEvent(
  row: TimelineRow,
  laneCount: number,
  testid: string,
  badges: readonly HTMLElement[],
  vias: readonly number[],
): HTMLButtonElement {
  const node = tid(el('button', `ev tone-${row.tone}`), testid);
  node.type = 'button';
  node.title = `#${row.seq} ${row.label}`;
  node.setAttribute('data-kind', row.kind);
  const shape = row.shape;
  switch (shape.shape) {
    case 'box':
      return boxEvent(node, row, shape, laneCount, badges);
    case 'arrow':
      return arrowEvent(node, row, shape, laneCount, badges, vias);
    case 'band':
      node.className += ' ev-band';
      return add(node, el('span', 'label', row.label));
  }
}

function boxEvent(
  node: HTMLButtonElement,
  row: TimelineRow,
  shape: Shape<'box'>,
  n: number,
  badges: readonly HTMLElement[],
): HTMLButtonElement {
  node.className += ' ev-box';
  // The box's dot sits on its lane's line; the label runs on towards the free side.
  const c = center(shape.lane, n);
  if (shape.lane === n - 1 && n > 1) {
    node.className += ' flip';
    node.style.left = `calc(${c}% + 10px)`;
    node.style.maxWidth = `calc(${c}% + 10px)`;
  } else {
    node.style.left = `calc(${c}% - 10px)`;
    node.style.maxWidth = `calc(${100 - c}% + 6px)`;
  }
  add(node, el('span', 'label', row.label));
  for (const badge of badges) node.appendChild(badge);
  return node;
}

function arrowEvent(
  node: HTMLButtonElement,
  row: TimelineRow,
  shape: Shape<'arrow'>,
  n: number,
  badges: readonly HTMLElement[],
  vias: readonly number[],
): HTMLButtonElement {
  const a = center(shape.from, n);
  const b = center(shape.to, n);
  const left = Math.min(a, b);
  const width = Math.max(Math.abs(b - a), 100 / n / 2);
  node.className += ` ev-arrow${b < a ? ' rtl' : ''}${shape.lost ? ' lost' : ''}`;
  node.style.left = `${left}%`;
  node.style.width = `${width}%`;
  const label = el('span', 'label');
  add(label, el('span', 'text', row.label));
  for (const badge of badges) label.appendChild(badge);
  add(node, el('span', 'line'), el('span', 'head'), label);
  for (const via of vias) {
    const dot = el('span', 'via');
    dot.style.left = `${((center(via, n) - left) / width) * 100}%`;
    node.appendChild(dot);
  }
  if (shape.lost) {
    const x = el('span', 'lost-x', '✕');
    x.style.left = b < a ? '0%' : '100%';
    node.appendChild(x);
  }
  return node;
}
