/**
 * Pull completeness. After a pull, every server record matching the pull's query at its
 * start is present locally at its server version (or a newer one, if it changed during the
 * pull), records deleted on the server are gone locally, and records with a pending local
 * operation are left exactly as they were. Needs the snapshots the runner takes right before
 * and right after each pull; pulls without them, or with a user filter, are not judged.
 */
import type { JsonObject } from '../protocol/records.js';
import type { History } from '../kernel/history.js';
import {
  canonicalJson,
  clientTable,
  indexHistory,
  isEditorName,
  isLive,
  snapshotAfter,
  snapshotBefore,
  writtenRecordId,
  writtenTable,
  type HistoryIndex,
  type SyncWindow,
} from './history-index.js';
import { recordKey } from './pending.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const PULL_COMPLETENESS = 'pull-completeness';

export function checkPullCompleteness(history: History, _context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const violations: Violation[] = [];
  let judged = 0;
  let skipped = 0;
  for (const pull of index.pulls) {
    const result = checkPull(index, pull);
    if (result === null) skipped++;
    else {
      judged++;
      violations.push(...result);
    }
  }
  const notes =
    skipped > 0
      ? [`${skipped} pull(s) were not judged (no bracketing snapshots, a filter, a failure or a restart).`]
      : [];
  return verdict(
    PULL_COMPLETENESS,
    violations,
    `All ${judged} judged pull(s) brought every matching server record and left pending records alone.`,
    notes,
  );
}

/** Lower bound of the pull's first page: `updatedAt ge datetimeoffset'…'` in its filter. */
function lowerBound(pull: SyncWindow): string | null {
  const first = pull.exchanges.find((exchange) => exchange.action === 'query');
  if (first === undefined) return null;
  const filter = new URLSearchParams(first.request.url.split('?')[1] ?? '').get('$filter') ?? '';
  const match = /updatedAt ge datetime(?:offset)?'([^']+)'/.exec(filter);
  return match?.[1] ?? null;
}

function checkPull(index: HistoryIndex, pull: SyncWindow): Violation[] | null {
  const op = pull.operation.op;
  if (op.type !== 'pull' || op.filter !== undefined || pull.endedByRestart || pull.operation.outcome?.kind !== 'ok')
    return null;
  const client = pull.client;
  const table = op.table;
  const before = snapshotBefore(index, pull.start);
  const after = snapshotAfter(index, pull.end);
  if (before === undefined || after === undefined) return null;
  // The server state at the pull's start is only known if nothing touched the server in between.
  const serverMoved = index.history.some(
    (event) =>
      event.seq > before.seq &&
      event.seq < pull.start &&
      (event.kind === 'http-response' ||
        event.kind === 'http-failure' ||
        (event.kind === 'ok' && isEditorName(event.actor))),
  );
  // And the local state after it only if the client did nothing else in between — a store write
  // after the pull's end is other work (a purge called while the pull ran, say).
  const clientMoved = index.history.some(
    (event) =>
      event.seq > pull.end &&
      event.seq < after.seq &&
      ((event.kind === 'invoke' && event.actor === client) ||
        (event.kind === 'store-write' && event.client === client) ||
        (event.kind === 'http-response' && event.link === client) ||
        (event.kind === 'restart' && event.client === client) ||
        (event.kind === 'handler-call' && event.actor === client)),
  );
  if (serverMoved || clientMoved) return null;
  const bound = lowerBound(pull) ?? '';
  const violations: Violation[] = [];
  const local = new Map(clientTable(after, client, table).map((row) => [String(row['id']), row]));
  const localBefore = new Map(clientTable(before, client, table).map((row) => [String(row['id']), row]));
  const pendingAfter = new Set(
    (after.clients[client]?.operations ?? []).map((operation) => recordKey(operation.table, operation.itemId)),
  );
  const pendingBefore = new Set(
    (before.clients[client]?.operations ?? []).map((operation) => recordKey(operation.table, operation.itemId)),
  );
  const cited = [before.seq, pull.start, after.seq];
  for (const row of before.server[table] ?? []) {
    const key = recordKey(table, row.id);
    if (row.updatedAt < bound) continue;
    const touched =
      index.operations.some(
        (operation) =>
          operation.invoke.seq > before.seq &&
          operation.invoke.seq < after.seq &&
          writtenTable(operation.op) === table &&
          writtenRecordId(operation.op) === row.id,
      ) ||
      index.exchanges.some((exchange) => {
        // A write in flight at any point of the pull may have landed on the server during it.
        const outcome = exchange.responseEvent?.seq ?? exchange.failureEvent?.seq ?? Infinity;
        return (
          exchange.requestEvent.seq < after.seq &&
          outcome > before.seq &&
          exchange.table === table &&
          exchange.itemId === row.id &&
          exchange.action !== 'query'
        );
      });
    if (pendingBefore.has(key) && pendingAfter.has(key)) {
      const was = localBefore.get(row.id);
      const now = local.get(row.id);
      if (!touched && canonicalJson(was ?? null) !== canonicalJson(now ?? null)) {
        violations.push({
          rule: 'pull.skip-pending',
          message: `${client}'s pull #${pull.start} changed ${key}, which had a pending local operation: ${describe(was)} became ${describe(now)} (#${before.seq} → #${after.seq}).`,
          events: cited,
        });
      }
      continue;
    }
    if (pendingAfter.has(key) || touched) continue;
    const mine = local.get(row.id);
    if (isLive(row)) {
      if (mine === undefined) {
        violations.push({
          rule: 'pull.complete',
          message: `${client}'s pull #${pull.start} missed ${key} (updatedAt ${row.updatedAt}), which the server held at the pull's start (#${before.seq}); it is not local afterwards (#${after.seq}).`,
          events: cited,
        });
      } else if (typeof mine['version'] === 'string' && mine['version'] !== row.version) {
        violations.push({
          rule: 'pull.complete',
          message: `${client}'s pull #${pull.start} left ${key} at version ${String(mine['version'])}; the server had ${row.version} at the pull's start (#${before.seq}).`,
          events: cited,
        });
      }
    } else if (mine !== undefined) {
      violations.push({
        rule: 'pull.deleted-removed',
        message: `${client}'s pull #${pull.start} kept ${key} locally although the server had deleted it before the pull (#${before.seq}).`,
        events: cited,
      });
    }
  }
  return violations;
}

function describe(row: JsonObject | undefined): string {
  return row === undefined ? 'nothing' : canonicalJson(row);
}
