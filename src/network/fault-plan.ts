/**
 * The fault plan: plain JSON that says how each client's link to the backend misbehaves. Every
 * part of it can be written by hand, loaded from a file, or generated and shrunk by fast-check.
 * Times are virtual milliseconds since the start of the run; requests are counted per link from 1.
 */
import type { StoreFault } from '../kernel/driver.js';
import type { RequestMatch } from './request-match.js';

export type LatencyModel =
  /** Always `ms`. */
  | { readonly kind: 'fixed'; readonly ms: number }
  /** A whole number of ms, uniform in [minMs, maxMs]. */
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  /**
   * Uniform in [minMs, maxMs] most of the time; with `spikeProbability` a spike, uniform in
   * [spikeMinMs, spikeMaxMs], instead — the long tail of a mobile network.
   */
  | {
      readonly kind: 'long-tail';
      readonly minMs: number;
      readonly maxMs: number;
      readonly spikeProbability: number;
      readonly spikeMinMs: number;
      readonly spikeMaxMs: number;
    };

/** One model for both ways, or one per way. */
export type LatencySpec = LatencyModel | { readonly up: LatencyModel; readonly down: LatencyModel };

/** HTTP answers the link makes up without reaching the server (a gateway, a proxy, a throttle, an authentication front). */
export const LINK_ERROR_STATUSES = [500, 502, 503, 429, 401, 403] as const;
export type LinkErrorStatus = (typeof LINK_ERROR_STATUSES)[number];

export type FaultEffect =
  /** The link answers `status` itself; the server never sees the request. */
  | {
      readonly kind: 'http-error';
      readonly status: LinkErrorStatus;
      /** 429 only: the Retry-After header, in seconds. */ readonly retryAfterSeconds?: number;
    }
  /** The connection fails before the request reaches the server. */
  | { readonly kind: 'network-failure' }
  /**
   * No answer within the link's `timeoutMs`. With `applied` the request reached the server
   * (and was handled) and the answer is what got stuck; without it the request never arrived.
   */
  | { readonly kind: 'timeout'; readonly applied?: boolean }
  /** The server handles the request; the answer is lost on the way back. */
  | { readonly kind: 'lost-response' };

export type FaultKind = FaultEffect['kind'];

export type FaultTrigger =
  /** The first request sent at or after `at`. */
  | { readonly at: number }
  /** Every request sent in [from, until). */
  | { readonly from: number; readonly until: number }
  /** The n-th request on this link (1-based): an explicit decision, for generated programs. */
  | { readonly request: number }
  /**
   * The `occurrence`-th request on this link that `match` names (1-based): an explicit decision
   * aimed at a request by what it means, so that two clients meet it at the same moment.
   */
  | { readonly match: RequestMatch; readonly occurrence: number }
  /** Each request with this probability, optionally only within [from, until). */
  | { readonly probability: number; readonly from?: number; readonly until?: number };

export interface FaultRule {
  readonly effect: FaultEffect;
  readonly when: FaultTrigger;
}

/** The link is offline in [from, until); without `until`, until the world is told otherwise. */
export interface PartitionRule {
  readonly from: number;
  readonly until?: number;
}

/**
 * When the request is in flight at the kill: `before-server` — it never arrives; `after-server`
 * (the default) — the server has handled it and the app dies before the answer comes back.
 */
export type RestartPhase = 'before-server' | 'after-server';

/** The app is killed and reopened from its last committed store. */
export interface RestartRule {
  /** `at` kills at that moment, whatever is in flight; the other triggers kill mid-request. */
  readonly when: FaultTrigger;
  readonly phase?: RestartPhase;
}

/**
 * The app is killed right after its `afterWrite`-th store write and reopened from its committed
 * store: a crash between two writes, which no request or timer can aim at. Writes are counted
 * per life of the app, from 1, from the moment it is open (the writes of its start-up do not
 * count); what a write is, is the driver's to say (see `StoreWrite` in kernel/driver.ts). Each
 * rule fires once, in the first life that reaches its write. A client whose driver does not
 * report store writes is never crashed this way (the world notes it).
 */
export interface CrashRule {
  readonly afterWrite: number;
}

/**
 * The device's SQLite fails a write of the app (see `StoreFault` in kernel/driver.ts): the first
 * statement inside a transaction from the app's `write`-th store write on (counted as
 * {@link CrashRule} counts them) fails with `fault`, and its transaction rolls back. Each rule
 * fires once, in the first life that reaches it. Not a network fault either: it lives in the
 * plan's per-client entry, and a driver that does not report store writes never meets it.
 */
export interface StoreFaultRule {
  readonly fault: StoreFault;
  readonly write: number;
}

/**
 * `token-expired`: the user's token expires; every request is answered 401.
 * `rights-revoked`: the user may no longer write; every write (POST, PATCH, DELETE) is answered
 * 403, reads still pass. Either lasts until the app signs in again (see network/credentials.ts).
 */
export const CREDENTIAL_LOSSES = ['token-expired', 'rights-revoked'] as const;
export type CredentialLoss = (typeof CREDENTIAL_LOSSES)[number];

/** The app loses its credentials from the request `when` hits on (`at`: from the next request). */
export interface CredentialRule {
  readonly loss: CredentialLoss;
  readonly when: FaultTrigger;
}

/** From the link's `fromRequest`-th request on (1-based), `latency` replaces the link's latency. */
export interface LatencyChange {
  readonly fromRequest: number;
  readonly latency: LatencySpec;
}

export interface LinkPlan {
  readonly latency?: LatencySpec;
  /**
   * Latency that changes during the run (the explorer's fault panel records these). Each change
   * draws from its own random stream, so adding one never alters the requests before it.
   */
  readonly latencyChanges?: readonly LatencyChange[];
  /** How long a client waits for an answer before giving up. Default 30,000 ms. */
  readonly timeoutMs?: number;
  readonly faults?: readonly FaultRule[];
  readonly partitions?: readonly PartitionRule[];
  readonly restarts?: readonly RestartRule[];
  /** Crashes between store writes (not a network fault: the plan's per-client entry is where they live). */
  readonly crashes?: readonly CrashRule[];
  /** The app's user loses its token or its rights (an HTTP answer of the gateway, until the app signs in again). */
  readonly credentials?: readonly CredentialRule[];
  /** The device's store fails a write (disk full, database locked). */
  readonly store?: readonly StoreFaultRule[];
}

export interface FaultPlan {
  /** Applies to every link. */
  readonly default?: LinkPlan;
  /**
   * Per link, keyed by client name. A link's own `latency` and `timeoutMs` replace the
   * default's; its faults, partitions and restarts are added to the default's.
   */
  readonly links?: Readonly<Record<string, LinkPlan>>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** The plan for one link: the default and the link's own entry merged. */
export function linkPlanFor(plan: FaultPlan, link: string): LinkPlan {
  const base = plan.default ?? {};
  const own = plan.links?.[link] ?? {};
  const latency = own.latency ?? base.latency;
  const timeoutMs = own.timeoutMs ?? base.timeoutMs;
  const latencyChanges = own.latencyChanges ?? base.latencyChanges;
  return {
    ...(latency !== undefined ? { latency } : {}),
    ...(latencyChanges !== undefined ? { latencyChanges } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    faults: [...(base.faults ?? []), ...(own.faults ?? [])],
    partitions: [...(base.partitions ?? []), ...(own.partitions ?? [])],
    restarts: [...(base.restarts ?? []), ...(own.restarts ?? [])],
    crashes: [...(base.crashes ?? []), ...(own.crashes ?? [])],
    ...(base.credentials !== undefined || own.credentials !== undefined
      ? { credentials: [...(base.credentials ?? []), ...(own.credentials ?? [])] }
      : {}),
    ...(base.store !== undefined || own.store !== undefined
      ? { store: [...(base.store ?? []), ...(own.store ?? [])] }
      : {}),
  };
}
