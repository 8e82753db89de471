/**
 * The differential oracle: the run of a client under test judged against the run of the
 * reference client on the same program (faults aligned by meaning, see scenario/compare.ts).
 * What is compared is read from the two histories alone:
 *
 * - the writes each client sent, per record in sending order: method, whether it carried
 *   If-Match, its body, and the sync operation that sent it (`diff.writes-sent`);
 * - the conflicts and errors handed to each client's handler, per record in call order:
 *   callback, action, status, the client's and the server's record (`diff.handler-calls`);
 * - how each call of the app ended — ok, failed, outcome unknown — and what a push returned or a
 *   read showed (`diff.call-outcomes`);
 * - the local tables and the server's tables of the final snapshot (`diff.local-table`,
 *   `diff.server-table`).
 *
 * Everything a client or the server generates is normalised away: versions, timestamps, the
 * `deleted` flag of a body, the id a URL already names, error texts. A column one client does
 * not store reads as null. Only the root of a difference is reported: the first place a record's
 * writes differ; its handler calls only if its writes agree; the first call of a client that ends
 * otherwise; a final table only where nothing before it differed for that record (or, for a
 * client's local table, for that client). What follows a difference is its consequence, named in
 * the explanation, not counted again — so one difference gives one signature.
 *
 * The signature says where and what, never which record or value: `at.op` is the sync operation
 * that sent the write or met the call (`push`, `pull`), the kind of call that ended otherwise, or
 * the kind of the program's last write to a record that ends otherwise; `at.status` is the kind of
 * difference (`missing`, `extra`, `op`, `if-match`, `body`, `value`…). A known difference of a
 * client is declared once, by signature, like any finding.
 */
import type { JsonObject, JsonValue } from '../protocol/records.js';
import type { History } from '../kernel/history.js';
import {
  canonicalJson,
  finalSnapshot,
  indexHistory,
  isJsonObject,
  isPushWrite,
  parseJsonObject,
  SYSTEM_KEYS,
  type EventOf,
  type Exchange,
  type HandlerCallRecord,
  type HistoryIndex,
  type OperationRecord,
} from './history-index.js';
import type { CheckResult, Violation } from './types.js';
import { verdict } from './verdict.js';

export const DIFFERENTIAL = 'differential';

export interface DifferentialOptions {
  /** The label of the snapshot both runs end on. Default `final`. */
  readonly finalLabel?: string;
  /** How messages name the other run. Default `the reference client`. */
  readonly referenceName?: string;
}

/** What differs, as the status segment of a difference's signature. */
export type DifferenceKind =
  /** The reference run has it, this one does not. */
  | 'missing'
  /** This run has it, the reference run does not. */
  | 'extra'
  /** The same write or call, met by another sync operation (a push where the reference client pulled). */
  | 'op'
  | 'method'
  | 'if-match'
  | 'body'
  | 'handler'
  | 'action'
  | 'status'
  | 'client-record'
  | 'server-record'
  /** A call that failed here and succeeded there, or the other way round (the status names this run's outcome). */
  | 'ok'
  | 'fail'
  | 'info'
  /** A call that never ended here. */
  | 'pending'
  /** The same outcome with another value: a push's unhandled conflicts, a read's rows, a record's fields. */
  | 'value'
  /** A server row deleted in one run and live in the other. */
  | 'deleted';

/** One difference, with where it happened, so that the first one can be told from its consequences. */
interface Difference {
  /**
   * The id of the operation it happened in (runs of one program number their operations alike);
   * final tables come after every operation.
   */
  readonly position: number;
  /** Within one operation, what causes what: a write (0), the handler call it brings (1), the outcome (2), the tables (3). */
  readonly rank: number;
  /** In a few words, for the explanation: `client-1's writes of todoitem/r1`. */
  readonly about: string;
  readonly violation: Violation;
}

/** Compares the run of a client under test (`candidate`) with the reference run of the same program. */
export function checkDifferential(
  reference: History,
  candidate: History,
  options: DifferentialOptions = {},
): CheckResult {
  const label = options.finalLabel ?? 'final';
  const other = options.referenceName ?? 'the reference client';
  const ref = indexHistory(reference);
  const cand = indexHistory(candidate);
  const sequences = [
    ...compareWrites(ref, cand, other),
    ...compareHandlerCalls(ref, cand, other),
    ...compareOutcomes(ref, cand, other),
  ];
  const notes: string[] = [];
  const tables: Difference[] = [];
  const refFinal = labelled(ref, label);
  const candFinal = labelled(cand, label);
  if (refFinal === undefined || candFinal === undefined) {
    notes.push(
      `The tables were not compared: ${refFinal === undefined ? 'the reference run' : 'this run'} has no "${label}" snapshot.`,
    );
  } else {
    tables.push(...compareLocalTables(refFinal, candFinal, other));
    tables.push(...compareServerTables(refFinal, candFinal, other));
  }
  // The runs agree up to the first operation at which something differs; from there on anything
  // may differ as a consequence. The root is what differs first there: a write before the
  // handler call it caused, a call before the outcome it caused; the final tables only when
  // nothing differed on the way.
  let roots: Difference[] = tables;
  if (sequences.length > 0) {
    const first = Math.min(...sequences.map((difference) => difference.position));
    const atFirst = sequences.filter((difference) => difference.position === first);
    const rank = Math.min(...atFirst.map((difference) => difference.rank));
    roots = atFirst.filter((difference) => difference.rank === rank);
  }
  const consequences = [...sequences, ...tables].filter((difference) => !roots.includes(difference));
  if (consequences.length > 0)
    notes.push(
      `${consequences.length === 1 ? 'One later difference follows' : `${consequences.length} later differences follow`} from it and ${consequences.length === 1 ? 'is' : 'are'} not counted again: ${summarise(consequences)}.`,
    );
  return verdict(
    DIFFERENTIAL,
    roots.map((difference) => difference.violation),
    `The writes sent, the handler calls, the calls' outcomes and the final tables are those of ${other}.`,
    notes,
  );
}

function summarise(differences: readonly Difference[]): string {
  const named = [...new Set(differences.map((difference) => difference.about))];
  return named.length > 6 ? `${named.slice(0, 6).join('; ')}; and ${named.length - 6} more` : named.join('; ');
}

function labelled(index: HistoryIndex, label: string): EventOf<'snapshot'> | undefined {
  const snapshot = finalSnapshot(index, label);
  return snapshot?.label === label ? snapshot : undefined;
}

// ---------------------------------------------------------------------------------------------
// Writes and handler calls, per client and record, in order

/** One write a client sent, as compared. */
interface SentWrite {
  readonly exchange: Exchange;
  readonly method: string;
  readonly ifMatch: boolean;
  readonly body: string;
  /** The sync operation that sent it: its kind and id. */
  readonly op: string;
  readonly opId: number;
}

/** One handler call, as compared. */
interface Call {
  readonly record: HandlerCallRecord;
  readonly handler: string;
  readonly action: string;
  readonly status: string;
  readonly clientRecord: string;
  readonly serverRecord: string;
  readonly op: string;
  readonly opId: number;
}

function compareWrites(ref: HistoryIndex, cand: HistoryIndex, other: string): Difference[] {
  const mine = writesByRecord(cand);
  const theirs = writesByRecord(ref);
  const differences: Difference[] = [];
  for (const record of sortedKeys(mine, theirs)) {
    const here = mine.get(record) ?? [];
    const there = theirs.get(record) ?? [];
    const at = firstDifference(here, there, (a, b) =>
      a.op !== b.op
        ? 'op'
        : a.method !== b.method
          ? 'method'
          : a.ifMatch !== b.ifMatch
            ? 'if-match'
            : a.body !== b.body
              ? 'body'
              : undefined,
    );
    if (at === undefined) continue;
    const a = here[at.index];
    const b = there[at.index];
    const [client, table, id] = JSON.parse(record) as [string, string, string];
    const nth = `${ordinal(at.index + 1)} write of ${table}/${id}`;
    const describe = (write: SentWrite, prefix: string): string =>
      `${write.method} ${write.ifMatch ? 'with' : 'without'} If-Match${write.body === 'null' ? '' : ` ${clip(write.body)}`}, sent by a ${write.op} (${prefix}#${write.exchange.requestEvent.seq}, ${answer(write.exchange)})`;
    const text =
      a === undefined
        ? `${client} never sent a ${nth}; ${other} sent ${describe(b!, 'reference ')}.`
        : b === undefined
          ? `${client}'s ${nth} is ${describe(a, '')}; ${other} sent no such write.`
          : `${client}'s ${nth} is ${describe(a, '')}; ${other}'s is ${describe(b, 'reference ')}.`;
    differences.push({
      position: Math.min(a?.opId ?? Infinity, b?.opId ?? Infinity),
      rank: 0,
      about: `${client}'s writes of ${table}/${id}`,
      violation: {
        message: text,
        rule: 'diff.writes-sent',
        events:
          a !== undefined ? [a.exchange.requestEvent.seq] : lastSeq(here.map((write) => write.exchange.requestEvent)),
        at: { op: (b ?? a)!.op, status: at.kind },
      },
    });
  }
  return differences;
}

function compareHandlerCalls(ref: HistoryIndex, cand: HistoryIndex, other: string): Difference[] {
  const mine = callsByRecord(cand);
  const theirs = callsByRecord(ref);
  const differences: Difference[] = [];
  for (const record of sortedKeys(mine, theirs)) {
    const here = mine.get(record) ?? [];
    const there = theirs.get(record) ?? [];
    const at = firstDifference(here, there, (a, b) =>
      a.op !== b.op
        ? 'op'
        : a.handler !== b.handler
          ? 'handler'
          : a.action !== b.action
            ? 'action'
            : a.status !== b.status
              ? 'status'
              : a.clientRecord !== b.clientRecord
                ? 'client-record'
                : a.serverRecord !== b.serverRecord
                  ? 'server-record'
                  : undefined,
    );
    if (at === undefined) continue;
    const a = here[at.index];
    const b = there[at.index];
    const [client, table, id] = JSON.parse(record) as [string, string, string];
    const nth = `${ordinal(at.index + 1)} handler call about ${table}/${id}`;
    const describe = (call: Call, prefix: string): string =>
      `${call.handler} for ${call.action} with status ${call.status}, client record ${clip(call.clientRecord)}, server record ${clip(call.serverRecord)}, during a ${call.op} (${prefix}#${call.record.call.seq})`;
    const text =
      a === undefined
        ? `${client}'s handler never got a ${nth}; ${other}'s got ${describe(b!, 'reference ')}.`
        : b === undefined
          ? `${client}'s ${nth} is ${describe(a, '')}; ${other}'s handler got no such call.`
          : `${client}'s ${nth} is ${describe(a, '')}; ${other}'s is ${describe(b, 'reference ')}.`;
    differences.push({
      position: Math.min(a?.opId ?? Infinity, b?.opId ?? Infinity),
      rank: 1,
      about: `${client}'s handler calls about ${table}/${id}`,
      violation: {
        message: text,
        events: a !== undefined ? [a.record.call.seq] : lastSeq(here.map((call) => call.record.call)),
        rule: 'diff.handler-calls',
        at: { op: (b ?? a)!.op, status: at.kind },
      },
    });
  }
  return differences;
}

/** The index and kind of the first place two sequences differ, if they do. */
function firstDifference<T>(
  here: readonly T[],
  there: readonly T[],
  differ: (a: T, b: T) => DifferenceKind | undefined,
): { index: number; kind: DifferenceKind } | undefined {
  const common = Math.min(here.length, there.length);
  for (let i = 0; i < common; i++) {
    const kind = differ(here[i]!, there[i]!);
    if (kind !== undefined) return { index: i, kind };
  }
  if (here.length === there.length) return undefined;
  return { index: common, kind: here.length < there.length ? 'missing' : 'extra' };
}

interface SyncOperation {
  readonly type: string;
  readonly opId: number;
}

/**
 * The sync operation (`push`, `pull`) each exchange and handler call happened in; one outside
 * every push and pull (a late answer to a killed app) belongs to its client's latest operation.
 */
function syncOperations(index: HistoryIndex): {
  exchange: (exchange: Exchange) => SyncOperation;
  call: (call: HandlerCallRecord) => SyncOperation;
} {
  const exchanges = new Map<number, SyncOperation>();
  const calls = new Map<number, SyncOperation>();
  for (const window of [...index.pushes, ...index.pulls]) {
    const op = { type: window.operation.op.type, opId: window.operation.opId };
    for (const exchange of window.exchanges) exchanges.set(exchange.requestId, op);
    for (const call of window.handlerCalls) calls.set(call.call.callId, op);
  }
  const latest = (client: string, seq: number): SyncOperation => {
    let found: SyncOperation = { type: 'push', opId: 0 };
    for (const operation of index.operations) {
      if (operation.invoke.seq > seq) break;
      if (operation.actor === client) found = { type: operation.op.type, opId: operation.opId };
    }
    return found;
  };
  return {
    exchange: (exchange) => exchanges.get(exchange.requestId) ?? latest(exchange.client, exchange.requestEvent.seq),
    call: (call) => calls.get(call.call.callId) ?? latest(call.client, call.call.seq),
  };
}

function writesByRecord(index: HistoryIndex): Map<string, SentWrite[]> {
  const ops = syncOperations(index);
  const writes = new Map<string, SentWrite[]>();
  for (const exchange of index.exchanges) {
    if (!isPushWrite(exchange) || exchange.table === null || exchange.itemId === null) continue;
    const op = ops.exchange(exchange);
    append(writes, JSON.stringify([exchange.client, exchange.table, exchange.itemId]), {
      exchange,
      method: exchange.request.method.toUpperCase(),
      ifMatch: Object.keys(exchange.request.headers).some((name) => name.toLowerCase() === 'if-match'),
      body: canonicalJson(userFields(parseJsonObject(exchange.request.body))),
      op: op.type,
      opId: op.opId,
    });
  }
  return writes;
}

function callsByRecord(index: HistoryIndex): Map<string, Call[]> {
  const ops = syncOperations(index);
  // The item a call is about: the failed request it answers names it even for a delete, whose
  // push error carries no client record.
  const itemOf = new Map<number, string | null>();
  for (const exchange of index.exchanges) {
    for (const call of index.callsByRequest.get(exchange.requestId) ?? [])
      itemOf.set(call.call.callId, exchange.itemId);
  }
  const calls = new Map<string, Call[]>();
  for (const record of index.handlerCalls) {
    const { call } = record;
    const op = ops.call(record);
    append(calls, JSON.stringify([record.client, call.table, itemOf.get(call.callId) ?? call.itemId ?? '']), {
      record,
      handler: call.handler,
      action: call.action,
      status: statusOf(call.status),
      // A delete has no record of its own on the device; what the client says it holds is not compared.
      clientRecord: call.action === 'delete' ? 'null' : canonicalJson(userFields(call.clientRecord)),
      serverRecord: canonicalJson(userFields(call.serverRecord)),
      op: op.type,
      opId: op.opId,
    });
  }
  return calls;
}

/** An HTTP status, or `network` for a request that got no answer (the SDK says 0, others null). */
function statusOf(status: number | null): string {
  return status === null || status === 0 ? 'network' : String(status);
}

function answer(exchange: Exchange): string {
  if (exchange.response !== undefined) return `answered ${exchange.response.status}`;
  if (exchange.failure !== undefined) return `no answer: ${exchange.failure}`;
  return 'no answer';
}

// ---------------------------------------------------------------------------------------------
// How the app's calls ended

/**
 * The first call of each client that ended otherwise than in the reference run. Runs of one
 * program start the same operations in the same order, so operation ids pair them.
 */
function compareOutcomes(ref: HistoryIndex, cand: HistoryIndex, other: string): Difference[] {
  const theirs = new Map(ref.operations.map((operation) => [operation.opId, operation]));
  const differences: Difference[] = [];
  for (const mine of cand.operations) {
    if (mine.byEditor) continue;
    const there = theirs.get(mine.opId);
    if (there === undefined || there.actor !== mine.actor || there.op.type !== mine.op.type) continue;
    const here = outcomeOf(mine);
    const was = outcomeOf(there);
    if (here.kind === was.kind && here.value === was.value) continue;
    const kind: DifferenceKind = here.kind === was.kind ? 'value' : here.kind;
    const shown = (outcome: Outcome): string =>
      outcome.kind === 'pending'
        ? 'never ended'
        : `ended ${outcome.kind}${outcome.value === undefined ? '' : ` with ${clip(outcome.value)}`}`;
    differences.push({
      position: mine.opId,
      rank: 2,
      about: `how ${mine.actor}'s ${mine.op.type} (op #${mine.opId}) ended`,
      violation: {
        message: `${mine.actor}'s ${mine.op.type} (op #${mine.opId}, #${mine.invoke.seq}) ${shown(here)}; with ${other} it ${shown(was)} (reference #${there.outcome?.seq ?? there.invoke.seq}).`,
        events: [mine.outcome?.seq ?? mine.invoke.seq],
        rule: 'diff.call-outcomes',
        at: { op: mine.op.type, status: kind },
      },
    });
  }
  return differences;
}

interface Outcome {
  readonly kind: 'ok' | 'fail' | 'info' | 'pending';
  /** What the app got back, normalised, for the calls whose value it shows (push, read, lookup). */
  readonly value?: string;
}

function outcomeOf(operation: OperationRecord): Outcome {
  const outcome = operation.outcome;
  if (outcome === undefined) return { kind: 'pending' };
  if (outcome.kind !== 'ok') return { kind: outcome.kind };
  const value = outcome.value;
  switch (operation.op.type) {
    case 'push': {
      const conflicts =
        isJsonObject(value) && Array.isArray(value['unhandledConflicts']) ? value['unhandledConflicts'] : [];
      return { kind: 'ok', value: canonicalJson(conflicts.map((conflict) => canonicalJson(conflict)).sort()) };
    }
    case 'read':
      return {
        kind: 'ok',
        value: canonicalJson(
          (Array.isArray(value) ? value : [])
            .filter(isJsonObject)
            .map((row) => ({ id: row['id'] ?? null, ...userFields(row) }))
            .sort((a, b) => canonicalJson(a.id).localeCompare(canonicalJson(b.id))),
        ),
      };
    case 'lookup':
      return { kind: 'ok', value: canonicalJson(isJsonObject(value) ? userFields(value) : null) };
    default:
      return { kind: 'ok' };
  }
}

// ---------------------------------------------------------------------------------------------
// The final tables

function compareLocalTables(ref: EventOf<'snapshot'>, cand: EventOf<'snapshot'>, other: string): Difference[] {
  const differences: Difference[] = [];
  for (const client of sortedKeys(ref.clients, cand.clients)) {
    const refTables = ref.clients[client]?.tables ?? {};
    const candTables = cand.clients[client]?.tables ?? {};
    for (const table of sortedKeys(refTables, candTables)) {
      const mine = byId(candTables[table] ?? []);
      const theirs = byId(refTables[table] ?? []);
      for (const id of sortedKeys(mine, theirs)) {
        const here = mine.get(id);
        const there = theirs.get(id);
        const kind: DifferenceKind | undefined =
          here === undefined
            ? 'missing'
            : there === undefined
              ? 'extra'
              : canonicalJson(userFields(here)) === canonicalJson(userFields(there))
                ? undefined
                : 'value';
        if (kind === undefined) continue;
        const what = `${client}'s local ${table}/${id}`;
        const holds = (row: JsonObject | undefined): string =>
          row === undefined ? 'no such record' : show(userFields(row));
        differences.push({
          position: Infinity,
          rank: 3,
          about: `${client}'s local ${table}/${id}`,
          violation: {
            message: `${what} ends as ${holds(here)}; with ${other} it ends as ${holds(there)} (final snapshot #${cand.seq}).`,
            events: [cand.seq],
            rule: 'diff.local-table',
            at: { op: 'final', status: kind },
          },
        });
      }
    }
  }
  return differences;
}

function compareServerTables(ref: EventOf<'snapshot'>, cand: EventOf<'snapshot'>, other: string): Difference[] {
  const differences: Difference[] = [];
  for (const table of sortedKeys(ref.server, cand.server)) {
    const mine = byId(cand.server[table] ?? []);
    const theirs = byId(ref.server[table] ?? []);
    for (const id of sortedKeys(mine, theirs)) {
      const here = mine.get(id);
      const there = theirs.get(id);
      let kind: DifferenceKind | undefined;
      if (here === undefined) kind = 'missing';
      else if (there === undefined) kind = 'extra';
      else if ((here['deleted'] === true) !== (there['deleted'] === true)) kind = 'deleted';
      else if (here['deleted'] !== true && canonicalJson(userFields(here)) !== canonicalJson(userFields(there)))
        kind = 'value';
      if (kind === undefined) continue;
      const state = (row: JsonObject | undefined): string =>
        row === undefined ? 'no such row' : row['deleted'] === true ? 'a deleted row' : show(userFields(row));
      differences.push({
        position: Infinity,
        rank: 3,
        about: `the server's ${table}/${id}`,
        violation: {
          message: `The server's ${table}/${id} ends as ${state(here)}; with ${other} it ends as ${state(there)} (final snapshot #${cand.seq}).`,
          events: [cand.seq],
          rule: 'diff.server-table',
          at: { op: 'final', status: kind },
        },
      });
    }
  }
  return differences;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** A record's own fields: system properties gone, nulls gone (a column a client does not store reads as null). */
function userFields(record: JsonObject | null | undefined): JsonObject | null {
  if (record === null || record === undefined || !isJsonObject(record)) return null;
  const fields: Record<string, JsonValue> = {};
  for (const [name, value] of Object.entries(record)) {
    if (!SYSTEM_KEYS.has(name) && value !== null && value !== undefined) fields[name] = value;
  }
  return fields;
}

function byId(rows: readonly JsonObject[]): Map<string, JsonObject> {
  const map = new Map<string, JsonObject>();
  for (const row of rows) if (typeof row['id'] === 'string') map.set(row['id'], row);
  return map;
}

function sortedKeys(a: object, b: object): string[] {
  const names = (value: object): string[] =>
    value instanceof Map ? [...(value.keys() as Iterable<string>)] : Object.keys(value);
  return [...new Set([...names(a), ...names(b)])].sort();
}

function append<T>(map: Map<string, T[]>, name: string, value: T): void {
  const list = map.get(name);
  if (list === undefined) map.set(name, [value]);
  else list.push(value);
}

function lastSeq(events: readonly { readonly seq: number }[]): number[] {
  const last = events.at(-1);
  return last === undefined ? [] : [last.seq];
}

function show(record: JsonObject | null): string {
  return clip(canonicalJson(record));
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
