import { el } from './dom.js';

/** Any value as indented JSON text (`undefined`, which JSON has no word for, by name). */
export function jsonBlock(value: unknown): HTMLPreElement {
  return el('pre', 'json', value === undefined ? 'undefined' : JSON.stringify(value, null, 2));
}
