/** A row per scenario: status, name, client, runs, seed, duration, coverage, weak spots. */
import type { ReportModel, ScenarioView } from '../../src/report/report-model.js';
import { add, el, tid } from '../shared/dom.js';
import { fmtCount } from '../shared/format.js';
import { chip } from './chips.js';
import { hasFailure } from './failures.js';
import { fmtDuration, pill } from './format.js';

const COLUMNS = ['Status', 'Scenario', 'Client', 'Runs', 'Seed', 'Duration', 'Coverage', 'Weak', ''];

export function renderScenarioTable(app: HTMLElement, model: ReportModel, openFailure: (index: number) => void): void {
  const section = el('section');
  add(section, el('h2', 'section-title', 'Scenarios'));
  const card = el('div', 'card scroll-x');
  const table = tid(el('table', 'grid'), 'scenario-table');
  const head = el('tr');
  for (const h of COLUMNS) head.appendChild(el('th', '', h));
  table.appendChild(head);
  for (const sc of model.scenarios) table.appendChild(scenarioRow(sc, openFailure));
  if (model.scenarios.length === 0) add(table, add(el('tr'), add(el('td', 'empty-state', 'No scenarios ran.'))));
  add(section, add(card, table));
  app.appendChild(section);
}

function scenarioRow(sc: ScenarioView, openFailure: (index: number) => void): HTMLTableRowElement {
  const tr = tid(el('tr'), `scenario-${sc.index}`);
  const nameCell = el('td');
  add(
    nameCell,
    el('div', 'scenario-name', sc.name),
    el('div', 'scenario-file', sc.file),
    sc.description ? el('div', 'scenario-desc', sc.description) : null,
  );
  if (sc.droppedWrites.length > 0) {
    // Drops the app's handler chose are no failure, but a reader must see what they cost.
    const dropped = tid(el('div', 'chips'), 'scenario-dropped');
    add(dropped, el('span', 'hint', 'Dropped writes: '));
    for (const d of sc.droppedWrites) dropped.appendChild(el('span', 'chip', d));
    nameCell.appendChild(dropped);
  }
  const covCell = el('td');
  // Zero counters are noise in a row; the ones that matter are in the Weak column.
  const chips = tid(el('div', 'chips'), 'scenario-coverage');
  let zeros = 0;
  for (const [name, count] of sc.coverage) {
    if (count === 0) zeros++;
    else chips.appendChild(chip(name, count));
  }
  if (zeros > 0) chips.appendChild(el('span', 'chip zero', `+${zeros} at 0`));
  covCell.appendChild(chips);
  const weakCell = el('td');
  const weak = el('div', 'chips');
  for (const w of sc.weak) weak.appendChild(el('span', 'chip weak', w));
  weakCell.appendChild(weak);
  const action = el('td');
  if (hasFailure(sc)) {
    const b = tid(
      el('button', 'link-button', sc.failure ? 'counterexample ↓' : 'details ↓'),
      `goto-failure-${sc.index}`,
    );
    b.type = 'button';
    b.addEventListener('click', () => openFailure(sc.index));
    action.appendChild(b);
  }
  return add(
    tr,
    add(el('td'), pill(sc.status)),
    nameCell,
    el('td', 'mono', sc.client),
    el('td', 'num', fmtCount(sc.runs)),
    el('td', 'num mono', String(sc.seed)),
    el('td', 'num', fmtDuration(sc.durationMs)),
    covCell,
    weakCell,
    action,
  );
}
