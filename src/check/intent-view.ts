/**
 * What a scenario's own invariants see: the settled end of the run (server rows, each client's
 * rows and queue), every conflict with what its handler decided, the writes handler decisions
 * dropped, and the history. A frozen copy: an invariant can read it but not change the run, its
 * history or what the other checkers see.
 */
import { deepFreeze } from '../kernel/deep-freeze.js';
import type { PendingOperation } from '../kernel/driver.js';
import type { HandlerDecision, History } from '../kernel/history.js';
import type { JsonObject } from '../protocol/records.js';
import type { DroppedWrite } from './dropped-writes.js';
import { finalSnapshot, type HistoryIndex } from './history-index.js';

export interface IntentView {
  /** The settled server: live rows (soft-deleted ones left out) per table, in id order. */
  readonly server: Readonly<Record<string, readonly JsonObject[]>>;
  /** Each client once settled: its local rows per table (in id order) and its pending operations. */
  readonly clients: Readonly<Record<string, ClientView>>;
  /** Every conflict (409/412) a client's onConflict was called for, in order, with its decision. */
  readonly conflicts: readonly ConflictView[];
  /** Local writes a handler decision or a forced purge dropped. */
  readonly dropped: readonly DroppedWrite[];
  /** Every event of the run. */
  readonly history: History;
}

export interface ClientView {
  readonly tables: Readonly<Record<string, readonly JsonObject[]>>;
  readonly queue: readonly PendingOperation[];
}

export interface ConflictView {
  readonly client: string;
  readonly table: string;
  readonly itemId: string | null;
  /** What the client was pushing: `insert`, `update` or `delete`. */
  readonly action: string;
  readonly status: number | null;
  /** The device's record and the server's, as the handler was shown them. */
  readonly clientRecord: JsonObject | null;
  readonly serverRecord: JsonObject | null;
  /** What the handler did; null when it never finished (the app was killed first). */
  readonly decision: HandlerDecision | null;
  /** The record `cancelAndUpdate`, `update` or `changeAction` was given. */
  readonly record?: JsonObject | null;
  /** seq of the handler call. */
  readonly seq: number;
}

export function intentView(index: HistoryIndex, dropped: readonly DroppedWrite[], finalLabel?: string): IntentView {
  const final = finalSnapshot(index, finalLabel);
  const server: Record<string, JsonObject[]> = {};
  const clients: Record<string, ClientView> = {};
  if (final !== undefined) {
    for (const [table, rows] of Object.entries(final.server))
      server[table] = rows.filter((row) => row.deleted !== true) as JsonObject[];
    for (const [client, state] of Object.entries(final.clients))
      clients[client] = { tables: state.tables, queue: state.operations };
  }
  const conflicts: ConflictView[] = index.handlerCalls
    .filter((record) => record.call.handler === 'onConflict')
    .map(({ call, decision, client }) => ({
      client,
      table: call.table,
      itemId: call.itemId,
      action: call.action,
      status: call.status,
      clientRecord: call.clientRecord,
      serverRecord: call.serverRecord,
      decision: decision?.decision ?? null,
      ...(decision?.record !== undefined ? { record: decision.record } : {}),
      seq: call.seq,
    }));
  return deepFreeze(structuredClone({ server, clients, conflicts, dropped, history: index.history }));
}
