/**
 * The real `azure-mobile-apps-client` 2.0.1 as a virtual client behind the ClientDriver seam.
 *
 * The package runs unchanged in a sandbox per app instance (see sandbox.ts): its local store is
 * `MobileServiceSqliteStore` over a Cordova sqlite plugin backed by sql.js, its HTTP goes
 * through an XMLHttpRequest onto the environment's transport, its timers run on the
 * environment's clock. The environment's push handler is installed as the sync context's
 * `pushHandler`, untouched, so it receives the SDK's own push error objects.
 */
import type { SqlJsStatic } from 'sql.js';
import type { JsonObject, TableDefinition } from '../protocol/records.js';
import {
  promiseOnlyFactory,
  type ClientDriver,
  type ClientDriverFactory,
  type ClientEnvironment,
  type ClientSnapshot,
  type OperationAction,
  type PendingOperation,
  type PushSummary,
} from '../kernel/driver.js';
import { AbandonedOperationError, SdkApp } from './app.js';
import type { ScriptCache } from './loader.js';
import {
  byId,
  decodeRow,
  DEFAULT_SYSTEM_COLUMNS,
  sdkTableDefinition,
  toJsonRecord,
  toSdkRecord,
  type SystemColumn,
} from './records.js';
import type {
  SdkPromise,
  SdkPushError,
  SdkQuery,
  SdkReadResult,
  SdkRecord,
  SdkSyncTable,
  SdkTableDefinition,
  SdkTableQuery,
} from './sdk-types.js';
import { buildQuery, type LocalQuery, type LocalQueryResult, type TableAccess } from '../kernel/local-query.js';
import { loadSqlJs } from '../sqlite/sqljs.js';
import { DeviceFile, type DeviceFileSource } from './sqlite-plugin.js';
import type { SimXMLHttpRequest } from './xhr.js';
import { OPERATION_ACTIONS } from '../kernel/driver.js';
import { deepFreeze } from '../kernel/deep-freeze.js';
import { SdkMutations, type SdkHarnessMutation } from './mutations.js';

export interface SdkDriverOptions {
  /** System columns the local tables declare besides `id`. Default `['version']`. */
  readonly systemColumns?: readonly SystemColumn[];
  /** The store's database name. Default `syncwright.db`. */
  readonly databaseName?: string;
  /** Pull page size (the SDK's default is 50). */
  readonly pageSize?: number;
  /** Apply the WebView's ≥ 4 ms clamp to timers nested more than five deep. Default true. */
  readonly clampNestedTimers?: boolean;
  /** Exceptions thrown inside the page's callbacks (the SDK's window.onerror). */
  readonly onUncaughtError?: (client: string, error: unknown) => void;
  /** A sql.js module to use instead of the shared one. */
  readonly sql?: SqlJsStatic;
  readonly scriptCache?: ScriptCache;
  /** Deliberate bugs of the harness (its shims, not the SDK), for the self-test. Default none. */
  readonly mutations?: readonly SdkHarnessMutation[];
}

const OPERATIONS_TABLE = '__operations';
const MAX_UNCAUGHT_KEPT = 100;
const ACTIONS: readonly string[] = OPERATION_ACTIONS;

/** A driver factory with options. */
export function createSdkDriverFactory(options: SdkDriverOptions = {}): ClientDriverFactory {
  // The SDK's sandbox has no setImmediate, nextTick or queueMicrotask: its timers are the world's
  // clock, its database calls answer through promises. Most of its timers only step its own
  // promise library (quiet: no native promise made or settled).
  return promiseOnlyFactory(
    async (environment) => {
      const driver = new SdkDriver(environment, options, options.sql ?? (await loadSqlJs()));
      await driver.start();
      return driver;
    },
    { quietTimers: true },
  );
}

/** The real SDK with the defaults: tables declare `id`, `version` and their own columns. */
export const createSdkDriver: ClientDriverFactory = createSdkDriverFactory();

export class SdkDriver implements ClientDriver {
  readonly kind = 'sdk';
  readonly reportsStoreWrites = true;
  /** The running app version's table definitions (an upgrade brings the next version's). */
  private definitions: ReadonlyMap<string, SdkTableDefinition>;
  private readonly databaseName: string;
  /** The device: its database files and web storage outlive app instances. */
  private files: Map<string, DeviceFileSource> = new Map();
  private readonly storage = new Map<string, string>();
  private app: SdkApp | undefined;
  private starting: Promise<SdkApp> | undefined;
  private closed = false;
  private generation = 0;
  private readonly uncaught: unknown[] = [];
  private readonly mutations: SdkMutations | undefined;
  private readonly keptTables = new WeakMap<SdkApp, Map<string, SdkSyncTable>>();
  /**
   * The last snapshot and what it was read from. A scenario snapshots every client around every
   * step, and most steps leave most clients' files alone: while the file, its edit count and the
   * table definitions are the same, the rows are too, and reading and decoding them again is
   * about a tenth of an SDK run's store time.
   */
  private lastSnapshot:
    | {
        readonly file: DeviceFile;
        readonly version: number;
        readonly definitions: ReadonlyMap<string, SdkTableDefinition>;
        readonly snapshot: ClientSnapshot;
      }
    | undefined;

  constructor(
    private readonly environment: ClientEnvironment,
    private readonly options: SdkDriverOptions,
    private readonly sql: SqlJsStatic,
  ) {
    this.definitions = this.definitionsOf(environment.tables);
    this.databaseName = options.databaseName ?? 'syncwright.db';
    this.mutations = options.mutations === undefined ? undefined : new SdkMutations(options.mutations);
    if (options.pageSize !== undefined && !(Number.isInteger(options.pageSize) && options.pageSize > 0)) {
      throw new Error(`sdk driver: pageSize must be a positive integer, not ${options.pageSize}`);
    }
  }

  /** Starts (or restarts) the app over the device's files. */
  async start(): Promise<void> {
    await this.launch();
  }

  /**
   * Exceptions that escaped into the page's callbacks (what `window.onerror` would see), oldest
   * first, across restarts. The SDK catches its own errors; anything here is worth a look.
   */
  get uncaughtErrors(): readonly unknown[] {
    return this.uncaught;
  }

  /** The running app instance (for tests and tools that look inside). */
  get current(): SdkApp | undefined {
    return this.app;
  }

  async insert(table: string, record: JsonObject): Promise<JsonObject> {
    const definition = this.definition(table);
    const app = await this.ready();
    const instance = toSdkRecord(record, definition, app.sandbox);
    const result = await app.call(() => app.syncContext.insert(table, instance), `insert into ${table}`);
    return toJsonRecord(result);
  }

  async update(table: string, record: JsonObject): Promise<JsonObject> {
    const definition = this.definition(table);
    const app = await this.ready();
    const instance = toSdkRecord(record, definition, app.sandbox);
    const result = await app.call(() => app.syncContext.update(table, instance), `update of ${table}`);
    return toJsonRecord(result);
  }

  async delete(table: string, id: string): Promise<void> {
    this.definition(table);
    const app = await this.ready();
    const instance = app.sandbox.parseJson(JSON.stringify({ id })) as SdkRecord;
    await app.call(() => app.syncContext.del(table, instance), `delete from ${table}`);
  }

  async lookup(table: string, id: string): Promise<JsonObject | null> {
    this.definition(table);
    const app = await this.ready();
    const result = await app.call(() => app.syncContext.lookup(table, id, true), `lookup in ${table}`);
    return result === undefined || result === null ? null : toJsonRecord(result);
  }

  async read(table: string): Promise<JsonObject[]> {
    this.definition(table);
    const app = await this.ready();
    const read = await app.call(() => app.syncContext.read(new app.api.Query(table)), `read of ${table}`);
    return answerOf(read).rows;
  }

  async query(table: string, query: LocalQuery, via: TableAccess): Promise<LocalQueryResult> {
    this.definition(table);
    const app = await this.ready();
    const committed = await this.committedRows(app, table);
    // A Date of the page's realm, as the app would make it.
    const makeDate = (epochMs: number): unknown => app.sandbox.makeDate(epochMs);
    const read = (): SdkPromise<SdkReadResult> => {
      if (via === 'context') {
        const start = new app.api.Query(table);
        return app.syncContext.read(buildQuery<SdkQuery, unknown>(start, query, makeDate) ?? start);
      }
      const syncTable = via === 'sync-table' ? app.client.getSyncTable(table) : this.keptTable(app, table);
      const built = buildQuery<SdkTableQuery, unknown>(syncTable, query, makeDate);
      return built === undefined ? syncTable.read() : built.read();
    };
    const answer = answerOf(await app.call(read, `query of ${table}`));
    const after = await this.committedRows(app, table);
    return {
      rows: answer.rows,
      ...(query.includeTotalCount === true && answer.count !== undefined ? { totalCount: answer.count } : {}),
      committed,
      ...(JSON.stringify(after) === JSON.stringify(committed) ? {} : { committedAfter: after }),
    };
  }

  async push(): Promise<PushSummary> {
    const app = await this.ready();
    const conflicts = await app.call(() => app.syncContext.push(), 'push');
    return { unhandledConflicts: conflicts.map(describeConflict) };
  }

  async pull(table: string, options: { queryId?: string; filter?: string } = {}): Promise<void> {
    this.definition(table);
    if (options.filter !== undefined && typeof options.filter !== 'string')
      throw new TypeError('sdk driver: a pull filter must be a string');
    if (options.queryId !== undefined && (typeof options.queryId !== 'string' || options.queryId === '')) {
      throw new TypeError('sdk driver: a queryId must be a non-empty string');
    }
    const app = await this.ready();
    const query = new app.api.Query(table);
    if (options.filter !== undefined && options.filter.trim() !== '') query.where(options.filter);
    const settings = this.options.pageSize === undefined ? undefined : { pageSize: this.options.pageSize };
    await app.call(() => app.syncContext.pull(query, options.queryId ?? null, settings), `pull of ${table}`);
  }

  async purge(table: string, options: { force?: boolean } = {}): Promise<void> {
    this.definition(table);
    const app = await this.ready();
    await app.call(() => app.syncContext.purge(new app.api.Query(table), options.force === true), `purge of ${table}`);
  }

  /**
   * Kills the app and starts it as the next app version: its start-up calls the SDK's
   * `defineTable` with the new definitions over the device's database, as an upgraded app would.
   */
  async upgrade(tables: readonly TableDefinition[]): Promise<void> {
    this.assertOpen();
    this.definitions = this.definitionsOf(tables);
    await this.restart();
  }

  private definitionsOf(tables: readonly TableDefinition[]): ReadonlyMap<string, SdkTableDefinition> {
    const systemColumns = this.options.systemColumns ?? DEFAULT_SYSTEM_COLUMNS;
    const definitions = new Map<string, SdkTableDefinition>();
    for (const table of tables) {
      if (definitions.has(table.name)) throw new Error(`sdk driver: table ${table.name} is defined twice`);
      definitions.set(table.name, sdkTableDefinition(table, systemColumns));
    }
    return definitions;
  }

  /** Kills the app (calls in flight reject with AbandonedOperationError) and starts it again. */
  async restart(): Promise<void> {
    this.assertOpen();
    this.kill();
    await this.launch();
  }

  /**
   * Local rows (what `read` returns, in id order) and the operation log, read from the
   * committed database. Waits, without moving time, for a write transaction to end.
   */
  async snapshot(): Promise<ClientSnapshot> {
    const app = await this.ready();
    await this.committedState(app, 'the snapshot');
    const file = app.plugin.openFile(this.databaseName);
    const last = this.lastSnapshot;
    if (
      last !== undefined &&
      file === last.file &&
      file.version === last.version &&
      this.definitions === last.definitions
    ) {
      return last.snapshot;
    }
    const tables: Record<string, JsonObject[]> = {};
    for (const name of this.definitions.keys()) tables[name] = this.tableRows(app, name);
    const operations: PendingOperation[] = this.queryOrEmpty(
      app,
      `SELECT id, tableName, action, itemId FROM [${OPERATIONS_TABLE}] ORDER BY id`,
    ).map((row) => ({
      id: Number(row['id']),
      table: String(row['tableName']),
      action: toAction(row['action']),
      itemId: String(row['itemId']),
    }));
    // Frozen: the same object may be handed out again (see lastSnapshot).
    const snapshot = deepFreeze({ tables, operations });
    if (file !== undefined)
      this.lastSnapshot = { file, version: file.version, definitions: this.definitions, snapshot };
    return snapshot;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.kill();
    // The device is gone with its files.
    for (const file of this.files.values()) if (file instanceof DeviceFile) file.close();
    this.files.clear();
  }

  /** Waits, without moving time, until no write transaction is open: what the database holds then is committed. */
  private async committedState(app: SdkApp, what: string): Promise<void> {
    for (;;) {
      await app.plugin.whenIdle(this.databaseName);
      if (!app.alive) throw new AbandonedOperationError(what);
      if (!app.plugin.isWriting(this.databaseName)) return;
    }
  }

  /** A table's committed rows, read from the database underneath the SDK, in id order. */
  private tableRows(app: SdkApp, table: string): JsonObject[] {
    const definition = this.definition(table);
    return this.queryOrEmpty(app, `SELECT * FROM [${table}]`)
      .map((row) => decodeRow(row, definition, this.mutations))
      .sort(byId);
  }

  private async committedRows(app: SdkApp, table: string): Promise<JsonObject[]> {
    await this.committedState(app, `the committed rows of ${table}`);
    return this.tableRows(app, table);
  }

  /** The sync table this app instance asked for once and keeps (`kept-sync-table`). */
  private keptTable(app: SdkApp, table: string): SdkSyncTable {
    let tables = this.keptTables.get(app);
    if (tables === undefined) this.keptTables.set(app, (tables = new Map()));
    const kept = tables.get(table) ?? app.client.getSyncTable(table);
    tables.set(table, kept);
    return kept;
  }

  private kill(): void {
    this.generation++;
    if (this.app !== undefined) {
      this.files = this.app.kill();
      this.app = undefined;
    }
    this.starting = undefined;
  }

  private launch(): Promise<SdkApp> {
    this.assertOpen();
    const generation = this.generation;
    const starting = SdkApp.start({
      sql: this.sql,
      clock: this.environment.clock,
      random: this.environment.random,
      transport: this.environment.transport,
      url: this.environment.url,
      files: this.files,
      storage: this.storage,
      databaseName: this.databaseName,
      tables: [...this.definitions.values()],
      pushHandler: this.environment.pushHandler,
      ...(this.environment.onStoreWrite === undefined ? {} : { onStoreWrite: this.environment.onStoreWrite }),
      ...(this.options.clampNestedTimers === undefined ? {} : { clampNestedTimers: this.options.clampNestedTimers }),
      ...(this.options.scriptCache === undefined ? {} : { cache: this.options.scriptCache }),
      ...(this.mutations === undefined ? {} : { mutations: this.mutations }),
      onUncaughtError: (error) => {
        if (this.uncaught.length < MAX_UNCAUGHT_KEPT) this.uncaught.push(error);
        this.options.onUncaughtError?.(this.environment.name, error);
      },
      onCreated: (app) => {
        // Known before start-up finishes, so that a restart during start-up can kill it.
        if (generation === this.generation) this.app = app;
      },
    }).then((app) => {
      if (generation !== this.generation) {
        throw new AbandonedOperationError('the app start-up');
      }
      this.app = app;
      return app;
    });
    // Awaited by start()/restart() and by calls waiting for the app; a start-up abandoned by a
    // restart may have no one left to hear of it.
    starting.catch(() => undefined);
    this.starting = starting;
    return starting;
  }

  private async ready(): Promise<SdkApp> {
    this.assertOpen();
    const starting = this.starting;
    if (starting === undefined) throw new Error('sdk driver: the app is not running (start() was not called)');
    return starting;
  }

  private definition(table: string): SdkTableDefinition {
    this.assertOpen();
    const definition = this.definitions.get(table);
    if (definition === undefined) throw new Error(`sdk driver: unknown table ${JSON.stringify(table)}`);
    return definition;
  }

  private queryOrEmpty(app: SdkApp, sql: string): ReturnType<SdkApp['plugin']['query']> {
    try {
      return app.plugin.query(this.databaseName, sql);
    } catch (error) {
      if (error instanceof Error && /no such table|is not open/.test(error.message)) return [];
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('sdk driver: the client is closed');
  }
}

/** The rows (as JSON) and the count of a local read's answer. */
function answerOf(read: SdkReadResult): { rows: JsonObject[]; count?: number } {
  if (Array.isArray(read)) return { rows: read.map((row) => toJsonRecord(row)) };
  return { rows: read.result.map((row) => toJsonRecord(row)), count: read.count };
}

function toAction(value: unknown): OperationAction {
  const action = String(value);
  if (!ACTIONS.includes(action))
    throw new Error(`sdk driver: the operation log holds an unknown action ${JSON.stringify(action)}`);
  return action as OperationAction;
}

/** What push() reports of an unhandled conflict. */
function describeConflict(pushError: SdkPushError): PushSummary['unhandledConflicts'][number] {
  const error = pushError.getError() as { request?: Partial<SimXMLHttpRequest> } | null;
  const request = error?.request;
  const status = typeof request?.status === 'number' ? request.status : 0;
  return {
    table: pushError.getTableName(),
    action: toAction(pushError.getAction()),
    itemId: conflictItemId(pushError, request),
    status,
  };
}

function conflictItemId(pushError: SdkPushError, request: Partial<SimXMLHttpRequest> | undefined): string {
  const client = pushError.getClientRecord();
  if (client !== null && client !== undefined && typeof client['id'] === 'string') return client['id'];
  // A delete has no client record; its URL names the item.
  const url = request?.sentRequest?.url;
  const match = url === undefined ? null : /^\/tables\/[^/?]+\/([^/?]+)/.exec(url);
  if (match !== null) return decodeURIComponent(match[1]!);
  const server = pushError.getServerRecord();
  return server !== null && server !== undefined && typeof server['id'] === 'string' ? server['id'] : '';
}
