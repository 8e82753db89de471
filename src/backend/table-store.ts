/**
 * One table in SQLite's in-memory schema. Names in SQL are generated (`t0`, `c0`…), never taken
 * from a definition or a request, so nothing a user writes reaches SQL text.
 * Statements are prepared once: the fixed ones when the table is created, query statements on
 * first use, cached by their SQL text (literals are parameters, so a client paging through a
 * pull reuses one statement).
 *
 * `seq` is the rowid: the order in which rows were first inserted (strictly increasing). An
 * update keeps a row's `seq`, as an UPDATE keeps the rowid on the real sqlite server; queries
 * use it as the last sort key, so `$orderby=updatedAt` ties come back in that order (profiles
 * whose server orders ties by id put the id first).
 */
import type { Database, Statement } from 'sql.js';
import type { FilterExpression } from '../protocol/odata/ast.js';
import {
  compileFilter,
  compileOrderBy,
  type ColumnMap,
  type CompiledSql,
  type SqlDialect,
  type SqlValue,
} from '../protocol/odata/sql.js';
import type { OrderByClause } from '../protocol/odata/query.js';
import type { ColumnType, JsonObject, ServerRecord } from '../protocol/records.js';
import type { ResolvedTableDefinition } from './table-definition.js';
import { MEMORY_SCHEMA } from '../sqlite/sqljs.js';
import type { ServerProfile, StoredTimestamp, TimestampCodec } from './profiles/profile.js';
import { decodeValue } from './values.js';

/** What a table takes from its backend's profile. */
export interface TableRules {
  readonly timestamps: TimestampCodec;
  readonly dialect: SqlDialect;
  readonly tieBreak: ServerProfile['tieBreak'];
  /** The id's sort key in the profile's collation, stored beside it when ties go by id (no SQL function call per row). */
  readonly idSortKey?: (id: string) => string;
  readonly recordOrder: ServerProfile['recordOrder'];
  readonly integerIds: ServerProfile['integerIds'];
}

export interface StoredRow {
  readonly seq: number;
  readonly id: string;
  readonly createdAt: StoredTimestamp;
  /** Null on an imported row (the `nullUpdatedAt` server variant) until a write stamps it. */
  readonly updatedAt: StoredTimestamp | null;
  readonly version: string;
  readonly deleted: boolean;
  /** The table's own columns, in definition order. */
  readonly values: readonly SqlValue[];
}

export type NewRow = Omit<StoredRow, 'seq'>;

interface UserColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly sql: string;
}

/** `format`, remembering its last argument and answer. */
function lastValueCache(format: (stored: StoredTimestamp) => string): (stored: StoredTimestamp) => string {
  let last: StoredTimestamp = Number.NaN;
  let lastText = '';
  return (stored) => {
    if (stored !== last) {
      last = stored;
      lastText = format(stored);
    }
    return lastText;
  };
}

const AFFINITY: Record<Exclude<ColumnType, 'date'>, string> = {
  string: 'TEXT',
  number: 'REAL',
  boolean: 'INTEGER',
  object: 'TEXT',
};
const SYSTEM_SELECT = 'seq, "id", "createdAt", "updatedAt", "version", "deleted"';
const QUERY_CACHE_LIMIT = 128;
/** The key of "no filter" and "no order" in {@link SqlTable.selectText}'s memo. */
const NO_SQL: CompiledSql = Object.freeze({ sql: '', params: [] });

export class SqlTable {
  readonly columns: ColumnMap;
  private readonly userColumns: readonly UserColumn[];
  private readonly sqlName: string;
  private readonly selectList: string;
  private readonly byId: Statement;
  private readonly insertRow: Statement;
  private readonly updateRow: Statement;
  private readonly deleteRow: Statement;
  private readonly queryCache = new Map<string, Statement>();
  private readonly compiledFilters = new WeakMap<FilterExpression, CompiledSql>();
  private readonly compiledOrderBys = new WeakMap<readonly OrderByClause[], CompiledSql>();
  /** See {@link selectText}: by filter, then by order, then by flags. */
  private readonly selectTexts = new WeakMap<CompiledSql, WeakMap<CompiledSql, (string | undefined)[]>>();
  private readonly slots: ReadonlyMap<string, { index: number; type: ColumnType }>;
  /** Assigned here rather than by SQLite so that it never repeats, even after hard deletes. */
  private nextSeq = 1;
  /** Rows written so far (inserted, updated, removed): the same count means the same rows. */
  private writeCount = 0;

  constructor(
    private readonly db: Database,
    readonly definition: ResolvedTableDefinition,
    index: number,
    private readonly rules: TableRules,
  ) {
    this.sqlName = `"${MEMORY_SCHEMA}"."t${index}"`;
    this.userColumns = Object.entries(definition.columns).map(([name, type], i) => ({ name, type, sql: `"c${i}"` }));
    const columns: Record<string, { sql: string; type: ColumnType }> = {
      id: { sql: '"id"', type: 'string' },
      createdAt: { sql: '"createdAt"', type: 'date' },
      updatedAt: { sql: '"updatedAt"', type: 'date' },
      version: { sql: '"version"', type: 'string' },
    };
    if (definition.softDelete) columns.deleted = { sql: '"deleted"', type: 'boolean' };
    for (const column of this.userColumns) columns[column.name] = { sql: column.sql, type: column.type };
    this.columns = columns;
    this.slots = new Map(this.userColumns.map((column, index) => [column.name, { index, type: column.type }]));

    const userSql = this.userColumns.map((column) => column.sql);
    this.selectList = [SYSTEM_SELECT, ...userSql].join(', ');
    const stamp = rules.timestamps.affinity;
    const affinity = (type: ColumnType) => (type === 'date' ? stamp : AFFINITY[type]);
    const byId = rules.tieBreak === 'id';
    db.run(
      `CREATE TABLE ${this.sqlName} (seq INTEGER PRIMARY KEY, "id" TEXT NOT NULL UNIQUE, "createdAt" ${stamp} NOT NULL, ` +
        `"updatedAt" ${stamp}, "version" TEXT NOT NULL, "deleted" INTEGER NOT NULL DEFAULT 0` +
        this.userColumns.map((column) => `, ${column.sql} ${affinity(column.type)}`).join('') +
        (byId ? ', "idKey" TEXT NOT NULL' : '') +
        ')',
    );
    // Walking this index gives (updatedAt, [idKey,] rowid) order: the pull query needs no sort step.
    db.run(
      `CREATE INDEX "${MEMORY_SCHEMA}"."t${index}_updatedAt" ON "t${index}" ("updatedAt"${byId ? ', "idKey"' : ''})`,
    );
    this.byId = db.prepare(`SELECT ${this.selectList} FROM ${this.sqlName} WHERE "id" = ?`);
    const placeholders = ['?', '?', '?', '?', '?', '?', ...userSql.map(() => '?'), ...(byId ? ['?'] : [])].join(', ');
    this.insertRow = db.prepare(
      `INSERT INTO ${this.sqlName} (seq, "id", "createdAt", "updatedAt", "version", "deleted"${userSql.map((c) => `, ${c}`).join('')}${byId ? ', "idKey"' : ''}) VALUES (${placeholders})`,
    );
    this.updateRow = db.prepare(
      `UPDATE ${this.sqlName} SET "updatedAt" = ?, "version" = ?, "deleted" = ?${userSql.map((c) => `, ${c} = ?`).join('')} WHERE seq = ?`,
    );
    this.deleteRow = db.prepare(`DELETE FROM ${this.sqlName} WHERE seq = ?`);
  }

  get name(): string {
    return this.definition.name;
  }

  /** `compileFilter` over this table's columns, once per filter tree (parsed queries are reused). */
  compiledFilter(filter: FilterExpression): CompiledSql {
    let compiled = this.compiledFilters.get(filter);
    if (compiled === undefined) {
      compiled = compileFilter(filter, this.columns, this.rules.dialect);
      this.compiledFilters.set(filter, compiled);
    }
    return compiled;
  }

  /**
   * `compileOrderBy` over this table's columns in the profile's dialect; once per frozen list
   * (the parsed queries the HTTP layer shares). A list that can still change is compiled each time.
   */
  compiledOrderBy(orderBy: readonly OrderByClause[]): CompiledSql {
    if (!Object.isFrozen(orderBy) || !orderBy.every((clause) => Object.isFrozen(clause)))
      return compileOrderBy(orderBy, this.columns, this.rules.dialect);
    let compiled = this.compiledOrderBys.get(orderBy);
    if (compiled === undefined) {
      compiled = compileOrderBy(orderBy, this.columns, this.rules.dialect);
      this.compiledOrderBys.set(orderBy, compiled);
    }
    return compiled;
  }

  /**
   * Records (or one) as the wire carries them. An `autoIncrement` table's ids are numbers there,
   * as its INTEGER id column gives them back.
   */
  json(records: ServerRecord | readonly ServerRecord[]): string {
    if (!this.definition.autoIncrement || this.rules.integerIds === 'string') return JSON.stringify(records);
    const numbered = (record: ServerRecord) => ({ ...record, id: Number(record.id) });
    return JSON.stringify(Array.isArray(records) ? records.map(numbered) : numbered(records as ServerRecord));
  }

  /** Where a property of the table's own lives in {@link StoredRow.values}, and its type. */
  slotOf(name: string): { readonly index: number; readonly type: ColumnType } | undefined {
    return this.slots.get(name);
  }

  get writes(): number {
    return this.writeCount;
  }

  get userColumnCount(): number {
    return this.userColumns.length;
  }

  findById(id: string): StoredRow | undefined {
    return this.all(this.byId, [id])[0];
  }

  /** Inserts a row and returns it with its `seq`. */
  insert(row: NewRow): StoredRow {
    const stored = { ...row, seq: this.nextSeq };
    this.execute(this.insertRow, [
      stored.seq,
      row.id,
      row.createdAt,
      row.updatedAt,
      row.version,
      row.deleted ? 1 : 0,
      ...row.values,
      ...(this.rules.tieBreak === 'id' ? [this.rules.idSortKey?.(row.id) ?? row.id] : []),
    ]);
    this.nextSeq++;
    this.writeCount++;
    return stored;
  }

  /** Writes every mutable field of `row` (found by its `seq`). */
  update(row: StoredRow): void {
    this.execute(this.updateRow, [row.updatedAt, row.version, row.deleted ? 1 : 0, ...row.values, row.seq]);
    this.writeCount++;
  }

  remove(row: StoredRow): void {
    this.execute(this.deleteRow, [row.seq]);
    this.writeCount++;
  }

  /**
   * The records matching `where`, ordered by `orderBy` then insertion order, paged by
   * limit/offset. `where` and `orderBy` come from compileFilter/compileOrderBy over
   * {@link columns}. Rows go straight from SQLite's cells to wire records, with no stored-row
   * objects in between: this is the pull's hot path.
   */
  selectRecords(options: {
    where?: CompiledSql;
    orderBy?: CompiledSql;
    includeDeleted: boolean;
    limit?: number;
    offset?: number;
  }): ServerRecord[] {
    const paged = options.limit !== undefined || options.offset !== undefined;
    const sql = this.selectText(options.where, options.orderBy, options.includeDeleted, paged);
    const all = [...(options.where?.params ?? []), ...(options.orderBy?.params ?? [])];
    if (paged) all.push(options.limit ?? -1, options.offset ?? 0);
    const statement = this.cached(sql);
    const records: ServerRecord[] = [];
    // Neighbouring rows often share a timestamp (a pull walks them in updatedAt order).
    const format = this.rules.timestamps.format;
    const createdAt = lastValueCache(format);
    const updatedAt = lastValueCache(format);
    const dates = this.rules.timestamps;
    const columnsFirst = this.rules.recordOrder === 'columns-first';
    try {
      statement.bind(all);
      while (statement.step()) {
        const cells = statement.get();
        const record: JsonObject = columnsFirst ? {} : { id: cells[1] as string };
        for (let i = 0; i < this.userColumns.length; i++) {
          const column = this.userColumns[i]!;
          record[column.name] = decodeValue(column.type, cells[i + 6] ?? null, dates);
        }
        if (columnsFirst) record.id = cells[1] as string;
        record.createdAt = createdAt(cells[2] as StoredTimestamp);
        const stamp = cells[3] as StoredTimestamp | null;
        record.updatedAt = stamp === null ? null : updatedAt(stamp);
        record.version = cells[4] as string;
        if (this.definition.softDelete) record.deleted = cells[5] === 1;
        records.push(record as ServerRecord);
      }
    } finally {
      statement.reset();
    }
    return records;
  }

  /**
   * The SELECT of {@link selectRecords}, remembered by its compiled filter and order (the same
   * objects for every request of a cached query) and flags: building a fresh text per request,
   * and hashing it to find its statement, cost more than the rest of finding the statement.
   */
  private selectText(
    where: CompiledSql | undefined,
    orderBy: CompiledSql | undefined,
    includeDeleted: boolean,
    paged: boolean,
  ): string {
    let byOrder = this.selectTexts.get(where ?? NO_SQL);
    if (byOrder === undefined) {
      byOrder = new WeakMap();
      this.selectTexts.set(where ?? NO_SQL, byOrder);
    }
    let texts = byOrder.get(orderBy ?? NO_SQL);
    if (texts === undefined) {
      texts = [];
      byOrder.set(orderBy ?? NO_SQL, texts);
    }
    const slot = (includeDeleted ? 1 : 0) + (paged ? 2 : 0);
    let text = texts[slot];
    if (text === undefined) {
      const { clause } = this.whereClause(where, includeDeleted);
      const tieBreak = this.tieBreakSql();
      const order = orderBy !== undefined && orderBy.sql !== '' ? `${orderBy.sql}, ${tieBreak}` : tieBreak;
      text = `SELECT ${this.selectList} FROM ${this.sqlName}${clause} ORDER BY ${order}${paged ? ' LIMIT +? OFFSET +?' : ''}`;
      texts[slot] = text;
    }
    return text;
  }

  /** The last sort keys: insertion order, or the id first (in the profile's collation). */
  private tieBreakSql(): string {
    return this.rules.tieBreak === 'insertion' ? 'seq' : '"idKey", seq';
  }

  count(options: { where?: CompiledSql; includeDeleted: boolean }): number {
    const { clause, params } = this.whereClause(options.where, options.includeDeleted);
    const statement = this.cached(`SELECT count(*) FROM ${this.sqlName}${clause}`);
    try {
      statement.bind(params);
      statement.step();
      return Number(statement.get()[0]);
    } finally {
      statement.reset();
    }
  }

  /** The JSON record of a row: id, the table's columns, then the other system properties. */
  toRecord(row: StoredRow): ServerRecord {
    const columnsFirst = this.rules.recordOrder === 'columns-first';
    const record: JsonObject = columnsFirst ? {} : { id: row.id };
    const dates = this.rules.timestamps;
    for (let i = 0; i < this.userColumns.length; i++) {
      const column = this.userColumns[i]!;
      record[column.name] = decodeValue(column.type, row.values[i] ?? null, dates);
    }
    if (columnsFirst) record.id = row.id;
    record.createdAt = dates.format(row.createdAt);
    record.updatedAt = row.updatedAt === null ? null : dates.format(row.updatedAt);
    record.version = row.version;
    if (this.definition.softDelete) record.deleted = row.deleted;
    return record as ServerRecord;
  }

  /** The largest whole-number id, 0 when there is none: an autoIncrement table's next id is one more. */
  largestIntegerId(): number {
    const result = this.db.exec(`SELECT max(CAST("id" AS INTEGER)) FROM ${this.sqlName}`);
    return Number(result[0]?.values[0]?.[0] ?? 0);
  }

  /** Deletes every row and starts `seq` again at 1: the table as a new one would be. */
  empty(): void {
    this.db.run(`DELETE FROM ${this.sqlName}`);
    this.nextSeq = 1;
    this.writeCount = 0;
  }

  /** Frees every statement; the table cannot be used afterwards. */
  close(): void {
    for (const statement of [this.byId, this.insertRow, this.updateRow, this.deleteRow, ...this.queryCache.values()])
      statement.free();
    this.queryCache.clear();
  }

  private whereClause(where: CompiledSql | undefined, includeDeleted: boolean): { clause: string; params: SqlValue[] } {
    const conditions: string[] = [];
    if (!includeDeleted && this.definition.softDelete) conditions.push('"deleted" = 0');
    if (where !== undefined && where.sql !== '') conditions.push(where.sql);
    return { clause: conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`, params: where?.params ?? [] };
  }

  private cached(sql: string): Statement {
    const hit = this.queryCache.get(sql);
    if (hit !== undefined) {
      // Refresh its place: the map's order is the eviction order.
      this.queryCache.delete(sql);
      this.queryCache.set(sql, hit);
      return hit;
    }
    const statement = this.db.prepare(sql);
    this.queryCache.set(sql, statement);
    if (this.queryCache.size > QUERY_CACHE_LIMIT) {
      const [oldestSql, oldest] = this.queryCache.entries().next().value as [string, Statement];
      this.queryCache.delete(oldestSql);
      oldest.free();
    }
    return statement;
  }

  private all(statement: Statement, params: SqlValue[]): StoredRow[] {
    const rows: StoredRow[] = [];
    try {
      statement.bind(params);
      while (statement.step()) {
        const raw = statement.get();
        rows.push({
          seq: Number(raw[0]),
          id: String(raw[1]),
          createdAt: raw[2] as StoredTimestamp,
          updatedAt: raw[3] as StoredTimestamp | null,
          version: String(raw[4]),
          deleted: raw[5] === 1,
          values: raw.slice(6) as SqlValue[],
        });
      }
    } finally {
      statement.reset();
    }
    return rows;
  }

  private execute(statement: Statement, params: SqlValue[]): void {
    try {
      statement.bind(params);
      statement.step();
    } finally {
      statement.reset();
    }
  }
}
