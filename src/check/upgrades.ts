/**
 * App upgrades: a client killed and restarted as its next app version (an `upgrade` operation)
 * defines its tables again, with the columns and tables the new version adds.
 *
 * - `restart.upgrade-keeps-data`: the store the upgraded app opens holds what the old one had
 *   committed — every row with each of its values, the new columns empty (null), the new tables
 *   empty, the operation log unchanged (nothing locked any more). Judged between the snapshots
 *   that bracket the upgrade, when nothing else of that client ran in between (an upgrade that
 *   killed an operation in flight is `restart.committed-only`'s, not judged here).
 *
 * What an old version does with columns it does not know, and the values written after an
 * upgrade, are the round trip's (`roundtrip.*`, which compares a device's row only on the
 * columns its app knew when it first held that version).
 */
import type { History } from '../kernel/history.js';
import type { JsonObject } from '../protocol/records.js';
import { canonicalJson, indexHistory, jsonEqual, type EventOf, type HistoryIndex } from './history-index.js';
import type { Violation } from './types.js';
import { verdict } from './verdict.js';

export const UPGRADES = 'upgrades';

export function checkUpgrades(history: History): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const violations: Violation[] = [];
  let judged = 0;
  let rows = 0;
  for (const upgrade of index.operations) {
    if (upgrade.op.type !== 'upgrade' || upgrade.outcome?.kind !== 'ok') continue;
    const client = upgrade.actor;
    const before = lastSnapshotBefore(index, upgrade.invoke.seq);
    const after = index.snapshots.find((snapshot) => snapshot.seq > upgrade.outcome!.seq);
    if (before === undefined || after === undefined || !alone(index, client, before.seq, after.seq)) continue;
    const old = before.clients[client];
    const now = after.clients[client];
    if (old === undefined || now === undefined) continue;
    judged++;
    const version = upgrade.outcome.kind === 'ok' ? String(upgrade.outcome.value ?? '?') : '?';
    const problems: string[] = [];
    for (const [table, oldRows] of Object.entries(old.tables)) {
      const newRows = now.tables[table] ?? [];
      for (const row of oldRows) {
        rows++;
        const kept = newRows.find((candidate) => candidate['id'] === row['id']);
        if (kept === undefined) {
          problems.push(`${table}/${String(row['id'])} is gone`);
          continue;
        }
        const changed = changedColumns(row, kept);
        if (changed.length > 0)
          problems.push(
            `${table}/${String(row['id'])} changed ${changed.map((column) => `${column} ${shown(row[column])} → ${shown(kept[column])}`).join(', ')}`,
          );
      }
      const extra = newRows.filter((row) => !oldRows.some((candidate) => candidate['id'] === row['id']));
      if (extra.length > 0) problems.push(`${table} gained ${extra.map((row) => String(row['id'])).join(', ')}`);
    }
    for (const [table, newRows] of Object.entries(now.tables)) {
      if (!(table in old.tables) && newRows.length > 0)
        problems.push(`the new table ${table} holds ${newRows.map((row) => String(row['id'])).join(', ')}`);
    }
    const log = (operations: typeof old.operations): string =>
      canonicalJson(operations.map(({ id, table, action, itemId }) => ({ id, table, action, itemId })));
    if (log(old.operations) !== log(now.operations)) problems.push('its operation log changed');
    if (problems.length === 0) continue;
    violations.push({
      message: `${client}'s upgrade to version ${version} (#${upgrade.invoke.seq}) did not keep its store: ${problems.slice(0, 4).join('; ')}${problems.length > 4 ? ` (and ${problems.length - 4} more)` : ''} — between the snapshots #${before.seq} and #${after.seq}.`,
      events: [before.seq, upgrade.invoke.seq, upgrade.outcome.seq, after.seq],
      rule: 'restart.upgrade-keeps-data',
      at: { op: 'upgrade', status: problems.some((problem) => problem.endsWith('is gone')) ? 'lost-row' : 'changed' },
    });
  }
  return verdict(
    UPGRADES,
    violations,
    `Each of the ${judged} upgrade(s) judged kept every one of the ${rows} row(s) its client held, value for value, with the new columns empty, and its operation log.`,
  );
}

function lastSnapshotBefore(index: HistoryIndex, seq: number): EventOf<'snapshot'> | undefined {
  let found: EventOf<'snapshot'> | undefined;
  for (const snapshot of index.snapshots) {
    if (snapshot.seq >= seq) break;
    found = snapshot;
  }
  return found;
}

/** Nothing else of `client` ran between the two snapshots: no operation, no kill of one in flight. */
function alone(index: HistoryIndex, client: string, from: number, to: number): boolean {
  const others = index.operations.some(
    (operation) =>
      operation.actor === client &&
      operation.op.type !== 'upgrade' &&
      ((operation.invoke.seq > from && operation.invoke.seq < to) ||
        (operation.invoke.seq < from && (operation.outcome === undefined || operation.outcome.seq > from))),
  );
  if (others) return false;
  return !index.restarts.some(
    (event) => event.client === client && event.seq > from && event.seq < to && event.midOperation,
  );
}

/** Columns whose value differs: the old row's columns as they were, any new one empty. */
function changedColumns(old: JsonObject, now: JsonObject): string[] {
  const kept = Object.keys(old).filter((column) => !jsonEqual(old[column] ?? null, now[column] ?? null));
  const filled = Object.keys(now).filter((column) => !(column in old) && (now[column] ?? null) !== null);
  return [...kept, ...filled].sort();
}

function shown(value: JsonObject[string] | undefined): string {
  return canonicalJson(value ?? null);
}
