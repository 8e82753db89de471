/**
 * `pull.user-rows`: under a per-user server, a device holds only its user's rows. A pull brings
 * what the server lets the user see, so after one a row of another user on a device means a
 * client (or server) bug let it through. Ground truth is the server's own stamp: the `userId` the
 * server holds for that id in the snapshot, and the `userId` the device's copy carries.
 */
import { USER_ID_COLUMN } from '../backend/server-variants.js';
import type { JsonObject } from '../protocol/records.js';
import {
  finalSnapshot,
  foreignOwner,
  isLive,
  isPushWrite,
  parseJsonObject,
  type HistoryIndex,
} from './history-index.js';
import type { RuleId } from './rules.js';
import type { Violation } from './types.js';

/** Handler decisions after which a record stays on the device whatever the server said: the app's choice. */
const KEEPING = new Set(['cancel', 'cancelAndUpdate', 'update', 'changeAction', 'isHandled']);

/** The violations of `rule` (`pull.user-rows`, cited by the checker that reports them). */
export function userRowViolations(index: HistoryIndex, rule: RuleId): Violation[] {
  if (index.users === undefined) return [];
  const violations: Violation[] = [];
  const reported = new Set<string>();
  for (const snapshot of index.snapshots) {
    for (const [client, state] of Object.entries(snapshot.clients)) {
      const pulled = index.pulls.some(
        (pull) => pull.client === client && pull.operation.outcome?.kind === 'ok' && pull.end < snapshot.seq,
      );
      if (!pulled) continue;
      const pending = new Set(state.operations.map((operation) => `${operation.table}/${operation.itemId}`));
      for (const [table, rows] of Object.entries(state.tables)) {
        const server = new Map((snapshot.server[table] ?? []).map((row) => [row.id, row as JsonObject]));
        for (const row of rows) {
          const id = String(row['id']);
          const key = `${table}/${id}`;
          if (
            pending.has(key) ||
            reported.has(`${client}:${key}`) ||
            keptByHandler(index, client, table, id, snapshot.seq)
          )
            continue;
          const owner = ownerElsewhere(index, client, row, server.get(id));
          if (owner === undefined) continue;
          reported.add(`${client}:${key}`);
          violations.push({
            rule,
            at: { op: 'pull', status: 'foreign-row' },
            message: `${client}, signed in as ${index.users.get(client) ?? 'nobody'}, holds ${key} at #${snapshot.seq}, a row of ${owner} on the server, after a pull.`,
            events: [snapshot.seq],
          });
        }
      }
    }
  }
  return violations;
}

/** The other user the row belongs to: by the server's stamp for its id, else by the stamp the device's copy carries. */
function ownerElsewhere(
  index: HistoryIndex,
  client: string,
  local: JsonObject,
  server: JsonObject | undefined,
): string | undefined {
  if (server !== undefined) return foreignOwner(index, client, server);
  const stamped = local[USER_ID_COLUMN];
  return typeof stamped === 'string' ? foreignOwner(index, client, local) : undefined;
}

function keptByHandler(index: HistoryIndex, client: string, table: string, id: string, before: number): boolean {
  return index.handlerCalls.some(
    (record) =>
      record.client === client &&
      record.call.table === table &&
      record.call.itemId === id &&
      record.call.seq < before &&
      record.decision !== undefined &&
      KEEPING.has(record.decision.decision),
  );
}

/** The per-user coverage counters (check/coverage.ts), from the server's stamps. */
export function countPerUser(index: HistoryIndex, bump: (name: string) => void): void {
  if (index.users === undefined) return;
  const final = finalSnapshot(index);
  const owners = new Map<string, JsonObject>();
  for (const [table, rows] of Object.entries(final?.server ?? {}))
    for (const row of rows) owners.set(`${table}/${row.id}`, row as JsonObject);
  for (const exchange of index.exchanges) {
    if (!isPushWrite(exchange) || exchange.response === undefined) continue;
    const status = exchange.response.status;
    const answered = parseJsonObject(exchange.response.body);
    if (
      exchange.action === 'insert' &&
      status === 201 &&
      answered?.[USER_ID_COLUMN] === index.users.get(exchange.client)
    )
      bump('per-user-owned-insert');
    const row = owners.get(`${exchange.table ?? ''}/${exchange.itemId ?? ''}`);
    const refused = exchange.action === 'insert' ? status === 409 : status === 404;
    if (refused && row !== undefined && foreignOwner(index, exchange.client, row) !== undefined)
      bump('per-user-foreign-refused');
  }
  for (const [client, state] of Object.entries(final?.clients ?? {})) {
    const foreign = Object.entries(final!.server).flatMap(([table, rows]) =>
      rows
        .filter((row) => isLive(row as JsonObject) && foreignOwner(index, client, row as JsonObject) !== undefined)
        .map((row) => `${table}/${row.id}`),
    );
    const held = new Set(
      Object.entries(state.tables).flatMap(([table, rows]) => rows.map((row) => `${table}/${String(row['id'])}`)),
    );
    if (foreign.length > 0 && foreign.every((key) => !held.has(key))) bump('per-user-isolated');
  }
}
