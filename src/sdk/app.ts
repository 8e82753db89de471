/**
 * One run of the app on a virtual device: a sandbox with the SDK loaded, its store opened over
 * the device's database file, its tables defined and its sync context initialised — the
 * tutorial's start-up, step by step. {@link SdkApp.kill} ends it the way a crash does.
 */
import type { SqlJsStatic } from 'sql.js';
import type { Transport } from '../protocol/http.js';
import type { Clock } from '../kernel/clock.js';
import { liveObjects } from '../kernel/live-objects.js';
import { adoptsThenable, promiseActivity } from '../kernel/promise-activity.js';
import type { PushHandler, StoreWrite, StoreWriteVerdict } from '../kernel/driver.js';
import type { RandomSource } from '../kernel/random.js';
import { AppTimers } from './app-timers.js';
import { createDeviceStorage } from './device-storage.js';
import type { ScriptCache } from './loader.js';
import { createSandbox, type Sandbox } from './sandbox.js';
import type { SdkApi, SdkClient, SdkPromise, SdkSqliteStore, SdkSyncContext, SdkTableDefinition } from './sdk-types.js';
import type { SdkMutations } from './mutations.js';
import { SqlitePlugin, type DeviceFileSource } from './sqlite-plugin.js';
import { createXMLHttpRequestClass } from './xhr.js';

/** The operation was in flight when the app died; whether it took effect is unknown. */
export class AbandonedOperationError extends Error {
  override readonly name = 'AbandonedOperationError';
  constructor(what = 'the operation') {
    super(`${what} was abandoned: the app was killed before it finished (its outcome is unknown)`);
  }
}

/** An error the SDK rejected with, as a host Error; `sdkError` is the original value. */
export class SdkError extends Error {
  override readonly name = 'SdkError';
  constructor(
    message: string,
    readonly sdkError: unknown,
  ) {
    super(message);
  }
}

export interface SdkAppOptions {
  readonly sql: SqlJsStatic;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly transport: Transport;
  readonly url: string;
  /** The device's database files at start, by name. */
  readonly files: ReadonlyMap<string, DeviceFileSource>;
  /** The device's localStorage items; kept by the caller across restarts. */
  readonly storage: Map<string, string>;
  readonly databaseName: string;
  readonly tables: readonly SdkTableDefinition[];
  readonly pushHandler: PushHandler;
  readonly clampNestedTimers?: boolean;
  /** Exceptions that reached a timer or event callback of the page (window.onerror). */
  readonly onUncaughtError?: (error: unknown) => void;
  readonly cache?: ScriptCache;
  /** Called with the instance as soon as it exists, before start-up finishes (so it can be killed). */
  readonly onCreated?: (app: SdkApp) => void;
  /** Deliberate bugs of the harness's shims (the self-test); none by default. */
  readonly mutations?: SdkMutations;
  /** Every write of the sqlite plugin (see `SqlitePluginOptions.onWrite`); `crash` kills the app there. */
  readonly onStoreWrite?: (write: StoreWrite) => StoreWriteVerdict;
}

export class SdkApp {
  readonly timers: AppTimers;
  readonly plugin: SqlitePlugin;
  readonly sandbox: Sandbox;
  readonly client: SdkClient;
  readonly syncContext: SdkSyncContext;
  readonly store: SdkSqliteStore;
  private readonly pending = new Set<(error: Error) => void>();
  private dead = false;

  private constructor(readonly options: SdkAppOptions) {
    const onError = options.onUncaughtError ?? ((): void => undefined);
    this.timers = new AppTimers({ clock: options.clock, clampNested: options.clampNestedTimers ?? true, onError });
    const onStoreWrite = options.onStoreWrite;
    this.plugin = new SqlitePlugin({
      sql: options.sql,
      schedule: (task) => this.timers.post(task),
      files: options.files,
      ...(options.mutations === undefined ? {} : { mutations: options.mutations }),
      ...(onStoreWrite === undefined
        ? {}
        : {
            onWrite: (write: StoreWrite): StoreWriteVerdict => {
              const verdict = onStoreWrite(write);
              // The whole app dies inside the write: no timer, response or callback of it runs again.
              if (verdict === 'crash') this.kill();
              return verdict;
            },
          }),
    });
    const XMLHttpRequest = createXMLHttpRequestClass({
      transport: options.transport,
      baseUrl: options.url,
      post: (task) => this.timers.post(task),
      onTransportBug: onError,
      ...(options.mutations === undefined ? {} : { mutations: options.mutations }),
    });
    this.sandbox = createSandbox({
      timers: this.timers,
      XMLHttpRequest,
      sqlitePlugin: this.plugin,
      localStorage: createDeviceStorage(options.storage),
      clock: options.clock,
      random: options.random,
      ...(options.cache === undefined ? {} : { cache: options.cache }),
      ...(options.mutations === undefined ? {} : { mutations: options.mutations }),
    });
    this.store = new this.sandbox.api.MobileServiceSqliteStore(options.databaseName);
    this.client = new this.sandbox.api.MobileServiceClient(options.url);
    this.syncContext = this.client.getSyncContext();
    liveObjects.created('sdk-app', this.sandbox.window);
  }

  /** Loads the SDK and runs the app's start-up: define the tables, initialise the sync context. */
  static async start(options: SdkAppOptions): Promise<SdkApp> {
    const app = new SdkApp(options);
    options.onCreated?.(app);
    for (const table of options.tables) {
      await app.call(() => app.store.defineTable(table), `defining table ${table.name}`);
    }
    await app.call(() => app.syncContext.initialize(app.store), 'initialising the sync context');
    app.syncContext.pushHandler = options.pushHandler;
    return app;
  }

  get api(): SdkApi {
    return this.sandbox.api;
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** The installation id this app sends (`X-ZUMO-INSTALLATION-ID`). */
  get installationId(): string {
    return this.sandbox.api.MobileServiceClient._applicationInstallationId;
  }

  /**
   * Runs an SDK call and settles with it. Rejections become {@link SdkError}s; if the app is
   * killed first, the call rejects with {@link AbandonedOperationError}.
   */
  call<T>(start: () => SdkPromise<T>, what = 'the operation'): Promise<T> {
    if (this.dead) return Promise.reject(new AbandonedOperationError(what));
    return new Promise<T>((resolve, reject) => {
      const abandon = (error: Error): void => reject(error);
      this.pending.add(abandon);
      const settle = (): boolean => this.pending.delete(abandon);
      try {
        start().then(
          (value) => {
            if (!settle()) return;
            // Adopting a thenable queues a job that promise hooks do not see (promise-activity.ts).
            if (adoptsThenable(value)) promiseActivity.note();
            resolve(value);
          },
          (reason: unknown) => {
            if (settle()) reject(toSdkError(reason));
          },
        );
      } catch (reason) {
        if (settle()) reject(toSdkError(reason));
      }
    });
  }

  /**
   * The app dies: no timer, response or sqlite callback of it runs again, uncommitted writes
   * roll back, calls in flight reject with {@link AbandonedOperationError}. Returns the
   * device's database files for the next start.
   */
  kill(): Map<string, DeviceFileSource> {
    if (!this.dead) {
      this.dead = true;
      this.timers.dispose();
      liveObjects.closed('sdk-app');
    }
    const files = this.plugin.kill();
    const pending = [...this.pending];
    this.pending.clear();
    for (const abandon of pending) abandon(new AbandonedOperationError());
    return files;
  }
}

/** Whatever the SDK rejected with (an Error of its realm, a VError, a SQLError, a string…). */
export function toSdkError(reason: unknown): SdkError {
  return new SdkError(describe(reason), reason);
}

function describe(reason: unknown): string {
  if (typeof reason === 'string') return reason;
  if (typeof reason === 'object' && reason !== null) {
    const message = (reason as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
    try {
      return JSON.stringify(reason);
    } catch {
      return Object.prototype.toString.call(reason);
    }
  }
  return String(reason);
}
