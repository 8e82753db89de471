import { defineScenario, SDK_KNOWN_FINDINGS } from '../src/index.js';

const orders = { name: 'orders', columns: { customer: 'string', total: 'number', placed: 'date' } } as const;
const lines = {
  name: 'order_line',
  columns: { orderId: 'string', product: 'string', qty: 'number' },
  references: { orderId: 'orders' },
} as const;

/** Random programs over related tables (orders and their lines) and three app versions. */
export default defineScenario({
  version: 2,
  name: 'generated: parent and child tables, app upgrades',
  description:
    'Two devices and a server-side editor write orders and, in one go, their lines (a child referring to its parent’s id); devices upgrade the app while they work — version 2 adds a string column to orders, a number column to lines and a shipments table, version 3 a boolean and a date column — with every fault kind. Children never reach the server before their parent, settle with their parent unless a delete or a handler decision took it, and an upgrade keeps the store.',
  tables: [orders, lines],
  schemaVersions: [
    {
      tables: [
        { ...orders, columns: { ...orders.columns, note: 'string' } },
        { ...lines, columns: { ...lines.columns, discount: 'number' } },
        {
          name: 'shipment',
          columns: { orderId: 'string', shipped: 'boolean', meta: 'object' },
          references: { orderId: 'orders' },
        },
      ],
    },
    {
      tables: [
        { ...orders, columns: { ...orders.columns, note: 'string', gift: 'boolean' } },
        { ...lines, columns: { ...lines.columns, discount: 'number' } },
        {
          name: 'shipment',
          columns: { orderId: 'string', shipped: 'boolean', meta: 'object', eta: 'date' },
          references: { orderId: 'orders' },
        },
      ],
    },
  ],
  clients: 2,
  editors: 1,
  policy: 'tutorial',
  // Errors left unhandled stop the push until the next sync: the app's intent, not a finding.
  allow: ['handler-outcomes/handler.error-unhandled'],
  // On the real SDK the data meets its known findings (9: date-looking strings; P1); a new one fails.
  // Compared with the reference client (the self-test's harness baseline), finding 9 shows as a
  // local value that differs once settled.
  // P10 (cause 12): version 2 adds the string column `note` with ALTER TABLE … ADD COLUMN note
  // string, so a note such as "0" is stored as a number and every push fails reading that
  // operation's record — the queue never drains, and a push that discarded the operation before it
  // stops there. Declared here, not in SDK_KNOWN_FINDINGS: elsewhere these signatures would hide
  // other defects.
  expect: {
    sdk: {
      fails: [
        ...SDK_KNOWN_FINDINGS,
        'differential/diff.local-table/final/value',
        'convergence/convergence.queue-drains/*/queued',
        'cancel-and-discard/handler.cancel-and-discard/push/stopped-early',
        // P10 as the comparison with the reference client sees it: after the upgrade a read of
        // the table fails on the SDK (finding 12's read failure), where the reference client answers.
        'differential/diff.call-outcomes/read/fail',
        // 9 as a handler sees it, in the comparison: the 412's date-looking string is handed to
        // the SDK's handler normalised to milliseconds (`…/date-looking-string` without it).
        'differential/diff.handler-calls/push/server-record',
      ],
    },
  },
  generate: {
    steps: { min: 1, max: 14 },
    records: 3,
    mix: { 'insert-family': 4, upgrade: 2 },
    faults: { kinds: 'all', max: 4 },
  },
  pullPageSize: 2,
  // A parent deleted while its children stay comes about once in a hundred and fifty runs.
  runs: 300,
  coverage: ['orphan-parent-deleted', 'orphan-parent-dropped', 'conflict-409'],
});
