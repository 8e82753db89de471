/**
 * Convergence: once the network healed and every client pushed and pulled, each client's
 * table equals the server's live rows, and no operation is left pending unless its last push
 * failed on it and the handler (or its absence) kept it.
 */
import type { JsonObject } from '../protocol/records.js';
import type { History } from '../kernel/history.js';
import {
  canonicalJson,
  finalSnapshot,
  indexHistory,
  isLive,
  jsonEqual,
  snapshotAfter,
  SYSTEM_KEYS,
  type HistoryIndex,
  rowsVisibleTo,
} from './history-index.js';
import { keptOperations, recordKey } from './pending.js';
import { isRefusal } from './refused-sync.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const CONVERGENCE = 'convergence';

export function checkConvergence(history: History, context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const final = finalSnapshot(index, context?.finalLabel);
  if (final === undefined) {
    return verdict(
      CONVERGENCE,
      [
        {
          rule: 'tool.no-snapshot',
          at: { op: 'run', status: 'no-snapshot' },
          message: 'The history has no snapshot, so the settled state cannot be compared.',
          events: [],
        },
      ],
      '',
    );
  }
  const violations: Violation[] = [];
  const notes: string[] = [];
  for (const client of Object.keys(final.clients).sort()) {
    const state = final.clients[client]!;
    const kept = keptOperations(index, client, state.operations, final.seq);
    const excused = new Set<string>();
    for (const operation of state.operations) {
      const reason = kept.get(operation.id);
      if (reason === undefined) {
        violations.push({
          rule: 'convergence.queue-drains',
          at: { op: operation.action, status: 'queued' },
          message: `${client} still has a pending ${operation.action} of ${operation.table}/${operation.itemId} after settling (#${final.seq}), and no handler decision kept it.`,
          events: [final.seq],
        });
      } else {
        excused.add(recordKey(operation.table, operation.itemId));
        notes.push(`${client} keeps its ${operation.action} of ${operation.table}/${operation.itemId}: ${reason}.`);
      }
    }
    for (const [table, allRows] of Object.entries(final.server)) {
      const serverRows = rowsVisibleTo(index, client, allRows);
      const lastPull = [...index.pulls]
        .reverse()
        .find(
          (window) =>
            window.client === client &&
            window.operation.op.type === 'pull' &&
            window.operation.op.table === table &&
            window.start < final.seq,
        );
      if (lastPull !== undefined && lastPull.operation.outcome?.kind !== 'ok') {
        const failedAt = lastPull.operation.outcome?.seq ?? lastPull.end;
        if (kept.size > 0) {
          // A pull pushes pending operations first; one the handler keeps failing stops the pull too.
          notes.push(
            `${client}'s last pull of ${table} failed (#${failedAt}) behind the operations it keeps, so its ${table} table is not compared.`,
          );
        } else {
          // Refused for the user's credentials (a token that expired and was never renewed): the
          // status says so, so that a scenario can allow that outcome and no other failure.
          const refusal = lastPull.exchanges.map((exchange) => exchange.response?.status).findLast(isRefusal);
          violations.push({
            rule: 'convergence.sync-succeeds',
            at: {
              op: 'pull',
              status: refusal !== undefined ? `refused-${refusal}` : (lastPull.operation.outcome?.kind ?? 'killed'),
            },
            message: `${client}'s last pull of ${table} failed (#${failedAt}) although the network had healed.`,
            events: [failedAt],
          });
        }
        continue;
      }
      const live = new Map(serverRows.filter(isLive).map((row) => [row.id, row as JsonObject]));
      const keptByHandler = keptLocally(index, client, table, new Set(serverRows.map((row) => String(row.id))));
      const local = new Map((state.tables[table] ?? []).map((row) => [String(row['id']), row]));
      for (const [id, row] of live) {
        if (excused.has(recordKey(table, id))) continue;
        if (row['updatedAt'] === null) {
          // An imported row: no pull can bring it or correct a copy of it until a write stamps it.
          notes.push(
            `${table}/${id} has no updatedAt on the server (an imported row), so ${client}'s copy is not compared.`,
          );
          continue;
        }
        const mine = local.get(id);
        if (mine === undefined) {
          violations.push({
            rule: 'convergence.tables-equal',
            at: { op: 'settle', status: 'missing' },
            message: `${client} lacks ${table}/${id}, which the server holds live at #${final.seq}.`,
            events: [final.seq],
          });
        } else if (!sameRecord(row, mine)) {
          violations.push({
            rule: 'convergence.tables-equal',
            at: { op: 'settle', status: 'differs' },
            message: `${client} holds ${table}/${id} as ${describe(mine)} but the server has ${describe(row)} at #${final.seq}.`,
            events: [final.seq],
          });
        }
      }
      for (const [id] of local) {
        const keeper = keptByHandler.get(id);
        if (!live.has(id) && keeper !== undefined) {
          notes.push(
            `${client} keeps ${table}/${id}, which the server never held: its handler decided ${keeper.decision} at #${keeper.seq}.`,
          );
          continue;
        }
        if (!live.has(id) && !excused.has(recordKey(table, id))) {
          violations.push({
            rule: 'convergence.tables-equal',
            at: { op: 'settle', status: 'extra' },
            message: `${client} holds ${table}/${id}, which is not live on the server at #${final.seq}.`,
            events: [final.seq],
          });
        }
      }
    }
  }
  return verdict(
    CONVERGENCE,
    violations,
    `After settling (#${final.seq}) every client's tables equal the server's live rows and no operation is left pending without a reason.`,
    notes.slice(0, 5),
  );
}

/**
 * Records of `table` the client holds because its handler said so: the last thing that happened
 * to each was a cancel() (the local record stays) or a cancelAndUpdate(v) (v is stored), with no
 * operation left to push it — and the server has no row of that id, not even a deleted one, so no
 * pull can ever replace it. Decision events by record id.
 */
function keptLocally(
  index: HistoryIndex,
  client: string,
  table: string,
  onServer: ReadonlySet<string>,
): Map<string, { decision: string; seq: number }> {
  const kept = new Map<string, { decision: string; seq: number }>();
  for (const { call, decision, client: who } of index.handlerCalls) {
    if (who !== client || call.table !== table || call.itemId === null || onServer.has(call.itemId)) continue;
    if (decision === undefined) {
      // The app crashed before the decision's event, perhaps after its write committed: the
      // restarted store then holds the record with no operation on it, as only cancel() and
      // cancelAndUpdate(v) leave it.
      const restart = index.history.find(
        (event) => event.seq > call.seq && event.kind === 'restart' && event.client === client,
      );
      const after = restart === undefined ? undefined : snapshotAfter(index, restart.seq)?.clients[client];
      const queued = after?.operations.some(
        (operation) => recordKey(operation.table, operation.itemId) === recordKey(table, call.itemId!),
      );
      const held = after?.tables[table]?.some((row) => row['id'] === call.itemId);
      if (restart !== undefined && queued === false && held === true)
        kept.set(call.itemId, {
          decision: 'a resolution that committed just before the app crashed',
          seq: restart.seq,
        });
      continue;
    }
    if (decision.decision === 'cancel' || decision.decision === 'cancelAndUpdate')
      kept.set(call.itemId, { decision: decision.decision, seq: decision.seq });
    else kept.delete(call.itemId);
  }
  // A later local write of the record is the app's again: judged as any other (one that failed wrote nothing).
  for (const operation of index.operations) {
    if (operation.actor !== client || operation.byEditor || operation.outcome?.kind === 'fail') continue;
    const op = operation.op;
    if (op.type !== 'insert' && op.type !== 'update' && op.type !== 'delete') continue;
    if (op.table !== table) continue;
    const id = 'record' in op ? op.record['id'] : op.id;
    const entry = typeof id === 'string' ? kept.get(id) : undefined;
    if (entry !== undefined && operation.invoke.seq > entry.seq) kept.delete(id as string);
  }
  return kept;
}

/** Same id, same version (when both carry one), same values of the server's own columns. */
function sameRecord(server: JsonObject, local: JsonObject): boolean {
  if (
    typeof server['version'] === 'string' &&
    typeof local['version'] === 'string' &&
    server['version'] !== local['version']
  )
    return false;
  return Object.keys(server)
    .filter((key) => !SYSTEM_KEYS.has(key))
    .every((key) => jsonEqual(server[key], local[key] ?? null));
}

function describe(row: JsonObject): string {
  const shown: JsonObject = {};
  for (const [key, value] of Object.entries(row)) {
    if (key !== 'createdAt' && key !== 'updatedAt' && key !== 'deleted') shown[key] = value;
  }
  return canonicalJson(shown);
}
