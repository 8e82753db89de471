/** A violated check: its explanation and violations, with their event references as buttons. */
import type { CheckResult } from '../../src/check/types.js';
import { add, el, tid } from '../shared/dom.js';
import { refButton, withRefs } from './refs.js';
import type { ReportTimeline } from './timeline-view.js';

export function renderCheck(view: ReportTimeline, check: CheckResult): HTMLDivElement {
  const box = tid(el('div', 'check'), 'check-violated');
  add(box, el('span', 'name', check.checker), ' ', el('span', '', '✗ violated'));
  const explanation = tid(el('div', 'explanation'), 'check-explanation');
  explanation.appendChild(withRefs(view, check.explanation));
  box.appendChild(explanation);
  if (!check.violations || check.violations.length === 0) return box;
  const ul = el('ul');
  for (const v of check.violations) {
    const li = el('li');
    li.appendChild(withRefs(view, v.message));
    if (v.events && v.events.length) {
      add(li, ' — events ');
      for (const seq of v.events)
        add(li, view.rows.has(seq) ? refButton(view, seq) : el('span', 'mono', `#${seq}`), ' ');
    }
    ul.appendChild(li);
  }
  box.appendChild(ul);
  return box;
}
