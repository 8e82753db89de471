/**
 * The ClientDriver seam: what the world, the scenarios and the checkers see of a virtual client.
 * The reference client, the real-SDK driver and a team's own client all implement it.
 */
import type { Transport } from '../protocol/http.js';
import type { JsonObject, TableDefinition } from '../protocol/records.js';
import type { Clock } from './clock.js';
import type { LocalQuery, LocalQueryResult, TableAccess } from './local-query.js';
import type { RandomSource } from './random.js';

/** The actions of a queued operation, in the SDK's words; also the writes a server editor makes. */
export const OPERATION_ACTIONS = ['insert', 'update', 'delete'] as const;
export type OperationAction = (typeof OPERATION_ACTIONS)[number];

/** One entry of a client's operation log, as a snapshot shows it. */
export interface PendingOperation {
  /** Position in the log (ascending = push order). */
  readonly id: number;
  readonly table: string;
  readonly action: OperationAction;
  readonly itemId: string;
  /** True while the operation is being pushed. */
  readonly locked?: boolean;
}

export interface ClientSnapshot {
  /** Local rows per table, sorted by id. */
  readonly tables: Record<string, JsonObject[]>;
  /** The operation log in push order. */
  readonly operations: PendingOperation[];
}

/** What `push()` reports back when it completed: conflicts nobody handled. */
export interface PushSummary {
  readonly unhandledConflicts: { table: string; action: OperationAction; itemId: string; status: number }[];
}

/**
 * The app's conflict and error handler, in the SDK's shape. The push error's type is the
 * client's own (`PushError` for the reference client, the SDK's object for the real one);
 * both offer the same methods.
 */
export interface PushHandler {
  onConflict?: (pushError: PushErrorLike) => unknown;
  onError?: (pushError: PushErrorLike) => unknown;
}

/** The documented surface of a push error, shared by the reference client and the SDK. */
export interface PushErrorLike {
  getError(): unknown;
  isConflict(): boolean;
  getTableName(): string;
  getAction(): string;
  getServerRecord(): JsonObject | null | undefined;
  getClientRecord(): JsonObject | null | undefined;
  cancelAndUpdate(record: JsonObject): Promise<unknown>;
  cancelAndDiscard(): Promise<unknown>;
  cancel(): Promise<unknown>;
  update(record: JsonObject): Promise<unknown>;
  changeAction(action: string, record?: JsonObject): Promise<unknown>;
  isHandled: boolean;
}

/**
 * One write to a client's local store, as its driver reports it (see
 * {@link ClientEnvironment.onStoreWrite}). A write is either a data-changing statement
 * (INSERT, UPDATE, DELETE, REPLACE, CREATE, ALTER, DROP — never a read, BEGIN or ROLLBACK) or the
 * COMMIT of a transaction that ran at least one of them.
 */
export interface StoreWrite {
  /**
   * `statement`: a statement inside a transaction, lost if the app dies before the commit;
   * `commit`: the COMMIT that makes the transaction's statements durable; `autocommit`: a
   * statement run outside any transaction, durable as soon as it ran.
   */
  readonly kind: 'statement' | 'commit' | 'autocommit';
  /** The statement's verb in lower case (`insert`, `upsert`, `delete`, `create`…); `commit` for a commit. */
  readonly statement: string;
  /** The table a statement writes, when the driver knows it. Never a value. */
  readonly table?: string;
}

/**
 * Why the device's SQLite fails a write statement: `disk-full` (SQLITE_FULL, "database or disk is
 * full") or `locked` (SQLITE_BUSY, "database is locked": another process holds the file).
 */
export const STORE_FAULTS = ['disk-full', 'locked'] as const;
export type StoreFault = (typeof STORE_FAULTS)[number];

/**
 * What the world answers a reported store write: `crash` means the app dies right after this
 * write. The driver must then, before it returns, make sure nothing of this app instance writes
 * to its store or sends a request again (a `statement` of an open transaction is lost with it);
 * the world then calls {@link ClientDriver.restart}, which reopens the committed store.
 *
 * A {@link StoreFault} (given only for a `statement`) means SQLite failed that statement: the
 * driver must roll its transaction back, so the committed store is as before the transaction, and
 * let the failure reach whoever wrote (the app's call rejects, or its push or pull fails).
 */
export type StoreWriteVerdict = 'continue' | 'crash' | StoreFault;

export interface ClientDriver {
  /** Which implementation this is: `reference`, `sdk`, or a team's own name. */
  readonly kind: string;
  /**
   * True when the driver reports each store write through {@link ClientEnvironment.onStoreWrite}
   * and honours a `crash` verdict. A driver without it cannot be crashed between two store
   * writes: the world notes that the crash points planned for it never fire.
   */
  readonly reportsStoreWrites?: boolean;
  insert(table: string, record: JsonObject): Promise<JsonObject>;
  update(table: string, record: JsonObject): Promise<JsonObject>;
  delete(table: string, id: string): Promise<void>;
  lookup(table: string, id: string): Promise<JsonObject | null>;
  read(table: string): Promise<JsonObject[]>;
  /**
   * A local read through the client's own query API, reaching the table the way the app's code
   * does (`via`). Optional: a driver without it fails `query` steps. The result carries the
   * table's committed rows read from the store underneath, for the `local.query` checker.
   */
  query?(table: string, query: LocalQuery, via: TableAccess): Promise<LocalQueryResult>;
  push(): Promise<PushSummary>;
  /** Pulls the table (a filter in OData syntax narrows it; a queryId makes it incremental). */
  pull(table: string, options?: { queryId?: string; filter?: string }): Promise<void>;
  purge(table: string, options?: { force?: boolean }): Promise<void>;
  /**
   * Kills the app and reopens it from its last committed store. Operations still in flight
   * are abandoned: whatever they do afterwards never touches the reopened store, and (the
   * reference client) an answer to a request of the dead app reaches nobody and it sends no
   * new request.
   */
  restart(): Promise<void>;
  /**
   * Kills the app as {@link restart} does and reopens it as a new app version whose table
   * definitions are `tables`: each earlier table with the same columns or more, perhaps new
   * tables. The store defines its tables again (adding the new columns to the rows it holds). A
   * driver without it cannot run programs with upgrades.
   */
  upgrade?(tables: readonly TableDefinition[]): Promise<void>;
  snapshot(): Promise<ClientSnapshot>;
  close(): Promise<void>;
}

/** What a driver is built from. */
export interface ClientEnvironment {
  /** The client's name in the world, e.g. `client-1`. */
  readonly name: string;
  /** Base URL the client believes it talks to (requests still go through `transport`). */
  readonly url: string;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly tables: readonly TableDefinition[];
  readonly pushHandler: PushHandler;
  /**
   * Optional for the driver to call: every store write, synchronously, as it happens (a
   * statement right after it ran, a commit right after it committed), in the order they
   * happen. Store writes are the progress a liveness check sees besides requests, and the
   * points between which the world can crash the app (see {@link StoreWriteVerdict}).
   */
  readonly onStoreWrite?: (write: StoreWrite) => StoreWriteVerdict;
}

export type ClientDriverFactory = ((environment: ClientEnvironment) => Promise<ClientDriver>) & {
  /**
   * The factory's promise that its clients wait on promises and the world's clock alone —
   * never on `setImmediate`, `process.nextTick` or real I/O. A world whose drivers all say so
   * uses the faster `microtasks` drain by default (see `DrainMode`).
   */
  readonly waitsOnlyOnPromises?: boolean;
  /**
   * The factory's hint that its clients step through many timers whose callbacks make and settle
   * no promise (the real SDK's promise library runs each continuation through `setTimeout(…, 1)`).
   * A `microtasks` world with such a client fires those timers back to back, without a drain
   * after each (same order; see `promise-activity.ts` for what it relies on).
   */
  readonly quietTimers?: boolean;
};

/**
 * Marks a factory as {@link ClientDriverFactory.waitsOnlyOnPromises} (and, with `quietTimers`,
 * as {@link ClientDriverFactory.quietTimers}).
 */
export function promiseOnlyFactory(
  factory: (environment: ClientEnvironment) => Promise<ClientDriver>,
  options: { readonly quietTimers?: boolean } = {},
): ClientDriverFactory {
  return Object.assign(
    factory,
    { waitsOnlyOnPromises: true as const },
    options.quietTimers === true ? { quietTimers: true as const } : {},
  );
}
