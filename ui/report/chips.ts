import { add, el } from '../shared/dom.js';
import { fmtCount } from '../shared/format.js';

/** A coverage counter: its name and how often it was hit (greyed at zero). */
export function chip(name: string, count: number): HTMLSpanElement {
  return add(el('span', `chip${count === 0 ? ' zero' : ''}`), el('span', '', name), el('b', '', fmtCount(count)));
}
