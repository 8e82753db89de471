/**
 * Round-trip fidelity: what the app wrote is what the server stores and what another device
 * pulls, value for value, under each column's equality (`column-equality.ts`).
 *
 * - `roundtrip.server-stores`: each accepted push request that carried a local insert or update
 *   (its body holds the write's values) is answered with a record that holds them too: the
 *   server's answer is the record it stored, at the version that write produced.
 * - `roundtrip.device-pulls`: wherever another client's local row holds that record at that
 *   version, it holds the written values — unless that client has a pending operation of the
 *   record (its own edit, not yet pushed, keeps the version) or its handler was asked about the
 *   record (a resolution may store what it likes).
 *
 * Only the exact version a write produced is judged: any later write, by anyone, makes a new
 * version, which a device may hold with other values. The writing client's own reads are
 * `session.read-your-writes`, judged by `session-guarantees`, and not again here.
 */
import type { JsonObject } from '../protocol/records.js';
import type { History } from '../kernel/history.js';
import { columnTypesOf, differingColumns, type ColumnTypes } from './column-equality.js';
import {
  canonicalJson,
  clientTable,
  indexHistory,
  parseJsonObject,
  writtenValues,
  type EventOf,
  type Exchange,
  writtenRecordId,
  writtenTable,
  type HistoryIndex,
} from './history-index.js';
import { acceptedWritesOf, localWrites, type LocalWrite } from './local-writes.js';
import { recordKey } from './pending.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const ROUND_TRIP = 'round-trip';

/** A server version a local write produced, known from the answer to the request that carried it. */
interface Stored {
  readonly write: LocalWrite;
  readonly values: JsonObject;
  readonly exchange: Exchange;
  readonly answerSeq: number;
  readonly version: string;
}

export function checkRoundTrip(history: History, context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const columns = columnTypesOf(context?.tables);
  const violations: Violation[] = [];
  const stored: Stored[] = [];
  let judged = 0;
  for (const write of localWrites(index, context?.finalLabel)) {
    if (write.fate.kind !== 'reached') continue;
    const { op } = write.write;
    if (op.type !== 'insert' && op.type !== 'update') continue;
    const values = writtenValues(op);
    if (Object.keys(values).length === 0) continue;
    for (const exchange of carriers(index, columns, write, values)) {
      const response = exchange.responseEvent;
      const answer = parseJsonObject(response?.response.body);
      // A lost answer says nothing of what the server stored; the settled state is convergence's.
      if (response === undefined || answer === null) continue;
      judged++;
      const differs = differingColumns(columns.get(write.table), values, answer);
      if (differs.length > 0) {
        violations.push({
          message: `The server answered ${write.client}'s ${op.type} of ${write.table}/${write.id} (#${write.write.invoke.seq}, sent at #${exchange.requestEvent.seq}) with ${shown(answer, differs)} at #${response.seq}, not the ${shown(values, differs)} the app wrote.`,
          events: [write.write.invoke.seq, exchange.requestEvent.seq, response.seq],
          rule: 'roundtrip.server-stores',
          at: { op: op.type, status: String(response.response.status) },
        });
        continue;
      }
      const version = answer['version'];
      if (typeof version === 'string' && version !== '')
        stored.push({ write, values, exchange, answerSeq: response.seq, version });
    }
  }
  let compared = 0;
  for (const entry of stored) {
    const devices = devicePulls(index, columns, entry, context?.versions);
    compared += devices.compared;
    violations.push(...devices.violations);
  }
  return verdict(
    ROUND_TRIP,
    violations,
    `The server stored the written values in all ${judged} answer(s) to accepted writes, and the ${compared} row(s) of other devices holding one of those ${stored.length} version(s) held the same values.`,
  );
}

/**
 * The writing client's accepted push requests of the record, sent after the write, whose body
 * holds the written values: the requests that carried this write (later writes of other columns
 * fold into the same request; a later write of the same column does not carry this one).
 */
function carriers(index: HistoryIndex, columns: ColumnTypes, write: LocalWrite, values: JsonObject): Exchange[] {
  return acceptedWritesOf(index, write.write, write.table, write.id).filter(
    (exchange) =>
      (exchange.action === 'insert' || exchange.action === 'update') &&
      exchange.body !== null &&
      differingColumns(columns.get(write.table), values, exchange.body).length === 0,
  );
}

/**
 * The first snapshot in which each other client holds the stored version with other values, and
 * how many snapshot rows were compared (so that a pass says what it rests on).
 */
function devicePulls(
  index: HistoryIndex,
  columns: ColumnTypes,
  entry: Stored,
  versions: CheckContext['versions'],
): { readonly violations: Violation[]; readonly compared: number } {
  const { write, values, version } = entry;
  const reported = new Set<string>();
  // An app version that did not know a column drops it when it pulls (`restart.upgrade-keeps-data`):
  // a device is held to the columns its app knew when it may first have held this version — as
  // early as the request that made it (the server applies a write before its answer, which may be
  // held): a pull before an upgrade stores it without the new columns, and the first snapshot
  // that shows it may come after the upgrade.
  const known = new Map<string, JsonObject>();
  const violations: Violation[] = [];
  let compared = 0;
  for (const snapshot of index.snapshots) {
    if (snapshot.seq < entry.answerSeq) continue;
    for (const client of Object.keys(snapshot.clients).sort()) {
      if (client === write.client || reported.has(client)) continue;
      const row = clientTable(snapshot, client, write.table).find(
        (candidate) => candidate['id'] === write.id && candidate['version'] === version,
      );
      if (row === undefined || excused(index, snapshot, entry, client)) continue;
      compared++;
      if (!known.has(client))
        known.set(client, knownValues(index, versions, client, entry.exchange.requestEvent.seq, write.table, values));
      const differs = differingColumns(columns.get(write.table), known.get(client)!, row);
      if (differs.length === 0) continue;
      reported.add(client);
      const type = columns.get(write.table)?.[differs[0]!] ?? 'json';
      violations.push({
        message: `${client} holds ${write.table}/${write.id} at version ${version} with ${shown(row, differs)} at #${snapshot.seq} (snapshot ${snapshot.label}), but that version is ${write.client}'s ${write.write.op.type} (#${write.write.invoke.seq}), which the server stored with ${shown(values, differs)} (#${entry.answerSeq}).`,
        events: [write.write.invoke.seq, entry.exchange.requestEvent.seq, entry.answerSeq, snapshot.seq],
        rule: 'roundtrip.device-pulls',
        // The status names the type of the first column that changed: a date bug and a string bug are two findings.
        at: { op: 'pull', status: type },
      });
    }
  }
  return { violations, compared };
}

/**
 * A device's row may keep the version with other values for reasons of its own: an edit still
 * pending (the version changes only when it is pushed), an edit of its own made since the version
 * was written (if its operation vanished, that is a lost write, `no-lost-writes`' to report, not a
 * pull that changed a value), or a handler resolution about the record (`cancelAndUpdate(v)`,
 * `cancel()` …) that stored what the app chose.
 */
function excused(index: HistoryIndex, snapshot: EventOf<'snapshot'>, entry: Stored, client: string): boolean {
  const { write } = entry;
  const key = recordKey(write.table, write.id);
  const pending = snapshot.clients[client]?.operations.some(
    (operation) => recordKey(operation.table, operation.itemId) === key,
  );
  if (pending === true) return true;
  const editedSince = index.operations.some(
    (operation) =>
      operation.actor === client &&
      operation.invoke.seq > entry.exchange.requestEvent.seq &&
      operation.invoke.seq < snapshot.seq &&
      writtenTable(operation.op) === write.table &&
      writtenRecordId(operation.op) === write.id,
  );
  if (editedSince) return true;
  return index.handlerCalls.some(
    (record) =>
      record.client === client &&
      record.call.seq < snapshot.seq &&
      record.call.table === write.table &&
      record.call.itemId === write.id,
  );
}

/** The written values of the columns `client`'s app version knew at `seq` (all of them with one version). */
function knownValues(
  index: HistoryIndex,
  versions: CheckContext['versions'],
  client: string,
  seq: number,
  table: string,
  values: JsonObject,
): JsonObject {
  if (versions === undefined || versions.length < 2) return values;
  let version = 1;
  for (const operation of index.operations) {
    if (operation.invoke.seq > seq) break;
    if (operation.actor !== client || operation.op.type !== 'upgrade' || operation.outcome?.kind !== 'ok') continue;
    if (operation.outcome.seq < seq && typeof operation.outcome.value === 'number') version = operation.outcome.value;
  }
  const definition = versions[version - 1]?.find((candidate) => candidate.name === table);
  if (definition === undefined) return values;
  return Object.fromEntries(Object.entries(values).filter(([column]) => column in definition.columns)) as JsonObject;
}

/** The named columns of a record, as JSON (`{"due":"…"}`). */
function shown(record: JsonObject, keys: readonly string[]): string {
  const picked: JsonObject = {};
  for (const key of keys) picked[key] = record[key] ?? null;
  return canonicalJson(picked);
}
