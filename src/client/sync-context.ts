/**
 * The offline sync context: local writes that log operations, push, pull and purge. Push, pull
 * and purge run one at a time; every step that reads the store and then writes it runs one at
 * a time too, so a local write is one atomic batch (the record and its log entry) that never
 * interleaves with a push step or a pull page. While the push handler runs, push, pull and
 * purge are refused rather than queued behind the push that waits for the handler.
 */
import type { OperationAction } from './collapse.js';
import type { LocalRecord } from './columns.js';
import { assertValidId } from './ids.js';
import type { RequestSender } from './http.js';
import type { Mutations } from './mutations.js';
import { OperationLog, type OperationRecord } from './operation-log.js';
import { PullManager, PULLTIME_TABLE, type PullSettings } from './pull.js';
import { PushManager, ReentrantCallError, type PushHandler } from './push.js';
import type { PushError } from './push-error.js';
import { Query, type ReadResult } from './query.js';
import { propertyOf } from './records.js';
import type { MobileServiceStore, StoreOperation } from './store.js';
import { StaleReads, type SyncKind } from './stale-reads.js';
import type { SyncDeps } from './sync-deps.js';
import { TaskRunner } from './task-runner.js';

/** An entry of the operation log as {@link MobileServiceSyncContext.getPendingOperations} shows it. */
export interface PendingOperationInfo extends OperationRecord {
  /** True while the operation is being pushed. */
  locked: boolean;
}

export interface SyncContextOptions {
  sender: RequestSender;
  mutations: Mutations;
  newId: () => string;
}

export class MobileServiceSyncContext {
  /** The app's conflict and error handler, called during {@link push}. */
  pushHandler: PushHandler | undefined;

  private deps: SyncDeps | undefined;
  private pushManager: PushManager | undefined;
  private pullManager: PullManager | undefined;
  private readonly syncRunner = new TaskRunner();
  private readonly storeRunner = new TaskRunner();
  /** The read-path mutants (off unless asked for). */
  private readonly staleReads: StaleReads;

  constructor(private readonly options: SyncContextOptions) {
    this.staleReads = new StaleReads(options.mutations);
  }

  /** Takes a store into use: creates the operation log and pull-state tables in it. */
  async initialize(store: MobileServiceStore): Promise<void> {
    if (typeof store !== 'object' || store === null) throw new TypeError('initialize() expects a store');
    const log = new OperationLog(store, this.options.mutations);
    await log.initialize();
    const deps: SyncDeps = {
      store,
      log,
      storeRunner: this.storeRunner,
      sender: this.options.sender,
      mutations: this.options.mutations,
    };
    const pushManager = new PushManager(deps);
    const pullManager = new PullManager(deps, () => pushManager.push(this.pushHandler));
    await pullManager.initialize();
    this.deps = deps;
    this.pushManager = pushManager;
    this.pullManager = pullManager;
  }

  get isInitialized(): boolean {
    return this.deps !== undefined;
  }

  /** The store the context was initialised with. */
  get store(): MobileServiceStore {
    return this.ready().store;
  }

  /** Inserts a record (an id is generated when it has none) and logs an insert. */
  insert(tableName: string, instance: LocalRecord): Promise<LocalRecord> {
    return this.storeRunner.run(async () => {
      const { store } = this.ready();
      checkTableName(tableName);
      checkRecord(instance);
      if (propertyOf(instance, 'id') === undefined || propertyOf(instance, 'id') === null)
        instance['id'] = this.options.newId();
      const id = propertyOf(instance, 'id');
      assertValidId(id, 'instance.id');
      const existing = await store.lookup(tableName, id, true);
      if (existing !== null) throw new Error(`Record with id ${id} already exists in the table ${tableName}`);
      await this.writeWithLog(tableName, 'insert', instance, existing, { tableName, action: 'upsert', data: instance });
      return instance;
    });
  }

  /** Merges the properties present into the local record and logs an update. */
  update(tableName: string, instance: LocalRecord): Promise<LocalRecord> {
    return this.storeRunner.run(async () => {
      const { existing } = await this.recordToChange(tableName, instance);
      await this.writeWithLog(tableName, 'update', instance, existing, { tableName, action: 'upsert', data: instance });
      return instance;
    });
  }

  /** Deletes the local record and logs a delete. */
  del(tableName: string, instance: LocalRecord): Promise<void> {
    return this.storeRunner.run(async () => {
      const { id, existing } = await this.recordToChange(tableName, instance);
      await this.writeWithLog(tableName, 'delete', { id }, existing, { tableName, action: 'delete', id });
    });
  }

  /** An update's or a delete's checks, as the SDK makes them, and the record as it is now. */
  private async recordToChange(
    tableName: string,
    instance: LocalRecord,
  ): Promise<{ id: string; existing: LocalRecord | null }> {
    const { store } = this.ready();
    checkTableName(tableName);
    checkRecord(instance);
    const id = propertyOf(instance, 'id');
    assertValidId(id, 'instance.id');
    return { id, existing: await store.lookup(tableName, id, true) };
  }

  /** The local record, or null (rejects instead unless `suppressRecordNotFoundError`, as in the SDK). */
  async lookup(tableName: string, id: string, suppressRecordNotFoundError = false): Promise<LocalRecord | null> {
    const { store } = this.ready();
    checkTableName(tableName);
    assertValidId(id);
    return this.staleReads.lookup(tableName, id, () => store.lookup(tableName, id, suppressRecordNotFoundError));
  }

  async read(query: Query): Promise<ReadResult> {
    const { store } = this.ready();
    if (!(query instanceof Query)) throw new TypeError('read() expects a Query');
    return this.staleReads.read(query.getComponents().table, await store.read(this.mutated(query)));
  }

  /** The query a mutant reads instead (`query-skip-off-by-one`). */
  private mutated(query: Query): Query {
    const { skip } = query.getComponents();
    if (!this.options.mutations.has('query-skip-off-by-one') || skip === undefined || skip === 0) return query;
    return query.copy().skip(skip - 1);
  }

  /** Pushes the pending operations; resolves with the conflicts the handler left unhandled. */
  push(): Promise<PushError[]> {
    if (this.refusesReentry()) return Promise.reject(new ReentrantCallError('push()'));
    return this.sync('push', () => {
      this.ready();
      return this.pushManager!.push(this.handlerForPush());
    });
  }

  /** True while a push handler runs: push, pull and purge are refused then (unless mutated to wait). */
  private refusesReentry(): boolean {
    return this.pushManager?.inHandler === true && !this.options.mutations.has('reentrant-deadlock');
  }

  /**
   * The app's handler; with mutation `reentrant-deadlock`, one that also pulls the table of a
   * conflict resolved with cancel(), from inside the push, to bring the server's version at once.
   */
  private handlerForPush(): PushHandler | undefined {
    const handler = this.pushHandler;
    if (handler?.onConflict === undefined || !this.options.mutations.has('reentrant-deadlock')) return handler;
    return {
      ...(handler.onError === undefined ? {} : { onError: (pushError) => handler.onError!.call(handler, pushError) }),
      onConflict: async (pushError) => {
        await handler.onConflict!.call(handler, pushError);
        await pushError.settled();
        if (pushError.resolution === 'cancel') await this.pull(new Query(pushError.getTableName()));
      },
    };
  }

  /**
   * Pulls the records `query` selects into the local table (pushing the table's pending
   * operations first). With a `queryId` the pull is incremental: it starts where the last pull
   * with that id stopped.
   */
  pull(query: Query, queryId?: string | null, settings?: PullSettings): Promise<void> {
    if (this.refusesReentry()) return Promise.reject(new ReentrantCallError('pull()'));
    return this.sync('pull', () => {
      this.ready();
      if (!(query instanceof Query)) throw new TypeError('pull() expects a Query');
      return this.pullManager!.pull(query, queryId, settings);
    });
  }

  /**
   * Removes the records `query` selects from the local table without logging anything, and
   * forgets the table's incremental pull marks. Rejects when the table has pending operations,
   * unless forced: a forced purge drops them too.
   */
  purge(query: Query, forcePurge = false): Promise<void> {
    if (this.refusesReentry()) return Promise.reject(new ReentrantCallError('purge()'));
    return this.sync('purge', () =>
      this.storeRunner.run(async () => {
        const { store, log } = this.ready();
        if (!(query instanceof Query)) throw new TypeError('purge() expects a Query');
        if (typeof forcePurge !== 'boolean') throw new TypeError('forcePurge must be a boolean');
        const table = query.getComponents().table;
        const operations = await log.readPendingOfTable(table);
        if (operations.length > 0 && !forcePurge)
          throw new Error('Cannot purge the table as it contains pending operations');
        const marks = await store.read(new Query(PULLTIME_TABLE).where({ tableName: table }).select('id'));
        const idsQuery = query.copy();
        idsQuery.setComponents({ ...idsQuery.getComponents(), selections: ['id'], includeTotalCount: false });
        const records = await store.read(idsQuery);
        const batch: StoreOperation[] = [
          ...operations.map((operation) => OperationLog.deleteOf(operation.id)),
          ...marks.map((mark): StoreOperation => ({
            tableName: PULLTIME_TABLE,
            action: 'delete',
            id: String(mark['id']),
          })),
          ...records.map((record): StoreOperation => ({
            tableName: table,
            action: 'delete',
            id: String(record['id']),
          })),
        ];
        await store.executeBatch(batch);
      }),
    );
  }

  /** The operation log in push order, with the operation being pushed marked `locked`. */
  getPendingOperations(): Promise<PendingOperationInfo[]> {
    return this.storeRunner.run(async () => {
      const { log } = this.ready();
      return (await log.readAll()).map((operation) => ({ ...operation, locked: log.isLocked(operation) }));
    });
  }

  /** Push, pull and purge run one at a time; the read-path mutants hear when each ends. */
  private sync<T>(kind: SyncKind, task: () => Promise<T>): Promise<T> {
    const run = this.syncRunner.run(task);
    if (this.staleReads.active) {
      const ended = (): void => this.staleReads.synced(kind);
      run.then(ended, ended);
    }
    return run;
  }

  private async writeWithLog(
    tableName: string,
    action: OperationAction,
    item: LocalRecord,
    existing: LocalRecord | null,
    dataOperation: StoreOperation,
  ): Promise<void> {
    const { store, log } = this.ready();
    const logOperation = await log.loggingOperation(tableName, action, item, existing);
    await store.executeBatch([dataOperation, logOperation]);
    if (this.staleReads.active) {
      const id = propertyOf(item, 'id');
      if (typeof id === 'string')
        this.staleReads.wrote(tableName, id, action === 'delete' ? null : await store.lookup(tableName, id, true));
    }
  }

  private ready(): SyncDeps {
    if (this.deps === undefined) throw new Error('MobileServiceSyncContext is being used before it is initialized');
    return this.deps;
  }
}

function checkTableName(tableName: unknown): asserts tableName is string {
  if (typeof tableName !== 'string' || tableName === '') throw new TypeError('A table name must be a non-empty string');
}

function checkRecord(instance: unknown): asserts instance is LocalRecord {
  if (typeof instance !== 'object' || instance === null || Array.isArray(instance))
    throw new TypeError('A record must be an object');
}
