/**
 * local-query: a local read through the client's query API answers as SQLite answers the same
 * query over the table's committed rows (docs/semantics.md, `local.query`).
 *
 * The oracle is independent of both clients: the rows come from the store underneath (recorded by
 * the driver, never through the query path), go into a fresh in-memory database, and the checker
 * writes the SQL itself with every value bound as a parameter. Within a tie of the sort key (the
 * whole answer when there is none) order is not judged — nor which rows of a tie a window cut by
 * skip/take holds. A query during which the store committed is judged against the rows before and
 * after; one that matches neither is left unjudged (it may have seen a state in between).
 */
import type { Database, SqlValue } from 'sql.js';
import { isUndefinedTableError } from '../kernel/app-version.js';
import type { ClientOperation, History, HistoryEvent } from '../kernel/history.js';
import {
  describeLocalQuery,
  isDateLiteral,
  type LocalQuery,
  type LocalQueryResult,
  type QueryLiteral,
} from '../kernel/local-query.js';
import { parseIsoTimestamp } from '../protocol/datetime.js';
import type { ColumnType, JsonObject, JsonValue } from '../protocol/records.js';
import { closeDatabase, loadedSqlJs, openDatabase } from '../sqlite/sqljs.js';
import { columnTypesOf, sameColumnValue } from './column-equality.js';
import type { Violation } from './types.js';
import { verdict, type CheckContext } from './verdict.js';

export const LOCAL_QUERY = 'local-query';

type QueryOp = Extract<ClientOperation, { type: 'query' }>;

/** How an answer differs from SQLite's: the status of the violation's signature. */
type Difference = 'threw' | 'count' | 'missing' | 'columns' | 'order' | 'window' | 'filter' | 'values';

interface Mismatch {
  readonly difference: Difference;
  readonly words: string;
}

/** SQLite's answer: the matching rows in order, each with its tie group, and their count. */
interface Expected {
  readonly rows: readonly JsonObject[];
  readonly groups: readonly number[];
  /** The committed rows the where clause leaves out. */
  readonly excluded: readonly JsonObject[];
}

export function checkLocalQuery(history: History, context?: CheckContext): ReturnType<typeof verdict> {
  const types = columnTypesOf(context?.tables);
  const invoked = new Map<number, { event: HistoryEvent; op: QueryOp }>();
  const violations: Violation[] = [];
  let judged = 0;
  let unjudged = 0;
  const SQL = loadedSqlJs();
  for (const event of history) {
    if (event.kind === 'invoke' && event.op.type === 'query' && 'query' in event.op) {
      invoked.set(event.opId, { event, op: event.op });
      continue;
    }
    if (event.kind !== 'ok' && event.kind !== 'fail') continue;
    const call = invoked.get(event.opId);
    if (call === undefined) continue;
    invoked.delete(event.opId);
    const { op } = call;
    const events = [call.event.seq, event.seq];
    const describe = `${event.actor}'s query of ${op.table} (${describeLocalQuery(op.query) || 'every row'}, via ${op.via ?? 'context'})`;
    if (event.kind === 'fail') {
      // The program asked a table its app version lacks: the world refused it, not the client.
      if (isUndefinedTableError(event.error)) continue;
      violations.push(violation('threw', events, `${describe} failed (${event.error}); SQLite answers it.`));
      continue;
    }
    if (SQL === undefined) return unknownResult();
    const result = event.value as unknown as LocalQueryResult;
    const columns = types.get(op.table) ?? {};
    const truths = [result.committed, ...(result.committedAfter === undefined ? [] : [result.committedAfter])];
    const mismatches = truths.map((rows) => {
      const db = openDatabase(SQL);
      try {
        return compare(op.query, result, evaluate(db, op.query, rows, columns), columns);
      } finally {
        closeDatabase(db);
      }
    });
    if (mismatches.some((mismatch) => mismatch === undefined)) {
      judged++;
      continue;
    }
    if (truths.length > 1) {
      unjudged++;
      continue;
    }
    judged++;
    const mismatch = mismatches[0]!;
    violations.push(violation(mismatch.difference, events, `${describe}: ${mismatch.words}.`));
  }
  const notes =
    unjudged === 0
      ? []
      : [
          `${unjudged} quer${unjudged === 1 ? 'y' : 'ies'} during which the store committed matched neither the rows before nor after and ${unjudged === 1 ? 'was' : 'were'} left unjudged.`,
        ];
  return verdict(
    LOCAL_QUERY,
    violations,
    `${judged} local quer${judged === 1 ? 'y' : 'ies'} answered as SQLite answers them over the store's rows.`,
    notes,
  );
}

function unknownResult(): ReturnType<typeof verdict> {
  const why = 'sql.js was not loaded in this process, so no query could be evaluated.';
  return { checker: LOCAL_QUERY, valid: true, violations: [], unknown: why, explanation: why };
}

function violation(difference: Difference, events: number[], message: string): Violation {
  return { rule: 'local.query', at: { op: 'query', status: difference }, message, events };
}

// --- SQLite's answer ------------------------------------------------------------------------

const ROW = '__row';

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A JSON value as the client's store keeps it: dates as epoch ms, booleans 0/1, JSON as text. */
function cell(type: ColumnType | undefined, value: JsonValue | undefined): SqlValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object') return JSON.stringify(value);
  if (type === 'date' && typeof value === 'string') return parseIsoTimestamp(value) ?? value;
  return value;
}

function literalCell(value: QueryLiteral): SqlValue {
  if (isDateLiteral(value)) return parseIsoTimestamp(value.date) ?? value.date;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

const OPERATORS = { eq: 'IS', ne: 'IS NOT', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/**
 * Loads `rows` into a fresh table and runs the query's where and order by over it, without skip
 * and take (the window is cut afterwards, so that ties at its edges are known). `eq`/`ne` are
 * null-safe (`IS`/`IS NOT`), as OData has them.
 */
function evaluate(
  db: Database,
  query: LocalQuery,
  rows: readonly JsonObject[],
  types: Readonly<Record<string, ColumnType>>,
): Expected {
  const columns = [
    ...new Set([
      ...rows.flatMap((row) => Object.keys(row)),
      ...(query.where ?? []).map((p) => p.column),
      ...(query.orderBy ?? []).map((o) => o.column),
    ]),
  ].filter((column) => column !== ROW);
  db.run(`CREATE TABLE t (${[ROW, ...columns].map(quote).join(', ')})`);
  const insert = db.prepare(
    `INSERT INTO t (${[ROW, ...columns].map(quote).join(', ')}) VALUES (${[ROW, ...columns].map(() => '?').join(', ')})`,
  );
  try {
    rows.forEach((row, i) => insert.run([i, ...columns.map((column) => cell(types[column], row[column]))]));
  } finally {
    insert.free();
  }
  const where = (query.where ?? []).map((p) => `${quote(p.column)} ${OPERATORS[p.op]} ?`);
  const params = (query.where ?? []).map((p) => literalCell(p.value));
  const keys = (query.orderBy ?? []).map((o) => quote(o.column));
  const orderBy = (query.orderBy ?? []).map((o) => `${quote(o.column)} ${o.descending === true ? 'DESC' : 'ASC'}`);
  const sql =
    `SELECT ${[quote(ROW), ...keys].join(', ')} FROM t` +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    (orderBy.length > 0 ? ` ORDER BY ${orderBy.join(', ')}` : '');
  const statement = db.prepare(sql);
  const matched: { index: number; key: SqlValue[] }[] = [];
  try {
    statement.bind(params);
    while (statement.step()) {
      const [index, ...key] = statement.get();
      matched.push({ index: Number(index), key });
    }
  } finally {
    statement.free();
  }
  const groups: number[] = [];
  matched.forEach((row, i) => {
    const previous = matched[i - 1];
    const tied = previous !== undefined && row.key.every((value, k) => value === previous.key[k]);
    groups.push(i === 0 ? 0 : tied ? groups[i - 1]! : groups[i - 1]! + 1);
  });
  const kept = new Set(matched.map((row) => row.index));
  return {
    rows: matched.map((row) => rows[row.index]!),
    groups,
    excluded: rows.filter((_, i) => !kept.has(i)),
  };
}

// --- the comparison -------------------------------------------------------------------------

function compare(
  query: LocalQuery,
  result: LocalQueryResult,
  expected: Expected,
  types: Readonly<Record<string, ColumnType>>,
): Mismatch | undefined {
  const total = expected.rows.length;
  if (query.includeTotalCount === true && result.totalCount !== total) {
    return {
      difference: 'count',
      words: `the total count is ${result.totalCount === undefined ? 'missing' : result.totalCount}; ${total} rows match`,
    };
  }
  const start = Math.min(query.skip ?? 0, total);
  const end = query.take === undefined ? total : Math.min(total, start + query.take);
  const rows = result.rows;
  const selected = query.select;
  if (selected !== undefined) {
    for (const row of rows) {
      const extra = Object.keys(row).filter((column) => !selected.includes(column) && row[column] != null);
      if (extra.length > 0)
        return { difference: 'columns', words: `a row came back with columns it did not select (${extra.join(', ')})` };
    }
  }
  const same = (a: JsonObject, b: JsonObject): boolean =>
    (selected ?? [...new Set([...Object.keys(a), ...Object.keys(b)])]).every((column) =>
      sameColumnValue(types[column], a[column], b[column]),
    );
  // Within a tie group any of its rows may stand at any of its places. Each row returned is
  // paired with an unused equal row of SQLite's answer — one of its own place's group if there is
  // one, else one inside the window, else any (equality is an equivalence, so which of several
  // equal rows does not matter) — and then the pairs are judged: what is left out, what lies
  // outside skip and take, what stands out of order.
  const windowGroups = new Set(expected.groups.slice(start, end));
  const used = new Set<number>();
  const paired: number[] = [];
  for (let j = 0; j < rows.length; j++) {
    const row = rows[j]!;
    const place = start + j;
    const candidates = expected.rows.flatMap((candidate, i) => (!used.has(i) && same(candidate, row) ? [i] : []));
    const pick =
      candidates.find((i) => place < end && expected.groups[i] === expected.groups[place]) ??
      candidates.find((i) => windowGroups.has(expected.groups[i]!)) ??
      candidates[0];
    if (pick === undefined) return unmatched(row, j, expected, end - start, same);
    used.add(pick);
    paired.push(pick);
  }
  if (rows.length < end - start) {
    const missing = expected.rows.findIndex((_, i) => !used.has(i) && windowGroups.has(expected.groups[i]!));
    return {
      difference: 'missing',
      words: `it returned ${rows.length} row${rows.length === 1 ? '' : 's'} where SQLite returns ${end - start} (of ${total} matching), leaving out ${showRow(expected.rows[missing]!)}`,
    };
  }
  // The window holds, of each tie group, as many rows as it has places in it.
  const places = new Map<number, number>();
  for (let place = start; place < end; place++)
    places.set(expected.groups[place]!, (places.get(expected.groups[place]!) ?? 0) + 1);
  for (let j = 0; j < paired.length; j++) {
    const group = expected.groups[paired[j]!]!;
    const left = places.get(group) ?? 0;
    if (left === 0) {
      return {
        difference: 'window',
        words: `row ${j + 1} is ${showRow(rows[j]!)}, match number ${paired[j]! + 1}, outside what skip and take leave (${start + 1} to ${end})`,
      };
    }
    places.set(group, left - 1);
  }
  for (let j = 0; j < paired.length; j++) {
    if (expected.groups[paired[j]!] !== expected.groups[start + j]) {
      return {
        difference: 'order',
        words: `row ${j + 1} is ${showRow(rows[j]!)}, which SQLite's order puts at ${paired[j]! - start + 1}`,
      };
    }
  }
  return undefined;
}

/** Why a row returned equals no row SQLite's answer has left. */
function unmatched(
  row: JsonObject,
  j: number,
  expected: Expected,
  length: number,
  same: (a: JsonObject, b: JsonObject) => boolean,
): Mismatch {
  const shown = showRow(row);
  if (expected.rows.some((candidate) => same(candidate, row))) {
    return {
      difference: 'window',
      words: `row ${j + 1} is ${shown} once more than SQLite's ${length} row${length === 1 ? '' : 's'} hold it`,
    };
  }
  if (expected.excluded.some((candidate) => same(candidate, row))) {
    return { difference: 'filter', words: `row ${j + 1} is ${shown}, which the where clause excludes` };
  }
  return { difference: 'values', words: `row ${j + 1} is ${shown}, which no committed row of the table equals` };
}

function showRow(row: JsonObject): string {
  const text = JSON.stringify(row);
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
