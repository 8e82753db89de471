/** The top bar: the virtual clock, the world's buttons, saving, opening results, and the status. */
import type { SessionView } from '../../src/explorer/session.js';
import { byId, el } from '../shared/dom.js';
import { fmtTime } from '../shared/format.js';
import { api } from './api.js';
import type { ChecksPanel } from './checks.js';
import { byIdOf } from './controls.js';
import type { CounterexamplesPanel } from './counterexamples.js';
import { messageOf, quietly, type Explorer } from './explorer.js';
import type { LiveTimeline } from './live-timeline.js';
import { showNotice } from './notice.js';

/** The buttons that move the world on: none can while a conflict waits or after the run stopped. */
const WORLD_BUTTONS = ['step', 'run-until-idle', 'advance', 'sync-all', 'heal'];

export function renderHeader(view: SessionView): void {
  byId('clock').textContent = `t = ${fmtTime(view.elapsed)}`;
  byId('clock-sub').textContent =
    view.nextTimerIn === null
      ? `no timer armed · seed ${view.seed}`
      : `next timer in ${fmtTime(view.nextTimerIn)} · ${view.pendingTimers} armed · seed ${view.seed}`;
  const blocked = !!view.conflict || !!view.stopped;
  for (const id of WORLD_BUTTONS) byIdOf(id, HTMLButtonElement).disabled = blocked;
  setBusy(view, view.busy);
}

export function setBusy(view: SessionView | null, busy: boolean): void {
  const node = byId('status');
  if (!view) return;
  const stopped = view.stopped;
  node.className = `status${stopped ? ' stopped' : busy ? ' busy' : ''}`;
  node.textContent = stopped ? 'stopped' : view.conflict ? 'waiting for your answer' : busy ? 'busy' : 'idle';
}

export interface HeaderPanels {
  readonly checks: ChecksPanel;
  readonly timeline: LiveTimeline;
  readonly counterexamples: CounterexamplesPanel;
}

export function wireHeader(explorer: Explorer, panels: HeaderPanels): void {
  const on = (id: string, handler: () => void): void => byId(id).addEventListener('click', handler);
  on('step', () => quietly(explorer.act(() => api.time({ type: 'step' }))));
  on('run-until-idle', () => quietly(explorer.act(() => api.time({ type: 'run-until-idle' }))));
  on('advance', () => {
    const ms = Number(byIdOf('advance-ms', HTMLInputElement).value);
    quietly(explorer.act(() => api.time({ type: 'advance', ms })));
  });
  on('sync-all', () => quietly(explorer.act(() => api.world({ type: 'sync' }))));
  on('heal', () => quietly(explorer.act(() => api.world({ type: 'heal' }))));
  on('undo', () => quietly(explorer.act(() => api.undo())));
  on('reset', () => {
    if (window.confirm('Start over with an empty session?')) quietly(explorer.act(() => api.reset()));
  });
  on('add-client', () => {
    const policy = byIdOf('add-policy', HTMLSelectElement).value;
    quietly(explorer.act(() => api.addClient(policy)));
  });
  for (const [id, mode] of [
    ['check-now', 'now'],
    ['check-run', 'run'],
  ] as const) {
    on(id, () => {
      api.check(mode).then(
        (report) => panels.checks.show(report, panels.timeline.current()),
        (error: unknown) => showNotice(messageOf(error), true),
      );
    });
  }
  on('save', () => save());
  const picker = byIdOf('open-results', HTMLInputElement);
  picker.addEventListener('change', () => {
    const file = picker.files?.[0];
    if (file) panels.counterexamples.openResults(file);
    picker.value = '';
  });
}

/**
 * Saves the session as a scenario: into the explorer's folder when it has one, else as a
 * download the browser makes from the answer.
 */
function save(): void {
  const name = byIdOf('save-name', HTMLInputElement).value.trim() || 'explorer-session';
  api.save(name).then(
    (data) => {
      if (data.file) {
        showNotice(`Saved to ${data.file} — replay it with: npx syncwright run ${data.file}`, false);
        return;
      }
      const blob = new Blob([`${JSON.stringify(data.scenario, null, 2)}\n`], { type: 'application/json' });
      const link = el('a');
      link.href = URL.createObjectURL(blob);
      link.download = `${name}.json`;
      document.body.appendChild(link);
      link.click();
      document.body.removeChild(link);
      showNotice(`Downloaded ${name}.json — replay it with: npx syncwright run ${name}.json`, false);
    },
    (error: unknown) => showNotice(messageOf(error), true),
  );
}
