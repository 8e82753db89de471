/** The Checks panel: the last verdicts asked for, drawn again whenever the timeline is. */
import type { CheckReport } from '../../src/explorer/session.js';
import { byId, clear, el, tid } from '../shared/dom.js';
import { checkNode } from './check-node.js';
import type { ExplorerTimeline } from './timeline.js';

export interface ChecksPanel {
  show(report: CheckReport, timeline: ExplorerTimeline | null): void;
  /** Draws the last verdicts again, their references pointing into a newly drawn timeline. */
  redraw(timeline: ExplorerTimeline | null): void;
}

export function createChecksPanel(): ChecksPanel {
  let last: CheckReport | null = null;
  const panel: ChecksPanel = {
    show(report, timeline) {
      last = report;
      const box = clear(byId('checks'));
      box.appendChild(tid(el('div', 'hint', summary(report)), 'checks-summary'));
      for (const check of report.checks)
        box.appendChild(checkNode(check, `check-${check.checker}`, timeline, 'verdict'));
    },
    redraw(timeline) {
      if (last) panel.show(last, timeline);
    },
  };
  return panel;
}

function summary(report: CheckReport): string {
  const judged =
    report.mode === 'run'
      ? 'As syncwright run would judge the saved session (network healed, everyone synced): ' +
        (report.replaysIdentically
          ? 'the run replays this session identically.'
          : 'the run did NOT replay this session identically.') +
        (report.events > report.sessionEvents
          ? ` Events from #${report.sessionEvents} on are the run’s own settle phase.`
          : '')
      : 'The history so far, judged on the current state.';
  return `${judged} ${report.valid ? 'Every check passes.' : 'Some checks fail.'}`;
}
