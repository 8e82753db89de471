/**
 * A hunt finding's triage on its counterexample: the causal core (the steps and fault decisions
 * without which it does not occur) marked on the timeline and listed, and the moment it became
 * inevitable — the first step after which every variation of the world's luck failed — marked on
 * the timeline, with the failure rate per step as a small bar chart.
 */
import type { Triage } from '../../src/scenario/hunt/types.js';
import { add, el, tid } from '../shared/dom.js';
import type { ReportTimeline } from './timeline-view.js';
import { barChart } from './bars.js';

export function renderTriage(body: HTMLElement, triage: Triage, view: ReportTimeline): void {
  markTimeline(triage, view);
  const section = tid(el('div', 'triage'), 'triage');
  add(section, el('h3', 'block-title', `Triage${triage.partial ? ' (partial: the budget ran out)' : ''}`));
  const necessary = triage.core.filter((element) => element.necessary);
  add(
    section,
    el(
      'p',
      'hint',
      necessary.length > 0
        ? `Causal core: ${necessary.length} of ${triage.core.length} steps and fault decisions are needed — without any one of them the finding does not occur (marked ◆ on the timeline).`
        : `No single step or fault decision is needed on its own (${triage.core.length} tried).`,
    ),
  );
  const list = tid(el('ul', 'core-list'), 'causal-core');
  for (const element of triage.core) {
    const item = el(
      'li',
      element.necessary ? 'core-needed' : 'core-optional',
      `${element.necessary ? '◆ ' : '◇ '}${element.element}`,
    );
    tid(item, element.necessary ? 'core-needed' : 'core-optional');
    list.appendChild(item);
  }
  section.appendChild(list);
  const inevitable = tid(
    el(
      'p',
      'hint',
      triage.inevitableAfterStep === null
        ? 'No step after which every variation failed: luck decides it up to the end.'
        : triage.inevitableAfterStep === 0
          ? `Inevitable from the start: every variation of the world's luck failed (${triage.variations} per step).`
          : `Inevitable after step ${triage.inevitableAfterStep} of the program's own steps: from there on every variation of the world's luck failed (${triage.variations} per step; marked ▶ on the timeline).`,
    ),
    'inevitable-text',
  );
  section.appendChild(inevitable);
  section.appendChild(rateChart(triage));
  body.appendChild(section);
}

function markTimeline(triage: Triage, view: ReportTimeline): void {
  for (const element of triage.core) {
    if (!element.necessary) continue;
    for (const seq of element.events) {
      const drawn = view.rows.get(seq);
      if (!drawn || drawn.node.classList.contains('causal')) continue;
      drawn.node.classList.add('causal');
      const badge = tid(el('span', 'badge causal-badge', '◆ core'), 'causal-marker');
      badge.title = `causal core: ${element.element}`;
      drawn.node.appendChild(badge);
    }
  }
  const seq = triage.inevitableEvent;
  if (seq === null) return;
  const drawn = view.rows.get(seq) ?? [...view.rows.values()].find((entry) => entry.row.seq >= seq);
  if (!drawn) return;
  drawn.node.classList.add('inevitable');
  const badge = tid(el('span', 'badge inevitable-badge', '▶ inevitable from here'), 'inevitable-marker');
  badge.title = 'every variation of the rest of the run failed';
  drawn.node.appendChild(badge);
}

function rateChart(triage: Triage): HTMLElement {
  const wrap = tid(el('div', 'rate-chart'), 'failure-rate-chart');
  const rates = triage.failureRate;
  if (rates.length === 0) return add(wrap, el('div', 'hint', 'No variations were run.'));
  const inevitable = triage.inevitableAfterStep;
  wrap.appendChild(
    barChart(
      rates.map((r) => ({
        share: r.rate,
        label: String(r.afterStep),
        title: `after step ${r.afterStep}: ${Math.round(r.rate * 100)}% of variations failed`,
        cls: inevitable !== null && r.afterStep >= inevitable ? 'rate-bar inevitable' : 'rate-bar',
      })),
      '100% failed',
      'step',
    ),
  );
  return wrap;
}
