/**
 * The scenario format: what a file in `scenarios/` says (`ScenarioDefinition`), and the
 * program a run executes (`Program`, plain JSON so it can be saved, shrunk and replayed).
 */
import type { CheckerName } from '../check/index.js';
import type { DroppedPolicy, IntentDeclaration, Invariant, ScenarioIntent } from '../check/intent-types.js';
import type { FaultPlan, LinkErrorStatus } from '../network/fault-plan.js';
import type { HoldRequest } from '../network/hold.js';
import type { JsonValue, TableDefinition } from '../protocol/records.js';
import type { PushHandler } from '../kernel/driver.js';
import type { ClientOperation, ServerEdit } from '../kernel/history.js';
import type { GeneratedAnswers } from './generated.js';
import type { ScriptedResolution } from './scripted.js';
import type { ServerSpec } from '../world/world.js';

/** A field-by-field merge: what the merged record holds for `field`. */
export type MergeField = (
  field: string,
  clientValue: JsonValue | undefined,
  serverValue: JsonValue | undefined,
) => JsonValue | undefined;

/** How a client answers conflicts and errors during push. */
export type PolicySpec =
  /** The Azure tutorial's handler: log, then cancelAndDiscard; errors are logged and left unhandled. */
  | 'tutorial'
  /** cancelAndUpdate with the server's record (cancelAndDiscard when the server sent none). */
  | 'server-wins'
  /** update with the server's version, then the push retries; transient errors are retried too. */
  | 'client-wins'
  /**
   * cancel(): the change leaves the queue and the local record keeps it until a pull brings the
   * server's version (a 404 on push: cancelAndDiscard).
   */
  | 'defer-to-pull'
  /** No handler at all: conflicts come back from push, errors abort it. */
  | 'none'
  /** The merge below with its defaults. */
  | 'merge'
  /** Merge field by field: `fields` names a side per field, `prefer` the rest, `mergeField` decides in code. */
  | {
      readonly name: 'merge';
      readonly prefer?: 'client' | 'server';
      readonly fields?: Readonly<Record<string, 'client' | 'server'>>;
      readonly mergeField?: MergeField;
    }
  | { readonly name: 'tutorial' | 'server-wins' | 'client-wins' | 'defer-to-pull' | 'none' }
  /** Recorded answers to this client's conflicts, in order (what the explorer saves); `then` (default tutorial) handles the rest and errors. */
  | {
      readonly name: 'scripted';
      readonly conflicts: readonly ScriptedResolution[];
      readonly then?: 'tutorial' | 'server-wins' | 'client-wins' | 'merge' | 'defer-to-pull' | 'none';
    }
  /**
   * A team's own module exporting `{ onConflict, onError }`, relative to the scenario file; run
   * unchanged. `conflicts`: answers, in order, to the conflicts the module leaves unhandled (the
   * ones a user answered in the explorer); without them those conflicts stay unhandled.
   */
  | { readonly module: string; readonly conflicts?: readonly ScriptedResolution[] }
  /** TypeScript scenarios only: the handler itself. */
  | { readonly handler: PushHandler }
  /**
   * Answers drawn by the generator, one per handler call, kept in the program (`answers`): any
   * resolution, or the app's own misbehaviour — leave, throw, not wait, call push/pull/purge from
   * inside (scenario/generated.ts). Past the answers: as the tutorial.
   */
  | 'generated';

/** The built-in policies a scenario names by string (`scripted` takes an object, a module a path). */
export const BUILT_IN_POLICIES = ['tutorial', 'server-wins', 'client-wins', 'merge', 'defer-to-pull', 'none'] as const;

export type BuiltInPolicyName = (typeof BUILT_IN_POLICIES)[number] | 'scripted';

export interface ClientSpec {
  readonly name: string;
  /** Overrides the scenario's policy for this client. */
  readonly policy?: PolicySpec;
}

/** Things the world itself does between steps. */
export type WorldAction =
  /** Take a client's link down (a partition) or bring it back. */
  | { readonly type: 'offline'; readonly client: string }
  | { readonly type: 'online'; readonly client: string }
  /** The app signs in again: the credential a credential fault took is restored. */
  | { readonly type: 'sign-in'; readonly client: string }
  /** Every link online, no more faults. */
  | { readonly type: 'heal' }
  /** Every client pushes, then every client pulls every table. */
  | { readonly type: 'sync' }
  /** Let virtual time pass. */
  | { readonly type: 'wait'; readonly ms: number }
  | { readonly type: 'note'; readonly text: string }
  /**
   * "While X is in flight": the link keeps the answer to `client`'s chosen request — its `n`-th
   * push request or a pull's `page`-th page, counted from this step — until the next `steps`
   * steps have run (at the latest until the program ends, or the app is killed).
   */
  | { readonly type: 'hold'; readonly client: string; readonly request: HoldRequest; readonly steps: number };

type OptionalTable<T> = T extends { readonly table: string } ? Omit<T, 'table'> & { readonly table?: string } : T;

/** A step as written in a file: `table` may be left out when the scenario has one table. */
export interface StepSpec {
  /** `client-1`…, `editor-1`…, or `world`. */
  readonly actor: string;
  readonly op: OptionalTable<ClientOperation> | OptionalTable<ServerEdit> | WorldAction;
  /** Virtual ms to wait before starting this step. Default 0. */
  readonly after?: number;
  /** Start the step and go on without waiting for it (a push in flight while others act). */
  readonly background?: boolean;
}

/** A step as a program holds it: every table named. */
export interface Step {
  readonly actor: string;
  readonly op: ClientOperation | ServerEdit | WorldAction;
  readonly after?: number;
  readonly background?: boolean;
}

/** One run's input: plain JSON. Same program and same client ⇒ byte-identical history. */
export interface Program {
  /** The world's seed: latencies, ids, versions, scheduler ties. */
  readonly seed: number;
  readonly steps: readonly Step[];
  readonly faults: FaultPlan;
  /** The answers of the clients whose policy is `generated`, per client in call order. */
  readonly answers?: GeneratedAnswers;
}

/** The kinds of step a generator mixes. */
export const STEP_KINDS = [
  'insert',
  'update',
  'delete',
  'push',
  'pull',
  'pull-incremental',
  /** A pull with a user filter on one of the table's columns (with or without a query id). */
  'pull-query',
  'purge',
  'restart',
  'edit-insert',
  'edit-update',
  'edit-delete',
  'offline',
  'online',
  'sync',
  /** An update, a push in the background, and another update of the same record while it is in flight. */
  'edit-during-push',
  /** A local read of a whole table, and of one record: what the app would show (session guarantees judge it). */
  'read',
  'lookup',
  /**
   * A local read through the client's query API — where, orderBy, skip, take, select, the count —
   * reaching the table one of the app's ways; judged against SQLite over the store's rows.
   */
  'query',
  /**
   * A server-side batch: an editor updates several records in one millisecond, so they share an
   * `updatedAt` (a tie group that pull pages and incremental marks must not split wrongly).
   */
  'edit-burst',
  /**
   * A server edit of a record, an incremental pull in the background, and a local update of the
   * same record while the pull pages: the pull must skip it, and fetch it once its change is gone.
   */
  'edit-during-pull',
  /**
   * A server-side batch of edits (one millisecond), an incremental pull in the background, and the
   * app killed while it pages: the next pull of that query id starts from the mark the killed one saved.
   */
  'restart-during-pull',
  /** The app signs in again (restores what a credential fault took; see scenario/credentials.ts). */
  'sign-in',
  /** A hold on a client's push request or pull page, and that push or pull: the next steps run while it is in flight. */
  'hold',
  /**
   * Parent and child: the app inserts a parent record and at once its children (records of a
   * table whose column references the parent's), without a sync between. Only in scenarios with
   * related tables.
   */
  'insert-family',
  /** The app is killed and restarted as its next version. Only in scenarios with `schemaVersions`. */
  'upgrade',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** Fault decisions a generated program may carry; each is part of the program, so each shrinks. */
export const FAULT_DECISION_KINDS = [
  'http-error',
  'network-failure',
  'timeout',
  'lost-response',
  'partition',
  'restart',
  /** A restart right after the n-th store write of a life: a crash between two writes. */
  'crash',
] as const;
export type FaultDecisionKind = (typeof FAULT_DECISION_KINDS)[number];

/**
 * Credential faults: the app's user loses its token (`token-expiry`: 401 to everything) or its
 * write rights (`rights-revoked`: 403 to writes) until a `sign-in` step. Not part of `all`: a
 * loss may last to the end, which is the app's outcome, so a scenario names them (and allows it).
 */
export const CREDENTIAL_FAULT_KINDS = ['token-expiry', 'rights-revoked'] as const;
export type CredentialFaultKind = (typeof CREDENTIAL_FAULT_KINDS)[number];

/**
 * Store faults: the device's SQLite fails a write of the app (`store-full`: the disk is full;
 * `store-locked`: the database is locked) and the write's transaction rolls back; see
 * scenario/store-faults.ts. Not part of `all`, so the programs of the scenarios that ask for `all`
 * stay as they were; a scenario names them.
 */
export const STORE_FAULT_KINDS = ['store-full', 'store-locked'] as const;
export type StoreFaultKind = (typeof STORE_FAULT_KINDS)[number];

/** Every kind of fault decision a scenario can name. */
export type NamedFaultKind = FaultDecisionKind | CredentialFaultKind | StoreFaultKind;

export interface FaultRanges {
  /** Which kinds may occur. Default: none. `all` turns every network kind on (credential and store kinds are named). */
  readonly kinds?: readonly NamedFaultKind[] | 'all';
  /** At most this many decisions per program. Default 4. */
  readonly max?: number;
  /** Statuses an `http-error` may answer with. Default [500, 503]. */
  readonly statuses?: readonly LinkErrorStatus[];
  /** Request-triggered faults hit one of the first `requests` requests of a link. Default 12. */
  readonly requests?: number;
  /** Crash points and store faults fall at one of the first `writes` store writes of a life. Default 24. */
  readonly writes?: number;
  /** Latency per link and way, uniform in [min, max] ms. Default 5–40. */
  readonly latency?: { readonly min: number; readonly max: number };
  /** Longest partition or fault window, virtual ms. Default 400. */
  readonly windowMs?: number;
  /** Client timeout, ms. Default 2,000. */
  readonly timeoutMs?: number;
}

/**
 * How programs are drawn: `wide` (the default) — every step kind, values from each column type's
 * edge cases, fresh ids next to the existing ones; `old-mix` — the narrow generator as it was
 * before (values `v<n>`, ids `r1`…`rN` only, no purge, filtered pull or partition steps), kept
 * so that figures and saved seeds measured with it stay comparable.
 */
export const GENERATOR_PROFILES = ['wide', 'old-mix'] as const;
export type GeneratorProfile = (typeof GENERATOR_PROFILES)[number];

export interface GeneratorSpec {
  /** The generator's profile: its default mix, values and ids. Default `wide`. */
  readonly profile?: GeneratorProfile;
  /** How many steps a program has. Default 1–12. */
  readonly steps?: { readonly min?: number; readonly max?: number };
  /**
   * Records `r1`…`rN` exist from the start, so that writes meet. Default 3. The `wide` profile
   * adds up to 2 fresh ids per program, so that inserts succeed too.
   */
  readonly records?: number;
  /**
   * `synced` (the default): every program starts with those records on the server and on every
   * client (inserted, then a sync), so that edits meet versions and conflicts happen. `empty`:
   * programs start from nothing.
   */
  readonly start?: 'synced' | 'empty';
  /** Relative weights of step kinds; kinds left out keep their default weight. */
  readonly mix?: Partial<Readonly<Record<StepKind, number>>>;
  /** Chance that a push or pull runs in the background. Default 0.25. */
  readonly background?: number;
  /** Longest pause before a step, virtual ms. Default 30. */
  readonly maxDelay?: number;
  readonly faults?: FaultRanges;
}

/** The version of the scenario format this code writes; older files are migrated when loaded. */
export const SCENARIO_FORMAT_VERSION = 2;

/**
 * What a scenario expects of one client: to pass, or to fail with known findings — signature
 * patterns (`checker/rule/op/status`, `*` for any segment; see check/signature.ts). A run that
 * fails with a signature not named here is a new finding.
 */
export type ClientExpectation = 'pass' | { readonly fails: readonly string[] };

/** Per client (`reference`, `sdk`, a driver module's path) or `*` for every client. */
export type Expectation = Readonly<Record<string, ClientExpectation>>;

/**
 * The known findings a scenario names for one client (`reference+mutation` counts as
 * `reference`): the client's own entry, else `*`'s, else none.
 */
export function expectationFor(expect: Expectation, client: string): readonly string[] {
  const entry = expect[client] ?? expect[client.split('+')[0]!] ?? expect['*'] ?? 'pass';
  return entry === 'pass' ? [] : entry.fails;
}

export interface ScenarioDefinition {
  /** The JSON Schema editors check the file with (`schema/scenario.schema.json`); ignored when loading. */
  readonly $schema?: string;
  /** The format version (2). Files without one are read as the current version. */
  readonly version?: number;
  readonly name: string;
  readonly description?: string;
  /**
   * Another scenario file this one builds on (relative to this file): its tables, clients,
   * policy, editors and checks apply unless this file sets them. Saved regressions use it.
   */
  readonly extends?: string;
  /** Table names (`todoitem` is built in) or definitions. Default `['todoitem']`. */
  readonly tables?: readonly (string | TableDefinition)[];
  /**
   * The app's later versions (version 2, 3…; version 1 is `tables`): each lists every table of
   * that version — the tables of the version before with the same columns or more, perhaps new
   * tables; never a column removed or retyped. Clients start as version 1; an `upgrade` step
   * restarts one as its next version (and before the final settle every client is upgraded to
   * the newest). The server always has the newest.
   */
  readonly schemaVersions?: readonly { readonly tables: readonly (string | TableDefinition)[] }[];
  /**
   * The real server the backend imitates: `{ profile: 'aspnet' }` for Microsoft.Azure.Mobile.Server,
   * `compatibility: 'exact'` for its answers where it is broken. Default: Node, default compatibility.
   * Less kind servers (docs/semantics.md): `ties: 'shuffled'`, `topCap: n`, `deletes: 'hard'`,
   * `nullUpdatedAt: true`.
   */
  readonly server?: ServerSpec;
  /** A count (`client-1`…) or the clients. Default 1. */
  readonly clients?: number | readonly (string | ClientSpec)[];
  /** Every client's policy unless it names its own. Default `tutorial`. */
  readonly policy?: PolicySpec;
  /** Server editors (`editor-1`…): a count or names. Default 0 (fixed steps: the editors they name). */
  readonly editors?: number | readonly string[];
  /** Fixed steps. A scenario has `steps` or `generate`, not both. */
  readonly steps?: readonly StepSpec[];
  /** The world seed of a fixed-step run. Default 1. */
  readonly seed?: number;
  /** The fault plan of a fixed-step run (network/fault-plan.ts format). */
  readonly faults?: FaultPlan;
  /** The answers of a fixed-step run's `generated` handlers, per client in call order (saved counterexamples). */
  readonly answers?: GeneratedAnswers;
  readonly generate?: GeneratorSpec;
  /** Checkers to run. Default: all. */
  readonly checks?: readonly CheckerName[];
  /** Coverage counters the runs must reach ("sometimes"), else the scenario is reported weak. */
  readonly coverage?: readonly string[];
  /**
   * Known findings per client, by signature: `{ sdk: { fails: ['no-lost-writes/…'] } }`. Failing
   * with those is expected; failing otherwise is a new finding; an expected signature that no
   * longer occurs is reported.
   */
  readonly expect?: Expectation;
  /**
   * Outcomes the scenario intends, by signature pattern, for every client: e.g.
   * `handler-outcomes/handler.conflict-unresolved` in a scenario whose app has no handler. An
   * allowed outcome is the recorded decision for its operation everywhere else too.
   */
  readonly allow?: readonly string[];
  /**
   * What the app intends, judged by the `intent` checker: per `table.field`, which value a
   * record holds once a conflict over it is resolved and settled (`client-wins`, `server-wins`,
   * `merged`); per table, `never-empty`, `unique: <field>` and `rows: { min, max }`. E.g.
   * `{ "orders.qty": "client-wins", "orders": { "unique": "orderNo", "rows": { "min": 1 } } }`.
   */
  readonly intent?: IntentDeclaration;
  /**
   * TypeScript scenarios only: named checks of the settled run, each a function over a frozen
   * view of it (`IntentView`) returning true, false or a list of problems. A failing one is a
   * violation `intent/intent.<name in kebab case>/run/settled`.
   */
  readonly invariants?: Readonly<Record<string, Invariant>>;
  /**
   * Local writes a handler decision or a forced purge dropped: `list` them (the default; the
   * results and reports show each kind), or `forbid` them (each one is a violation
   * `intent/intent.no-drops/<op>/<status>`).
   */
  readonly dropped?: DroppedPolicy;
  /** Generated runs when the caller does not say. Default 100. */
  readonly runs?: number;
  /** Push-then-pull rounds after healing, before the final snapshot. Default 2. */
  readonly settleRounds?: number;
  /**
   * The app's pull page size (the SDK's `pull(query, queryId, { pageSize })`). Small pages make
   * records that share an `updatedAt` straddle page boundaries. Default: the client's own (50).
   * Honoured by the reference client and the SDK driver.
   */
  readonly pullPageSize?: number;
  /** Where a saved counterexample came from. */
  readonly origin?: {
    readonly scenario: string;
    readonly seed?: number;
    readonly path?: string;
    readonly client?: string;
    readonly note?: string;
  };
}

/** The newest app version's tables: the server's, and what generated programs write. */
export function newestTables(
  scenario: Pick<ResolvedScenario, 'tables' | 'schemaVersions'>,
): readonly TableDefinition[] {
  return scenario.schemaVersions.at(-1) ?? scenario.tables;
}

/** A scenario with every default applied and every reference resolved. */
export interface ResolvedScenario {
  readonly name: string;
  readonly description?: string;
  /** The file it came from (as given), or `<inline>`. */
  readonly file: string;
  /** The first app version's tables (the only version's, without `schemaVersions`). */
  readonly tables: readonly TableDefinition[];
  /** The later app versions' tables, version 2 first; empty when the app has one version. */
  readonly schemaVersions: readonly (readonly TableDefinition[])[];
  readonly server: Required<Pick<ServerSpec, 'profile' | 'compatibility'>> & ServerSpec;
  readonly clients: readonly { readonly name: string; readonly policy: PolicySpec }[];
  readonly editors: readonly string[];
  /** Fixed program, or undefined for generated scenarios. */
  readonly program?: Program;
  readonly generate?: GeneratorSpec;
  readonly checks: readonly CheckerName[];
  readonly coverage: readonly string[];
  readonly expect: Expectation;
  readonly allow: readonly string[];
  /** The declared intent, invariants and dropped-writes policy, as the `intent` checker takes them. */
  readonly intent: ScenarioIntent;
  readonly runs: number;
  readonly settleRounds: number;
  readonly pullPageSize?: number;
  /** Directory that module paths (policies) are relative to. */
  readonly baseDir: string;
  readonly origin?: ScenarioDefinition['origin'];
  /** The definition as written (after `extends`), for saving regressions. */
  readonly definition: ScenarioDefinition;
  /** What loading changed or wants the author to know (a migrated older format, say). */
  readonly notes: readonly string[];
}
