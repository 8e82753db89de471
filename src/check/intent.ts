/**
 * The app's intent: what a scenario says its app means to happen, judged like a built-in rule.
 *
 * - Per `table.field`, per conflict: once settled, which value the record holds after the handler
 *   resolved the conflict — on the server and on the client that had it. `client-wins`: the
 *   device's value; `server-wins`: the server's value at the conflict; `merged`: either side's
 *   value, and not null (or gone) unless both sides were. A conflict is judged only while it has
 *   the last word on the record: a later write of it by anyone, or a later conflict of the same
 *   client about it, takes the judgement over.
 * - Per table: `never-empty` (no snapshot shows the table empty once it had a row — the server's,
 *   or a client's once that client had one), `unique` (no two live rows share a value of the
 *   field, at any snapshot), `rows` (how many live rows the settled end has).
 * - Invariants (TypeScript scenarios): named functions over a frozen {@link IntentView}.
 * - Dropped writes: listed always; with `dropped: 'forbid'` each one is a violation.
 *
 * Values are judged against the server's settled rows and the client's settled store, never
 * against what the client or the handler says it did.
 */
import type { History } from '../kernel/history.js';
import type { JsonObject, JsonValue } from '../protocol/records.js';
import { droppedWrites, failedExchangeByCall, type DroppedWrite } from './dropped-writes.js';
import {
  canonicalJson,
  clientTable,
  finalSnapshot,
  indexHistory,
  isLive,
  writtenRecordId,
  writtenTable,
  type EventOf,
  type HandlerCallRecord,
  type HistoryIndex,
} from './history-index.js';
import { intentView, type IntentView } from './intent-view.js';
import { intentParts, invariantRuleId, type FieldIntent, type Invariant, type TableRules } from './intent-types.js';
import { RESOLVING_DECISIONS } from './pending.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const INTENT = 'intent';

export function checkIntent(history: History, context?: CheckContext): ReturnType<typeof verdict> {
  const intent = context?.intent ?? {};
  const index = indexHistory(history);
  const final = finalSnapshot(index, context?.finalLabel);
  const drops = droppedWrites(index, context?.finalLabel);
  const { fields, tables } = intentParts(intent.declared);
  const invariants = Object.entries(intent.invariants ?? {});
  const notes = [dropNote(drops)];
  if (final === undefined) {
    const declared = fields.length + tables.length + invariants.length > 0 || intent.dropped === 'forbid';
    return verdict(
      INTENT,
      [],
      declared ? 'The run has no settled snapshot: its intent was not judged.' : 'No intent declared.',
      notes,
    );
  }
  const violations: Violation[] = [];
  const judged = { conflicts: 0, superseded: 0 };
  if (fields.length > 0) violations.push(...fieldViolations(index, final, fields, judged));
  for (const { table, rules } of tables) violations.push(...tableViolations(index, final, table, rules));
  if (invariants.length > 0) {
    const view = intentView(index, drops, context?.finalLabel);
    for (const [name, invariant] of invariants)
      violations.push(...invariantViolations(name, invariant, view, final.seq));
  }
  if (intent.dropped === 'forbid') violations.push(...drops.map(forbiddenDrop));
  const parts: string[] = [];
  if (fields.length > 0)
    parts.push(
      `${judged.conflicts} resolved conflict(s) held ${fields.map((f) => `${f.table}.${f.field} ${f.rule}`).join(', ')}${judged.superseded > 0 ? ` (${judged.superseded} more were followed by another write of the record, which then had the last word)` : ''}`,
    );
  if (tables.length > 0) parts.push(`the table rules of ${tables.map((t) => t.table).join(', ')} held`);
  if (invariants.length > 0)
    parts.push(`invariant(s) ${invariants.map(([name]) => JSON.stringify(name)).join(', ')} held`);
  if (intent.dropped === 'forbid') parts.push('no write was dropped');
  return verdict(
    INTENT,
    violations,
    parts.length === 0 ? 'No intent declared.' : `${capitalise(parts.join('; '))}.`,
    notes,
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function dropNote(drops: readonly DroppedWrite[]): string {
  if (drops.length === 0) return 'No local write was dropped.';
  const shown = drops.slice(0, 5).map((drop) => drop.message);
  return `Dropped writes (${drops.length}): ${shown.join(' ')}${drops.length > 5 ? ` (and ${drops.length - 5} more)` : ''}`;
}

function forbiddenDrop(drop: DroppedWrite): Violation {
  return {
    message: `${drop.message} The scenario forbids dropped writes.`,
    events: drop.events,
    rule: 'intent.no-drops',
    at: { op: drop.op, status: drop.by.kind === 'decision' ? drop.by.status : 'forced-purge' },
  };
}

/** What a record holds for a field: its value, or `gone` (no live record). */
type Held = { readonly gone: true } | { readonly gone: false; readonly value: JsonValue };
const GONE: Held = { gone: true };

function heldIn(row: JsonObject | undefined, field: string): Held {
  if (row === undefined || row['deleted'] === true) return GONE;
  return { gone: false, value: row[field] ?? null };
}

function sameHeld(a: Held, b: Held): boolean {
  if (a.gone || b.gone) return a.gone && b.gone;
  return canonicalJson(a.value) === canonicalJson(b.value);
}

function isEmpty(held: Held): boolean {
  return held.gone || held.value === null;
}

function showHeld(held: Held | undefined): string {
  if (held === undefined) return 'unknown';
  return held.gone ? 'no record' : JSON.stringify(held.value);
}

function fieldViolations(
  index: HistoryIndex,
  final: EventOf<'snapshot'>,
  fields: readonly FieldIntent[],
  judged: { conflicts: number; superseded: number },
): Violation[] {
  const violations: Violation[] = [];
  const failed = failedExchangeByCall(index);
  for (const record of index.handlerCalls) {
    const { call, decision } = record;
    if (call.handler !== 'onConflict' || call.itemId === null) continue;
    if (decision === undefined || !RESOLVING_DECISIONS.has(decision.decision)) continue;
    const rules = fields.filter((intent) => intent.table === call.table);
    if (rules.length === 0) continue;
    const exchange = failed.get(call.callId);
    const sent = exchange?.requestEvent.seq ?? call.seq;
    if (superseded(index, record, sent, final.seq)) {
      judged.superseded++;
      continue;
    }
    judged.conflicts++;
    const serverRow = (final.server[call.table] ?? []).find((row) => row.id === call.itemId);
    const clientRow = clientTable(final, record.client, call.table).find((row) => row['id'] === call.itemId);
    const status = call.status === null ? (exchange?.failure ?? 'network') : String(call.status);
    for (const { field, rule } of rules) {
      const device: Held | undefined =
        call.action === 'delete'
          ? GONE
          : call.clientRecord !== null && field in call.clientRecord
            ? { gone: false, value: call.clientRecord[field] ?? null }
            : undefined;
      const server: Held | undefined = call.serverRecord === null ? undefined : heldIn(call.serverRecord, field);
      const wanted: Held[] =
        rule === 'client-wins'
          ? device === undefined
            ? []
            : [device]
          : rule === 'server-wins'
            ? server === undefined
              ? []
              : [server]
            : [device, server].filter((side): side is Held => side !== undefined);
      if (wanted.length === 0) continue;
      const acceptable = (held: Held): boolean =>
        wanted.some((side) => sameHeld(held, side)) && (rule !== 'merged' || !isEmpty(held) || wanted.every(isEmpty));
      const sides = [
        { where: 'the server', held: heldIn(serverRow, field) },
        { where: record.client, held: heldIn(clientRow, field) },
      ].filter((side) => !acceptable(side.held));
      if (sides.length === 0) continue;
      const want =
        rule === 'client-wins'
          ? `the device's value ${showHeld(device)}`
          : rule === 'server-wins'
            ? `the server's value ${showHeld(server)}`
            : `the device's ${showHeld(device)} or the server's ${showHeld(server)}, not lost`;
      violations.push({
        message: `${record.client}'s conflict over ${call.table}/${call.itemId} (the ${status} to its ${call.action}, #${call.seq}) was resolved by ${decision.decision} (#${decision.seq}), but once settled ${call.table}.${field} is ${sides.map((side) => `${showHeld(side.held)} on ${side.where}`).join(' and ')}; the scenario's intent "${rule}" wants ${want}.`,
        events: [...(exchange !== undefined ? [exchange.requestEvent.seq] : []), call.seq, decision.seq, final.seq],
        rule: `intent.${rule}`,
        at: { op: call.action === '' ? 'push' : call.action, status },
      });
    }
  }
  return violations;
}

/**
 * Whether something after the conflict took over the record, so that the settled value is no
 * longer this conflict's: a write of the client made after the conflicting request left, a write
 * of anyone else that may have reached the server after it, or a later conflict of the client.
 */
function superseded(index: HistoryIndex, record: HandlerCallRecord, sent: number, until: number): boolean {
  const { call } = record;
  const sameRecord = (table: string | null, id: string | null): boolean => table === call.table && id === call.itemId;
  const laterOwnWrite = index.operations.some(
    (operation) =>
      operation.actor === record.client &&
      sameRecord(writtenTable(operation.op), writtenRecordId(operation.op)) &&
      operation.invoke.seq < until &&
      (operation.outcome?.seq ?? Infinity) > sent,
  );
  if (laterOwnWrite) return true;
  const laterEdit = index.operations.some(
    (operation) =>
      operation.byEditor &&
      sameRecord(writtenTable(operation.op), writtenRecordId(operation.op)) &&
      operation.invoke.seq > sent &&
      operation.invoke.seq < until,
  );
  if (laterEdit) return true;
  const laterOtherWrite = index.exchanges.some(
    (exchange) =>
      exchange.client !== record.client &&
      (exchange.action === 'insert' || exchange.action === 'update' || exchange.action === 'delete') &&
      sameRecord(exchange.table, exchange.itemId) &&
      exchange.requestEvent.seq < until &&
      (exchange.responseEvent?.seq ?? exchange.failureEvent?.seq ?? Infinity) > sent &&
      (exchange.responseEvent !== undefined || exchange.failureEvent === undefined || exchange.failureEvent.applied),
  );
  if (laterOtherWrite) return true;
  return index.handlerCalls.some(
    (other) =>
      other.client === record.client &&
      other.call.handler === 'onConflict' &&
      other.call.seq > call.seq &&
      other.call.seq < until &&
      sameRecord(other.call.table, other.call.itemId),
  );
}

const SNAPSHOT_AT = { op: 'run', status: 'snapshot' } as const;

function tableViolations(
  index: HistoryIndex,
  final: EventOf<'snapshot'>,
  table: string,
  rules: TableRules,
): Violation[] {
  const violations: Violation[] = [];
  const snapshots = index.snapshots.filter((snapshot) => snapshot.seq <= final.seq);
  const sides = (snapshot: EventOf<'snapshot'>): { where: string; rows: JsonObject[] }[] => [
    { where: 'the server', rows: (snapshot.server[table] ?? []).filter(isLive) as JsonObject[] },
    ...Object.keys(snapshot.clients)
      .sort()
      .map((client) => ({ where: client, rows: clientTable(snapshot, client, table).filter(isLive) })),
  ];
  if (rules['never-empty'] === true) {
    const hadRows = new Set<string>();
    const reported = new Set<string>();
    for (const snapshot of snapshots) {
      for (const { where, rows } of sides(snapshot)) {
        if (rows.length > 0) hadRows.add(where);
        else if (hadRows.has(where) && !reported.has(where)) {
          reported.add(where);
          violations.push({
            message: `${table} is empty on ${where} at snapshot "${snapshot.label}" (#${snapshot.seq}) after it had rows; the scenario's intent is that it is never empty.`,
            events: [snapshot.seq],
            rule: 'intent.never-empty',
            at: SNAPSHOT_AT,
          });
        }
      }
    }
  }
  const unique = rules.unique === undefined ? [] : typeof rules.unique === 'string' ? [rules.unique] : rules.unique;
  for (const field of unique) {
    const reported = new Set<string>();
    for (const snapshot of snapshots) {
      for (const { where, rows } of sides(snapshot)) {
        if (reported.has(where)) continue;
        const byValue = new Map<string, string[]>();
        for (const row of rows) {
          const value = row[field];
          if (value === undefined || value === null) continue;
          const key = canonicalJson(value);
          byValue.set(key, [...(byValue.get(key) ?? []), String(row['id'])]);
        }
        const duplicate = [...byValue].find(([, ids]) => ids.length > 1);
        if (duplicate === undefined) continue;
        reported.add(where);
        violations.push({
          message: `${table} on ${where} has ${duplicate[1].length} rows (${duplicate[1].join(', ')}) with ${field} = ${duplicate[0]} at snapshot "${snapshot.label}" (#${snapshot.seq}); the scenario's intent is that ${field} is unique.`,
          events: [snapshot.seq],
          rule: 'intent.unique',
          at: SNAPSHOT_AT,
        });
      }
    }
  }
  if (rules.rows !== undefined) {
    const { min = 0, max = Number.POSITIVE_INFINITY } = rules.rows;
    for (const { where, rows } of sides(final)) {
      if (rows.length >= min && rows.length <= max) continue;
      violations.push({
        message: `${table} ends with ${rows.length} live row(s) on ${where} (#${final.seq}); the scenario's intent is ${max === Number.POSITIVE_INFINITY ? `at least ${min}` : min === 0 ? `at most ${max}` : `${min} to ${max}`}.`,
        events: [final.seq],
        rule: 'intent.rows',
        at: { op: 'run', status: 'settled' },
      });
    }
  }
  return violations;
}

function invariantViolations(name: string, invariant: Invariant, view: IntentView, finalSeq: number): Violation[] {
  const rule = invariantRuleId(name);
  const quoted = JSON.stringify(name);
  let result: unknown;
  try {
    result = invariant(view);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return [
      {
        message: `The invariant ${quoted} threw: "${text}"; it was not judged.`,
        events: [finalSeq],
        rule,
        at: { op: 'run', status: 'threw' },
      },
    ];
  }
  if (result === true) return [];
  const problems: string[] | undefined =
    result === false
      ? [`The invariant ${quoted} does not hold at the settled end (#${finalSeq}).`]
      : Array.isArray(result) && result.every((item) => typeof item === 'string')
        ? result.map((problem: string) => `The invariant ${quoted} does not hold: ${problem}`)
        : undefined;
  if (problems === undefined) {
    const thenable =
      typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function';
    // An async invariant's rejection must not go unhandled: it would end the process.
    if (thenable) Promise.resolve(result).catch(() => undefined);
    const what = thenable ? 'a promise (invariants run synchronously)' : describeValue(result);
    return [
      {
        message: `The invariant ${quoted} returned ${what}, not true, false or a list of problems.`,
        events: [finalSeq],
        rule,
        at: { op: 'run', status: 'threw' },
      },
    ];
  }
  return problems.map((message) => ({ message, events: [finalSeq], rule, at: { op: 'run', status: 'settled' } }));
}

function describeValue(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    // A value JSON cannot write (a cycle, a bigint) is named by its type.
  }
  return typeof value;
}
