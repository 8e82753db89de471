/**
 * A row per scenario, failing ones first: status, name, client (when several ran), runs, seed,
 * duration, coverage, weak spots. It wraps to fit a 1024 px screen rather than scroll.
 */
import type { ReportModel, ScenarioView, SeedKind } from '../../src/report/report-model.js';
import { add, el, tid } from '../shared/dom.js';
import { fmtCount } from '../shared/format.js';
import { chip } from './chips.js';
import { hasFailure } from './failures.js';
import { fmtDuration, pill } from './format.js';

/** What each kind of seed is, and how to run it again: the Seed column's tooltip and legend. */
export const SEED_TEXT: Readonly<Record<SeedKind, string>> = {
  run:
    "run seed: the fast-check seed the scenario's programs were generated from (the run's --seed). " +
    'Replay one run with `syncwright replay <scenario file> <seed>:<path>` (a failure prints its own command), ' +
    'or all of them with `syncwright run --seed <seed>`.',
  world:
    "world seed: the seed of a fixed-step scenario's one world (its faults, latencies and ids). " +
    'Replay it with `syncwright replay <scenario file>`.',
};

export function renderScenarioTable(app: HTMLElement, model: ReportModel, openFailure: (index: number) => void): void {
  const section = el('section');
  add(section, el('h2', 'section-title', 'Scenarios'));
  const card = el('div', 'card');
  const table = tid(el('table', 'grid scenario-grid'), 'scenario-table');
  const withClient = model.clients.length > 1;
  const columns = [
    'Status',
    'Scenario',
    withClient ? 'Client' : null,
    'Runs',
    'Seed',
    'Duration',
    'Coverage',
    'Weak',
    '',
  ];
  const head = el('tr');
  for (const h of columns) {
    if (h === null) continue;
    const th = tid(el('th', '', h), `column-${h === '' ? 'action' : h.toLowerCase()}`);
    if (h === 'Seed') th.title = `${SEED_TEXT.run}\n${SEED_TEXT.world}`;
    head.appendChild(th);
  }
  table.appendChild(head);
  for (const index of model.order) {
    const sc = model.scenarios[index];
    if (sc) table.appendChild(scenarioRow(sc, withClient, openFailure));
  }
  if (model.scenarios.length === 0) add(table, add(el('tr'), add(el('td', 'empty-state', 'No scenarios ran.'))));
  add(section, add(card, table));
  const kinds = new Set(model.scenarios.map((sc) => sc.seedKind));
  const legend = tid(el('div', 'seed-legend'), 'seed-legend');
  for (const kind of ['run', 'world'] as const)
    if (kinds.has(kind)) legend.appendChild(el('p', 'hint', SEED_TEXT[kind]));
  section.appendChild(legend);
  app.appendChild(section);
}

function scenarioRow(sc: ScenarioView, withClient: boolean, openFailure: (index: number) => void): HTMLTableRowElement {
  const tr = tid(el('tr'), `scenario-${sc.index}`);
  const nameCell = el('td', 'scenario-cell');
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
  const covCell = el('td', 'coverage-cell');
  // Zero counters are noise in a row; the ones that matter are in the Weak column.
  const chips = tid(el('div', 'chips'), 'scenario-coverage');
  let zeros = 0;
  for (const [name, count] of sc.coverage) {
    if (count === 0) zeros++;
    else chips.appendChild(chip(name, count));
  }
  if (zeros > 0) chips.appendChild(el('span', 'chip zero', `+${zeros} at 0`));
  covCell.appendChild(chips);
  const weakCell = el('td', 'weak-cell');
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
    withClient ? tid(el('td', 'mono', sc.client), 'scenario-client') : null,
    el('td', 'num', fmtCount(sc.runs)),
    seedCell(sc),
    el('td', 'num', fmtDuration(sc.durationMs)),
    covCell,
    weakCell,
    action,
  );
}

/** The seed with what it is: `run 42` or `world 7`, the tooltip saying how to replay it. */
function seedCell(sc: ScenarioView): HTMLTableCellElement {
  const td = tid(el('td', 'num mono'), 'scenario-seed');
  add(td, el('span', 'seed-kind', sc.seedKind), ' ', String(sc.seed));
  td.title = SEED_TEXT[sc.seedKind];
  return td;
}
