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
import { USER_HEADER, userOf, type ServerVariants } from '../backend/server-variants.js';
import { createBackend } from '../backend/backend.js';
import { createReferenceDriver } from '../client/driver.js';
import type { Backend, ServedRead, WriteOutcome } from '../backend/types.js';
import type { Compatibility, ServerProfileName } from '../backend/profiles/profile.js';
import type { HttpRequest, HttpResponse, Transport } from '../protocol/http.js';
import {
  TODOITEM_TABLE,
  type JsonObject,
  type JsonValue,
  type ServerRecord,
  type TableDefinition,
} from '../protocol/records.js';
import { DEFAULT_TIMEOUT_MS, linkPlanFor, type FaultPlan } from '../network/fault-plan.js';
import type { HoldRequest } from '../network/hold.js';
import { NetworkLink } from '../network/link.js';
import { FaultPlanError, parseFaultPlan } from '../network/validate.js';
import type { Clock } from '../kernel/clock.js';
import type {
  ClientDriver,
  ClientDriverFactory,
  ClientSnapshot,
  PushHandler,
  PushSummary,
  StoreFault,
  StoreWrite,
  StoreWriteVerdict,
} from '../kernel/driver.js';
import {
  pullFilter,
  type ClientOperation,
  type HeldRows,
  type History,
  type HistoryEvent,
  type HistoryEventBody,
  type ServerEdit,
  type StoreStatement,
  type StuckOperation,
} from '../kernel/history.js';
import { undefinedTableError } from '../kernel/app-version.js';
import { describeError, toJsonSafe } from '../kernel/json-safe.js';
import type { LocalQuery, LocalQueryResult, TableAccess } from '../kernel/local-query.js';
import { TrackedOperation, type Operation, type OperationOutcome, type ValueRecorder } from '../kernel/operation.js';
import { SeededRandom, type RandomSource } from '../kernel/random.js';
import { HistoryRecorder } from '../kernel/recorder.js';
import { recordingPushHandler } from './recording-handler.js';
import { SchedulerStuckError, type DrainMode, type SchedulerLimits, type Watchdog } from '../kernel/scheduler.js';
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
  /** Default: the tutorial's `todoitem`. With `schemaVersions`: the first app version's tables. */
  readonly tables?: readonly TableDefinition[];
  /**
   * The later app versions' tables (version 2, 3…), each every table of that version: a client
   * starts as version 1 (`tables`) and an `upgrade` restarts it as the next. The server has the
   * newest. Default: none (one version).
   */
  readonly schemaVersions?: readonly (readonly TableDefinition[])[];
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
  /** The real server the simulated backend imitates (when `backend` is not given). Default: Node, default compatibility. */
  readonly server?: ServerSpec;
  /** `real` runs on wall-clock timers (not reproducible). Default `virtual`. */
  readonly time?: 'virtual' | 'real';
  /** Sends requests through a real front door instead of calling the backend in-process. */
  readonly serve?: ServeBackend;
  /** The URL clients believe they talk to. */
  readonly url?: string;
  /**
   * Virtual ms a client with operations pending may go without progress — no request sent, no
   * store write — before the world stops the run as stuck (virtual time only). Default: twice
   * the longest link timeout, at least 60,000, so that a request in flight always ends first.
   */
  readonly stallMs?: number;
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
  query(table: string, query: LocalQuery, via?: TableAccess): Operation<LocalQueryResult>;
  push(): Operation<PushSummary>;
  pull(table: string, options?: { queryId?: string; filter?: string }): Operation<void>;
  purge(table: string, options?: { force?: boolean }): Operation<void>;
  /** Kills the app (mid-operation if one is in flight) and reopens it from its last committed store. */
  restart(): Operation<void>;
  /** Kills the app as `restart` does and reopens it as the next app version (the newest stays the newest). */
  upgrade(): Operation<number>;
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
  /** The app's life: 1 at creation, and each kill starts the next. */
  life: number;
  /** Store writes of this life, counted from when the app was open. */
  writes: number;
  /** The statements of the store's open transaction, and the number of its first write. */
  openStatements: StoreStatement[];
  openFirst: number | undefined;
  /** The plan's crash points for this client; each fires once. */
  readonly crashes: { readonly afterWrite: number; used: boolean }[];
  /** The plan's store faults for this client; each fires once. */
  readonly storeFaults: { readonly fault: StoreFault; readonly write: number; used: boolean }[];
  /** Virtual time of the client's last progress (a request, a store write) or operation start or end. */
  activeAt: number;
  /** The app version it runs, from 1 (see WorldOptions.schemaVersions). */
  version: number;
}

const KILLED = 'killed: the app restarted mid-operation';

const NO_NAMES: readonly string[] = [];

/** The driver factory a client runs on: its own, else the world's, else the reference client. */
function driverOf(options: WorldOptions, spec: WorldClientSpec): ClientDriverFactory {
  return spec.driver ?? options.driver ?? createReferenceDriver;
}

/** The faster drain when everything simulated has declared it waits on promises alone. */
function defaultDrain(options: WorldOptions, specs: readonly WorldClientSpec[]): DrainMode {
  if (options.backend !== undefined || options.serve !== undefined) return 'event-loop-turn';
  const promiseOnly = specs.every((spec) => driverOf(options, spec).waitsOnlyOnPromises === true);
  return promiseOnly ? 'microtasks' : 'event-loop-turn';
}

export class World {
  readonly seed: number | string;
  readonly random: RandomSource;
  private readonly root: SeededRandom;
  readonly recorder: HistoryRecorder;
  /** The newest app version's tables: the server's. */
  readonly tables: readonly TableDefinition[];
  /** Every app version's tables, version 1 first. */
  readonly versions: readonly (readonly TableDefinition[])[];
  private readonly clients = new Map<string, ClientState>();
  private readonly editors = new Map<string, EditorHandle>();
  private nextOpId = 1;
  private nextRequestId = 1;
  private nextCallId = 1;
  private nextHoldId = 1;
  private closed = false;
  /** Per pull query (table, filter): the table's write count when a `server-read` last recorded its rows. */
  private readonly heldRecorded = new Map<string, number>();
  /** Clients the watchdog found stalled (names), for the `stuck` event. */
  private stalled: readonly string[] = NO_NAMES;
  /** After heal() no crash point fires (as no fault, partition or restart does). */
  private healed = false;

  private constructor(
    readonly time: WorldTime,
    readonly backend: WorldBackend,
    private readonly front: { readonly transport: Transport; close(): Promise<void> } | undefined,
    seed: number | string,
    random: SeededRandom,
    recorder: HistoryRecorder,
    versions: readonly (readonly TableDefinition[])[],
    readonly stallMs: number,
    /** Who each client and editor is signed in as, under a per-user server. */
    private readonly server: ServerSpec,
  ) {
    this.seed = seed;
    this.random = random;
    this.root = random;
    this.recorder = recorder;
    this.versions = versions;
    this.tables = versions.at(-1)!;
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
    const versions = [options.tables ?? [TODOITEM_TABLE], ...(options.schemaVersions ?? [])];
    const tables = versions.at(-1)!;
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
            quietFires: specs.some((spec) => driverOf(options, spec).quietTimers === true),
          });
    recorder = new HistoryRecorder(time, time.startTime);

    const backendFactory = options.backend ?? simulatedBackend(options.server ?? {});
    const backend = await time.runWithIo(
      backendFactory({ tables, clock: time.lane('server'), random: random.fork('backend') }),
    );
    const front = options.serve === undefined ? undefined : await options.serve(backend);
    const timeouts = specs.map((spec) => linkPlanFor(plan, spec.name).timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const stallMs = options.stallMs ?? Math.max(60_000, 2 * Math.max(...timeouts));
    if (!(stallMs > 0)) throw new RangeError(`stallMs: expected a positive number of ms, got ${stallMs}`);
    const server = options.server ?? {};
    const world = new World(time, backend, front, options.seed, random, recorder, versions, stallMs, server);
    if (typeof server.perUser === 'object') recorder.record('world', { kind: 'users', users: { ...server.perUser } });

    try {
      for (const spec of specs) {
        await world.addClient(
          spec,
          plan,
          driverOf(options, spec),
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
    factory: ClientDriverFactory,
    handler: PushHandler,
    url: string,
  ): Promise<void> {
    const { name } = spec;
    let state: ClientState | undefined;
    const linkPlan = linkPlanFor(plan, name);
    const link = new NetworkLink({
      name,
      plan: linkPlan,
      clock: this.time.lane(`link:${name}`),
      startTime: this.time.startTime,
      random: this.random.fork(`link:${name}`),
      server: (request, requestId) => this.toServer(name, state, request, requestId),
      recorder: this.recorder,
      nextRequestId: () => this.nextRequestId++,
      onRestart: () => {
        if (state !== undefined) void this.kill(state);
      },
      operationOf: (request) => (state === undefined ? null : pullOwning(state, request)),
    });
    const uncertainCounter: Transport = async (request) => {
      if (state !== undefined) state.activeAt = this.time.now();
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
        tables: this.versions[0]!,
        pushHandler,
        // Writes of the first life count once the world has the client (its creation is not a life's work).
        onStoreWrite: (write) => (state === undefined ? 'continue' : this.storeWrite(state, write)),
      }),
    );
    const crashes = (linkPlan.crashes ?? []).map((rule) => ({ afterWrite: rule.afterWrite, used: false }));
    const storeFaults = (linkPlan.store ?? []).map((rule) => ({ fault: rule.fault, write: rule.write, used: false }));
    state = {
      name,
      driver,
      link,
      pending: new Set(),
      restarting: undefined,
      uncertain: 0,
      handle: undefined,
      life: 1,
      writes: 0,
      openStatements: [],
      openFirst: undefined,
      crashes,
      storeFaults,
      activeAt: this.time.now(),
      version: 1,
    };
    this.clients.set(name, state);
    if (crashes.length > 0 && driver.reportsStoreWrites !== true) {
      this.note(
        `${name}'s driver (${driver.kind}) does not report store writes: the crash points planned for it (after write ${crashes.map((rule) => rule.afterWrite).join(', ')}) never fire`,
      );
    }
    if (storeFaults.length > 0 && driver.reportsStoreWrites !== true) {
      this.note(
        `${name}'s driver (${driver.kind}) does not report store writes: the store faults planned for it (from write ${storeFaults.map((rule) => rule.write).join(', ')}) never fire`,
      );
    }
  }

  /**
   * A store write of a client: progress, a `store-write` event at each commit, and the app's
   * death when the plan puts a crash point here. Writes made while the app reopens are its
   * start-up, not counted.
   */
  private storeWrite(state: ClientState, write: StoreWrite): StoreWriteVerdict {
    if (this.closed || state.restarting !== undefined) return 'continue';
    state.activeAt = this.time.now();
    const n = ++state.writes;
    const statement: StoreStatement =
      write.table === undefined ? { statement: write.statement } : { statement: write.statement, table: write.table };
    const fault = write.kind === 'statement' && !this.healed ? this.storeFault(state, write, n) : undefined;
    if (fault !== undefined) return fault;
    if (write.kind === 'statement') {
      state.openFirst ??= n;
      state.openStatements.push(statement);
    } else {
      this.recorder.record(state.name, {
        kind: 'store-write',
        client: state.name,
        life: state.life,
        first: state.openFirst ?? n,
        last: n,
        statements: write.kind === 'commit' ? state.openStatements : [statement],
      });
      state.openStatements = [];
      state.openFirst = undefined;
    }
    if (this.healed) return 'continue';
    const rule = state.crashes.find((crash) => !crash.used && crash.afterWrite === n);
    if (rule === undefined) return 'continue';
    rule.used = true;
    this.recorder.record('world', {
      kind: 'fault',
      link: state.name,
      fault: 'crash',
      detail: {
        life: state.life,
        write: n,
        kind: write.kind,
        statement: write.statement,
        ...(write.table !== undefined ? { table: write.table } : {}),
        // Statements of the open transaction that die with the app (this one included).
        lost: write.kind === 'statement' ? state.openStatements.length : 0,
      },
    });
    void this.kill(state);
    return 'crash';
  }

  /**
   * The store fault the plan puts on this statement, if any: recorded as a `fault` event (the
   * statement fails, its transaction rolls back, so the statements it had run so far never
   * commit and no `store-write` event names them).
   */
  private storeFault(state: ClientState, write: StoreWrite, n: number): StoreFault | undefined {
    const rule = state.storeFaults.find((candidate) => !candidate.used && candidate.write <= n);
    if (rule === undefined) return undefined;
    rule.used = true;
    this.recorder.record('world', {
      kind: 'fault',
      link: state.name,
      fault: `store-${rule.fault}`,
      detail: {
        life: state.life,
        write: n,
        statement: write.statement,
        ...(write.table !== undefined ? { table: write.table } : {}),
        // Statements of the transaction that roll back with it (this one included).
        rolledBack: state.openStatements.length + 1,
      },
    });
    state.openStatements = [];
    state.openFirst = undefined;
    return rule.fault;
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

  /** The app signs in again: the credential its link's plan took away is restored (see network/credentials.ts). */
  signIn(name: string): void {
    this.state(name).link.signIn('world');
  }

  isOffline(name: string): boolean {
    return this.state(name).link.offline;
  }

  /** The tables of the app version `name` runs now. */
  tablesOf(name: string): readonly TableDefinition[] {
    return this.versions[this.state(name).version - 1]!;
  }

  /** The app version `name` runs now, from 1. */
  versionOf(name: string): number {
    return this.state(name).version;
  }

  /** Kills and reopens a client: the same as `client(name).restart()`. */
  restart(name: string): Operation<void> {
    return this.client(name).restart();
  }

  /** Adds a free-text note to the history. */
  note(text: string, actor = 'world'): void {
    this.recorder.record(actor, { kind: 'note', text });
  }

  /** Every link online, no more faults, partitions, restarts or crash points from here on; latency stays. */
  heal(): void {
    this.healed = true;
    this.recorder.record('world', { kind: 'heal' });
    for (const state of this.clients.values()) state.link.heal();
  }

  /**
   * Keeps the link's answer to a chosen request of `client` — its n-th push request, or the k-th
   * page of a pull, counted from now — until {@link release}: the server handles the request, the
   * client waits for the answer meanwhile. Returns the hold's id. Virtual time only (on real time
   * nothing would ever let a forgotten hold go).
   */
  hold(client: string, request: HoldRequest): number {
    if (!this.time.virtual) throw new Error('hold(): a world on real time cannot hold answers; use a virtual world');
    const id = this.nextHoldId++;
    this.state(client).link.hold(id, request);
    return id;
  }

  /** Lets hold `id` of `client` go: its answer is on its way (or it is disarmed if its request never came). */
  release(client: string, id: number, reason: string): void {
    const state = this.state(client);
    state.link.release(id, reason);
    // The wait was the program's: the client's progress counts from here.
    state.activeAt = this.time.now();
  }

  /** Every hold of every client. */
  releaseHolds(reason: string): void {
    for (const state of this.clients.values()) {
      if (state.link.releaseHolds(reason) > 0) state.activeAt = this.time.now();
    }
  }

  /** Answers kept by holds now, over every link. */
  get heldAnswers(): number {
    let count = 0;
    for (const state of this.clients.values()) count += state.link.holding;
    return count;
  }

  /**
   * Like {@link settle}, except that an operation that can only complete once a held answer comes
   * is left in flight: when nothing but that answer is left to wait for, it returns false (no
   * `stuck` event; the operation goes on once the hold is released).
   */
  async settleUnlessHeld(op: Operation<unknown>): Promise<boolean> {
    try {
      await this.time.run(op.outcome, `operation #${op.opId} (${op.op.type} by ${op.actor})`, this.watchdog);
      return true;
    } catch (error) {
      if (error instanceof SchedulerStuckError && error.reason === 'deadlock' && this.heldAnswers > 0) return false;
      if (error instanceof SchedulerStuckError) this.recordStuck(error, op.opId);
      throw error;
    }
  }

  /**
   * Drives time until the operation completes. Throws {@link SchedulerStuckError} when it cannot:
   * no timer left (`deadlock`), the timer budget spent (`budget`), or a client with operations
   * pending made no progress for {@link stallMs} (`stalled`) — after recording a `stuck` event.
   */
  settle<T>(op: Operation<T>): Promise<OperationOutcome<T>> {
    return this.guarded(op.outcome, `operation #${op.opId} (${op.op.type} by ${op.actor})`, op.opId);
  }

  /** Drives time until the promise settles (stopped as {@link settle} is). */
  drive<T>(promise: Promise<T>, what?: string): Promise<T> {
    return this.guarded(promise, what);
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
    return this.guarded(this.captureSnapshot(label), `snapshot ${JSON.stringify(label)}`);
  }

  private async guarded<T>(promise: Promise<T>, what?: string, awaited?: number): Promise<T> {
    try {
      return await this.time.run(promise, what, this.watchdog);
    } catch (error) {
      if (error instanceof SchedulerStuckError) this.recordStuck(error, awaited);
      throw error;
    }
  }

  /**
   * Stops a drive once a client with operations pending has gone {@link stallMs} without
   * progress. Tools that drive time themselves (the explorer) pass it on, and call
   * {@link recordStuck} when they stop, as `settle` does.
   */
  readonly watchdog: Watchdog = (nextDueAt) => {
    // Asked before every timer (thousands a run): it allocates nothing unless a client stalled.
    let quiet: string[] | undefined;
    for (const state of this.clients.values()) {
      // A client whose answer a hold keeps waits on the program, not on itself.
      if (state.pending.size > 0 && state.link.holding === 0 && nextDueAt - state.activeAt > this.stallMs) {
        (quiet ??= []).push(state.name);
      }
    }
    this.stalled = quiet ?? NO_NAMES;
    if (quiet === undefined) return undefined;
    return `${this.stalled.join(', ')} made no progress (no request, no store write) for more than ${this.stallMs} virtual ms with operations pending`;
  };

  /**
   * The `stuck` event: every operation left waiting (of the stalled clients, when some stalled),
   * and on what; the operation the drive awaited, if it is one of them, first.
   */
  recordStuck(error: SchedulerStuckError, awaited?: number): void {
    const now = this.time.now();
    const events = this.recorder.events;
    // A drive inside a drive's caller (a snapshot the explorer takes) may have recorded it already.
    if (events.at(-1)?.kind === 'stuck') return;
    const waiting: StuckOperation[] = [];
    for (const state of this.clients.values()) {
      if (error.reason === 'stalled' && !this.stalled.includes(state.name)) continue;
      const ops = [...state.pending].sort((a, b) => a.opId - b.opId);
      if (ops.length === 0) continue;
      let lastProgress: HistoryEvent | undefined;
      const answered = new Set<number>();
      const inFlight: HistoryEvent[] = [];
      for (let i = events.length - 1; i >= 0; i--) {
        const event = events[i]!;
        if ((event.kind === 'http-response' || event.kind === 'http-failure') && event.link === state.name)
          answered.add(event.requestId);
        if (event.kind === 'http-request' && event.link === state.name) {
          lastProgress ??= event;
          if (!answered.has(event.requestId)) inFlight.push(event);
        }
        if (event.kind === 'store-write' && event.client === state.name) lastProgress ??= event;
        if (lastProgress !== undefined && event.t < now - 2 * this.stallMs) break;
      }
      const progressAt = lastProgress === undefined ? undefined : lastProgress.t;
      const others = (op: TrackedOperation<unknown>): string =>
        ops
          .filter((other) => other !== op)
          .map((other) => `${other.op.type} #${other.opId}`)
          .join(', ');
      for (const op of ops) {
        const invoked = events.find((event) => event.kind === 'invoke' && event.opId === op.opId);
        const since = invoked?.t ?? 0;
        const quietSince = Math.max(since, progressAt ?? 0);
        const waitsOn =
          inFlight.length > 0
            ? `the answer to request #${inFlight.map((event) => event.seq).join(', #')} (sent, never answered)`
            : `nothing that came: no request in flight, no store write since t=${quietSince} (a lock or a promise nobody settles)`;
        const alongside = others(op);
        waiting.push({
          opId: op.opId,
          client: state.name,
          op: op.op.type,
          since,
          ...(lastProgress !== undefined ? { lastProgress: lastProgress.seq } : {}),
          quietSince,
          waitsOn: alongside === '' ? waitsOn : `${waitsOn}; ${state.name} also waits on ${alongside}`,
        });
      }
    }
    const first = waiting.findIndex((op) => op.opId === awaited);
    if (first > 0) waiting.unshift(...waiting.splice(first, 1));
    this.recorder.record('world', { kind: 'stuck', reason: error.reason, stallMs: this.stallMs, waiting });
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
        for (const table of this.tablesOf(name)) {
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

  /**
   * Hands a request that crossed a client's link to the server. The in-process backend tells what
   * each table query served, at the moment it served it; that goes to the history as ground truth.
   */
  private toServer(
    link: string,
    state: ClientState | undefined,
    request: HttpRequest,
    requestId: number,
  ): Promise<HttpResponse> {
    // The app's token, as the JS client sends it once signed in; the gateway in front of the
    // table service (network/credentials.ts) has already let it pass.
    const user = userOf(this.server, link);
    if (user !== undefined) request = { ...request, headers: { ...request.headers, [USER_HEADER]: user } };
    if (this.front !== undefined) return this.front.transport(request);
    return this.backend.handle(request, { observeRead: (read) => this.recordRead(link, state, requestId, read) });
  }

  /**
   * A `server-read` event: the page served, and for each distinct query of the pulls the client
   * has in flight on that table, every row that query matches right now — what a complete pull
   * must bring, whatever bounds the client asked with. A query's rows are recorded again only
   * after the table changed: until then the last record of them still holds.
   */
  private recordRead(link: string, state: ClientState | undefined, requestId: number, read: ServedRead): void {
    const held: HeldRows[] = [];
    const table = read.table.toLowerCase();
    const filters = new Set<string | undefined>();
    for (const operation of state?.pending ?? []) {
      const op = operation.op;
      if (op.type === 'pull' && op.table.toLowerCase() === table) filters.add(pullFilter(op));
    }
    for (const filter of filters) {
      // Under a per-user server each user matches other rows: their records are apart.
      const user = userOf(this.server, link);
      const key = JSON.stringify(user === undefined ? [table, filter ?? null] : [table, filter ?? null, user]);
      if (this.heldRecorded.get(key) === read.writes) continue;
      this.heldRecorded.set(key, read.writes);
      const named = filter === undefined ? {} : { filter };
      try {
        held.push({ ...named, rows: read.rowsMatching(filter) });
      } catch (error) {
        held.push({ ...named, error: describeError(error) });
      }
    }
    this.recorder.record('server', {
      kind: 'server-read',
      requestId,
      link,
      table: read.table,
      served: [...read.served],
      full: read.full,
      ...(held.length > 0 ? { held } : {}),
    });
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
    if (client !== undefined) client.activeAt = this.time.now();
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
        if (client !== undefined) client.activeAt = this.time.now();
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
        if (client !== undefined) client.activeAt = this.time.now();
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
  private kill(state: ClientState, reopen: () => Promise<void> = () => state.driver.restart()): Promise<void> {
    // The restart or upgrade op itself is never its own victim.
    const victims = [...state.pending].filter((op) => op.op.type !== 'restart' && op.op.type !== 'upgrade');
    this.recorder.record(state.name, { kind: 'restart', client: state.name, midOperation: victims.length > 0 });
    state.link.appKilled();
    state.life++;
    state.writes = 0;
    state.openStatements = [];
    state.openFirst = undefined;
    state.activeAt = this.time.now();
    for (const victim of victims) {
      state.pending.delete(victim);
      this.recorder.record(state.name, { kind: 'info', opId: victim.opId, error: KILLED });
      victim.complete({ status: 'info', error: KILLED });
    }
    const previous = state.restarting ?? Promise.resolve();
    const reopened = previous.catch(() => undefined).then(reopen);
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

  /**
   * Kills the app and reopens it as its next version (the newest again at the newest): the
   * driver defines the next version's tables over the committed store.
   */
  private async upgrade(state: ClientState): Promise<number> {
    const upgrade = state.driver.upgrade?.bind(state.driver);
    if (upgrade === undefined) throw new Error(`the ${state.driver.kind} driver cannot upgrade an app`);
    state.version = Math.min(state.version + 1, this.versions.length);
    const tables = this.versions[state.version - 1]!;
    await this.kill(state, () => upgrade(tables));
    return state.version;
  }

  /**
   * The record as the client's app version writes it: without the columns only a later version
   * defines (an app cannot write a field it does not know). Columns no version defines stay.
   */
  private asWritten(state: ClientState, table: string, record: JsonObject): JsonObject {
    const known = this.knownColumn(state, table);
    if (known === undefined) return record;
    const kept = Object.entries(record).filter(([column]) => known(column));
    return kept.length === Object.keys(record).length ? record : Object.fromEntries(kept);
  }

  /**
   * The query the app at its version asks: a program drawn over the newest tables may name a
   * column only a later version defines, which this version's code has no way to name; its
   * predicates and sort keys on such columns are left out, as are such selected columns.
   */
  private asAsked(state: ClientState, table: string, query: LocalQuery): LocalQuery {
    const known = this.knownColumn(state, table);
    if (known === undefined) return query;
    const asked: { -readonly [K in keyof LocalQuery]: LocalQuery[K] } = { ...query };
    const where = query.where?.filter((predicate) => known(predicate.column)) ?? [];
    const orderBy = query.orderBy?.filter((ordering) => known(ordering.column)) ?? [];
    const select = query.select?.filter(known) ?? [];
    if (where.length > 0) asked.where = where;
    else delete asked.where;
    if (orderBy.length > 0) asked.orderBy = orderBy;
    else delete asked.orderBy;
    if (select.length > 0) asked.select = select;
    else delete asked.select;
    return asked;
  }

  /** Whether the client's app version knows a column of a table; undefined when every version does. */
  private knownColumn(state: ClientState, table: string): ((column: string) => boolean) | undefined {
    if (this.versions.length === 1) return undefined;
    const own = this.versions[state.version - 1]!.find((t) => t.name === table)?.columns ?? {};
    const later = new Set(
      this.versions.flatMap((tables) => tables.filter((t) => t.name === table)).flatMap((t) => Object.keys(t.columns)),
    );
    return (column) => column in own || !later.has(column);
  }

  private makeClientHandle(state: ClientState): ClientHandle {
    const { name, driver } = state;
    // The recorder copies values into plain JSON; these only pick what to record.
    const rows = (result: JsonObject[]): JsonValue => result;
    const row = (result: JsonObject | null): JsonValue => result;
    const none = (): undefined => undefined;
    const start = <T>(op: ClientOperation, run: () => Promise<T>, value: ValueRecorder<T>): Operation<T> =>
      this.start(name, op, run, value, state);
    // A table only a later app version defines does not exist for this one, whatever its driver
    // would make of it: the call fails alike on every client. Asked when the call runs, after
    // an upgrade in progress.
    const known =
      <T>(table: string, run: () => Promise<T>) =>
      (): Promise<T> => {
        const version = state.version;
        if (this.versions.length === 1 || this.versions[version - 1]!.some((t) => t.name === table)) return run();
        if (!this.versions.some((tables) => tables.some((t) => t.name === table))) return run();
        return Promise.reject(undefinedTableError(version, table));
      };
    const handle: ClientHandle = {
      name,
      driver,
      get offline() {
        return state.link.offline;
      },
      insert: (table, given) => {
        const record = this.asWritten(state, table, given);
        return start(
          { type: 'insert', table, record },
          known(table, () => driver.insert(table, record)),
          row,
        );
      },
      update: (table, given) => {
        const record = this.asWritten(state, table, given);
        return start(
          { type: 'update', table, record },
          known(table, () => driver.update(table, record)),
          row,
        );
      },
      delete: (table, id) =>
        start(
          { type: 'delete', table, id },
          known(table, () => driver.delete(table, id)),
          none,
        ),
      lookup: (table, id) =>
        start(
          { type: 'lookup', table, id },
          known(table, () => driver.lookup(table, id)),
          row,
        ),
      read: (table) =>
        start(
          { type: 'read', table },
          known(table, () => driver.read(table)),
          rows,
        ),
      query: (table, given, via) => {
        const query = this.asAsked(state, table, given);
        return start(
          { type: 'query', table, query, ...(via === undefined ? {} : { via }) },
          known(table, () => {
            if (driver.query === undefined) throw new Error(`the ${driver.kind} client has no query()`);
            return driver.query(table, query, via ?? 'context');
          }),
          (result) => result as unknown as JsonValue,
        );
      },
      push: () =>
        start(
          { type: 'push' },
          () => driver.push(),
          (summary) => summary as unknown as JsonValue,
        ),
      pull: (table, options = {}) =>
        start(
          { type: 'pull', table, ...options },
          known(table, () => driver.pull(table, options)),
          none,
        ),
      purge: (table, options = {}) =>
        start(
          { type: 'purge', table, ...options },
          known(table, () => driver.purge(table, options)),
          none,
        ),
      // The kill happens at once (the restart op itself is never its own victim).
      restart: () => start({ type: 'restart' }, () => this.kill(state), none),
      upgrade: () =>
        start(
          { type: 'upgrade' },
          () => this.upgrade(state),
          (version) => version,
        ),
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
          case 'query':
            return handle.query(op.table, op.query, op.via);
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
          case 'upgrade':
            return handle.upgrade();
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
    // An editor signed in as a user reaches that user's rows only; one left out of the map is an admin.
    const user = userOf(this.server, name);
    const as = user === undefined ? {} : { user };
    const editor: EditorHandle = {
      name,
      insert: (table, record) =>
        this.start(
          name,
          { type: 'insert', table, record },
          write(() => this.backend.insert(table, record, { direct: true, ...as })),
          same,
        ),
      update: (table, id, changes) =>
        this.start(
          name,
          { type: 'update', table, id, changes },
          write(() => this.backend.update(table, id, changes, as)),
          same,
        ),
      delete: (table, id) =>
        this.start(
          name,
          { type: 'delete', table, id },
          write(() => this.backend.delete(table, id, as)),
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

/**
 * The pull a query belongs to: the client's earliest pull still running (its syncs take turns,
 * so the earliest is the one sending), as the history index attributes it. Writes belong to no
 * one here: "the n-th PATCH of r1" means the same whichever push or pull sent it.
 */
function pullOwning(state: ClientState, request: { readonly method: string }): number | null {
  if (request.method.toUpperCase() !== 'GET') return null;
  for (const op of state.pending) if (op.op.type === 'pull') return op.opId;
  return null;
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

/** Which server profile the simulated backend takes, how exactly, and how unkind it is (server-variants.ts). */
export interface ServerSpec extends ServerVariants {
  readonly profile?: ServerProfileName;
  readonly compatibility?: Compatibility;
}

const simulatedBackend =
  (server: ServerSpec): WorldBackendFactory =>
  ({ tables, clock, random }) =>
    createBackend({ tables: [...tables], clock, random, ...server });
