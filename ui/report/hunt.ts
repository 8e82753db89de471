/**
 * A hunt's findings page: what the hunt spent and reached, how coverage grew over the budget
 * (a line chart), and one row per distinct finding that opens its counterexample below.
 */
import type { HuntView, ReportModel } from '../../src/report/report-model.js';
import { add, el, tid } from '../shared/dom.js';
import { fmtCount } from '../shared/format.js';
import { fmtDuration, pill } from './format.js';
import { barChart } from './bars.js';

export function renderHunt(app: HTMLElement, model: ReportModel, open: (index: number) => void): void {
  const hunt = model.hunt;
  if (!hunt) return;
  const section = tid(el('section'), 'hunt');
  add(section, el('h2', 'section-title', 'Hunt'));
  const meta = el('div', 'meta-line');
  add(
    meta,
    el('span', '', `client ${hunt.client}@${hunt.clientVersion}`),
    el('span', '', `seed ${hunt.seed}`),
    el('span', '', `budget ${hunt.budget}, ended by ${hunt.end === 'runs' ? 'its runs' : hunt.end}`),
    el('span', '', `${fmtCount(hunt.runs)} runs (${fmtCount(hunt.mutantRuns)} mutants)`),
    el(
      'span',
      '',
      `${fmtCount(hunt.features)} features${hunt.sdkBlocks > 0 ? `, ${fmtCount(hunt.sdkBlocks)} SDK blocks` : ''}`,
    ),
    el('span', '', hunt.guidance ? `corpus ${hunt.corpusHash.slice(0, 12)}` : 'no guidance'),
  );
  section.appendChild(meta);
  section.appendChild(growthChart(hunt));
  section.appendChild(findingsTable(hunt, open));
  app.appendChild(section);
}

function growthChart(hunt: HuntView): HTMLElement {
  const card = tid(el('div', 'card growth-card'), 'coverage-growth');
  add(card, el('h3', 'section-title', 'Coverage over the budget'));
  const points = hunt.growth;
  if (points.length === 0) {
    card.appendChild(el('div', 'hint', 'No growth recorded (merged shards keep their own).'));
    return card;
  }
  const most = Math.max(1, ...points.map((p) => p.features));
  card.appendChild(
    barChart(
      points.map((p) => ({
        share: p.features / most,
        label: String(p.runs),
        title: `${fmtCount(p.runs)} runs: ${fmtCount(p.features)} features, ${p.findings} findings, ${fmtDuration(p.ms)}`,
        cls: 'growth-bar',
      })),
      `${fmtCount(most)} features`,
      'runs',
    ),
  );
  return card;
}

function findingsTable(hunt: HuntView, open: (index: number) => void): HTMLElement {
  const card = tid(el('div', 'card'), 'findings');
  add(
    card,
    el('h3', 'section-title', `${hunt.findings.length} distinct finding${hunt.findings.length === 1 ? '' : 's'}`),
  );
  if (hunt.findings.length === 0) {
    card.appendChild(el('div', 'hint', 'The hunt found nothing.'));
    return card;
  }
  const table = el('table', 'scenarios');
  const head = el('tr');
  for (const label of ['', 'signature', 'scenario', 'first', 'occurrences', 'shrunk', 'replay'])
    head.appendChild(el('th', '', label));
  table.appendChild(add(el('thead'), head));
  const body = el('tbody');
  for (const finding of hunt.findings) {
    const row = tid(el('tr', 'clickable'), `finding-${finding.index}`);
    const status = pill(finding.status === 'new' ? 'failed' : 'expected-failure');
    status.textContent = finding.status;
    add(
      row,
      add(el('td'), status),
      add(el('td', 'mono', finding.signature), finding.note ? el('div', 'hint', finding.note) : null),
      el('td', '', finding.scenarioName),
      el('td', 'mono', finding.first),
      el('td', 'num', fmtCount(finding.occurrences)),
      el('td', 'num', finding.size === null ? '—' : `${finding.size} steps${finding.partial ? ' (partial)' : ''}`),
      el('td', 'mono small', finding.replayCommand ?? '—'),
    );
    row.addEventListener('click', () => open(finding.index));
    body.appendChild(row);
  }
  table.appendChild(body);
  card.appendChild(table);
  return card;
}
