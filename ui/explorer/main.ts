/**
 * The explorer page's script. It draws the session the explorer server holds, sends the user's
 * actions to its JSON API, and follows its Server-Sent Events so every open tab sees each change.
 * The Node side (`src/explorer/page.ts`) inlines this file's bundle under a CSP hash.
 */
import type { SessionView } from '../../src/explorer/session.js';
import { byId } from '../shared/dom.js';
import { api } from './api.js';
import { createChecksPanel } from './checks.js';
import { createClientsPanel } from './clients.js';
import { renderConflict } from './conflict.js';
import { createCounterexamplesPanel } from './counterexamples.js';
import { messageOf, type Explorer } from './explorer.js';
import { renderHeader, setBusy, wireHeader } from './header.js';
import { createLinksPanel } from './links.js';
import { createLiveTimeline } from './live-timeline.js';
import { renderLog } from './log.js';
import { showNotice } from './notice.js';
import { createServerCard } from './server-card.js';
import { createTablePicker } from './table-picker.js';

let state: SessionView | null = null;

const explorer: Explorer = {
  get state() {
    return state;
  },
  act(send) {
    setBusy(state, true);
    return send().then(
      (view) => {
        applyState(view);
        return view;
      },
      (error: unknown) => {
        showNotice(messageOf(error), true);
        setBusy(state, false);
        throw error;
      },
    );
  },
  renderAll,
};

const checks = createChecksPanel();
const timeline = createLiveTimeline(explorer, checks);
const counterexamples = createCounterexamplesPanel(explorer);
const clients = createClientsPanel(explorer, createServerCard(explorer));
const links = createLinksPanel(explorer);
const tables = createTablePicker(explorer);

function renderAll(): void {
  if (!state) return;
  renderHeader(state);
  tables.render(state);
  renderConflict(explorer, state);
  clients.render(state);
  links.render(state);
  renderLog(state);
}

/** Draws a newer session; an older one (a late answer, a stream behind a request) is dropped. */
function applyState(view: SessionView): void {
  if (state && view.revision < state.revision) return;
  const fresh = !state || view.revision !== state.revision;
  state = view;
  renderAll();
  if (fresh && view.notice) showNotice(view.notice, false);
  document.documentElement.setAttribute('data-revision', String(view.revision));
  timeline.load();
}

function connect(): void {
  const source = new EventSource('/api/events');
  source.addEventListener('state', (event) => {
    try {
      applyState(JSON.parse(event.data) as SessionView);
    } catch (error) {
      showNotice(`Could not read an update: ${messageOf(error)}`, true);
    }
  });
  source.onerror = () => showNotice('Lost the connection to the explorer; retrying…', true);
  source.onopen = () => {
    const notice = byId('notice');
    if (notice.className.includes('error') && /connection/.test(notice.textContent ?? '')) showNotice('', false);
  };
}

try {
  wireHeader(explorer, { checks, timeline, counterexamples });
  api.counterexamples().then(
    (data) => counterexamples.set(data.counterexamples),
    () => undefined, // none to offer
  );
  api.state().then(
    (view) => {
      applyState(view);
      connect();
      document.documentElement.setAttribute('data-ready', 'yes');
    },
    (error: unknown) => showNotice(`The explorer is not answering: ${messageOf(error)}`, true),
  );
} catch (error) {
  showNotice(`The page could not start: ${messageOf(error)}`, true);
}
