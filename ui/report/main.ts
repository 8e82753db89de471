/**
 * The HTML report's script. It reads the report model embedded as JSON in the page and draws
 * it; the Node side (`src/report/html.ts`) inlines this file's bundle under a CSP hash.
 */
import type { ReportModel } from '../../src/report/report-model.js';
import { byId, el } from '../shared/dom.js';
import { readEmbeddedJson } from '../shared/embedded-json.js';
import { renderFailures, type Failures } from './failures.js';
import { renderHeader } from './header.js';
import { renderHunt } from './hunt.js';
import { renderScenarioTable } from './scenario-table.js';
import { renderSummary } from './summary.js';

const model = readEmbeddedJson<ReportModel>('report-data');
const app = byId('app');

try {
  renderHeader(model);
  renderSummary(app, model);
  let failures: Failures | undefined;
  renderHunt(app, model, (index) => failures?.open(index, true));
  // Failures lead: a reader opens the report to see what broke, and the passing rows can wait.
  failures = renderFailures(app, model);
  renderScenarioTable(app, model, (index) => failures?.open(index, true));
  const hash = /^#failure-(\d+)$/.exec(location.hash);
  if (hash) failures.open(Number(hash[1]), true);
  document.documentElement.setAttribute('data-ready', 'yes');
} catch (error) {
  const message = error instanceof Error && error.message ? error.message : String(error);
  app.appendChild(el('pre', 'error-text', `The report could not be drawn: ${message}`));
  document.documentElement.setAttribute('data-ready', 'error');
}
