/**
 * An explorer session: one live world on virtual time, driven by a user one action at a time.
 *
 * The session is its program: every action becomes fixed scenario steps (time moving is a
 * `wait`), every answer to a conflict goes into the client's script, every fault-panel change
 * into the fault plan. The world is always what running that program produces; a change that
 * cannot be made to a running world (adding a client, changing faults, undo) builds a new world
 * and runs the program again — to the same history, since nothing before the change differs.
 * Saved as a scenario, the same program replays to the same history under `syncwright run`.
 */
import path from 'node:path';
import { runCheckers, CHECKER_NAMES } from '../check/index.js';
import type { CheckResult } from '../check/types.js';
import { createReferenceDriver } from '../client/driver.js';
import { TODOITEM_TABLE, type JsonObject, type ServerRecord, type TableDefinition } from '../protocol/records.js';
import type { ClientDriverFactory, ClientSnapshot, PendingOperation, PushHandler } from '../kernel/driver.js';
import type { ClientOperation, History, HistoryEvent, ServerEdit } from '../kernel/history.js';
import { describeError } from '../kernel/json-safe.js';
import { DEFAULT_HISTORY_LIMIT, type HistoryLimit } from '../kernel/history-limit.js';
import { SchedulerStuckError } from '../kernel/scheduler.js';
import { VirtualTime } from '../kernel/world-time.js';
import { World } from '../world/world.js';
import { executeProgram } from '../scenario/execute.js';
import { createPushHandler, thenForLeftovers, tutorialPolicy } from '../scenario/policies.js';
import { resolveDefinition } from '../scenario/resolve.js';
import type { ScriptedResolution } from '../scenario/scripted.js';
import {
  BUILT_IN_POLICIES,
  SCENARIO_FORMAT_VERSION,
  type PolicySpec,
  type ScenarioDefinition,
  type Step,
} from '../scenario/types.js';
import { judge } from '../check/judge.js';
import { scenarioIssues } from '../scenario/validate.js';
import { ConflictDesk, DecisionError, type ConflictView } from './conflicts.js';
import { DRIVE_MAX_STEPS, PausableDrive } from './drive.js';
import { executeStep } from './execute-step.js';
import { currentFaults, sessionFaultPlan, withChange, type FaultChange, type LinkFaults } from './link-faults.js';

export const EXPLORER_POLICIES = ['ask', ...BUILT_IN_POLICIES] as const;
/** `ask` pauses a push at each conflict until the user answers; the others are the runner's policies. */
export type ExplorerPolicy = (typeof EXPLORER_POLICIES)[number];

/** A team's handler module (its path from the session's `baseDir`): it runs first; the conflicts it leaves unhandled wait for the user. */
export interface ExplorerModulePolicy {
  readonly module: string;
}

/** A scenario's own policy, run as it is and saved as it is (JSON only: no functions). */
export type ExplorerFixedPolicy = Exclude<
  PolicySpec,
  string | { readonly module: string } | { readonly handler: PushHandler }
>;

/** What a client does at a conflict: ask the user, a built-in policy, a handler module, or a scenario's policy. */
export type ExplorerClientPolicy = ExplorerPolicy | ExplorerModulePolicy | ExplorerFixedPolicy;

export interface ExplorerClient {
  readonly name: string;
  readonly policy: ExplorerClientPolicy;
}

/**
 * What a session keeps of the scenario it was opened on, and writes back into every scenario it
 * saves (and into what "Check as a run" runs).
 */
export type ExplorerScenarioBase = Pick<
  ScenarioDefinition,
  'server' | 'pullPageSize' | 'checks' | 'allow' | 'expect' | 'intent' | 'dropped' | 'settleRounds'
>;

export interface ExplorerSessionOptions {
  /** The world's seed (ids, versions, latencies, scheduler ties). Default 1. */
  readonly seed?: number;
  /** A count (`client-1`…) or the clients. Default 2. */
  readonly clients?: number | readonly (string | { readonly name: string; readonly policy?: ExplorerClientPolicy })[];
  /** Every client's policy unless it names its own. Default `ask`. */
  readonly policy?: ExplorerPolicy;
  /** Default: the tutorial's `todoitem`. */
  readonly tables?: readonly TableDefinition[];
  /** How clients are built. Default: the reference client. */
  readonly driver?: ClientDriverFactory;
  /** The server editors the page offers. Default `editor-1`. */
  readonly editors?: readonly string[];
  /** The scenario the session was opened on: its server, checks, declarations… */
  readonly base?: ExplorerScenarioBase;
  /** Where relative handler module paths start, and saved ones are written relative to. Default: the working directory. */
  readonly baseDir?: string;
  /**
   * How large the session's history may grow (events, and bytes of JSON). Past it, actions that
   * would add to it are refused until the session is saved, undone or reset. The history is never
   * trimmed: saving, replaying and checking need all of it. Default DEFAULT_HISTORY_LIMIT's.
   */
  readonly historyLimit?: Pick<HistoryLimit, 'maxEvents' | 'maxBytes'>;
}

/** A request the session cannot take now or at all; the API answers with `status`. */
export class ExplorerError extends Error {
  override readonly name = 'ExplorerError';
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

/** One user action and the steps it became. */
export interface SessionAction {
  readonly label: string;
  readonly steps: Step[];
  /** Answers per client before the action: undo cuts the scripts back to these. */
  readonly decisionMarks: Readonly<Record<string, number>>;
}

export interface ClientView {
  readonly name: string;
  /** `ask`, a built-in policy's name, or `module <path>` (a module asks what it leaves unhandled). */
  readonly policy: string;
  readonly offline: boolean;
  readonly tables: Record<string, JsonObject[]>;
  readonly operations: readonly PendingOperation[];
  /** Operations started and not finished (background ones, or one paused at a conflict). */
  readonly running: readonly { readonly opId: number; readonly type: string }[];
  /** Answers this client's script holds. */
  readonly decisions: number;
  /** Set when the client's state cannot be read now (it is reopening). */
  readonly unreadable?: string;
}

export interface LinkView {
  readonly name: string;
  readonly faults: LinkFaults;
  readonly requests: number;
}

/** Everything the page shows, as plain JSON. */
export interface SessionView {
  readonly revision: number;
  readonly seed: number;
  readonly tables: readonly TableDefinition[];
  /** The server editors that may write (another user each). */
  readonly editors: readonly string[];
  /** Virtual ms since the start. */
  readonly elapsed: number;
  /** Virtual ms until the next timer fires, or null when none is armed. */
  readonly nextTimerIn: number | null;
  readonly pendingTimers: number;
  /** True while an action runs (or waits at a conflict). */
  readonly busy: boolean;
  /** Why the run stopped (a livelock, a deadlock): only undo, reset, save and checks go on. */
  readonly stopped: string | null;
  readonly conflict: ConflictView | null;
  readonly clients: readonly ClientView[];
  readonly server: Record<string, ServerRecord[]>;
  readonly links: readonly LinkView[];
  readonly actions: readonly string[];
  readonly steps: number;
  readonly events: number;
  /** Something the user should know about the last action. */
  readonly notice: string | null;
}

/** The checkers' verdicts on demand. */
export interface CheckReport {
  /** `now`: the history so far, judged on the current state. `run`: the session saved and run by the scenario runner (healed, synced, settled). */
  readonly mode: 'now' | 'run';
  readonly valid: boolean;
  readonly checks: readonly CheckResult[];
  /** `run` only: whether the runner's history begins with exactly the session's history. */
  readonly replaysIdentically?: boolean;
  /** Events of the judged history (for `run`, the session's events come first, then the runner's settle phase). */
  readonly events: number;
  /** The session's own events when judged (`#0` to `#sessionEvents - 1`). */
  readonly sessionEvents: number;
}

const CLIENT_NAME = /^client[-\w]{0,40}$/;
const NAMED_CLIENT = /^[A-Za-z][-\w]{0,46}$/;
const EDITOR_NAME = /^editor[-\w]{0,40}$/;
const NOW_LABEL = 'explorer: now';

export class ExplorerSession {
  private world!: World;
  private drive!: PausableDrive;
  private readonly desk = new ConflictDesk();
  private seed: number;
  private clients: ExplorerClient[];
  private readonly tables: readonly TableDefinition[];
  private readonly driver: ClientDriverFactory;
  private readonly editors: readonly string[];
  /** Whether the editors were named (a scenario's): saved scenarios then name them too. */
  private readonly editorsGiven: boolean;
  private readonly base: ExplorerScenarioBase;
  private readonly baseDir: string;
  private actions: SessionAction[] = [];
  private decisions = new Map<string, ScriptedResolution[]>();
  private faults = new Map<string, FaultChange[]>();
  private job: Promise<void> | undefined;
  private stepCount = 0;
  private stopped: string | undefined;
  private notice: string | undefined;
  private revision = 0;
  private cached: SessionView | undefined;
  private lastChecks: readonly CheckResult[] = [];
  private readonly listeners = new Set<(view: SessionView) => void>();
  private closed = false;
  private locked = false;
  private readonly historyLimit: Pick<HistoryLimit, 'maxEvents' | 'maxBytes'>;
  /** The current world's history measured so far: events counted, and the bytes of their JSON. */
  private measured = { world: undefined as World | undefined, events: 0, bytes: 0 };

  private constructor(options: ExplorerSessionOptions) {
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.seed = checkSeed(options.seed ?? 1);
    this.tables = options.tables ?? [TODOITEM_TABLE];
    this.driver = options.driver ?? createReferenceDriver;
    this.baseDir = options.baseDir ?? process.cwd();
    this.base = options.base ?? {};
    this.editors = normaliseEditors(options.editors);
    this.editorsGiven = options.editors !== undefined;
    this.clients = normaliseClients(options.clients ?? 2, options.policy ?? 'ask');
  }

  static async create(options: ExplorerSessionOptions = {}): Promise<ExplorerSession> {
    const session = new ExplorerSession(options);
    await session.rebuild(false);
    return session;
  }

  /** The state as of the last action (cheap: computed once per change). */
  get view(): SessionView {
    if (this.cached === undefined) throw new Error('the session has not been built yet');
    return this.cached;
  }

  get history(): History {
    return this.world.history;
  }

  /** The checks last run (the timeline marks the events they cite). */
  get checks(): readonly CheckResult[] {
    return this.lastChecks;
  }

  /** The program so far, as the runner would run it. */
  get steps(): Step[] {
    return this.actions.flatMap((action) => action.steps);
  }

  /** Called with the new view after every change. Returns an unsubscribe. */
  subscribe(listener: (view: SessionView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- actions on the world ----

  /** A client operation (the world's `perform`). Background operations leave time to the user. */
  clientOperation(client: string, op: ClientOperation, options: { background?: boolean } = {}): Promise<SessionView> {
    return this.exclusive(async () => {
      this.requireClient(client);
      // The scenario format names every inserted record; an id the client would draw is drawn here.
      if (op.type === 'insert' && typeof op.record['id'] !== 'string')
        op = { ...op, record: { id: this.freshId(), ...op.record } };
      const background = options.background === true && op.type !== 'restart';
      const step: Step = { actor: client, op, ...(background ? { background: true } : {}) };
      // The runner goes straight on after a background step; here the event loop has run its
      // microtasks before the next click. A zero wait makes the runner do the same.
      const steps: Step[] = background ? [step, { actor: 'world', op: { type: 'wait', ms: 0 } }] : [step];
      return this.act(`${client}: ${describeOp(op)}${background ? ' (background)' : ''}`, steps);
    });
  }

  /** Another user writing straight to the server. */
  serverEdit(editor: string, edit: ServerEdit): Promise<SessionView> {
    return this.exclusive(async () => {
      if (!EDITOR_NAME.test(editor))
        throw new ExplorerError(
          `an editor's name starts with "editor" (letters, digits, - and _), got ${JSON.stringify(editor)}`,
        );
      this.requireTable(edit.table);
      return this.act(`${editor}: ${describeOp(edit)}`, [{ actor: editor, op: edit }]);
    });
  }

  setOffline(client: string, offline: boolean): Promise<SessionView> {
    return this.exclusive(async () => {
      this.requireClient(client);
      return this.act(`${client} ${offline ? 'offline' : 'online'}`, [
        { actor: 'world', op: { type: offline ? 'offline' : 'online', client } },
      ]);
    });
  }

  /** Every link online, no more faults from here on (latency stays). */
  heal(): Promise<SessionView> {
    return this.exclusive(async () => {
      return this.act('heal the network', [{ actor: 'world', op: { type: 'heal' } }]);
    });
  }

  /** Every client pushes, then every client pulls every table. */
  syncAll(): Promise<SessionView> {
    return this.exclusive(async () => {
      return this.act('sync every client', [{ actor: 'world', op: { type: 'sync' } }]);
    });
  }

  note(text: string): Promise<SessionView> {
    return this.exclusive(async () => {
      return this.act(`note: ${text}`, [{ actor: 'world', op: { type: 'note', text } }]);
    });
  }

  /** Moves the clock to the next moment a timer is due and fires what is due then. */
  step(): Promise<SessionView> {
    return this.exclusive(async () => {
      this.requireIdle();
      this.requireRunning();
      const ms = this.drive.untilNext();
      if (ms === undefined) {
        this.notice = 'Nothing is scheduled: no timer is armed.';
        return this.changed();
      }
      return this.act(`step ${ms} ms`, [{ actor: 'world', op: { type: 'wait', ms } }]);
    });
  }

  /** Lets `ms` of virtual time pass. */
  advance(ms: number): Promise<SessionView> {
    return this.exclusive(async () => {
      if (!Number.isInteger(ms) || ms < 0 || ms > 86_400_000)
        throw new ExplorerError(`advance: expected whole milliseconds from 0 to 86400000, got ${JSON.stringify(ms)}`);
      return this.act(`advance ${ms} ms`, [{ actor: 'world', op: { type: 'wait', ms } }]);
    });
  }

  /** Fires timers until none is armed. Recorded as the `wait` that does the same. */
  runUntilIdle(): Promise<SessionView> {
    return this.exclusive(async () => {
      this.requireIdle();
      this.requireRunning();
      if (this.world.pendingTimers === 0) {
        this.notice = 'Already idle: no timer is armed.';
        return this.changed();
      }
      this.requireRoom();
      const action: SessionAction = { label: 'run until idle', steps: [], decisionMarks: this.decisionMarks() };
      this.actions.push(action);
      await this.runJob(async () => {
        const { ms, fired, stuck } = await this.drive.runUntilIdle();
        if (fired > 0 || stuck !== undefined) {
          action.steps.push({ actor: 'world', op: { type: 'wait', ms } });
          this.stepCount++;
        }
        if (stuck !== undefined) throw stuck;
      });
      // Still running (paused at a conflict): its wait is recorded when it ends.
      if (action.steps.length === 0 && this.job === undefined) this.actions.pop();
      return this.changed();
    });
  }

  /** Answers the conflict that waits; the paused push goes on. */
  decide(conflictId: number, resolution: ScriptedResolution): Promise<SessionView> {
    return this.exclusive(async () => {
      if (this.job === undefined || !this.desk.waiting)
        throw new ExplorerError('no conflict is waiting for an answer', 409);
      try {
        this.desk.decide(conflictId, resolution);
      } catch (error) {
        if (error instanceof DecisionError) throw new ExplorerError(error.message, error.status);
        throw error;
      }
      await this.untilQuiet();
      return this.changed();
    });
  }

  // ---- changes that re-run the session ----

  /** New fault settings for a link, from its next request on. */
  setLinkFaults(link: string, faults: LinkFaults): Promise<SessionView> {
    return this.exclusive(async () => {
      this.requireClient(link);
      this.requireIdle();
      const fromRequest = requestsOf(this.world.history, link) + 1;
      this.faults.set(link, withChange(this.faults.get(link) ?? [], { fromRequest, faults }));
      await this.rebuild(true);
      this.notice ??= `${link}: new faults from its request #${fromRequest} on.`;
      return this.changed();
    });
  }

  addClient(name?: string, policy: ExplorerPolicy = 'ask'): Promise<SessionView> {
    return this.exclusive(async () => {
      this.requireIdle();
      if (this.clients.length >= 10) throw new ExplorerError('a session has at most 10 clients');
      const chosen = name ?? nextClientName(this.clients.map((client) => client.name));
      checkClientName(chosen);
      if (this.clients.some((client) => client.name === chosen))
        throw new ExplorerError(`there is already a client named ${JSON.stringify(chosen)}`, 409);
      this.clients = [...this.clients, { name: chosen, policy }];
      await this.rebuild(true, chosen);
      this.notice ??= `${chosen} joined (${policy}); it has done nothing yet.`;
      return this.changed();
    });
  }

  /**
   * Removes a client and every step it took (its offline/online switches included) and runs
   * the session again without it; what the others saw may change.
   */
  removeClient(name: string): Promise<SessionView> {
    return this.exclusive(async () => {
      this.requireClient(name);
      this.requireIdle();
      if (this.clients.length === 1) throw new ExplorerError('a session needs at least one client', 409);
      const touches = (step: Step): boolean =>
        step.actor === name || (step.actor === 'world' && 'client' in step.op && step.op.client === name);
      const dropped = this.steps.filter(touches).length;
      this.clients = this.clients.filter((client) => client.name !== name);
      this.actions = this.actions
        .map((action) => ({ ...action, steps: action.steps.filter((step) => !touches(step)) }))
        .filter((action) => action.steps.length > 0);
      this.decisions.delete(name);
      this.faults.delete(name);
      await this.rebuild(false);
      this.notice = `${name} removed${dropped > 0 ? ` with its ${dropped} step${dropped === 1 ? '' : 's'}; the session ran again without them` : ''}.`;
      return this.changed();
    });
  }

  /** Takes back the last action (and the answers given during it) and runs the session again. */
  undo(): Promise<SessionView> {
    return this.exclusive(async () => {
      await this.settleJob();
      const action = this.actions.pop();
      if (action === undefined) throw new ExplorerError('nothing to undo', 409);
      for (const [client, mark] of Object.entries(action.decisionMarks)) {
        const script = this.decisions.get(client);
        if (script !== undefined) script.length = Math.min(script.length, mark);
      }
      await this.rebuild(false);
      this.notice = `Undid "${action.label}".`;
      return this.changed();
    });
  }

  /** Starts over: an empty program, no faults, no answers (optionally another seed or clients). */
  reset(
    options: {
      seed?: number;
      clients?: number | readonly (string | { name: string; policy?: ExplorerClientPolicy })[];
      policy?: ExplorerPolicy;
    } = {},
  ): Promise<SessionView> {
    return this.exclusive(async () => {
      await this.settleJob();
      if (options.seed !== undefined) this.seed = checkSeed(options.seed);
      if (options.clients !== undefined || options.policy !== undefined) {
        this.clients = normaliseClients(options.clients ?? this.clients.length, options.policy ?? 'ask');
      }
      this.actions = [];
      this.decisions = new Map();
      this.faults = new Map();
      this.lastChecks = [];
      await this.rebuild(false);
      return this.changed();
    });
  }

  // ---- checks and saving ----

  /**
   * `now`: the checkers over the history so far, judged on the current state (a mid-session
   * state rarely converges: that verdict says what a sync would still have to fix). `run`: the
   * session saved and run by the scenario runner, which heals the network, syncs everyone and
   * judges the settled end — what `syncwright run` would report.
   */
  check(mode: 'now' | 'run'): Promise<CheckReport> {
    return this.exclusive(async () => {
      this.requireIdle();
      let report: CheckReport;
      if (mode === 'now') {
        const history = [...this.world.history, await this.nowSnapshot()];
        const checks = withAllowed(
          runCheckers(history, this.base.checks ?? CHECKER_NAMES, { finalLabel: NOW_LABEL }),
          this.allowed(),
        );
        report = {
          mode,
          valid: checks.every((check) => check.valid),
          checks,
          events: history.length,
          sessionEvents: this.world.history.length,
        };
      } else {
        const definition = this.scenarioOf('explorer-session');
        const scenario = resolveDefinition(definition, '<explorer>', this.baseDir);
        const run = await executeProgram(scenario, scenario.program!, {
          driver: this.driver,
          maxSteps: DRIVE_MAX_STEPS,
          declarations: { allow: scenario.allow, expected: [] },
        });
        const own = JSON.stringify(this.world.history);
        const replaysIdentically = JSON.stringify(run.history.slice(0, this.world.history.length)) === own;
        report = {
          mode,
          valid: run.valid,
          checks: withAllowed(run.checks, scenario.allow),
          replaysIdentically,
          events: run.history.length,
          sessionEvents: this.world.history.length,
        };
      }
      this.lastChecks = report.checks;
      this.changed();
      return report;
    });
  }

  /**
   * The session as a fixed-step scenario that `syncwright run` replays to the same history.
   * `dir`: where the file will live, which handler module paths are written relative to
   * (default: the directory of the scenario the session was opened on, or the working directory).
   */
  toScenario(name: string, description?: string, dir?: string): ScenarioDefinition {
    if (this.locked) throw new ExplorerError('the world is busy with another action; save again in a moment', 409);
    return this.scenarioOf(name, description, dir);
  }

  private scenarioOf(name: string, description?: string, dir: string = this.baseDir): ScenarioDefinition {
    const steps = this.steps;
    const answers = [...this.decisions.values()].reduce((sum, list) => sum + list.length, 0);
    const definition: ScenarioDefinition = {
      version: SCENARIO_FORMAT_VERSION,
      name,
      ...this.base,
      allow: [...this.allowed()],
      description:
        description ??
        `Saved from the explorer: ${steps.length} step${steps.length === 1 ? '' : 's'}, ${answers} conflict answer${answers === 1 ? '' : 's'} (seed ${this.seed}).`,
      tables: this.tables.map((table) => (table === TODOITEM_TABLE ? table.name : table)),
      clients: this.clients.map((client) => ({ name: client.name, policy: this.policySpec(client, dir) })),
      ...(this.editorsGiven ? { editors: [...this.editors] } : {}),
      seed: this.seed,
      steps,
      faults: sessionFaultPlan(this.faultChanges(), (link) => requestsOf(this.world.history, link)),
    };
    const issues = scenarioIssues(definition, name);
    if (issues.length > 0)
      throw new Error(
        `the saved session is not a valid scenario (a bug): ${issues.map((issue) => `${issue.path}: expected ${issue.expected}, found ${issue.found}`).join('; ')}`,
      );
    return definition;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.settleJob();
    await this.world.close();
    this.listeners.clear();
  }

  // ---- internals ----

  /** One request at a time touches the world: a second one meanwhile is told the world is busy. */
  private async exclusive<T>(body: () => Promise<T>): Promise<T> {
    if (this.locked) throw new ExplorerError('the world is busy with another action; try again in a moment', 409);
    this.locked = true;
    try {
      return await body();
    } finally {
      this.locked = false;
    }
  }

  private async act(label: string, steps: Step[]): Promise<SessionView> {
    this.requireIdle();
    this.requireRunning();
    this.requireRoom();
    const action: SessionAction = { label, steps: [], decisionMarks: this.decisionMarks() };
    this.actions.push(action);
    await this.runJob(async () => {
      for (const step of steps) {
        action.steps.push(step);
        await executeStep(this.world, this.drive, step, ++this.stepCount);
      }
    });
    return this.changed();
  }

  /** Starts work on the world and returns once it finished or waits at a conflict. */
  private async runJob(work: () => Promise<void>): Promise<void> {
    const job = work()
      .catch((error: unknown) => this.stop(error))
      .finally(() => {
        if (this.job === job) this.job = undefined;
      });
    this.job = job;
    await this.untilQuiet();
  }

  private async untilQuiet(): Promise<void> {
    while (this.job !== undefined && !this.desk.waiting) await Promise.race([this.job, this.desk.asked()]);
    await this.refresh();
  }

  /** As the runner: a stuck or crashed run is noted in the history and goes no further. */
  private stop(error: unknown): void {
    const reason =
      error instanceof SchedulerStuckError
        ? `the run stopped: ${error.message}`
        : `the run crashed: ${error instanceof Error ? error.message : String(error)}`;
    this.stopped = reason;
    // The runner's world records why it stopped before the note; so does the session's.
    if (error instanceof SchedulerStuckError) this.world.recordStuck(error);
    this.world.note(reason);
  }

  /** Lets a paused action finish, every further conflict left unhandled (its world is about to go). */
  private async settleJob(): Promise<void> {
    while (this.job !== undefined) {
      if (this.desk.waiting) this.desk.abandon();
      await Promise.race([this.job, this.desk.asked()]);
    }
  }

  /**
   * Builds a new world and runs the whole program on it. With `same`, nothing before this
   * moment may differ; if the history does, the user is told.
   */
  private async rebuild(same: boolean, added?: string): Promise<void> {
    await this.settleJob();
    const before = same && this.world !== undefined ? JSON.stringify(this.world.history) : undefined;
    this.desk.abandon();
    if (this.world !== undefined) await this.world.close();
    this.stopped = undefined;
    this.notice = undefined;
    this.stepCount = 0;
    let world: World | undefined;
    const specs: { name: string; pushHandler: PushHandler }[] = [];
    for (const client of this.clients) {
      const log = (text: string): void => world?.note(text, client.name);
      const policy = client.policy;
      if (policy === 'ask' || isModulePolicy(policy)) {
        const script = this.decisions.get(client.name) ?? [];
        this.decisions.set(client.name, script);
        const ask = this.desk.handler(
          client.name,
          script,
          policy === 'ask' ? tutorialPolicy(log).onError : undefined,
          (table, id) => serverRow(world, table, id),
        );
        // A module's errors stay its own; only the conflicts it leaves come to the user.
        const own = isModulePolicy(policy)
          ? await createPushHandler(policy, { baseDir: this.baseDir, log })
          : undefined;
        specs.push({ name: client.name, pushHandler: own === undefined ? ask : thenForLeftovers(own, ask) });
      } else {
        specs.push({
          name: client.name,
          pushHandler: await createPushHandler(typeof policy === 'string' ? builtInPolicy(policy) : policy, {
            baseDir: this.baseDir,
            log,
          }),
        });
      }
    }
    world = await World.create({
      seed: this.seed,
      clients: specs,
      tables: this.tables,
      driver: this.driver,
      ...(this.base.server !== undefined ? { server: this.base.server } : {}),
      faults: sessionFaultPlan(this.faultChanges()),
      limits: { maxSteps: DRIVE_MAX_STEPS },
    });
    if (!(world.time instanceof VirtualTime)) throw new Error('the explorer needs a world on virtual time');
    this.world = world;
    this.drive = new PausableDrive(world.time.clock, this.desk);
    const actions = this.actions;
    await this.runJob(async () => {
      for (const action of actions) {
        for (const step of action.steps) await executeStep(this.world, this.drive, step, ++this.stepCount);
      }
    });
    if (before !== undefined) {
      // A client that just joined shows up (empty) in every snapshot; nothing else may differ.
      const now = JSON.stringify(
        added === undefined ? this.world.history : this.world.history.map((event) => withoutClient(event, added)),
      );
      const comparable = this.desk.waiting ? before.startsWith(now.slice(0, -1)) : now === before;
      if (!comparable)
        this.notice = 'Running the session again gave a different history than before; the page shows the new one.';
    }
  }

  /** Reads the state for the page while nothing runs (reads go through each client's store). */
  private async refresh(): Promise<void> {
    const world = this.world;
    const clients: ClientView[] = [];
    for (const client of this.clients) {
      const handle = world.client(client.name);
      let snapshot: ClientSnapshot | undefined;
      let unreadable: string | undefined;
      try {
        snapshot = await handle.driver.snapshot();
      } catch (error) {
        unreadable = describeError(error);
      }
      clients.push({
        name: client.name,
        policy: policyLabel(client.policy),
        offline: handle.offline,
        tables: snapshot?.tables ?? {},
        operations: snapshot?.operations ?? [],
        running: handle.pending().map((op) => ({ opId: op.opId, type: op.op.type })),
        decisions: this.decisions.get(client.name)?.length ?? 0,
        ...(unreadable !== undefined ? { unreadable } : {}),
      });
    }
    const next = world.nextTimerAt();
    this.cached = {
      revision: this.revision,
      seed: this.seed,
      tables: this.tables,
      editors: this.editors,
      elapsed: world.elapsed,
      nextTimerIn: next === undefined ? null : Math.max(0, next - world.elapsed),
      pendingTimers: world.pendingTimers,
      busy: this.job !== undefined,
      stopped: this.stopped ?? null,
      conflict: this.desk.current ?? null,
      clients,
      server: serverRows(world),
      links: this.clients.map((client) => ({
        name: client.name,
        faults: currentFaults(this.faults.get(client.name) ?? []),
        requests: requestsOf(world.history, client.name),
      })),
      actions: this.actions.map((action) => action.label),
      steps: this.stepCount,
      events: world.history.length,
      notice: this.notice ?? null,
    };
  }

  /** Publishes the current view as a new revision. */
  private changed(): SessionView {
    this.revision++;
    const view = { ...this.view, revision: this.revision, busy: this.job !== undefined, notice: this.notice ?? null };
    this.cached = view;
    this.notice = undefined;
    for (const listener of this.listeners) listener(view);
    return view;
  }

  private async nowSnapshot(): Promise<HistoryEvent> {
    const clients: Record<string, ClientSnapshot> = {};
    for (const name of this.world.clientNames) clients[name] = await this.world.client(name).driver.snapshot();
    const history = this.world.history;
    return {
      seq: history.length,
      t: this.world.elapsed,
      actor: 'world',
      kind: 'snapshot',
      label: NOW_LABEL,
      clients,
      server: serverRows(this.world),
    };
  }

  /**
   * What the session's apps do on purpose, declared as a scenario would: the user answers
   * conflicts, errors go to the tutorial handler, which logs them and leaves them unhandled (the
   * push stops until the next sync); the `none` policy leaves conflicts unresolved too.
   */
  private allowed(): readonly string[] {
    const allow = ['handler-outcomes/handler.error-unhandled'];
    if (this.clients.some((client) => client.policy === 'none'))
      allow.push('handler-outcomes/handler.conflict-unresolved');
    for (const pattern of this.base.allow ?? []) if (!allow.includes(pattern)) allow.push(pattern);
    return allow;
  }

  /** The client's policy as a saved scenario names it; module paths relative to `dir`. */
  private policySpec(client: ExplorerClient, dir: string): PolicySpec {
    const policy = client.policy;
    const answers = [...(this.decisions.get(client.name) ?? [])];
    if (policy === 'ask') return { name: 'scripted', conflicts: answers, then: 'tutorial' };
    // `conflicts` even when empty: the runner then hands leftovers on exactly as the session did.
    if (isModulePolicy(policy))
      return { module: relativeModule(path.resolve(this.baseDir, policy.module), dir), conflicts: answers };
    return typeof policy === 'string' ? builtInPolicy(policy) : policy;
  }

  private faultChanges(): Map<string, FaultChange[]> {
    return new Map(this.clients.map((client) => [client.name, this.faults.get(client.name) ?? []]));
  }

  /** `item-<n>`, the first n no step has used as a record id. */
  private freshId(): string {
    const used = new Set(
      this.steps.map((step) =>
        'record' in step.op && typeof step.op.record['id'] === 'string' ? step.op.record['id'] : undefined,
      ),
    );
    for (let n = 1; ; n++) if (!used.has(`item-${n}`)) return `item-${n}`;
  }

  private decisionMarks(): Record<string, number> {
    return Object.fromEntries([...this.decisions].map(([client, list]) => [client, list.length]));
  }

  private requireIdle(): void {
    if (this.closed) throw new ExplorerError('the session is closed', 409);
    if (this.job !== undefined) {
      throw new ExplorerError(
        this.desk.waiting
          ? 'a conflict is waiting for your answer: answer it first'
          : 'the world is busy with another action',
        409,
      );
    }
  }

  private requireClient(name: string): void {
    if (!this.clients.some((client) => client.name === name)) {
      throw new ExplorerError(
        `no client named ${JSON.stringify(name)} (clients: ${this.clients.map((client) => client.name).join(', ')})`,
        404,
      );
    }
  }

  private requireTable(name: string): void {
    if (!this.tables.some((table) => table.name === name))
      throw new ExplorerError(
        `no table named ${JSON.stringify(name)} (tables: ${this.tables.map((table) => table.name).join(', ')})`,
        404,
      );
  }

  /** Refuses actions that would grow a history already past its limit. */
  private requireRoom(): void {
    const { events, bytes } = this.historySize();
    const { maxEvents, maxBytes } = this.historyLimit;
    if (events >= maxEvents || bytes >= maxBytes)
      throw new ExplorerError(
        `the session's history holds ${events} events (${Math.ceil(bytes / 1024)} KiB), its limit is ${maxEvents} events and ${Math.ceil(maxBytes / 1024)} KiB: save the session, undo or reset (or start explore with a larger --history-limit)`,
        409,
      );
  }

  /** The history's events and bytes of JSON, measuring only what was added since the last call. */
  private historySize(): { events: number; bytes: number } {
    const history = this.world.history;
    if (this.measured.world !== this.world || this.measured.events > history.length)
      this.measured = { world: this.world, events: 0, bytes: 0 };
    for (let i = this.measured.events; i < history.length; i++)
      this.measured.bytes += Buffer.byteLength(JSON.stringify(history[i]), 'utf8');
    this.measured.events = history.length;
    return { events: this.measured.events, bytes: this.measured.bytes };
  }

  /** Refuses world actions once the run stopped, as the runner would not run them. */
  private requireRunning(): void {
    if (this.stopped !== undefined) throw new ExplorerError(`${this.stopped} — undo the last action or reset`, 409);
  }
}

function withoutClient(event: HistoryEvent, client: string): HistoryEvent {
  if (event.kind !== 'snapshot' || !(client in event.clients)) return event;
  const clients = { ...event.clients };
  delete clients[client];
  return { ...event, clients };
}

function serverRows(world: World | undefined): Record<string, ServerRecord[]> {
  if (world === undefined) return {};
  const rows = world.backend.snapshot();
  const out: Record<string, ServerRecord[]> = {};
  for (const table of Object.keys(rows).sort())
    out[table] = [...rows[table]!].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return out;
}

function serverRow(world: World | undefined, table: string, id: string): JsonObject | null {
  return serverRows(world)[table]?.find((row) => row.id === id) ?? null;
}

/** Requests a link has sent so far (its fault decisions count them from 1). */
function requestsOf(history: History, link: string): number {
  let count = 0;
  for (const event of history) if (event.kind === 'http-request' && event.link === link) count++;
  return count;
}

function describeOp(op: ClientOperation | ServerEdit): string {
  switch (op.type) {
    case 'insert':
      return `insert ${typeof op.record['id'] === 'string' ? op.record['id'] : 'a record'}`;
    case 'update':
      return `update ${'id' in op ? op.id : String(op.record['id'])}`;
    case 'delete':
    case 'lookup':
      return `${op.type} ${op.id}`;
    case 'pull':
      return `pull ${op.table}${op.queryId !== undefined ? ` (incremental, ${op.queryId})` : ''}`;
    case 'purge':
      return `purge ${op.table}${op.force === true ? ' (forced)' : ''}`;
    case 'read':
      return `read ${op.table}`;
    default:
      return op.type;
  }
}

function isModulePolicy(policy: ExplorerClientPolicy): policy is ExplorerModulePolicy {
  return typeof policy === 'object' && 'module' in policy;
}

/** `./handlers/x.js`: a module's path as a scenario file in `dir` names it (always with `/`). */
function relativeModule(absolute: string, dir: string): string {
  const relative = path.relative(dir, absolute).split(path.sep).join('/');
  return relative.startsWith('.') || path.isAbsolute(relative) ? relative : `./${relative}`;
}

function policyLabel(policy: ExplorerClientPolicy): string {
  if (typeof policy === 'string') return policy;
  if (isModulePolicy(policy)) return `module ${policy.module}`;
  return policy.name;
}

function builtInPolicy(policy: Exclude<ExplorerPolicy, 'ask'>): PolicySpec {
  return policy === 'merge' ? { name: 'merge' } : policy;
}

function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1)
    throw new ExplorerError(`seed: expected a whole number from 0 to 2147483647, got ${JSON.stringify(seed)}`);
  return seed;
}

function checkClientName(name: string): void {
  if (!CLIENT_NAME.test(name))
    throw new ExplorerError(
      `a client's name starts with "client" and has at most 46 letters, digits, - and _; got ${JSON.stringify(name)}`,
    );
}

function isExplorerPolicy(value: unknown): value is ExplorerPolicy {
  return (EXPLORER_POLICIES as readonly unknown[]).includes(value);
}

/** A client's policy, checked. */
function clientPolicy(name: string, policy: unknown): ExplorerClientPolicy {
  if (isExplorerPolicy(policy)) return policy;
  if (typeof policy !== 'object' || policy === null)
    throw new ExplorerError(
      `${name}: policy must be one of ${EXPLORER_POLICIES.join(', ')}, a module or a scenario's policy`,
    );
  if ('handler' in policy || ('mergeField' in policy && policy.mergeField !== undefined))
    throw new ExplorerError(
      `${name}: a policy written as a function cannot be saved in a scenario file; put it in a module ({ "module": "./handlers/mine.js" })`,
    );
  if ('module' in policy) {
    if (typeof policy.module !== 'string' || policy.module === '')
      throw new ExplorerError(`${name}: policy.module must be a module's path`);
    return { module: policy.module };
  }
  return policy as ExplorerFixedPolicy;
}

function normaliseEditors(editors: readonly string[] | undefined): readonly string[] {
  if (editors === undefined || editors.length === 0) return ['editor-1'];
  for (const editor of editors)
    if (!EDITOR_NAME.test(editor))
      throw new ExplorerError(
        `an editor's name starts with "editor" (letters, digits, - and _), got ${JSON.stringify(editor)}`,
      );
  return [...new Set(editors)];
}

function normaliseClients(
  clients: NonNullable<ExplorerSessionOptions['clients']>,
  policy: ExplorerPolicy,
): ExplorerClient[] {
  if (!isExplorerPolicy(policy))
    throw new ExplorerError(`policy: expected one of ${EXPLORER_POLICIES.join(', ')}, got ${JSON.stringify(policy)}`);
  if (typeof clients === 'number') {
    if (!Number.isInteger(clients) || clients < 1 || clients > 10)
      throw new ExplorerError(`clients: expected a whole number from 1 to 10, got ${JSON.stringify(clients)}`);
    return Array.from({ length: clients }, (_, i) => ({ name: `client-${i + 1}`, policy }));
  }
  if (clients.length < 1 || clients.length > 10)
    throw new ExplorerError(`clients: expected 1 to 10 clients, got ${clients.length}`);
  const list = clients.map((client) =>
    typeof client === 'string'
      ? { name: client, policy }
      : { name: client.name, policy: clientPolicy(client.name, client.policy ?? policy) },
  );
  const seen = new Set<string>();
  for (const client of list) {
    // A scenario's clients keep their names (`phone`, `tablet`); those the page adds are `client…`.
    if (!NAMED_CLIENT.test(client.name) || /^(editor|world$|server$|network$)/.test(client.name))
      throw new ExplorerError(
        `a client's name has at most 47 letters, digits, - and _, starts with a letter and is not "world", "server", "network" or "editor…"; got ${JSON.stringify(client.name)}`,
      );
    if (seen.has(client.name)) throw new ExplorerError(`two clients are named ${JSON.stringify(client.name)}`);
    seen.add(client.name);
  }
  return list;
}

function nextClientName(taken: readonly string[]): string {
  for (let i = 1; ; i++) if (!taken.includes(`client-${i}`)) return `client-${i}`;
}

/**
 * A check whose every violation the session allows passes, and says what it allowed: the page
 * shows the app's intended outcomes without counting them as failures, as `syncwright run` does.
 */
function withAllowed(checks: readonly CheckResult[], allow: readonly string[]): CheckResult[] {
  return checks.map((check) => {
    if (check.valid) return check;
    const judged = judge([check], { allow, expected: [] });
    if (!judged.valid) return check;
    const allowed = judged.violations.map((violation) => `${violation.message} (allowed: ${violation.signature})`);
    return {
      ...check,
      valid: true,
      violations: [],
      explanation: `${check.explanation} Allowed by the session: ${allowed.join(' ')}`,
    };
  });
}
