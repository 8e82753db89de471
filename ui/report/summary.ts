/** The run at a glance: counts, seed, duration, and the coverage summed over every run. */
import type { ReportModel } from '../../src/report/report-model.js';
import { add, el, tid } from '../shared/dom.js';
import { fmtCount } from '../shared/format.js';
import { chip } from './chips.js';
import { fmtDuration, plural } from './format.js';
import { SEED_TEXT } from './scenario-table.js';

function stat(value: string, label: string, tone?: string): HTMLDivElement {
  return add(el('div', `card stat${tone ? ` ${tone}` : ''}`), el('div', 'value', value), el('div', 'label', label));
}

/** The run's seed, named as such: the Seed column may show worlds' seeds, which are not this. */
function seedStat(seed: number): HTMLDivElement {
  const node = tid(stat(String(seed), 'run seed'), 'run-seed');
  node.title = SEED_TEXT.run;
  return node;
}

export function renderSummary(app: HTMLElement, model: ReportModel): void {
  const s = model.summary;
  const section = tid(el('section'), 'summary');
  add(section, el('h2', 'section-title', 'Summary'));
  const failed = s.byStatus.failed + s.byStatus['unexpected-pass'];
  section.appendChild(
    add(
      el('div', 'stats'),
      stat(fmtCount(s.scenarios), 'scenarios'),
      stat(fmtCount(s.runs), 'runs'),
      stat(fmtCount(s.byStatus.passed), 'passed', 'ok'),
      stat(fmtCount(failed), 'failed', failed > 0 ? 'fail' : ''),
      s.byStatus.error > 0 ? stat(fmtCount(s.byStatus.error), 'errors', 'fail') : null,
      s.byStatus['expected-failure'] > 0 ? stat(fmtCount(s.byStatus['expected-failure']), 'expected failures') : null,
      seedStat(model.seed),
      stat(fmtDuration(model.durationMs), 'duration'),
    ),
  );
  const meta = el('div', 'meta-line');
  add(meta, el('span', '', `client: ${model.client}`), el('span', '', `started ${model.startedAt}`));
  if (model.shard) add(meta, el('span', '', `shard ${model.shard.index} of ${model.shard.total}`));
  if (s.weakScenarios > 0) add(meta, el('span', '', `${plural(s.weakScenarios, 'scenario')} with weak coverage`));
  section.appendChild(meta);
  if (s.coverage.length > 0) {
    const cov = add(el('div', 'card coverage-card'), el('h3', 'section-title', 'Coverage (summed over all runs)'));
    const chips = tid(el('div', 'chips'), 'coverage');
    for (const [name, count] of s.coverage) chips.appendChild(chip(name, count));
    cov.appendChild(chips);
    cov.style.marginTop = '12px';
    section.appendChild(cov);
  }
  app.appendChild(section);
}
