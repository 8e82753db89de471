/** `#12` in a checker's words as a button that selects event 12 on the timeline. */
import { el } from '../shared/dom.js';
import { selectRow, type TimelineView } from '../shared/timeline/view.js';

export function refButton(view: TimelineView, seq: number): HTMLButtonElement {
  const b = el('button', 'ref', `#${seq}`);
  b.type = 'button';
  b.addEventListener('click', (event) => {
    event.stopPropagation();
    selectRow(view, seq, true);
  });
  return b;
}

/** Text with `#12`-style references to drawn events turned into buttons. */
export function withRefs(view: TimelineView, text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const part of String(text).split(/(#\d+)/)) {
    const m = /^#(\d+)$/.exec(part);
    if (m && view.rows.has(Number(m[1]))) frag.appendChild(refButton(view, Number(m[1])));
    else if (part) frag.appendChild(document.createTextNode(part));
  }
  return frag;
}
