import { defineScenario } from '../src/index.js';

/**
 * The Azure Mobile Apps offline-sync tutorial: a to-do app syncs, goes offline, keeps working,
 * is closed and reopened, comes back online and syncs; a second device sees it all.
 */
export default defineScenario({
  version: 2,
  name: 'tutorial: offline, restart, reconnect',
  description:
    'The quickstart to-do app adds items and syncs, loses the network, completes and adds items offline (the push fails and the tutorial handler logs "Sync error!"), is killed and reopened, then reconnects and syncs; a second device pulls everything.',
  clients: ['phone', 'tablet'],
  policy: 'tutorial',
  // Errors left unhandled stop the push until the next sync: the app's intent, not a finding.
  allow: ['handler-outcomes/handler.error-unhandled'],
  faults: { default: { latency: { kind: 'fixed', ms: 20 } } },
  steps: [
    { actor: 'phone', op: { type: 'pull', queryId: 'todoItems' } },
    { actor: 'phone', op: { type: 'insert', record: { id: 'milk', text: 'Buy milk', complete: false } } },
    { actor: 'phone', op: { type: 'insert', record: { id: 'dog', text: 'Walk the dog', complete: false } } },
    { actor: 'phone', op: { type: 'push' } },
    { actor: 'phone', op: { type: 'pull', queryId: 'todoItems' } },
    { actor: 'world', op: { type: 'offline', client: 'phone' }, after: 1000 },
    { actor: 'phone', op: { type: 'update', record: { id: 'milk', text: 'Buy milk', complete: true } } },
    { actor: 'phone', op: { type: 'insert', record: { id: 'mum', text: 'Call mum', complete: false } } },
    { actor: 'phone', op: { type: 'push' } },
    { actor: 'phone', op: { type: 'restart' }, after: 5000 },
    { actor: 'world', op: { type: 'online', client: 'phone' }, after: 1000 },
    { actor: 'phone', op: { type: 'push' } },
    { actor: 'phone', op: { type: 'pull', queryId: 'todoItems' } },
    { actor: 'tablet', op: { type: 'pull', queryId: 'todoItems' } },
  ],
  coverage: ['offline', 'restart', 'error-network', 'decision-unhandled'],
});
