/**
 * Counterexamples from a results.json (given on the command line or opened on the page), each
 * stepped through on its own timeline with its checks.
 */
import type { CounterexampleView } from '../../src/explorer/counterexamples.js';
import { add, byId, clear, el, tid } from '../shared/dom.js';
import { selectRow } from '../shared/timeline/view.js';
import { api } from './api.js';
import { checkNode } from './check-node.js';
import { button } from './controls.js';
import { messageOf, type Explorer } from './explorer.js';
import { showNotice } from './notice.js';
import { explorerTimeline, move, renderTimeline, type ExplorerTimeline } from './timeline.js';

export interface CounterexamplesPanel {
  /** Shows these counterexamples, the first one opened. */
  set(list: readonly CounterexampleView[]): void;
  /** Sends a results.json the user picked to the explorer, which reads its counterexamples. */
  openResults(file: File): void;
}

export function createCounterexamplesPanel(explorer: Explorer): CounterexamplesPanel {
  let counterexamples: readonly CounterexampleView[] = [];
  let opened: ExplorerTimeline | null = null;

  function render(): void {
    byId('ce-section').hidden = counterexamples.length === 0;
    const list = clear(byId('ce-list'));
    counterexamples.forEach((ce, i) => {
      const violated = ce.checks.filter((c) => !c.valid).map((c) => c.checker);
      const label = `${ce.name} · ${ce.client} · ${violated.join(', ') || ce.status} · ${ce.history.length} events`;
      list.appendChild(button(label, 'btn', `ce-${i}`, () => open(ce)));
    });
    const first = counterexamples[0];
    if (first && !opened) open(first);
  }

  function open(ce: CounterexampleView): void {
    const box = clear(byId('ce-view'));
    const position = tid(el('span', 'mono'), 'ce-position');
    const checks = el('div', 'checks-list');
    const tl = el('div');
    const details = tid(el('div', 'card details'), 'ce-event');
    const view = explorerTimeline(explorer, {
      prefix: 'ce-',
      timeline: ce.timeline,
      history: ce.history,
      details,
      onSelect: (row) => {
        const index = ce.timeline.rows.indexOf(row);
        position.textContent = `event ${index + 1} of ${ce.timeline.rows.length} (#${row.seq})`;
      },
    });
    const bar = add(
      el('div', 'ce-bar'),
      el('b', '', ce.name),
      el('span', 'hint', ce.replayCommand),
      button('◀ previous event', 'btn', 'ce-prev', () => move(view, -1)),
      button('next event ▶', 'btn', 'ce-next', () => move(view, 1)),
      position,
    );
    add(box, bar, checks, add(el('div', 'tl-wrap'), tl, details));
    opened = view;
    renderTimeline(view, tl);
    const passing = ce.checks.filter((check) => check.valid).map((check) => check.checker);
    if (passing.length)
      checks.appendChild(tid(el('div', 'passing-checks', `✓ ${passing.join(', ')} pass`), 'ce-passing'));
    for (const check of ce.checks.filter((c) => !c.valid))
      checks.appendChild(checkNode(check, `ce-check-${check.checker}`, view));
    // Open where it went wrong: the first event a violated check cites (else the first event).
    const cited = new Set(ce.checks.flatMap((check) => (check.valid ? [] : check.violations.flatMap((v) => v.events))));
    const first = ce.timeline.rows.find((row) => cited.has(row.seq)) ?? ce.timeline.rows[0];
    if (first) selectRow(view, first.seq, false);
  }

  return {
    set(list) {
      counterexamples = list;
      render();
    },
    openResults(file) {
      const reader = new FileReader();
      reader.onload = () => {
        api.openResults(String(reader.result)).then(
          (data) => {
            counterexamples = data.counterexamples;
            opened = null;
            render();
            const n = counterexamples.length;
            showNotice(
              n === 0
                ? 'That results file holds no counterexample.'
                : `Opened ${n} counterexample${n === 1 ? '' : 's'}.`,
              false,
            );
          },
          (error: unknown) => showNotice(messageOf(error), true),
        );
      };
      reader.readAsText(file);
    },
  };
}
