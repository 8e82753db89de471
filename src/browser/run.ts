/**
 * One run of a Cordova app in a real browser against the simulated backend: the engine behind
 * the Playwright fixture (playwright.ts), usable on its own with any Playwright `Browser`.
 *
 * - The backend is `syncwright serve`, started in this process on 127.0.0.1 on a free port.
 * - Each device is a browser context (its own IndexedDB, so its own store) with one page. The
 *   context answers every request itself: the app's files from `www/` and the Cordova platform
 *   (cordova-browser.ts) at `appOrigin`; requests to `backendUrl` are forwarded to the backend
 *   with the device's name in X-Syncwright-Client (so each device crosses its own link); every
 *   other request fails as an unknown host would — nothing leaves the machine.
 * - The recorder plugin in the page reports the app's SDK calls and push handler decisions;
 *   they join serve's history, so one history holds the app's operations, every request as the
 *   server saw it, faults, server edits, restarts and snapshots, in one order.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page, Route } from '@playwright/test';
import type { JsonObject } from '../protocol/records.js';
import type { ClientSnapshot } from '../kernel/driver.js';
import type { History, HistoryEvent, HistoryEventBody, ServerEdit } from '../kernel/history.js';
import type { SdkTableDefinition } from '../sdk/sdk-types.js';
import type { WriteOutcome } from '../backend/types.js';
import { runCheckers, type CheckerName, type CheckResult } from '../check/index.js';
import { judge, type Judgement } from '../check/judge.js';
import { startServer, type RunningServer, type ServeOptions } from '../serve/serve.js';
import { CLIENT_HEADER, type ServeFaults } from '../serve/serve-faults.js';
import type { InterceptView } from '../serve/intercept.js';
import { contentTypeOf, readCordovaFile, type CordovaAppOptions } from './cordova-browser.js';
import { RECORD_BINDING, type PageMessage } from './page-protocol.js';
import { readTableDefinition, snapshotFromBytes } from './store-snapshot.js';

export interface BrowserRunOptions extends CordovaAppOptions {
  /** The backend URL the app has built in, e.g. `https://todo.azurewebsites.net` (no trailing slash). */
  readonly backendUrl: string;
  /** Where the app is served from: Cordova Android's `https://localhost` by default. */
  readonly appOrigin?: string;
  /** The page the app opens: `index.html` by default. */
  readonly startPage?: string;
  /** Files of `www/` answered from elsewhere: `{ 'js/index.js': 'path/to/variant.js' }`. */
  readonly replace?: Readonly<Record<string, string>>;
  /** The simulated backend's tables, profile, compatibility (serve's options). */
  readonly server?: Pick<ServeOptions, 'tablesFile' | 'profile' | 'compatibility'>;
  /**
   * Playwright's page clock for every device: `Date` starts at this time (then runs), so what the
   * app reads of the clock repeats from run to run. Default: the real time.
   */
  readonly clockStart?: string | number;
  /** Where the pages' console goes (default: nowhere). */
  readonly console?: (device: string, text: string) => void;
}

interface OpenOperation {
  readonly opId: number;
}

/** A device: a browser context with the app open in one page. */
export class Device {
  /** False between a restart and the reloaded app's first word. */
  alive = false;
  private local = new Map<number, OpenOperation>();
  private calls = new Map<number, number>();
  readonly open = new Set<number>();
  /** Table definitions by database, as the app declared them. */
  readonly definitions = new Map<string, Map<string, SdkTableDefinition>>();
  private helloWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly run: BrowserRun,
  ) {}

  /** @internal A message of the recorder plugin in this device's page. */
  receive(message: PageMessage): void {
    if (message.type === 'hello') {
      this.alive = true;
      this.local = new Map();
      this.calls = new Map();
      for (const resolve of this.helloWaiters.splice(0)) resolve();
      return;
    }
    if (!this.alive) return;
    switch (message.type) {
      case 'invoke': {
        const opId = this.run.server.traffic.newOperationId();
        this.local.set(message.opId, { opId });
        this.open.add(opId);
        this.run.record(this.name, { kind: 'invoke', opId, op: message.op });
        return;
      }
      case 'ok':
      case 'fail': {
        const open = this.local.get(message.opId);
        if (open === undefined) return;
        this.local.delete(message.opId);
        this.open.delete(open.opId);
        this.run.record(
          this.name,
          message.type === 'ok'
            ? { kind: 'ok', opId: open.opId, value: message.value }
            : { kind: 'fail', opId: open.opId, error: message.error },
        );
        if (this.open.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
        return;
      }
      case 'event': {
        const body = message.body;
        if (body.kind !== 'handler-call' && body.kind !== 'handler-decision') return;
        let callId = this.calls.get(body.callId);
        if (callId === undefined) {
          callId = this.run.newCallId();
          this.calls.set(body.callId, callId);
        }
        this.run.record(this.name, { ...body, callId });
        return;
      }
      case 'table': {
        const definition = readTableDefinition(message.definition);
        if (definition === undefined || typeof message.database !== 'string') return;
        let tables = this.definitions.get(message.database);
        if (tables === undefined) this.definitions.set(message.database, (tables = new Map()));
        tables.set(definition.name, definition);
        return;
      }
    }
  }

  /** Resolves when the app's SDK calls have all finished (at once if none is open). */
  whenNoOperationOpen(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Opens the app (the first launch). */
  async launch(query = ''): Promise<void> {
    const hello = this.nextHello();
    await this.page.goto(this.run.appUrl(query));
    await hello;
  }

  /**
   * Kills the app and opens it again from what its store committed, as a device does: calls in
   * flight are abandoned (recorded as a `restart`, mid-operation if any was open). `query`
   * reopens it with another query string (the tutorial's `?offline` build, say).
   */
  async restart(query?: string): Promise<void> {
    this.alive = false;
    const midOperation = this.open.size > 0;
    this.open.clear();
    this.run.record(this.name, { kind: 'restart', client: this.name, midOperation });
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    const hello = this.nextHello();
    if (query === undefined) await this.page.reload();
    else await this.page.goto(this.run.appUrl(query));
    await hello;
  }

  /** The device's store as committed (IndexedDB's bytes), decoded. */
  async snapshot(): Promise<ClientSnapshot> {
    const files: Record<string, string> = await this.page.evaluate(() => {
      type Shim = { committedFiles(): Promise<Record<string, string>> };
      const shim = (globalThis as unknown as { __syncwrightSqlite?: Shim }).__syncwrightSqlite;
      return shim === undefined ? {} : shim.committedFiles();
    });
    const tables: Record<string, JsonObject[]> = {};
    const operations: ClientSnapshot['operations'][number][] = [];
    for (const [database, definitions] of this.definitions) {
      const encoded = files[database];
      const state = await snapshotFromBytes(
        encoded === undefined ? undefined : new Uint8Array(Buffer.from(encoded, 'base64')),
        [...definitions.values()],
      );
      Object.assign(tables, state.tables);
      operations.push(...state.operations);
    }
    return { tables, operations };
  }

  private nextHello(): Promise<void> {
    return new Promise((resolve) => this.helloWaiters.push(resolve));
  }
}

export interface ServerEditor {
  insert(table: string, record: JsonObject, editor?: string): JsonObject;
  update(table: string, id: string, changes: JsonObject, editor?: string): JsonObject;
  delete(table: string, id: string, editor?: string): void;
  /** Every row of a table, soft-deleted ones included. */
  rows(table: string): JsonObject[];
}

export interface CheckOptions {
  /** Signature patterns of outcomes the app intends (see check/judge.ts). */
  readonly allow?: readonly string[];
  /** Label of the snapshot the checkers judge the settled state by. Default `final`. */
  readonly finalLabel?: string;
}

export interface CheckReport {
  readonly results: readonly CheckResult[];
  readonly judgement: Judgement;
}

export class BrowserRun {
  readonly devices = new Map<string, Device>();
  private nextCall = 1;
  private closed = false;

  private constructor(
    readonly browser: Browser,
    readonly server: RunningServer,
    readonly options: BrowserRunOptions,
    private readonly appOrigin: string,
  ) {}

  static async start(browser: Browser, options: BrowserRunOptions): Promise<BrowserRun> {
    const backend = new URL(options.backendUrl);
    if (backend.pathname !== '/' || backend.search !== '')
      throw new Error(
        `backendUrl: expected an origin such as https://todo.azurewebsites.net, found ${options.backendUrl}`,
      );
    const appOrigin = new URL(options.appOrigin ?? 'https://localhost').origin;
    const server = await startServer({ port: 0, host: '127.0.0.1', ...(options.server ?? {}) });
    return new BrowserRun(browser, server, options, appOrigin);
  }

  get history(): History {
    return this.server.traffic.history;
  }

  /** @internal */
  record(actor: string, body: HistoryEventBody): HistoryEvent {
    return this.server.traffic.record(actor, body);
  }

  /** @internal */
  newCallId(): number {
    return this.nextCall++;
  }

  /** @internal */
  appUrl(query: string): string {
    const search = query === '' || query.startsWith('?') ? query : `?${query}`;
    return `${this.appOrigin}/${this.options.startPage ?? 'index.html'}${search}`;
  }

  /** Opens a new device (`client-1`, `client-2`… by default) with the app launched. */
  async device(name = `client-${this.devices.size + 1}`, options: { query?: string } = {}): Promise<Device> {
    if (this.devices.has(name)) throw new Error(`a device named ${name} is already open`);
    // The sqlite shim compiles WebAssembly, which an app's Content-Security-Policy need not allow
    // (a device's native plugin needs no wasm): the page's CSP is bypassed, the app is not edited.
    const context = await this.browser.newContext({ bypassCSP: true, serviceWorkers: 'block', timezoneId: 'UTC' });
    if (this.options.clockStart !== undefined) await context.clock.install({ time: this.options.clockStart });
    const page = await context.newPage();
    const device = new Device(name, context, page, this);
    this.devices.set(name, device);
    await context.exposeBinding(RECORD_BINDING, (_source, message: PageMessage) => device.receive(message));
    await context.route('**/*', (route) => this.answer(device, route));
    if (this.options.console !== undefined) {
      const sink = this.options.console;
      page.on('console', (message) => sink(name, `${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => sink(name, `pageerror: ${error.message}`));
    }
    await device.launch(options.query ?? '');
    return device;
  }

  private async answer(device: Device, route: Route): Promise<void> {
    const request = route.request();
    const url = new URL(request.url());
    try {
      if (url.origin === this.appOrigin) {
        const replacement = this.options.replace?.[safeDecode(url.pathname).replace(/^\/+/, '')];
        const file =
          replacement === undefined
            ? await readCordovaFile(this.options, url.pathname)
            : { status: 200, contentType: contentTypeOf(replacement), body: await readFile(replacement) };
        await route.fulfill({ status: file.status, contentType: file.contentType, body: file.body });
        return;
      }
      const backend = new URL(this.options.backendUrl).origin;
      if (url.origin !== backend) {
        // An address the app cannot reach (the tutorial's "-fail" URL, a CDN): as on a device without
        // DNS for it. A request aimed at the backend's tables still goes to the history as sent and failed.
        if (/\/tables\//.test(url.pathname))
          this.server.traffic.recordUnreachable(device.name, {
            method: request.method(),
            url: `${url.pathname}${url.search}`,
            headers: request.headers(),
            ...(request.postData() === null ? {} : { body: request.postData()! }),
          });
        await route.abort('namenotresolved');
        return;
      }
      const headers: Record<string, string> = { ...request.headers(), [CLIENT_HEADER]: device.name };
      delete headers['host'];
      let response;
      try {
        response = await route.fetch({
          url: `${this.server.url}${url.pathname}${url.search}`,
          headers,
          maxRedirects: 0,
          timeout: 0,
        });
      } catch {
        // The backend dropped the connection (a lost answer, an offline link): the app sees a network error.
        await route.abort('connectionreset');
        return;
      }
      await route.fulfill({ response });
    } catch (error) {
      // The page went away (a restart) while its request was answered: nobody is left to tell.
      if (!this.closed && !isGone(error)) throw error;
    }
  }

  /** Server-side edits as another user (`editor-1` unless named), recorded in the history. */
  get edit(): ServerEditor {
    const traffic = this.server.traffic;
    const backend = this.server.backend;
    const write = (editor: string, op: ServerEdit, outcome: WriteOutcome): JsonObject => {
      if (outcome.kind === 'written') {
        traffic.recordEdit(editor, op, { ok: true, value: outcome.record });
        return outcome.record;
      }
      const error = 'error' in outcome ? outcome.error : outcome.kind;
      traffic.recordEdit(editor, op, { ok: false, error: `HTTP ${outcome.status}: ${error}` });
      throw new Error(`server edit failed: HTTP ${outcome.status}: ${error}`);
    };
    return {
      insert: (table, record, editor = 'editor-1') =>
        write(editor, { type: 'insert', table, record }, backend.insert(table, record)),
      update: (table, id, changes, editor = 'editor-1') =>
        write(editor, { type: 'update', table, id, changes }, backend.update(table, id, changes)),
      delete: (table, id, editor = 'editor-1') =>
        void write(editor, { type: 'delete', table, id }, backend.delete(table, id)),
      rows: (table) => backend.rows(table, { includeDeleted: true }),
    };
  }

  /** Takes a device's link down (or every link, devices to come included, without a name). */
  offline(device?: string): void {
    this.server.traffic.setOffline(true, device);
  }

  online(device?: string): void {
    this.server.traffic.setOffline(false, device);
  }

  /** Latency, error and loss rates, a fault plan — on every device's link from now on. */
  faults(faults: ServeFaults): void {
    this.server.traffic.setFaults(faults);
  }

  /** The server applies the next matching request and the answer is lost (the connection resets). */
  loseNextResponse(match: { method?: string; path?: string } = {}): InterceptView {
    return this.server.traffic.intercepts.arm({
      action: 'lose',
      path: match.path ?? '/tables/**',
      ...(match.method === undefined ? {} : { method: match.method }),
    });
  }

  /** The server applies the next matching request and keeps its answer until released or lost. */
  holdNextResponse(match: { method?: string; path?: string } = {}): HeldResponse {
    const view = this.server.traffic.intercepts.arm({
      action: 'hold',
      path: match.path ?? '/tables/**',
      ...(match.method === undefined ? {} : { method: match.method }),
    });
    const intercepts = this.server.traffic.intercepts;
    return {
      id: view.id,
      held: () => waitFor(() => intercepts.get(view.id).state !== 'armed', `intercept ${view.id} to take a request`),
      release: () => intercepts.release(view.id),
      lose: () => intercepts.lose(view.id),
    };
  }

  /** Records a snapshot of every open device (as committed) and of the server. */
  async snapshot(label: string): Promise<HistoryEvent> {
    const clients: Record<string, ClientSnapshot> = {};
    for (const [name, device] of this.devices) clients[name] = await device.snapshot();
    const server = this.server.backend.snapshot() as unknown as Extract<
      HistoryEventBody,
      { kind: 'snapshot' }
    >['server'];
    return this.record('world', { kind: 'snapshot', label, clients, server });
  }

  /**
   * Heals the network, lets each device sync as its app does (`sync`), waits until no SDK call is
   * open, and records the `final` snapshot the settled-state checkers judge.
   */
  async settle(sync: (device: Device) => Promise<void>): Promise<HistoryEvent> {
    this.server.traffic.setFaults({});
    this.server.traffic.setOffline(false);
    for (const name of Object.keys(this.server.traffic.clients)) this.server.traffic.setOffline(false, name);
    this.record('world', { kind: 'heal' });
    for (const device of this.devices.values()) {
      await sync(device);
      await device.whenNoOperationOpen();
    }
    return this.snapshot('final');
  }

  /** Runs checkers over the history and judges their violations against what the app allows. */
  check(names?: readonly CheckerName[], options: CheckOptions = {}): CheckReport {
    const results = runCheckers(
      this.history,
      names,
      options.finalLabel === undefined ? {} : { finalLabel: options.finalLabel },
    );
    return { results, judgement: judge(results, { allow: options.allow ?? [], expected: [] }) };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const device of this.devices.values()) await device.context.close().catch(() => undefined);
    await this.server.close();
  }
}

export interface HeldResponse {
  readonly id: number;
  /** Resolves once the request reached the server and its answer is held. */
  held(): Promise<void>;
  release(): InterceptView;
  lose(): InterceptView;
}

function safeDecode(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

function isGone(error: unknown): boolean {
  return error instanceof Error && /closed|detached|already handled|Target page|context|Route/i.test(error.message);
}

/** Polls a condition on the event loop (the server's state changes as requests arrive), bounded. */
async function waitFor(condition: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
