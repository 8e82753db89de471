/**
 * The reference client behind the simulator's ClientDriver seam. Records cross the seam as
 * plain JSON (dates as ISO text); inside, they are typed by each table's local columns.
 */
import type { Transport } from '../protocol/http.js';
import type { JsonObject, TableDefinition } from '../protocol/records.js';
import {
  promiseOnlyFactory,
  type ClientDriver,
  type ClientDriverFactory,
  type ClientEnvironment,
  type ClientSnapshot,
  type PushSummary,
} from '../kernel/driver.js';
import { MobileServiceClient } from './client.js';
import type { OperationAction } from './collapse.js';
import { ColumnSet, type ColumnTypeName, type LocalRecord } from './columns.js';
import type { ClientMutation } from './mutations.js';
import type { PushHandler } from './push.js';
import { Query, type FilterValue, type ReadResult } from './query.js';
import type { MobileServiceSyncTable } from './sync-table.js';
import { buildQuery, type LocalQuery, type LocalQueryResult, type TableAccess } from '../kernel/local-query.js';
import { toJsonRecord, toLocalRecord } from './records.js';
import { SqlJsStore } from './sqljs-store.js';
import type { MobileServiceSyncContext } from './sync-context.js';

export interface ReferenceDriverOptions {
  /** Deliberate bugs to build the client with (for the self-test). */
  mutations?: readonly ClientMutation[];
  /** Records per pull page (default 50, as the SDK). */
  pageSize?: number;
}

/** The local columns for a server table: its own columns plus the system columns. */
export function localColumnsFor(table: TableDefinition): Record<string, ColumnTypeName> {
  const columns: Record<string, ColumnTypeName> = { id: 'string' };
  for (const [name, type] of Object.entries(table.columns)) {
    columns[name] = type === 'number' ? 'real' : type;
  }
  columns['version'] = 'string';
  columns['createdAt'] = 'date';
  columns['updatedAt'] = 'date';
  columns['deleted'] = 'boolean';
  return columns;
}

/** A driver factory for the reference client built with `options`. */
export function createReferenceDriverWith(options: ReferenceDriverOptions = {}): ClientDriverFactory {
  // The reference client waits on promises and its clock alone (no nextTick, no real I/O).
  return promiseOnlyFactory(async (environment) => {
    const driver = new ReferenceDriver(environment, options);
    await driver.open(await SqlJsStore.open({}));
    return driver;
  });
}

export const createReferenceDriver: ClientDriverFactory = createReferenceDriverWith();

interface OpenClient {
  store: SqlJsStore;
  client: MobileServiceClient;
  context: MobileServiceSyncContext;
  /** The sync tables this app asked for once and keeps (`kept-sync-table`). */
  keptTables: Map<string, MobileServiceSyncTable>;
  /** Cuts this life's network: a killed app sends nothing more. */
  kill(): void;
}

class ReferenceDriver implements ClientDriver {
  readonly kind = 'reference';
  readonly reportsStoreWrites = true;
  private current: OpenClient | undefined;
  private readonly columns = new Map<string, ColumnSet>();
  /** The running app version's tables (an upgrade brings the next version's). */
  private tables: readonly TableDefinition[] = [];

  constructor(
    private readonly environment: ClientEnvironment,
    private readonly options: ReferenceDriverOptions,
  ) {
    this.defineVersion(environment.tables);
  }

  private defineVersion(tables: readonly TableDefinition[]): void {
    this.tables = tables;
    this.columns.clear();
    for (const table of tables) this.columns.set(table.name, new ColumnSet(localColumnsFor(table)));
  }

  /** Opens a client over a store (a new one, or one reopened from an earlier client's). */
  async open(store: SqlJsStore): Promise<void> {
    const { environment } = this;
    // A request already on its way when the app is killed still reaches the server, but its
    // answer reaches nobody; a request the dead app's leftover work would start is never sent.
    // Either way that work stops there, as it would with the app: no failure, no handler call.
    let alive = true;
    const onStoreWrite = environment.onStoreWrite;
    if (onStoreWrite !== undefined) {
      // A crash verdict kills the app within the write: the store stops itself (see
      // setWriteListener), the network goes here, before any of the app's code runs on.
      store.setWriteListener((write) => {
        const verdict = onStoreWrite(write);
        if (verdict === 'crash') alive = false;
        return verdict;
      });
    }
    for (const table of this.tables)
      await store.defineTable({ name: table.name, columnDefinitions: localColumnsFor(table) });
    const never = (): Promise<never> => new Promise<never>(() => undefined);
    const transport: Transport = (request) => {
      if (!alive) return never();
      return environment.transport(request).then(
        (response) => (alive ? response : never()),
        (error: unknown) => (alive ? Promise.reject(error) : never()),
      );
    };
    const client = new MobileServiceClient(environment.url, {
      transport,
      clock: environment.clock,
      random: environment.random,
      ...(this.options.mutations === undefined ? {} : { mutations: this.options.mutations }),
    });
    const context = client.getSyncContext();
    await context.initialize(store);
    context.pushHandler = jsonHandler(environment);
    this.current = {
      store,
      client,
      context,
      keptTables: new Map(),
      kill: () => {
        alive = false;
      },
    };
  }

  async insert(table: string, record: JsonObject): Promise<JsonObject> {
    const { context } = this.client();
    const inserted = await context.insert(table, this.toLocal(table, record));
    return this.json(await context.lookup(table, String(inserted['id']), true));
  }

  async update(table: string, record: JsonObject): Promise<JsonObject> {
    const { context } = this.client();
    const updated = await context.update(table, this.toLocal(table, record));
    return this.json(await context.lookup(table, String(updated['id']), true));
  }

  async delete(table: string, id: string): Promise<void> {
    await this.client().context.del(table, { id });
  }

  async lookup(table: string, id: string): Promise<JsonObject | null> {
    const record = await this.client().context.lookup(table, id, true);
    return record === null ? null : toJsonRecord(record);
  }

  async read(table: string): Promise<JsonObject[]> {
    const records = await this.client().context.read(new Query(table).orderBy('id'));
    return records.map(toJsonRecord);
  }

  async query(table: string, query: LocalQuery, via: TableAccess): Promise<LocalQueryResult> {
    this.toLocal(table, {});
    const open = this.client();
    const committed = await this.committedRows(table);
    const makeDate = (epochMs: number): FilterValue => new Date(epochMs);
    let result: ReadResult;
    if (via === 'context') {
      const start = new Query(table);
      result = await open.context.read(buildQuery(start, query, makeDate) ?? start);
    } else {
      const syncTable = via === 'sync-table' ? open.client.getSyncTable(table) : keptTable(open, table);
      const built = buildQuery<Query, FilterValue>(syncTable, query, makeDate);
      result = await (built === undefined ? syncTable.read() : built.read());
    }
    const after = await this.committedRows(table);
    return {
      rows: result.map(toJsonRecord),
      ...(query.includeTotalCount === true && result.totalCount !== undefined ? { totalCount: result.totalCount } : {}),
      committed,
      ...(JSON.stringify(after) === JSON.stringify(committed) ? {} : { committedAfter: after }),
    };
  }

  async push(): Promise<PushSummary> {
    const conflicts = await this.client().context.push();
    return {
      unhandledConflicts: conflicts.map((conflict) => ({
        table: conflict.getTableName(),
        action: conflict.getAction(),
        itemId: conflict.getItemId(),
        status: conflict.getStatus() ?? 0,
      })),
    };
  }

  async pull(table: string, options: { queryId?: string; filter?: string } = {}): Promise<void> {
    const query = new Query(table);
    if (options.filter !== undefined && options.filter.trim() !== '') query.where(options.filter);
    const settings = this.options.pageSize === undefined ? undefined : { pageSize: this.options.pageSize };
    await this.client().context.pull(query, options.queryId ?? null, settings);
  }

  async purge(table: string, options: { force?: boolean } = {}): Promise<void> {
    await this.client().context.purge(new Query(table), options.force ?? false);
  }

  /**
   * Kills the app and reopens it from what its store had committed. The old store is closed
   * first, so whatever the old client still has in flight can never write to anything again.
   * The committed data is handed over in memory ({@link SqlJsStore.reopen}), which is what an
   * export and an open of the bytes would give, at a fraction of the cost.
   */
  async restart(): Promise<void> {
    const old = this.client();
    old.kill();
    this.current = undefined;
    await this.open(await old.store.reopen());
  }

  /** A restart as the next app version: its store defines the new tables and adds the new columns. */
  async upgrade(tables: readonly TableDefinition[]): Promise<void> {
    const before = this.tables;
    this.defineVersion(tables);
    await this.restart();
    if (this.options.mutations?.includes('upgrade-recreates-table') !== true) return;
    const { store } = this.client();
    for (const table of tables) {
      const old = before.find((candidate) => candidate.name === table.name);
      if (old !== undefined && Object.keys(table.columns).some((column) => !(column in old.columns)))
        await store.del(new Query(table.name));
    }
  }

  async snapshot(): Promise<ClientSnapshot> {
    const { context } = this.client();
    const tables: Record<string, JsonObject[]> = {};
    // The store itself, not the app's read(): a snapshot is what the store holds.
    for (const table of this.tables) tables[table.name] = await this.committedRows(table.name);
    const operations = (await context.getPendingOperations()).map((operation) => ({
      id: operation.id,
      table: operation.tableName,
      action: operation.action as OperationAction,
      itemId: operation.itemId,
      ...(operation.locked ? { locked: true } : {}),
    }));
    return { tables, operations };
  }

  async close(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    await current?.store.close();
  }

  /** The table's rows as the store holds them, in id order: the store itself, not the app's read(). */
  private async committedRows(table: string): Promise<JsonObject[]> {
    return (await this.client().context.store.read(new Query(table).orderBy('id'))).map(toJsonRecord);
  }

  private client(): OpenClient {
    if (this.current === undefined) throw new Error(`Client ${this.environment.name} is closed`);
    return this.current;
  }

  private toLocal(table: string, record: JsonObject): LocalRecord {
    const columns = this.columns.get(table);
    if (columns === undefined) throw new Error(`Unknown table '${table}'`);
    return toLocalRecord(record, columns);
  }

  private json(record: LocalRecord | null): JsonObject {
    if (record === null) throw new Error('The record vanished right after it was written');
    return toJsonRecord(record);
  }
}

function keptTable(open: OpenClient, table: string): MobileServiceSyncTable {
  const kept = open.keptTables.get(table) ?? open.client.getSyncTable(table);
  open.keptTables.set(table, kept);
  return kept;
}

/** The environment's JSON-speaking handler, fed JSON views of the reference client's push errors. */
function jsonHandler(environment: ClientEnvironment): PushHandler {
  return {
    onConflict: (pushError) => environment.pushHandler.onConflict?.(pushError.asJson()),
    onError: (pushError) => environment.pushHandler.onError?.(pushError.asJson()),
  };
}
