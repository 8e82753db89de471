/**
 * The session's timeline, fetched again whenever the session has a new revision. The selected
 * event stays selected; otherwise the view scrolls to the newest event.
 */
import { byId } from '../shared/dom.js';
import { api } from './api.js';
import type { ChecksPanel } from './checks.js';
import type { Explorer } from './explorer.js';
import { explorerTimeline, renderTimeline, type ExplorerTimeline } from './timeline.js';
import { selectRow } from '../shared/timeline/view.js';

export interface LiveTimeline {
  /** Fetches and draws the timeline unless the drawn one is of the current revision. */
  load(): void;
  /** The timeline drawn last, null before the first. */
  current(): ExplorerTimeline | null;
}

export function createLiveTimeline(explorer: Explorer, checks: ChecksPanel): LiveTimeline {
  let revision = -1;
  let drawn: ExplorerTimeline | null = null;
  return {
    load() {
      const state = explorer.state;
      if (!state || state.revision === revision) return;
      const wanted = state.revision;
      api.timeline().then(
        (data) => {
          revision = wanted;
          const selected = drawn ? drawn.selected : null;
          const holder = byId('timeline');
          const view = explorerTimeline(explorer, {
            prefix: '',
            timeline: data.timeline,
            history: data.history,
            details: byId('details'),
          });
          drawn = view;
          renderTimeline(view, holder);
          const rows = data.timeline.rows;
          const last = rows.length ? rows[rows.length - 1] : undefined;
          if (selected !== null && view.rows.has(selected)) selectRow(view, selected, false);
          else if (last !== undefined) {
            const scroller = holder.firstElementChild;
            if (scroller) scroller.scrollTop = scroller.scrollHeight;
          }
          checks.redraw(view);
        },
        () => undefined, // the next state update tries again
      );
    },
    current: () => drawn,
  };
}
