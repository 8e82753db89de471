/** The verdict in the top bar, the tool's version, and the tab's title. */
import type { ReportModel } from '../../src/report/report-model.js';
import { byId, tid } from '../shared/dom.js';
import { plural } from './format.js';

export function renderHeader(model: ReportModel): void {
  const s = model.summary;
  const failing = s.scenarios - s.byStatus.passed - s.byStatus['expected-failure'];
  const verdict = byId('verdict');
  verdict.textContent = s.ok
    ? `All ${plural(s.scenarios, 'scenario')} passed`
    : `${plural(failing, 'scenario')} failing`;
  verdict.className = `verdict ${s.ok ? 'ok' : 'fail'}`;
  tid(verdict, 'verdict');
  byId('tool-version').textContent = `${model.tool.name} ${model.tool.version}`;
  document.title = `${s.ok ? '✓ ' : '✗ '}syncwright report — ${s.ok ? 'passed' : `${failing} failing`}`;
}
