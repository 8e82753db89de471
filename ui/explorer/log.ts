/** The session's actions as the user took them, and how much program and history they made. */
import type { SessionView } from '../../src/explorer/session.js';
import { byId, clear, el } from '../shared/dom.js';
import { showNotice } from './notice.js';

export function renderLog(view: SessionView): void {
  const log = clear(byId('log'));
  if (view.actions.length === 0) log.appendChild(el('li', 'empty-line', 'nothing yet'));
  for (const label of view.actions) log.appendChild(el('li', '', label));
  byId('log-summary').textContent =
    `${view.actions.length} actions · ${view.steps} program steps · ${view.events} history events`;
  if (view.stopped) showNotice(`${view.stopped} — undo the last action or reset.`, true);
}
