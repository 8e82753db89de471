/**
 * The World: one backend, N virtual clients (each behind a ClientDriver, each with its own
 * store and its own network link), server-side editors, one virtual clock and one seed.
 * Everything that happens goes to the history.
 *
 * Two ways to drive it. A program runner starts an operation and settles it:
 *   `await world.settle(world.client('client-1').push())`
 * An interactive explorer starts operations and steps time itself:
 *   `const op = world.client('client-1').push(); await world.step(); … op.status`
 * Operations start at once and complete only while something drives time (`settle`, `drive`,
 * `step`, `advance`, `runUntilIdle`). Drive calls do not nest.
 *
 * The World knows nothing of scenario formats: it is the machine they run on.
 */
import { createBackend } from '../backend/backend.js';
import { createReferenceDriver } from '../client/driver.js';
import type { Backend, WriteOutcome } from '../backend/types.js';
import type { Transport } from '../protocol/http.js';
import {
  TODOITEM_TABLE,
  type JsonObject,
  type JsonValue,
  type ServerRecord,
  type TableDefinition,
} from '../protocol/records.js';
import { linkPlanFor, type FaultPlan } from '../network/fault-plan.js';
import { NetworkLink } from '../network/link.js';
import { FaultPlanError, parseFaultPlan } from '../network/validate.js';
import type { Clock } from '../kernel/clock.js';
import type { ClientDriver, ClientDriverFactory, ClientSnapshot, PushHandler, PushSummary } from '../kernel/driver.js';
import type { ClientOperation, History, HistoryEvent, HistoryEventBody, ServerEdit } from '../kernel/history.js';
import { describeError, toJsonSafe } from '../kernel/json-safe.js';
import { TrackedOperation, type Operation, type OperationOutcome, type ValueRecorder } from '../kernel/operation.js';
import { SeededRandom, type RandomSource } from '../kernel/random.js';
import { HistoryRecorder } from '../kernel/recorder.js';
import { recordingPushHandler } from './recording-handler.js';
import type { DrainMode, SchedulerLimits } from '../kernel/scheduler.js';
import type { TieBreakPolicy, TieChoice } from '../kernel/tie-break.js';
import { RealTime, VirtualTime, type WorldTime } from '../kernel/world-time.js';

/** What the world needs of a backend: a subset of the simulated backend's interface. */
export type WorldBackend = Pick<Backend, 'handle' | 'insert' | 'update' | 'delete' | 'snapshot' | 'close'>;

export interface WorldBackendEnvironment {
  readonly tables: readonly TableDefinition[];
  readonly clock: Clock;
  readonly random: RandomSource;
}

export type WorldBackendFactory = (environment: WorldBackendEnvironment) => Promise<WorldBackend>;

/** Puts the backend behind a real front door (the bench: express on 127.0.0.1 + fetch). */
export type ServeBackend = (
  backend: WorldBackend,
) => Promise<{ readonly transport: Transport; close(): Promise<void> }>;

export interface WorldClientSpec {
  readonly name: string;
  /** Overrides the world's driver for this client. */
  readonly driver?: ClientDriverFactory;
  /** This client's conflict policy; overrides the world's. */
  readonly pushHandler?: PushHandler;
}

export interface WorldOptions {
  /** The run's one seed: every random choice of the run derives from it. */
  readonly seed: number | string;
  /** A count (named `client-1`…) or the clients themselves. Default 1. */
  readonly clients?: number | readonly (string | WorldClientSpec)[];
  /** Default: the tutorial's `todoitem`. */
  readonly tables?: readonly TableDefinition[];
  /** How clients are built. Default: the reference client. */
  readonly driver?: ClientDriverFactory;
  /** The default conflict policy. Default: none (every conflict and error unhandled). */
  readonly pushHandler?: PushHandler;
  /** Latency and faults per link; validated (a {@link FaultPlanError} lists what is wrong). */
  readonly faults?: FaultPlan;
  /** How simultaneous timers of different lanes are ordered. Default: seeded. */
  readonly ties?: TieBreakPolicy;
  /** Epoch ms at the start of the run. Default 2026-01-01T00:00:00Z. */
  readonly startTime?: number;
  readonly limits?: SchedulerLimits;
  /**
   * How virtual time waits for simulated code to go quiet between timers (see {@link DrainMode}).
   * Default: `microtasks` when every client's driver factory declares
   * {@link ClientDriverFactory.waitsOnlyOnPromises} (the reference client does) and the backend
   * is the simulated one; `event-loop-turn` otherwise. A push handler that waits on
   * `setImmediate` or `process.nextTick` needs `event-loop-turn`.
   */
  readonly drain?: DrainMode;
  /** Default: the simulated backend. */
  readonly backend?: WorldBackendFactory;
  /** `real` runs on wall-clock timers (not reproducible). Default `virtual`. */
  readonly time?: 'virtual' | 'real';
  /** Sends requests through a real front door instead of calling the backend in-process. */
  readonly serve?: ServeBackend;
  /** The URL clients believe they talk to. */
  readonly url?: string;
}

export interface ClientHandle {
  readonly name: string;
  readonly driver: ClientDriver;
  readonly offline: boolean;
  insert(table: string, record: JsonObject): Operation<JsonObject>;
  update(table: string, record: JsonObject): Operation<JsonObject>;
  delete(table: string, id: string): Operation<void>;
  lookup(table: string, id: string): Operation<JsonObject | null>;
  read(table: string): Operation<JsonObject[]>;
  push(): Operation<PushSummary>;
  pull(table: string, options?: { queryId?: string; filter?: string }): Operation<void>;
  purge(table: string, options?: { force?: boolean }): Operation<void>;
  /** Kills the app (mid-operation if one is in flight) and reopens it from its last committed store. */
  restart(): Operation<void>;
  /** Any client operation, as data. */
  perform(op: ClientOperation): Operation<unknown>;
  /** Operations started and not yet completed. */
  pending(): readonly Operation<unknown>[];
}

export interface EditorHandle {
  readonly name: string;
  insert(table: string, record: JsonObject): Operation<JsonValue>;
  update(table: string, id: string, changes: JsonObject): Operation<JsonValue>;
  delete(table: string, id: string): Operation<JsonValue>;
  perform(edit: ServerEdit): Operation<JsonValue>;
}

export type SnapshotEvent = Extract<HistoryEvent, { kind: 'snapshot' }>;

export interface SyncAllOptions {
  /** Push-all-then-pull-all rounds. Default 1. */
  readonly rounds?: number;
  /** Pull incrementally under this query id (default: full pulls). */
  readonly queryId?: string;
}

interface ClientState {
  readonly name: string;
  readonly driver: ClientDriver;
  readonly link: NetworkLink;
  readonly pending: Set<TrackedOperation<unknown>>;
  restarting: Promise<void> | undefined;
  /** Requests that got no answer the server may have applied (see OperationOutcome `info`). */
  uncertain: number;
  handle: ClientHandle | undefined;
}

const KILLED = 'killed: the app restarted mid-operation';

/** The faster drain when everything simulated has declared it waits on promises alone. */
function defaultDrain(options: WorldOptions, specs: readonly WorldClientSpec[]): DrainMode {
  if (options.backend !== undefined || options.serve !== undefined) return 'event-loop-turn';
  const promiseOnly = specs.every(
    (spec) => (spec.driver ?? options.driver ?? createReferenceDriver).waitsOnlyOnPromises === true,
  );
  return promiseOnly ? 'microtasks' : 'event-loop-turn';
}

export class World {
  readonly seed: number | string;
  readonly random: RandomSource;
  private readonly root: SeededRandom;
  readonly recorder: HistoryRecorder;
  readonly tables: readonly TableDefinition[];
  private readonly clients = new Map<string, ClientState>();
  private readonly editors = new Map<string, EditorHandle>();
  private nextOpId = 1;
  private nextRequestId = 1;
  private nextCallId = 1;
  private closed = false;

  private constructor(
    readonly time: WorldTime,
    readonly backend: WorldBackend,
    private readonly front: { readonly transport: Transport; close(): Promise<void> } | undefined,
    seed: number | string,
    random: SeededRandom,
    recorder: HistoryRecorder,
    tables: readonly TableDefinition[],
  ) {
    this.seed = seed;
    this.random = random;
    this.root = random;
    this.recorder = recorder;
    this.tables = tables;
  }

  static async create(options: WorldOptions): Promise<World> {
    const plan = parseFaultPlan(options.faults ?? {});
    const specs = normaliseClients(options.clients ?? 1);
    const unknownLinks = Object.keys(plan.links ?? {}).filter((link) => !specs.some((spec) => spec.name === link));
    if (unknownLinks.length > 0) {
      const names = specs.map((spec) => spec.name).join(', ');
      throw new FaultPlanError(
        unknownLinks.map((link) => ({
          path: `links.${link}`,
          expected: `the name of a client (${names})`,
          found: JSON.stringify(link),
        })),
      );
    }
    const random = new SeededRandom(options.seed);
    const tables = options.tables ?? [TODOITEM_TABLE];
    let recorder: HistoryRecorder | undefined;
    const onTimerError = (lane: string, error: unknown): void => {
      recorder?.record(lane, { kind: 'note', text: `uncaught error in a timer: ${describeError(error)}` });
    };
    const time: WorldTime =
      options.time === 'real'
        ? new RealTime()
        : new VirtualTime({
            random: random.fork('scheduler'),
            onTimerError,
            ...(options.startTime !== undefined ? { startTime: options.startTime } : {}),
            ...(options.ties !== undefined ? { ties: options.ties } : {}),
            ...(options.limits !== undefined ? { limits: options.limits } : {}),
            drain: options.drain ?? defaultDrain(options, specs),
          });
    recorder = new HistoryRecorder(time, time.startTime);

    const backendFactory = options.backend ?? simulatedBackend;
    const backend = await time.runWithIo(
      backendFactory({ tables, clock: time.lane('server'), random: random.fork('backend') }),
    );
    const front = options.serve === undefined ? undefined : await options.serve(backend);
    const world = new World(time, backend, front, options.seed, random, recorder, tables);
    const server: Transport = front?.transport ?? ((request) => backend.handle(request));

    const defaultDriver = options.driver ?? createReferenceDriver;
    try {
      for (const spec of specs) {
        await world.addClient(
          spec,
          plan,
          server,
          spec.driver ?? defaultDriver,
          spec.pushHandler ?? options.pushHandler ?? {},
          options.url ?? 'https://syncwright.test',
        );
      }
    } catch (error) {
      await world.close();
      throw error;
    }
    return world;
  }

  private async addClient(
    spec: WorldClientSpec,
    plan: FaultPlan,
    server: Transport,
    factory: ClientDriverFactory,
    handler: PushHandler,
    url: string,
  ): Promise<void> {
    const { name } = spec;
    let state: ClientState | undefined;
    const link = new NetworkLink({
      name,
      plan: linkPlanFor(plan, name),
      clock: this.time.lane(`link:${name}`),
      startTime: this.time.startTime,
      random: this.random.fork(`link:${name}`),
      server,
      recorder: this.recorder,
      nextRequestId: () => this.nextRequestId++,
      onRestart: () => {
        if (state !== undefined) void this.kill(state);
      },
    });
    const uncertainCounter: Transport = async (request) => {
      try {
        return await link.transport(request);
      } catch (error) {
        const kind = (error as { kind?: unknown }).kind;
        if ((kind === 'lost-response' || kind === 'timeout') && state !== undefined) state.uncertain++;
        throw error;
      }
    };
    const pushHandler = recordingPushHandler(handler, {
      record: (body) => void this.recorder.record(name, body),
      nextCallId: () => this.nextCallId++,
    });
    const driver = await this.time.runWithIo(
      factory({
        name,
        url,
        transport: uncertainCounter,
        clock: this.time.lane(name),
        random: this.random.fork(`client:${name}`),
        tables: this.tables,
        pushHandler,
      }),
    );
    state = { name, driver, link, pending: new Set(), restarting: undefined, uncertain: 0, handle: undefined };
    this.clients.set(name, state);
  }

  /**
   * Forks the rest of the run: every random stream of the world (scheduler ties, latencies,
   * fault rules, the backend's ids and versions, the clients' own draws) is re-derived from the
   * seed and `salt`. What happened so far stays; what happens next is another run's luck. Triage
   * calls it at a step boundary to ask whether a failure was already bound to happen.
   */
  reseed(salt: string): void {
    this.root.reseed(salt);
  }

  /** The client names, in creation order. */
  get clientNames(): string[] {
    return [...this.clients.keys()];
  }

  /** Timers armed and not yet fired (the explorer shows whether a step would do anything). */
  get pendingTimers(): number {
    return this.time.pending;
  }

  /** Virtual ms since the start of the run at which the next timer fires, if any (virtual time only). */
  nextTimerAt(): number | undefined {
    if (!(this.time instanceof VirtualTime)) return undefined;
    const due = this.time.clock.nextDueAt();
    return due === undefined ? undefined : due - this.time.startTime;
  }

  /** The history so far. */
  get history(): History {
    return this.recorder.events;
  }

  /** Virtual ms since the start of the run. */
  get elapsed(): number {
    return this.time.now() - this.time.startTime;
  }

  /** The scheduler's tie-break choices so far (virtual time only): replay them with `ties: { kind: 'list', choices }`. */
  tieChoices(): number[] {
    return this.time instanceof VirtualTime ? this.time.clock.choices() : [];
  }

  /** Each tie the scheduler resolved: when, between which lanes, and which went first. */
  ties(): readonly TieChoice[] {
    return this.time instanceof VirtualTime ? this.time.clock.ties() : [];
  }

  client(name: string): ClientHandle {
    const state = this.state(name);
    state.handle ??= this.makeClientHandle(state);
    return state.handle;
  }

  /** A server-side editor: another user writing straight to the backend. */
  editor(name: string): EditorHandle {
    let editor = this.editors.get(name);
    if (editor === undefined) {
      editor = this.makeEditor(name);
      this.editors.set(name, editor);
    }
    return editor;
  }

  setOffline(name: string, offline: boolean): void {
    this.state(name).link.setOffline(offline, 'world');
  }

  isOffline(name: string): boolean {
    return this.state(name).link.offline;
  }

  /** Kills and reopens a client: the same as `client(name).restart()`. */
  restart(name: string): Operation<void> {
    return this.client(name).restart();
  }

  /** Adds a free-text note to the history. */
  note(text: string, actor = 'world'): void {
    this.recorder.record(actor, { kind: 'note', text });
  }

  /** Every link online, no more faults, partitions or restarts from here on; latency stays. */
  heal(): void {
    this.recorder.record('world', { kind: 'heal' });
    for (const state of this.clients.values()) state.link.heal();
  }

  /** Drives time until the operation completes. */
  settle<T>(op: Operation<T>): Promise<OperationOutcome<T>> {
    return this.time.run(op.outcome, `operation #${op.opId} (${op.op.type} by ${op.actor})`);
  }

  /** Drives time until the promise settles. */
  drive<T>(promise: Promise<T>, what?: string): Promise<T> {
    return this.time.run(promise, what);
  }

  /** Fires one timer (after letting microtasks drain). False when nothing was armed. */
  step(): Promise<boolean> {
    return this.time.step();
  }

  /** Fires everything due within `ms` and moves the clock `ms` forward. */
  advance(ms: number): Promise<void> {
    return this.time.advance(ms);
  }

  /** Fires timers until none is armed (plan events still ahead included). */
  runUntilIdle(): Promise<void> {
    return this.time.runUntilIdle();
  }

  /** Records every client's tables and operation log and every server row. */
  snapshot(label: string): Promise<SnapshotEvent> {
    return this.time.run(this.captureSnapshot(label), `snapshot ${JSON.stringify(label)}`);
  }

  /**
   * Every client pushes, then every client pulls every table, `rounds` times, one operation at
   * a time in client order. Use after `heal()` for convergence checks. Returns the operations.
   */
  async syncAll(options: SyncAllOptions = {}): Promise<Operation<unknown>[]> {
    const ops: Operation<unknown>[] = [];
    for (let round = 0; round < (options.rounds ?? 1); round++) {
      for (const name of this.clientNames) {
        const op = this.client(name).push();
        ops.push(op);
        await this.settle(op);
      }
      for (const name of this.clientNames) {
        for (const table of this.tables) {
          const op = this.client(name).pull(
            table.name,
            options.queryId !== undefined ? { queryId: options.queryId } : {},
          );
          ops.push(op);
          await this.settle(op);
        }
      }
    }
    return ops;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const state of this.clients.values()) {
      state.link.heal();
      await state.driver.close().catch(() => undefined);
    }
    await this.front?.close();
    this.backend.close();
  }

  private state(name: string): ClientState {
    const state = this.clients.get(name);
    if (state === undefined)
      throw new Error(`no client named ${JSON.stringify(name)} (clients: ${this.clientNames.join(', ')})`);
    return state;
  }

  private async captureSnapshot(label: string): Promise<SnapshotEvent> {
    const clients: Record<string, ClientSnapshot> = {};
    for (const state of this.clients.values()) {
      if (state.restarting !== undefined) await state.restarting.catch(() => undefined);
      clients[state.name] = await state.driver.snapshot();
    }
    const rows = this.backend.snapshot();
    const server: Record<string, ServerRecord[]> = {};
    for (const table of Object.keys(rows).sort()) {
      server[table] = [...rows[table]!].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
    return this.recorder.record('world', { kind: 'snapshot', label, clients, server }) as SnapshotEvent;
  }

  /**
   * Starts an operation: records `invoke` now, and `ok`, `fail` or `info` when it completes.
   * Client operations wait for a restart in progress, as taps on a reopening app would.
   */
  private start<T>(
    actor: string,
    op: ClientOperation | ServerEdit,
    run: () => Promise<T>,
    value: ValueRecorder<T>,
    client?: ClientState,
  ): TrackedOperation<T> {
    const tracked = new TrackedOperation<T>(this.nextOpId++, actor, op);
    this.recorder.record(actor, { kind: 'invoke', opId: tracked.opId, op });
    const uncertainBefore = client?.uncertain ?? 0;
    client?.pending.add(tracked as TrackedOperation<unknown>);
    const restarting = client?.restarting;
    let work: Promise<T>;
    try {
      work = restarting === undefined ? run() : restarting.then(run, run);
    } catch (error) {
      // A driver that throws instead of rejecting still yields a recorded failure.
      work = Promise.reject(error);
    }
    work.then(
      (result) => {
        client?.pending.delete(tracked as TrackedOperation<unknown>);
        if (tracked.status !== 'pending') return;
        const recorded = value(result);
        this.recorder.record(actor, {
          kind: 'ok',
          opId: tracked.opId,
          ...(recorded !== undefined ? { value: recorded } : {}),
        });
        tracked.complete({ status: 'ok', value: result });
      },
      (error: unknown) => {
        client?.pending.delete(tracked as TrackedOperation<unknown>);
        if (tracked.status !== 'pending') return;
        const message = describeError(error);
        const uncertain = client !== undefined && client.uncertain > uncertainBefore;
        this.recorder.record(actor, { kind: uncertain ? 'info' : 'fail', opId: tracked.opId, error: message });
        tracked.complete({ status: uncertain ? 'info' : 'fail', error: message });
      },
    );
    return tracked;
  }

  /**
   * Kills the app: operations in flight are recorded `info` and abandoned, then the driver
   * reopens from its last committed store. Restarts queue behind one another.
   */
  private kill(state: ClientState): Promise<void> {
    const victims = [...state.pending].filter((op) => op.op.type !== 'restart');
    this.recorder.record(state.name, { kind: 'restart', client: state.name, midOperation: victims.length > 0 });
    for (const victim of victims) {
      state.pending.delete(victim);
      this.recorder.record(state.name, { kind: 'info', opId: victim.opId, error: KILLED });
      victim.complete({ status: 'info', error: KILLED });
    }
    const previous = state.restarting ?? Promise.resolve();
    const reopened = previous.catch(() => undefined).then(() => state.driver.restart());
    state.restarting = reopened;
    const clear = (): void => {
      if (state.restarting === reopened) state.restarting = undefined;
    };
    reopened.then(clear, (error: unknown) => {
      clear();
      this.note(`${state.name} failed to reopen: ${describeError(error)}`, state.name);
    });
    return reopened;
  }

  private makeClientHandle(state: ClientState): ClientHandle {
    const { name, driver } = state;
    // The recorder copies values into plain JSON; these only pick what to record.
    const rows = (result: JsonObject[]): JsonValue => result;
    const row = (result: JsonObject | null): JsonValue => result;
    const none = (): undefined => undefined;
    const start = <T>(op: ClientOperation, run: () => Promise<T>, value: ValueRecorder<T>): Operation<T> =>
      this.start(name, op, run, value, state);
    const handle: ClientHandle = {
      name,
      driver,
      get offline() {
        return state.link.offline;
      },
      insert: (table, record) => start({ type: 'insert', table, record }, () => driver.insert(table, record), row),
      update: (table, record) => start({ type: 'update', table, record }, () => driver.update(table, record), row),
      delete: (table, id) => start({ type: 'delete', table, id }, () => driver.delete(table, id), none),
      lookup: (table, id) => start({ type: 'lookup', table, id }, () => driver.lookup(table, id), row),
      read: (table) => start({ type: 'read', table }, () => driver.read(table), rows),
      push: () =>
        start(
          { type: 'push' },
          () => driver.push(),
          (summary) => summary as unknown as JsonValue,
        ),
      pull: (table, options = {}) =>
        start({ type: 'pull', table, ...options }, () => driver.pull(table, options), none),
      purge: (table, options = {}) =>
        start({ type: 'purge', table, ...options }, () => driver.purge(table, options), none),
      // The kill happens at once (the restart op itself is never its own victim).
      restart: () => start({ type: 'restart' }, () => this.kill(state), none),
      perform: (op) => {
        switch (op.type) {
          case 'insert':
            return handle.insert(op.table, op.record);
          case 'update':
            return handle.update(op.table, op.record);
          case 'delete':
            return handle.delete(op.table, op.id);
          case 'lookup':
            return handle.lookup(op.table, op.id);
          case 'read':
            return handle.read(op.table);
          case 'push':
            return handle.push();
          case 'pull':
            return handle.pull(op.table, {
              ...(op.queryId !== undefined ? { queryId: op.queryId } : {}),
              ...(op.filter !== undefined ? { filter: op.filter } : {}),
            });
          case 'purge':
            return handle.purge(op.table, op.force !== undefined ? { force: op.force } : {});
          case 'restart':
            return handle.restart();
        }
      },
      pending: () => [...state.pending],
    };
    return handle;
  }

  private makeEditor(name: string): EditorHandle {
    // A direct write runs synchronously; anything but a write is the editor's failure.
    const write = (outcome: () => WriteOutcome) => async (): Promise<JsonValue> => {
      const result = outcome();
      if (result.kind === 'written') return toJsonSafe(result.record);
      const detail = 'error' in result ? result.error : result.kind;
      throw new Error(`HTTP ${result.status}: ${detail}`);
    };
    const same = (value: JsonValue): JsonValue => value;
    const editor: EditorHandle = {
      name,
      insert: (table, record) =>
        this.start(
          name,
          { type: 'insert', table, record },
          write(() => this.backend.insert(table, record)),
          same,
        ),
      update: (table, id, changes) =>
        this.start(
          name,
          { type: 'update', table, id, changes },
          write(() => this.backend.update(table, id, changes)),
          same,
        ),
      delete: (table, id) =>
        this.start(
          name,
          { type: 'delete', table, id },
          write(() => this.backend.delete(table, id)),
          same,
        ),
      perform: (edit) => {
        switch (edit.type) {
          case 'insert':
            return editor.insert(edit.table, edit.record);
          case 'update':
            return editor.update(edit.table, edit.id, edit.changes);
          case 'delete':
            return editor.delete(edit.table, edit.id);
        }
      },
    };
    return editor;
  }

  /** Records a body as `actor` (for tools built on the world, e.g. scenario markers). */
  record(actor: string, body: HistoryEventBody): HistoryEvent {
    return this.recorder.record(actor, body);
  }
}

function normaliseClients(clients: number | readonly (string | WorldClientSpec)[]): WorldClientSpec[] {
  if (typeof clients === 'number') {
    if (!Number.isInteger(clients) || clients < 1)
      throw new RangeError(`clients: expected a whole number >= 1, got ${clients}`);
    return Array.from({ length: clients }, (_, i) => ({ name: `client-${i + 1}` }));
  }
  const specs = clients.map((spec) => (typeof spec === 'string' ? { name: spec } : spec));
  const names = new Set<string>();
  for (const { name } of specs) {
    if (typeof name !== 'string' || name === '')
      throw new TypeError(`clients: every client needs a non-empty name, got ${JSON.stringify(name)}`);
    if (names.has(name)) throw new Error(`two clients are named ${JSON.stringify(name)}`);
    names.add(name);
  }
  if (specs.length === 0) throw new RangeError('clients: a world needs at least one client');
  return specs;
}

const simulatedBackend: WorldBackendFactory = ({ tables, clock, random }) =>
  createBackend({ tables: [...tables], clock, random });
