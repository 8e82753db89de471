import { byId } from '../shared/dom.js';

/** The line under the top bar: what the last action did, or what went wrong. */
export function showNotice(text: string, isError: boolean): void {
  const node = byId('notice');
  node.className = `notice${isError ? ' error' : ''}`;
  node.textContent = text || '';
}
