/**
 * Session guarantees, as Jepsen checks them: what one app may see over time when it reads its own
 * local store (`read` and `lookup` steps; the history records what each returned).
 *
 * - `session.read-your-writes`: after a local write resolves, a read of that record by the same
 *   client shows it (a delete: no record) — unless in between the client wrote the record again,
 *   a handler decision about it replaced or removed it, a purge removed it, or, once the write had
 *   reached the server, the server wrote a genuinely newer version of it. A delete folded into an
 *   insert that was never pushed deleted nothing on the server, so the server's record of that id
 *   may come back with a pull.
 * - `session.monotonic-reads`: once a read showed a record at some server version, no later read
 *   shows it at a version the server wrote before that one — unless a local write, a handler
 *   decision about it or a purge came in between.
 * - `session.no-empty-after-non-empty`: once a read of a table returned records, a later read
 *   returns none only if each of those records was removed in between by a local delete, a delete
 *   on the server, a handler decision or a purge. A restart never empties a table.
 *
 * "Newer" and "older" are the server's word (its own write history, `server-versions.ts`),
 * never the client's. Everything that excuses a read is an event the history records.
 */
import type { JsonObject, JsonValue } from '../protocol/records.js';
import type { History } from '../kernel/history.js';
import {
  collapsedIntoInsert,
  holdsValues,
  indexHistory,
  isJsonObject,
  writtenRecordId,
  writtenTable,
  writtenValues,
  type HistoryIndex,
  type OperationRecord,
} from './history-index.js';
import { acceptedWritesOf } from './local-writes.js';
import { RESOLVING_DECISIONS, recordKey } from './pending.js';
import { serverVersions, versionOf, writtenAfter, type ServerVersion, type ServerVersions } from './server-versions.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const SESSION_GUARANTEES = 'session-guarantees';

/** Every violation is seen through a local read that succeeded: one defect, one signature. */
const AT = { op: 'read', status: 'ok' } as const;

/** One successful local read: the rows it showed, by id (a lookup shows one id, maybe absent). */
interface Observation {
  readonly operation: OperationRecord;
  readonly kind: 'read' | 'lookup';
  readonly client: string;
  readonly table: string;
  /** The ids this read speaks for: every id for `read` (absent ones too), the one id for `lookup`. */
  readonly rows: ReadonlyMap<string, JsonObject>;
  readonly lookedUp?: string;
  readonly start: number;
  readonly end: number;
}

export function checkSessionGuarantees(history: History, _context?: CheckContext): ReturnType<typeof verdict> {
  const index = indexHistory(history);
  const versions = serverVersions(index);
  const observations = observationsOf(index);
  const violations: Violation[] = [];
  for (const observation of observations) violations.push(...readYourWrites(index, versions, observation));
  const byClient = new Map<string, Observation[]>();
  for (const observation of observations)
    byClient.set(observation.client, [...(byClient.get(observation.client) ?? []), observation]);
  for (const list of byClient.values()) {
    violations.push(...monotonicReads(index, versions, list));
    violations.push(...noEmptyAfterNonEmpty(index, versions, list));
  }
  return verdict(
    SESSION_GUARANTEES,
    violations,
    `All ${observations.length} local read(s) showed the client's own writes, never went back to an older server version, and never found a table emptied without deletes.`,
  );
}

function observationsOf(index: HistoryIndex): Observation[] {
  const observations: Observation[] = [];
  for (const operation of index.operations) {
    const { op, outcome } = operation;
    if (operation.byEditor || outcome?.kind !== 'ok') continue;
    if (op.type !== 'read' && op.type !== 'lookup') continue;
    const rows = new Map<string, JsonObject>();
    const shown: JsonValue[] =
      op.type === 'read' ? (Array.isArray(outcome.value) ? outcome.value : []) : [outcome.value ?? null];
    for (const row of shown) if (isJsonObject(row) && typeof row['id'] === 'string') rows.set(row['id'], row);
    observations.push({
      operation,
      kind: op.type,
      client: operation.actor,
      table: op.table,
      rows,
      ...(op.type === 'lookup' ? { lookedUp: op.id } : {}),
      start: operation.invoke.seq,
      end: outcome.seq,
    });
  }
  return observations;
}

/** Whether a read speaks for `id`, and what it showed (undefined: no such record). */
function shownRow(observation: Observation, id: string): { covers: boolean; row: JsonObject | undefined } {
  if (observation.kind === 'lookup' && observation.lookedUp !== id) return { covers: false, row: undefined };
  return { covers: true, row: observation.rows.get(id) };
}

function writesOf(index: HistoryIndex, client: string, table: string, id: string): OperationRecord[] {
  return index.operations.filter(
    (operation) =>
      operation.actor === client && writtenTable(operation.op) === table && writtenRecordId(operation.op) === id,
  );
}

function shows(write: OperationRecord, row: JsonObject | undefined): boolean {
  if (write.op.type === 'delete') return row === undefined;
  return row !== undefined && holdsValues(row, writtenValues(write.op));
}

/** A handler of `client` was asked about the record, or about any record of the table, in (from, until). */
function handlerCallBetween(
  index: HistoryIndex,
  client: string,
  table: string,
  id: string | undefined,
  from: number,
  until: number,
): boolean {
  return index.handlerCalls.some(
    (record) =>
      record.client === client &&
      record.call.table === table &&
      (id === undefined || record.call.itemId === id || record.call.itemId === null) &&
      record.call.seq > from &&
      record.call.seq < until &&
      (record.decision === undefined || RESOLVING_DECISIONS.has(record.decision.decision)),
  );
}

/** A purge of the table by `client` that may have run in (from, until). */
function purgeBetween(index: HistoryIndex, client: string, table: string, from: number, until: number): boolean {
  return index.operations.some(
    (operation) =>
      operation.actor === client &&
      operation.op.type === 'purge' &&
      operation.op.table === table &&
      operation.invoke.seq < until &&
      (operation.outcome === undefined || operation.outcome.seq > from),
  );
}

function describe(observation: Observation): string {
  const what =
    observation.kind === 'lookup'
      ? `lookup of ${observation.table}/${observation.lookedUp}`
      : `read of ${observation.table}`;
  return `${observation.client}'s ${what} (#${observation.start})`;
}

function showing(row: JsonObject | undefined): string {
  if (row === undefined) return 'no record';
  const version = typeof row['version'] === 'string' ? ` at version ${row['version']}` : '';
  return `${JSON.stringify(row)}${version}`;
}

function readYourWrites(index: HistoryIndex, versions: ServerVersions, observation: Observation): Violation[] {
  const violations: Violation[] = [];
  const ids = observation.kind === 'lookup' ? [observation.lookedUp!] : writtenIds(index, observation);
  for (const id of ids) {
    const { row } = shownRow(observation, id);
    const writes = writesOf(index, observation.client, observation.table, id);
    const last = writes.filter((write) => write.outcome?.kind === 'ok' && write.outcome.seq < observation.start).at(-1);
    if (last === undefined) continue;
    // The last write, and any write that may have landed after it or during the read.
    const candidates = writes.filter(
      (write) =>
        write === last ||
        (write.invoke.seq < observation.end && (write.outcome === undefined || write.outcome.seq > last.invoke.seq)),
    );
    if (candidates.some((write) => shows(write, row))) continue;
    const from = last.invoke.seq;
    if (handlerCallBetween(index, observation.client, observation.table, id, from, observation.end)) continue;
    if (purgeBetween(index, observation.client, observation.table, from, observation.end)) continue;
    if (newerOnServer(index, versions, last, observation, id, row)) continue;
    // A delete folded into an insert that was never pushed deleted nothing on the server: the
    // server's own record of that id may come in with the next pull.
    if (
      last.op.type === 'delete' &&
      row !== undefined &&
      versionOf(versions, observation.table, id, row['version']) !== undefined &&
      collapsedIntoInsert(index, last, observation.table, id)
    )
      continue;
    violations.push({
      message: `${describe(observation)} showed ${showing(row)}, not ${observation.client}'s own ${last.op.type} of it (#${last.invoke.seq}, resolved at #${last.outcome!.seq}); no later write, handler decision, purge or newer server version came in between.`,
      events: [last.invoke.seq, last.outcome!.seq, observation.start, observation.end],
      rule: 'session.read-your-writes',
      at: AT,
    });
  }
  return violations;
}

/** Ids of the table `observation`'s client wrote before the read. */
function writtenIds(index: HistoryIndex, observation: Observation): string[] {
  const ids = new Set<string>();
  for (const operation of index.operations) {
    if (operation.actor !== observation.client || operation.invoke.seq >= observation.start) continue;
    if (writtenTable(operation.op) !== observation.table) continue;
    const id = writtenRecordId(operation.op);
    if (id !== null) ids.add(id);
  }
  return [...ids].sort();
}

/**
 * Whether the read may show a state the server wrote after it applied the write: the write
 * reached the server, and what the read shows is a later server version (or, for no record, the
 * server deleted it). When the server's answer to the write is unknown (lost), any version first
 * shown after the write was sent and not older than every version known by then counts.
 */
function newerOnServer(
  index: HistoryIndex,
  versions: ServerVersions,
  write: OperationRecord,
  observation: Observation,
  id: string,
  row: JsonObject | undefined,
): boolean {
  const carried = acceptedWritesOf(index, write, observation.table, id).filter(
    (exchange) => exchange.requestEvent.seq < observation.end,
  );
  if (carried.length === 0) return false;
  const known = versions.get(recordKey(observation.table, id));
  if (row === undefined) return [...(known?.values() ?? [])].some((state) => state.deleted);
  const shown = versionOf(versions, observation.table, id, row['version']);
  if (shown === undefined) return false;
  return carried.some((exchange) => {
    const answered =
      exchange.response === undefined
        ? undefined
        : versionOf(versions, observation.table, id, parseVersion(exchange.response.body));
    if (answered !== undefined) return writtenAfter(shown, answered) !== false;
    const sent = exchange.requestEvent.seq;
    const before = [...(known?.values() ?? [])].filter((state) => state.firstSeen < sent);
    return shown.firstSeen > sent && before.every((state) => writtenAfter(shown, state) !== false);
  });
}

function parseVersion(body: string): string | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return isJsonObject(value) && typeof value['version'] === 'string' ? value['version'] : undefined;
  } catch {
    return undefined;
  }
}

function monotonicReads(
  index: HistoryIndex,
  versions: ServerVersions,
  observations: readonly Observation[],
): Violation[] {
  const violations: Violation[] = [];
  // The newest server version each record was shown at, and the read that showed it.
  const newest = new Map<string, { state: ServerVersion; observation: Observation }>();
  for (const observation of observations) {
    for (const [id, row] of observation.rows) {
      const key = recordKey(observation.table, id);
      const state = versionOf(versions, observation.table, id, row['version']);
      if (state === undefined) continue;
      const seen = newest.get(key);
      if (seen !== undefined && seen.observation.end >= observation.start) {
        // Reads that overlap have no order: keep the newer of the two.
        if (writtenAfter(seen.state, state) === true) continue;
      } else if (seen !== undefined) {
        const excused =
          writesOf(index, observation.client, observation.table, id).some(
            (write) =>
              write.invoke.seq < observation.end &&
              (write.outcome === undefined || write.outcome.seq > seen.observation.start),
          ) ||
          handlerCallBetween(
            index,
            observation.client,
            observation.table,
            id,
            seen.observation.start,
            observation.end,
          ) ||
          purgeBetween(index, observation.client, observation.table, seen.observation.start, observation.end);
        if (!excused && writtenAfter(seen.state, state) === true) {
          violations.push({
            message: `${describe(observation)} showed ${observation.table}/${id} at version ${state.version}, which the server wrote before version ${seen.state.version} that ${describe(seen.observation)} had shown; no local write, handler decision or purge came in between.`,
            events: [seen.observation.start, seen.observation.end, observation.start, observation.end],
            rule: 'session.monotonic-reads',
            at: AT,
          });
          continue;
        }
        // Two versions the server's stamps cannot order: the one shown first stays the bar.
        if (!excused && writtenAfter(state, seen.state) === undefined) continue;
      }
      newest.set(key, { state, observation });
    }
  }
  return violations;
}

function noEmptyAfterNonEmpty(
  index: HistoryIndex,
  versions: ServerVersions,
  observations: readonly Observation[],
): Violation[] {
  const violations: Violation[] = [];
  const lastNonEmpty = new Map<string, Observation>();
  for (const observation of observations) {
    if (observation.kind !== 'read') continue;
    if (observation.rows.size > 0) {
      lastNonEmpty.set(observation.table, observation);
      continue;
    }
    const before = lastNonEmpty.get(observation.table);
    if (before === undefined || before.end >= observation.start) continue;
    const unexplained = [...before.rows.keys()].filter(
      (id) =>
        !removedBetween(index, versions, observation.client, observation.table, id, before.start, observation.end),
    );
    if (unexplained.length === 0) continue;
    violations.push({
      message: `${describe(observation)} found ${observation.table} empty after ${describe(before)} had shown ${before.rows.size} record(s); nothing removed ${unexplained.map((id) => `${observation.table}/${id}`).join(', ')} in between (no local delete, no delete on the server, no handler decision, no purge).`,
      events: [before.start, before.end, observation.start, observation.end],
      rule: 'session.no-empty-after-non-empty',
      at: AT,
    });
  }
  return violations;
}

/** A local delete, a delete on the server, a handler decision or a purge that may have removed the record. */
function removedBetween(
  index: HistoryIndex,
  versions: ServerVersions,
  client: string,
  table: string,
  id: string,
  from: number,
  until: number,
): boolean {
  const localDelete = writesOf(index, client, table, id).some(
    (write) =>
      write.op.type === 'delete' &&
      write.invoke.seq < until &&
      (write.outcome === undefined || write.outcome.seq > from),
  );
  if (localDelete) return true;
  const deletedOnServer =
    index.operations.some(
      (operation) =>
        operation.byEditor &&
        operation.op.type === 'delete' &&
        operation.op.table === table &&
        operation.op.id === id &&
        operation.invoke.seq < until,
    ) ||
    index.exchanges.some(
      (exchange) =>
        exchange.action === 'delete' &&
        exchange.table === table &&
        exchange.itemId === id &&
        exchange.applied &&
        exchange.requestEvent.seq < until,
    ) ||
    [...(versions.get(recordKey(table, id))?.values() ?? [])].some((state) => state.deleted && state.firstSeen < until);
  if (deletedOnServer) return true;
  return handlerCallBetween(index, client, table, id, from, until) || purgeBetween(index, client, table, from, until);
}
