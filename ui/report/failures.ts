/**
 * The failures section, at the top of the page: a `<details>` per failing scenario, in the
 * model's order. New findings among the first few are drawn opened; the rest, and known findings,
 * are drawn the first time they open (a large run has many counterexamples; most are never looked at).
 */
import type { ReportModel, ScenarioView } from '../../src/report/report-model.js';
import { add, el, tid } from '../shared/dom.js';
import { renderFailureBody } from './failure-body.js';
import { pill, plural } from './format.js';

export interface Failures {
  /** Opens a scenario's failure (if it has one), drawing it first. */
  open(index: number, scroll: boolean): void;
}

/** Scenarios that have something to show: a counterexample (or a replayed run), an error, or an unexpected pass. */
export function hasFailure(sc: ScenarioView): boolean {
  return Boolean(sc.failure || sc.error || sc.status === 'unexpected-pass');
}

export function renderFailures(app: HTMLElement, model: ReportModel): Failures {
  const nodes = new Map<number, HTMLDetailsElement>();
  const ensureRendered = (sc: ScenarioView): void => {
    const node = nodes.get(sc.index);
    if (!node || node.getAttribute('data-rendered') === 'yes') return;
    node.setAttribute('data-rendered', 'yes');
    node.appendChild(renderFailureBody(sc));
  };
  const failures: Failures = {
    open(index, scroll) {
      const node = nodes.get(index);
      const sc = model.scenarios[index];
      if (!node || !sc) return;
      node.open = true;
      ensureRendered(sc);
      if (scroll) node.scrollIntoView({ block: 'start' });
    },
  };
  const list = model.order.map((index) => model.scenarios[index]!).filter(hasFailure);
  if (list.length === 0) return failures;
  const section = tid(el('section'), 'failures');
  // A passing run's timeline is here too when one was recorded (`replay --out`).
  const title = list.some((sc) => sc.failing || sc.status === 'expected-failure')
    ? 'Failures and counterexamples'
    : 'Timeline of the run';
  add(section, el('h2', 'section-title', title));
  for (const sc of list) {
    const details = tid(el('details', 'card failure'), `counterexample-${sc.index}`);
    details.id = `failure-${sc.index}`;
    const summary = tid(el('summary'), `open-counterexample-${sc.index}`);
    add(summary, pill(sc.status), el('span', 'scenario-name', sc.name), el('span', 'headline', headline(sc)));
    details.appendChild(summary);
    details.addEventListener('toggle', () => {
      if (details.open) ensureRendered(sc);
    });
    nodes.set(sc.index, details);
    section.appendChild(details);
    if (sc.expanded) {
      details.open = true;
      ensureRendered(sc);
    }
  }
  app.appendChild(section);
  return failures;
}

/** `convergence violated · seed 7 · path 3:1 · 2 shrinks · 6 steps · 32 events` */
function headline(sc: ScenarioView): string {
  const f = sc.failure;
  if (!f) {
    return sc.status === 'unexpected-pass'
      ? `expected to fail, but all ${plural(sc.runs, 'run')} passed`
      : 'the scenario could not run';
  }
  const violated = f.checks.filter((c) => !c.valid).map((c) => c.checker);
  const verdict = violated.length
    ? `${violated.join(', ')} violated`
    : f.stopped
      ? 'never settled'
      : sc.status === 'passed'
        ? 'every check held'
        : 'failed';
  return (
    `${verdict} · seed ${f.seed}${f.path ? ` · path ${f.path}` : ''} · ${plural(f.shrinks, 'shrink')}` +
    `${f.size !== null ? ` · ${plural(f.size, 'step')}` : ''} · ${plural(f.history.length, 'event')}`
  );
}
