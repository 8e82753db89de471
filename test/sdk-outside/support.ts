/**
 * The real SDK outside the simulator: `syncwright serve` on 127.0.0.1 (real HTTP, wall clock),
 * its admin API, and devices that run azure-mobile-apps-client 2.0.1 through `syncwright/sdk`
 * (the module below is what that export points at). Windows are opened with intercepts (hold,
 * lose, fail) and waited for by polling the admin API, never by sleeping for a guessed time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach } from 'vitest';
import type { HistoryEvent } from '../../src/kernel/history.js';
import type { PushHandler } from '../../src/kernel/driver.js';
import type { ServerRecord } from '../../src/protocol/records.js';
import type { InterceptState, InterceptView } from '../../src/serve/intercept.js';
import { startServer, type RunningServer, type ServeOptions } from '../../src/serve/serve.js';
import {
  loadRealSdk,
  type RealSdk,
  type SdkQuery,
  type SdkSqliteStore,
  type SdkSyncContext,
  type SdkTableDefinition,
} from '../../src/sdk/node/index.js';

/** The tutorial's table as a Cordova app defines it (with `version`, as the current tutorial does). */
export const TODOITEM: SdkTableDefinition = {
  name: 'todoitem',
  columnDefinitions: { id: 'string', text: 'string', complete: 'boolean', version: 'string' },
};

/** A request as serve's history records it. */
export interface Exchange {
  readonly requestId: number;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly status: number | 'no answer';
}

export class Serve {
  private constructor(readonly server: RunningServer) {}

  static async start(options: ServeOptions = {}): Promise<Serve> {
    return new Serve(await startServer({ port: 0, host: '127.0.0.1', ...options }));
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  async admin<T>(method: string, pathname: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}/__syncwright${pathname}`, {
      method,
      headers: method === 'GET' ? {} : { 'content-type': 'application/json' },
      ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
    });
    const json = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`admin ${method} ${pathname}: HTTP ${response.status}: ${json.error}`);
    return json;
  }

  async arm(spec: {
    action: 'hold' | 'lose' | 'fail';
    method?: string;
    path: string;
    occurrence?: number;
    status?: number;
  }): Promise<number> {
    return (await this.admin<{ intercept: InterceptView }>('POST', '/intercepts', spec)).intercept.id;
  }

  /** Polls the intercept until it reaches `state` (at most ~10 s): the request got there. */
  async until(id: number, state: InterceptState): Promise<InterceptView> {
    for (let attempt = 0; attempt < 2000; attempt++) {
      const { intercept } = await this.admin<{ intercept: InterceptView }>('GET', `/intercepts/${id}`);
      if (intercept.state === state) return intercept;
      if (intercept.state !== 'armed') throw new Error(`intercept ${id} is ${intercept.state}, not ${state}`);
      await delay(5);
    }
    throw new Error(`intercept ${id} never became ${state}`);
  }

  release(id: number): Promise<unknown> {
    return this.admin('POST', `/intercepts/${id}/release`);
  }

  lose(id: number): Promise<unknown> {
    return this.admin('POST', `/intercepts/${id}/lose`);
  }

  /** Writes as another user (editor-1), through the admin API. */
  insert(table: string, record: Record<string, unknown>): Promise<ServerRecord> {
    return this.admin('POST', `/tables/${table}`, { record });
  }

  update(table: string, id: string, changes: Record<string, unknown>): Promise<ServerRecord> {
    return this.admin('PATCH', `/tables/${table}/${id}`, { changes });
  }

  async rows(table: string): Promise<ServerRecord[]> {
    return (await this.admin<{ rows: ServerRecord[] }>('GET', `/tables/${table}`)).rows;
  }

  async row(table: string, id: string): Promise<ServerRecord | undefined> {
    return (await this.rows(table)).find((row) => row.id === id);
  }

  async history(): Promise<HistoryEvent[]> {
    return (await this.admin<{ events: HistoryEvent[] }>('GET', '/history')).events;
  }

  /** Table requests with their answers, in the order they were sent. */
  async exchanges(): Promise<Exchange[]> {
    const events = await this.history();
    const answers = new Map<number, number>();
    for (const event of events) if (event.kind === 'http-response') answers.set(event.requestId, event.response.status);
    return events.flatMap((event) =>
      event.kind === 'http-request'
        ? [
            {
              requestId: event.requestId,
              method: event.request.method,
              url: event.request.url,
              headers: event.request.headers,
              body: event.request.body === undefined ? undefined : (JSON.parse(event.request.body) as unknown),
              status: answers.get(event.requestId) ?? 'no answer',
            },
          ]
        : [],
    );
  }
}

export interface DeviceOptions {
  /** The databases folder; default a new temporary one (removed by close()). */
  readonly storeDir?: string;
  readonly tables?: readonly SdkTableDefinition[];
  readonly pushHandler?: PushHandler;
  readonly installationId?: string;
}

/** One app run: the SDK loaded, its store opened and its tables defined, the sync context initialised. */
export class Device {
  readonly uncaught: unknown[] = [];

  private constructor(
    readonly sdk: RealSdk,
    readonly context: SdkSyncContext,
    readonly store: SdkSqliteStore,
    readonly storeDir: string,
    private readonly ownsDir: boolean,
  ) {}

  static async open(url: string, options: DeviceOptions = {}): Promise<Device> {
    const ownsDir = options.storeDir === undefined;
    const storeDir = options.storeDir ?? mkdtempSync(path.join(tmpdir(), 'syncwright-device-'));
    const uncaught: unknown[] = [];
    const sdk = await loadRealSdk({
      storeDir,
      ...(options.installationId === undefined ? {} : { installationId: options.installationId }),
      onUncaughtError: (error) => uncaught.push(error),
    });
    const client = new sdk.WindowsAzure.MobileServiceClient(url);
    const store = new sdk.WindowsAzure.MobileServiceSqliteStore('app.db');
    for (const table of options.tables ?? [TODOITEM]) await store.defineTable(table);
    const context = client.getSyncContext();
    await context.initialize(store);
    if (options.pushHandler !== undefined) context.pushHandler = options.pushHandler;
    const device = new Device(sdk, context, store, storeDir, ownsDir);
    device.uncaught.push(...uncaught);
    return device;
  }

  query(table = 'todoitem'): SdkQuery {
    return new this.sdk.WindowsAzure.Query(table);
  }

  /** The local rows, as plain JSON, in id order. */
  async rows(table = 'todoitem'): Promise<Record<string, unknown>[]> {
    const read = await this.context.read(this.query(table));
    return plain(Array.isArray(read) ? read : read.result).sort((a, b) =>
      String(a['id']).localeCompare(String(b['id'])),
    );
  }

  async lookup(id: string, table = 'todoitem'): Promise<Record<string, unknown> | undefined> {
    const record = await this.context.lookup(table, id, true);
    return record === undefined || record === null ? undefined : plain(record);
  }

  /** The app stops as a crash stops it; the folder keeps what it committed. */
  async kill(): Promise<void> {
    await this.sdk.close();
  }

  async close(): Promise<void> {
    await this.sdk.close();
    if (this.ownsDir) rmSync(this.storeDir, { recursive: true, force: true });
  }
}

/** Host JSON of SDK values (objects of another realm, Dates as ISO strings). */
export function plain<T>(value: T): T extends unknown[] ? Record<string, unknown>[] : Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as never;
}

/** A test file's serve, started before each test, and its device, closed after each with serve. */
export interface Session {
  serve: Serve;
  device: Device | undefined;
}

/** Registers the before/after hooks of a file whose tests each use one serve and at most one device. */
export function serveSession(): Session {
  const session = { device: undefined } as Session;
  beforeEach(async () => {
    session.serve = await Serve.start();
  });
  afterEach(async () => {
    await session.device?.close();
    session.device = undefined;
    await session.serve.close();
  });
  return session;
}
