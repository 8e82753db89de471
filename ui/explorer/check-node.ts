import type { CheckResult } from '../../src/check/types.js';
import { add, el, tid } from '../shared/dom.js';
import { withRefs, type ExplorerTimeline } from './timeline.js';

/** One checker's verdict with its explanation, whose `#12`s select events on `view`. */
export function checkNode(
  check: CheckResult,
  testid: string,
  view: ExplorerTimeline | null,
  verdictTestid?: string,
): HTMLDivElement {
  const node = tid(el('div', `check ${check.valid ? 'ok' : 'fail'}`), testid);
  const verdict = el('span', `pill ${check.valid ? 'passed' : 'failed'}`, check.valid ? 'passes' : 'violated');
  add(node, el('span', 'name', check.checker), ' ', verdictTestid ? tid(verdict, verdictTestid) : verdict);
  const explanation = el('div', 'explanation');
  explanation.appendChild(withRefs(view, check.explanation));
  node.appendChild(explanation);
  return node;
}
