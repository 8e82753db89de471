import { defineScenario, type StepSpec } from '../src/index.js';

/** Ten records written in the same millisecond: one `updatedAt` shared across page boundaries. */
const tied: StepSpec[] = Array.from({ length: 10 }, (_, i) => ({
  actor: 'editor-1',
  op: { type: 'insert', record: { id: `t${String(i + 1).padStart(2, '0')}`, text: `item ${i + 1}`, complete: false } },
}));

export default defineScenario({
  version: 2,
  name: 'many records sharing one updatedAt across pages',
  description:
    'Ten records share one updatedAt and the app pulls three per page, so the tie group spans four pages and the client must page through it with $skip. While the first pull is between pages a server editor inserts a record, changes one the pull has not reached yet and one it has already read; incremental pulls then bring every record at its latest version.',
  clients: 2,
  editors: 1,
  policy: 'tutorial',
  // Errors left unhandled stop the push until the next sync: the app's intent, not a finding.
  allow: ['handler-outcomes/handler.error-unhandled'],
  pullPageSize: 3,
  faults: { default: { latency: { kind: 'fixed', ms: 10 } } },
  steps: [
    ...tied,
    { actor: 'client-1', op: { type: 'pull', queryId: 'all' }, background: true },
    {
      actor: 'editor-1',
      op: { type: 'insert', record: { id: 'late', text: 'added between pages', complete: false } },
      after: 25,
    },
    { actor: 'editor-1', op: { type: 'update', id: 't09', changes: { text: 'changed before it was read' } } },
    { actor: 'editor-1', op: { type: 'update', id: 't02', changes: { text: 'changed after it was read' } }, after: 20 },
    { actor: 'world', op: { type: 'wait', ms: 500 } },
    { actor: 'client-1', op: { type: 'pull', queryId: 'all' } },
    { actor: 'client-2', op: { type: 'pull', queryId: 'all' } },
  ],
  coverage: ['page-with-ties', 'server-edit-between-pages'],
});
