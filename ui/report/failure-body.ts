/**
 * What an opened failure shows: the error or the counterexample (timeline with its details
 * panel, checks, table diffs, the replay command and the shrunk program).
 */
import type { ComparedView, FailureView, ScenarioView } from '../../src/report/report-model.js';
import { add, el, tid } from '../shared/dom.js';
import { jsonBlock } from '../shared/json-block.js';
import { selectRow } from '../shared/timeline/view.js';
import { renderCheck } from './checks.js';
import { copyText } from './copy.js';
import { renderDetails, showEmptyDetails } from './event-details.js';
import { fmtDuration, plural } from './format.js';
import { renderTableDiff } from './table-diff.js';
import { renderTimeline } from './timeline.js';
import type { ReportTimeline } from './timeline-view.js';
import { renderTriage } from './triage.js';

export function renderFailureBody(sc: ScenarioView): HTMLDivElement {
  const body = el('div', 'failure-body');
  if (sc.description) body.appendChild(el('p', 'hint', sc.description));
  if (sc.error) add(body, el('h3', 'block-title', 'Error'), tid(el('pre', 'error-text', sc.error), 'scenario-error'));
  if (sc.handlerErrors.length > 0) {
    add(body, el('h3', 'block-title', 'The handler threw'));
    for (const message of sc.handlerErrors) body.appendChild(tid(el('pre', 'error-text', message), 'handler-error'));
  }
  if (sc.status === 'unexpected-pass' && !sc.failure) {
    add(
      body,
      el(
        'p',
        '',
        `This scenario is marked as expected to fail (a known finding), but all ${plural(sc.runs, 'run')} passed. ` +
          'If the finding is fixed, remove the mark.',
      ),
    );
  }
  const f = sc.failure;
  if (!f) return body;
  if (f.stopped)
    add(body, el('h3', 'block-title', 'The run never settled'), tid(el('pre', 'error-text', f.stopped), 'stopped'));
  const timings = sc.timings;
  if (timings && (timings.firstFailureMs !== null || timings.shrunkMs !== null)) {
    const found: string[] = [];
    if (timings.firstFailureMs !== null) found.push(`first failing run after ${fmtDuration(timings.firstFailureMs)}`);
    if (timings.shrunkMs !== null) found.push(`shrunk after ${fmtDuration(timings.shrunkMs)}`);
    body.appendChild(el('p', 'hint', found.join(' · ')));
  }
  const view = timelineSection(body, f);
  if (f.compared) comparedSection(body, f.compared);
  if (sc.triage) renderTriage(body, sc.triage, view);
  checksSection(body, f, view);
  tablesSection(body, f);
  replaySection(body, f);
  add(
    body,
    add(
      el('details', 'raw'),
      el('summary', '', `Shrunk program (${plural(f.shrinks, 'shrink step')})`),
      jsonBlock(f.program),
    ),
  );
  // Open on the first event a violated check cites: where the story goes wrong.
  const first = f.timeline.rows.find((row) => row.citedBy.length > 0);
  if (first) selectRow(view, first.seq, false);
  return body;
}

function timelineSection(body: HTMLElement, f: FailureView): ReportTimeline {
  add(body, el('h3', 'block-title', f.shrinks > 0 ? 'Timeline of the shrunk counterexample' : 'Timeline'));
  add(
    body,
    add(
      el('div', 'legend'),
      el('span', 'l-conflict', 'conflict'),
      el('span', 'l-decision', 'handler decision'),
      el('span', 'l-fault', 'fault'),
      el('span', 'l-ok', 'success'),
      el('span', 'l-snapshot', 'snapshot'),
      el('span', 'l-cited', 'cited by a violated check'),
    ),
  );
  const grid = tid(el('div', 'ce-grid'), 'timeline-section');
  const details = tid(el('aside', 'card details'), 'event-details');
  const view: ReportTimeline = {
    timeline: f.timeline,
    history: f.history,
    rows: new Map(),
    selected: null,
    details,
    show: (row) => renderDetails(view, row),
  };
  add(grid, renderTimeline(view), details);
  body.appendChild(grid);
  showEmptyDetails(view);
  return view;
}

/**
 * The oracle's run of the same program, folded: the differential check cites its events as
 * `<client> #seq`, and this is where they are. Drawn when first opened, as it doubles the page.
 */
function comparedSection(body: HTMLElement, compared: ComparedView): void {
  const faults = `${plural(compared.aligned, 'fault')} re-aimed at the same requests`;
  const summary = el(
    'summary',
    '',
    `Timeline of the same program on the ${compared.against} client (${plural(compared.history.length, 'event')}; ${faults})`,
  );
  const section = tid(add(el('details', 'raw'), summary), 'compared-timeline');
  if (compared.excluded) section.appendChild(el('p', 'hint', `Not compared — ${compared.excluded}`));
  section.addEventListener('toggle', () => {
    if (!section.open || section.querySelector('.ce-grid')) return;
    const grid = el('div', 'ce-grid');
    const details = el('aside', 'card details');
    const view: ReportTimeline = {
      timeline: compared.timeline,
      history: compared.history,
      rows: new Map(),
      selected: null,
      details,
      show: (row) => renderDetails(view, row),
    };
    add(grid, renderTimeline(view), details);
    section.appendChild(grid);
    showEmptyDetails(view);
  });
  body.appendChild(section);
}

function checksSection(body: HTMLElement, f: FailureView, view: ReportTimeline): void {
  add(body, el('h3', 'block-title', 'Checks'));
  const checks = tid(el('div'), 'checks');
  const held = el('div', 'chips held');
  for (const check of f.checks) {
    if (check.valid) held.appendChild(tid(el('span', 'chip ok', `✓ ${check.checker}`), 'check-passed'));
    else checks.appendChild(renderCheck(view, check));
  }
  if (held.childNodes.length) add(checks, add(el('div', 'held-line'), el('span', 'hint', 'Held: '), held));
  if (f.checks.length === 0) checks.appendChild(el('div', 'hint', 'No check results recorded.'));
  body.appendChild(checks);
}

function tablesSection(body: HTMLElement, f: FailureView): void {
  add(body, el('h3', 'block-title', 'Expected (server) vs actual (client) tables'));
  const diffs = tid(el('div'), 'table-diff');
  f.tables.forEach((t, i) => diffs.appendChild(renderTableDiff(t, i)));
  if (f.tables.length === 0) diffs.appendChild(el('div', 'hint', 'No table differences recorded.'));
  body.appendChild(diffs);
}

function replaySection(body: HTMLElement, f: FailureView): void {
  add(body, el('h3', 'block-title', 'Replay this run'));
  const cmd = tid(el('pre', 'mono', f.replayCommand), 'replay-command');
  const copy = tid(el('button', 'btn', 'Copy'), 'copy-replay');
  copy.type = 'button';
  copy.addEventListener('click', () => copyText(f.replayCommand, copy, cmd));
  body.appendChild(add(el('div', 'replay'), cmd, copy));
}
