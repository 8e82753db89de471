/**
 * The parts of `azure-mobile-apps-client` 2.0.1 the driver calls, as the SDK's sources define
 * them. The package ships no types, so the loader checks these shapes at run time before the
 * driver trusts them.
 */
import type { PushHandler } from '../kernel/driver.js';

/**
 * The SDK's own Promises/A+ implementation (Utilities/Promises.js). Every callback runs from a
 * `setTimeout(…, 1)`. It is a thenable, so `await` works on it.
 */
export interface SdkPromise<T> {
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): SdkPromise<R1 | R2>;
}

/** A record as the SDK holds it: an object of the sandbox's realm (dates are its Dates). */
export type SdkRecord = Record<string, unknown> & { id?: unknown };

/** azure-query-js's query operators; each returns the query it was called on (`Q`). */
export interface SdkQueryOperators<Q> {
  /** A string is an OData literal the provider copies as it is, each `?` outside a string literal taking the next value. */
  where(constraint: string, ...values: unknown[]): Q;
  orderBy(...columns: string[]): Q;
  orderByDescending(...columns: string[]): Q;
  skip(count: number): Q;
  take(count: number): Q;
  select(...columns: string[]): Q;
  includeTotalCount(): Q;
}

/** azure-query-js `Query`. */
export interface SdkQuery extends SdkQueryOperators<SdkQuery> {
  getComponents(): Record<string, unknown>;
  toOData(): string;
}

/** A query a sync table's operator started (tableHelper.js): its `read()` reads that table. */
export interface SdkTableQuery extends SdkQueryOperators<SdkTableQuery> {
  read(): SdkPromise<SdkReadResult>;
}

/** What a local read resolves with: the rows, or `{ result, count }` when the query asked for the count. */
export type SdkReadResult = SdkRecord[] | { result: SdkRecord[]; count: number };

/** `client.getSyncTable(name)` (sync/MobileServiceSyncTable.js); its query operators start a query bound to it. */
export interface SdkSyncTable extends SdkQueryOperators<SdkTableQuery> {
  read(query?: SdkQuery): SdkPromise<SdkReadResult>;
}

export type SdkQueryConstructor = new (table: string) => SdkQuery;

/** `columnDefinitions` values the SQLite store accepts (sync/ColumnType.js). */
export type SdkColumnType =
  'object' | 'array' | 'integer' | 'int' | 'float' | 'real' | 'string' | 'text' | 'boolean' | 'bool' | 'date';

export interface SdkTableDefinition {
  name: string;
  columnDefinitions: Record<string, SdkColumnType>;
}

export interface SdkSqliteStore {
  init(): SdkPromise<void>;
  defineTable(definition: SdkTableDefinition): SdkPromise<void>;
  close(): SdkPromise<void>;
}

/** What `createPushError` returns (sync/pushError.js). */
export interface SdkPushError {
  isHandled: unknown;
  getError(): unknown;
  isConflict(): boolean;
  getTableName(): string;
  getAction(): string;
  getServerRecord(): SdkRecord | null | undefined;
  getClientRecord(): SdkRecord | null | undefined;
  cancelAndUpdate(record: object): SdkPromise<void>;
  cancelAndDiscard(): SdkPromise<void>;
  cancel(): SdkPromise<void>;
  update(record: object): SdkPromise<void>;
  changeAction(action: string, record?: object): SdkPromise<void>;
}

/** The operation table manager (sync/operations.js), exposed by the context for its tests. */
export interface SdkOperationTableManager {
  lockOperation(id: number): SdkPromise<void>;
  unlockOperation(): SdkPromise<void>;
  removeLockedOperation(): SdkPromise<void>;
}

export interface SdkSyncContext {
  initialize(store: SdkSqliteStore): SdkPromise<void>;
  insert(table: string, instance: SdkRecord): SdkPromise<SdkRecord>;
  update(table: string, instance: SdkRecord): SdkPromise<SdkRecord>;
  lookup(table: string, id: string, suppressRecordNotFoundError?: boolean): SdkPromise<SdkRecord | undefined>;
  /** An array, or `{ result, count }` for a query with includeTotalCount(). */
  read(query: SdkQuery): SdkPromise<SdkReadResult>;
  del(table: string, instance: SdkRecord): SdkPromise<void>;
  pull(query: SdkQuery, queryId?: string | null, settings?: { pageSize?: number }): SdkPromise<void>;
  /** Resolves with the conflicts nobody handled. */
  push(): SdkPromise<SdkPushError[]>;
  purge(query: SdkQuery, forcePurge?: boolean): SdkPromise<void>;
  pushHandler: PushHandler | undefined;
  _getOperationTableManager(): SdkOperationTableManager | undefined;
}

export interface SdkClient {
  readonly applicationUrl: string;
  getSyncContext(): SdkSyncContext;
  getSyncTable(name: string): SdkSyncTable;
}

export interface SdkClientConstructor {
  new (applicationUrl: string): SdkClient;
  /** Module-level state: one per loaded SDK, read from the settings store at load time. */
  readonly _applicationInstallationId: string;
}

/** The package's exports on the Cordova target (sdk/src/index.js). */
export interface SdkApi {
  readonly MobileServiceClient: SdkClientConstructor;
  readonly MobileServiceSqliteStore: new (dbName?: string) => SdkSqliteStore;
  readonly Query: SdkQueryConstructor;
}

/** Checks the loaded module's shape; the SDK is plain JavaScript. */
export function asSdkApi(exports: unknown): SdkApi {
  const api = exports as Partial<Record<keyof SdkApi, unknown>> | null;
  if (api === null || typeof api !== 'object')
    throw new Error('azure-mobile-apps-client: the entry module exported nothing');
  for (const name of ['MobileServiceClient', 'MobileServiceSqliteStore', 'Query'] as const) {
    if (typeof api[name] !== 'function') {
      throw new Error(
        `azure-mobile-apps-client: export ${name} is missing` +
          (name === 'MobileServiceSqliteStore' ? ' (the SDK did not detect the Cordova target)' : ''),
      );
    }
  }
  return api as SdkApi;
}
