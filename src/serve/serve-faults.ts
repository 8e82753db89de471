/**
 * Faults on real HTTP traffic for `syncwright serve`: every table request crosses the same
 * {@link NetworkLink} the simulator puts between a virtual client and the backend, here on the
 * wall clock, so a real app meets the latency, errors, lost answers and partitions virtual
 * clients meet. A request the link fails (a lost answer, a network failure, a timeout,
 * offline) ends with the connection destroyed: the app sees a network error, as on a device.
 *
 * Real traffic crosses the link named `http` — unless a request names its sender in the
 * `X-Syncwright-Client` header (the Playwright fixture sets it per browser context, one per
 * device): then it crosses that client's own link, named after it, so the history says which
 * device sent what and a device can go offline alone. A fault plan's `default` applies to every
 * link, `links.<name>` to one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  LINK_ERROR_STATUSES,
  linkPlanFor,
  type FaultPlan,
  type FaultRule,
  type LatencySpec,
  type LinkErrorStatus,
  type LinkPlan,
} from '../network/fault-plan.js';
import { NetworkLink } from '../network/link.js';
import { FaultPlanError, parseFaultPlan, validateFaultPlan } from '../network/validate.js';
import { MAX_VIRTUAL_MS } from '../protocol/limits.js';
import { TransportError, type HttpRequest, type HttpResponse, type TransportFailureKind } from '../protocol/http.js';
import type { JsonObject } from '../protocol/records.js';
import { RealClock } from '../kernel/clock.js';
import { SeededRandom } from '../kernel/random.js';
import type { History, HistoryEvent, HistoryEventBody, ServerEdit } from '../kernel/history.js';
import { DEFAULT_HISTORY_LIMIT, type HistoryDrops, type HistoryLimit } from '../kernel/history-limit.js';
import { HistoryRecorder } from '../kernel/recorder.js';
import type { Backend, HandleOptions } from '../backend/types.js';
import { Intercepts, type Crossing } from './intercept.js';

/** The link real traffic crosses when it names no client. */
export const SERVE_LINK = 'http';

/** The request header that names the client (the device) a request comes from. */
export const CLIENT_HEADER = 'x-syncwright-client';

/** A client name a request may give: not a name the history keeps for others (editors, the world…). */
const CLIENT_NAME = /^[A-Za-z][\w-]{0,39}$/;
const RESERVED_NAMES = /^(?:editor|world|server|network|admin|http$)/i;
/** Links kept at once: a client that invents a name per request gets a 400, not a link each. */
const MAX_LINKS = 64;

/** Faults for real traffic, as `syncwright serve`'s flags and the admin API give them. */
export interface ServeFaults {
  /** Milliseconds each way, or a latency model (see the fault plan). */
  readonly latency?: number | LatencySpec;
  /** Chance that a request is answered with `errorStatus` (default 500) without reaching the backend. */
  readonly errorRate?: number;
  readonly errorStatus?: LinkErrorStatus;
  /** Chance that the backend handles a request and the answer is lost (the connection drops). */
  readonly lostResponseRate?: number;
  /** Start with the link down: every request fails until it is brought back. */
  readonly offline?: boolean;
  /** A fault plan (network/fault-plan.ts); times count from the moment the faults are set. */
  readonly plan?: FaultPlan;
}

/** The fields of {@link ServeFaults}: the admin API and `createHandlers` refuse any other. */
export const SERVE_FAULT_FIELDS: readonly (keyof ServeFaults)[] = [
  'latency',
  'errorRate',
  'errorStatus',
  'lostResponseRate',
  'offline',
  'plan',
];

/** A change to the faults in force (the admin API's PATCH): a field given replaces it, `null` removes it. */
export type ServeFaultChanges = { readonly [K in keyof ServeFaults]?: ServeFaults[K] | null };

/**
 * Faults as a caller gave them — the admin API's JSON, `createHandlers`'s options, `startServer`'s
 * — checked whole, so that every door refuses the same input with the same words.
 * @throws FaultPlanError naming each field that does not fit.
 */
export function readServeFaults(value: unknown): ServeFaults {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FaultPlanError([
      { path: '', expected: `an object of faults (${SERVE_FAULT_FIELDS.join(', ')})`, found: shortJson(value) },
    ]);
  const issues: { path: string; expected: string; found: string }[] = [];
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields))
    if (!(SERVE_FAULT_FIELDS as readonly string[]).includes(key))
      issues.push({
        path: key,
        expected: `a fault field (${SERVE_FAULT_FIELDS.join(', ')})`,
        found: 'a field of another name',
      });
  if (fields['offline'] !== undefined && typeof fields['offline'] !== 'boolean')
    issues.push({ path: 'offline', expected: 'true or false', found: shortJson(fields['offline']) });
  if (issues.length > 0) throw new FaultPlanError(issues);
  const faults: Record<string, unknown> = {};
  for (const key of SERVE_FAULT_FIELDS) if (fields[key] !== undefined) faults[key] = fields[key];
  servePlanOf(faults as ServeFaults);
  return faults as ServeFaults;
}

/** `current` with `changes` applied (not yet checked: {@link readServeFaults} does that). */
export function mergeServeFaults(current: ServeFaults, changes: ServeFaultChanges): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  return merged;
}

function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The link plan `faults` describe for one link. @throws FaultPlanError for anything that does not fit real traffic. */
export function servePlanOf(faults: ServeFaults, link: string = SERVE_LINK): LinkPlan {
  const issues: { path: string; expected: string; found: string }[] = [];
  const rate = (name: 'errorRate' | 'lostResponseRate'): number => {
    const value = faults[name];
    if (value === undefined) return 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
      issues.push({ path: name, expected: 'a rate from 0 to 1', found: JSON.stringify(value) ?? 'nothing' });
    return typeof value === 'number' ? value : 0;
  };
  const errorRate = rate('errorRate');
  const lostRate = rate('lostResponseRate');
  const status = faults.errorStatus ?? 500;
  if (!(LINK_ERROR_STATUSES as readonly unknown[]).includes(status))
    issues.push({
      path: 'errorStatus',
      expected: `one of ${LINK_ERROR_STATUSES.join(', ')}`,
      found: JSON.stringify(status),
    });
  // Each part is checked on its own first, so that an error names the field the caller gave
  // (a plan's own latency is checked even when `latency` would replace it).
  if (faults.plan !== undefined)
    for (const issue of validateFaultPlan(faults.plan))
      issues.push({ ...issue, path: issue.path === '' ? 'plan' : `plan.${issue.path}` });
  let latency: LatencySpec | undefined;
  if (typeof faults.latency === 'number') {
    if (!Number.isInteger(faults.latency) || faults.latency < 0 || faults.latency > MAX_VIRTUAL_MS)
      issues.push({
        path: 'latency',
        expected: `whole milliseconds from 0 to ${MAX_VIRTUAL_MS}`,
        found: String(faults.latency),
      });
    latency = { kind: 'fixed', ms: faults.latency };
  } else if (faults.latency !== undefined) {
    for (const issue of validateFaultPlan({ default: { latency: faults.latency } }))
      issues.push({ ...issue, path: issue.path.replace(/^default\.latency/, 'latency') });
    latency = faults.latency;
  }
  if (issues.length > 0) throw new FaultPlanError(issues);
  const plan = parseFaultPlan({
    ...(faults.plan ?? {}),
    ...(latency !== undefined ? { default: { ...(faults.plan?.default ?? {}), latency } } : {}),
  });
  const base = linkPlanFor(plan, link);
  if ((base.restarts ?? []).length > 0)
    issues.push({
      path: 'restarts',
      expected: 'no restarts (a real app cannot be killed from the server)',
      found: JSON.stringify(base.restarts),
    });
  if (issues.length > 0) throw new FaultPlanError(issues);
  const extra: FaultRule[] = [];
  // Drawn first, so that a rate flag wins over the plan's own probabilities.
  if (errorRate > 0)
    extra.push({ effect: { kind: 'http-error', status: status as LinkErrorStatus }, when: { probability: errorRate } });
  if (lostRate > 0) extra.push({ effect: { kind: 'lost-response' }, when: { probability: lostRate } });
  return { ...base, faults: [...extra, ...(base.faults ?? [])] };
}

/** A fault that met one request on its way (request-log.ts words it). */
export type AppliedFault =
  | { readonly kind: 'http-error'; readonly status: number }
  | { readonly kind: 'lost-response' | 'network-failure' | 'timeout' | 'offline' }
  | {
      readonly kind: 'intercept';
      readonly intercept: number;
      readonly step: 'hold' | 'release' | 'lose' | 'fail';
      /** The status of the answer held, released or lost, or the one a `fail` sent. */
      readonly status?: number;
    };

/** What crossing the link did to one request, filled in as it happens. */
export interface RequestTrace {
  readonly faults: readonly AppliedFault[];
}

interface RequestContext {
  /** Absent outside express (the msw door): a failed crossing then rejects instead. */
  readonly res?: ServerResponse;
  readonly faults: AppliedFault[];
}

export interface ServeTrafficOptions {
  /** How much history to keep (default: DEFAULT_HISTORY_LIMIT). */
  readonly historyLimit?: HistoryLimit;
  /**
   * Seeds each link's chances (`<seed>:<link name>`), so that the same requests meet the same
   * faults run after run. Default: a fresh seed per link.
   */
  readonly seed?: string;
}

/** How much of its history serve keeps, and what it left out. */
export interface ServeHistoryStats {
  /** Events recorded since the start (or the last reset): the `seq` the next one gets. */
  readonly total: number;
  /** Events kept now, and the bytes of their JSON. */
  readonly kept: number;
  readonly bytes: number;
  readonly dropped: HistoryDrops;
  readonly limit: HistoryLimit;
}

/**
 * The faulty path between the HTTP front door and the backend, with the history of what
 * crossed it. `faults` can be replaced while the server runs (a new link; request numbers and
 * plan times start again). The history is bounded (`historyLimit`): a server that runs for days
 * keeps its newest events, and bodies past a size as their length and digest.
 */
export class ServeTraffic {
  private readonly context = new AsyncLocalStorage<RequestContext>();
  private readonly clock = new RealClock();
  private recorder: HistoryRecorder;
  /** By name: `http`, and one per client that named itself. */
  private links = new Map<string, NetworkLink>();
  private current: ServeFaults;
  /** Every link, present and future, is down (the admin API's offline without a client). */
  private allOffline: boolean;
  private nextRequestId = 1;
  private lastRequestId = 0;
  private nextOpId = 1;
  /** Requests chosen to be held, lost or failed (intercept.ts), before the link's own faults. */
  readonly intercepts = new Intercepts((actor, body) => this.recorder.record(actor, body));
  /** Backend options per request in flight: the link hands the backend the request only. */
  private readonly handleOptions = new WeakMap<HttpRequest, HandleOptions | undefined>();

  private readonly historyLimit: HistoryLimit;
  private readonly seed: string | undefined;

  /** @throws FaultPlanError for faults that do not fit real traffic. */
  constructor(
    private readonly backend: () => Backend,
    faults: ServeFaults = {},
    options: ServeTrafficOptions = {},
  ) {
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    this.seed = options.seed;
    this.recorder = this.newRecorder();
    faults = readServeFaults(faults);
    this.current = faults;
    this.allOffline = faults.offline === true;
    this.linkFor(SERVE_LINK);
  }

  get faults(): ServeFaults {
    return { ...this.current, offline: this.offline };
  }

  /** Whether the shared `http` link is down. */
  get offline(): boolean {
    return this.linkFor(SERVE_LINK).offline;
  }

  /** Requests the current links have carried. */
  get requests(): number {
    let total = 0;
    for (const link of this.links.values()) total += link.requests;
    return total;
  }

  /** The events kept, oldest first. */
  get history(): History {
    return this.recorder.events;
  }

  get historyStats(): ServeHistoryStats {
    return {
      total: this.recorder.total,
      kept: this.recorder.length,
      bytes: this.recorder.bytes,
      dropped: this.recorder.drops,
      limit: this.historyLimit,
    };
  }

  /** Up to `limit` kept events with a `seq` above `after`. */
  historyPage(after: number, limit: number): History {
    return this.recorder.page(after, limit);
  }

  /** The clients that named themselves so far, and whether each one's link is down. */
  get clients(): Record<string, { offline: boolean }> {
    const clients: Record<string, { offline: boolean }> = {};
    for (const [name, link] of this.links) if (name !== SERVE_LINK) clients[name] = { offline: link.offline };
    return clients;
  }

  /**
   * Express middleware that lets `handle` find the response of the request it serves, and
   * starts the request's trace (see {@link trace}).
   */
  bind(): (req: unknown, res: ServerResponse, next: () => void) => void {
    return (_req, res, next) => this.context.run({ res, faults: [] }, next);
  }

  /**
   * The trace of the request being served (inside {@link bind}'s middleware), which fills in as
   * the link and the intercepts apply their faults to it.
   */
  trace(): RequestTrace | undefined {
    return this.context.getStore();
  }

  /**
   * The backend's `handle`, across the link. Inside {@link bind}'s middleware a failed crossing
   * drops the connection and never answers; elsewhere (msw) it rejects with the TransportError.
   */
  handle(request: HttpRequest, options?: HandleOptions): Promise<HttpResponse> {
    if (this.context.getStore() !== undefined) return this.handleBound(request, options);
    return this.context.run({ faults: [] }, () => this.handleBound(request, options));
  }

  private async handleBound(request: HttpRequest, options?: HandleOptions): Promise<HttpResponse> {
    const named = clientOf(request);
    if ('error' in named) return badClient(named.error);
    if (!this.links.has(named.link) && this.links.size >= MAX_LINKS)
      return badClient(`at most ${MAX_LINKS - 1} clients may name themselves in ${CLIENT_HEADER}`);
    const link = this.linkFor(named.link);
    this.handleOptions.set(request, options);
    try {
      return await this.intercepts.apply(request, () => this.cross(link, request));
    } catch (error) {
      const res = this.context.getStore()?.res;
      if (!(error instanceof TransportError) || res === undefined) throw error;
      res.socket?.destroy();
      // Nothing is ever sent: the connection is gone.
      return new Promise<HttpResponse>(() => undefined);
    } finally {
      this.handleOptions.delete(request);
    }
  }

  private cross(link: NetworkLink, request: HttpRequest): Crossing {
    const answer = link.transport(request);
    // The link numbers a request before its first await, so the number is already taken.
    return { requestId: this.lastRequestId, answer };
  }

  /** New faults from now on, on every link. @throws FaultPlanError */
  setFaults(faults: ServeFaults): void {
    this.replaceFaults(readServeFaults(faults), new Set(), 'set');
  }

  /**
   * The faults in force with `changes` merged in (a field given replaces it, `null` removes it),
   * from now on, on every link. The links start again as with {@link setFaults}, but the shared
   * link's offline state is kept unless `changes` has `offline`, and a client's link taken down
   * alone stays down. @throws FaultPlanError, and then nothing changes.
   */
  mergeFaults(changes: ServeFaultChanges): void {
    const merged = readServeFaults(mergeServeFaults(this.faults, changes));
    const keepDown = new Set<string>();
    if (changes.offline === undefined)
      for (const [name, link] of this.links) if (name !== SERVE_LINK && link.offline) keepDown.add(name);
    this.replaceFaults(merged, keepDown, 'merged');
  }

  private replaceFaults(faults: ServeFaults, keepDown: ReadonlySet<string>, how: 'set' | 'merged'): void {
    const names = [...this.links.keys()];
    for (const name of names) servePlanOf(faults, name);
    for (const link of this.links.values()) link.heal();
    this.current = faults;
    this.allOffline = faults.offline === true;
    this.links = new Map();
    for (const name of names) {
      const link = this.linkFor(name);
      if (keepDown.has(name)) link.setOffline(true, 'admin');
    }
    this.recorder.record('world', { kind: 'note', text: `faults ${how}: ${JSON.stringify(faults)}` });
  }

  /**
   * Takes a link down or brings it back: the named client's (recorded as a `partition` of it),
   * or without a client every link, including those of clients yet to come.
   */
  setOffline(offline: boolean, client?: string): void {
    if (client === undefined) {
      this.allOffline = offline;
      for (const link of this.links.values()) link.setOffline(offline, 'admin');
      return;
    }
    const named = clientOf({ headers: { [CLIENT_HEADER]: client } });
    if ('error' in named) throw new FaultPlanError([{ path: 'client', expected: 'a client name', found: client }]);
    this.linkFor(named.link).setOffline(offline, 'admin');
  }

  /** Records a write made through the admin API as another user. */
  recordEdit(
    actor: string,
    op: ServerEdit,
    outcome: { ok: true; value: JsonObject } | { ok: false; error: string },
  ): void {
    const opId = this.newOperationId();
    this.recorder.record(actor, { kind: 'invoke', opId, op });
    if (outcome.ok) this.recorder.record(actor, { kind: 'ok', opId, value: outcome.value });
    else this.recorder.record(actor, { kind: 'fail', opId, error: outcome.error });
  }

  /**
   * Adds an event from outside the server — what an app in a browser did, as the Playwright
   * fixture hears it — to the same history, so that one order holds for everything.
   */
  record(actor: string, body: HistoryEventBody): HistoryEvent {
    return this.recorder.record(actor, body);
  }

  /**
   * Records a request a client sent that never reached this server (an app aiming at an address
   * nobody routes, as the tutorial's offline trick does): it failed with `failure`, unapplied.
   */
  recordUnreachable(client: string, request: HttpRequest, failure: TransportFailureKind = 'network'): void {
    const requestId = this.nextRequestId++;
    this.recorder.record(client, { kind: 'http-request', requestId, link: client, request });
    this.recorder.record(client, {
      kind: 'http-failure',
      requestId,
      link: client,
      failure,
      applied: false,
      latencyMs: 0,
    });
  }

  /** An operation id no other operation of this history has (editors' and apps' alike). */
  newOperationId(): number {
    return this.nextOpId++;
  }

  /** A fresh history (the admin API's reset). */
  clearHistory(): void {
    this.intercepts.clear();
    this.recorder = this.newRecorder();
    for (const link of this.links.values()) link.heal();
    this.links = new Map();
    this.nextOpId = 1;
    this.allOffline = this.current.offline === true;
    this.linkFor(SERVE_LINK);
  }

  close(): void {
    this.intercepts.clear();
    for (const link of this.links.values()) link.heal();
  }

  private newRecorder(): HistoryRecorder {
    const recorder = new HistoryRecorder(this.clock, this.clock.now(), { limit: this.historyLimit });
    // Links and intercepts record a request's faults inside its own async context: its trace.
    recorder.subscribe((event) => {
      const faults = this.context.getStore()?.faults;
      if (faults === undefined) return;
      const applied = appliedFault(event, faults);
      if (applied !== undefined) faults.push(applied);
    });
    return recorder;
  }

  private linkFor(name: string): NetworkLink {
    let link = this.links.get(name);
    if (link === undefined) {
      link = this.makeLink(name);
      this.links.set(name, link);
    }
    return link;
  }

  private makeLink(name: string): NetworkLink {
    const plan = servePlanOf(this.current, name);
    const link = new NetworkLink({
      name,
      plan,
      clock: this.clock,
      startTime: this.clock.now(),
      random: new SeededRandom(this.seed === undefined ? randomUUID() : `${this.seed}:${name}`),
      server: (request) => this.backend().handle(request, this.handleOptions.get(request)),
      recorder: this.recorder,
      nextRequestId: () => (this.lastRequestId = this.nextRequestId++),
    });
    if (this.allOffline) link.setOffline(true, 'admin');
    return link;
  }
}

const INTERCEPT_STEPS: Readonly<Record<string, 'hold' | 'release' | 'lose' | 'fail'>> = {
  'intercept-hold': 'hold',
  'intercept-release': 'release',
  'intercept-lose': 'lose',
  'intercept-fail': 'fail',
};

/**
 * The fault an event says a request met, if any. A failure with no fault event before it (the
 * link down, or going down mid-way) is a fault of its own; one after a fault is that fault's doing.
 */
function appliedFault(event: HistoryEvent, before: readonly AppliedFault[]): AppliedFault | undefined {
  if (event.kind === 'http-failure') {
    if (before.length > 0) return undefined;
    return { kind: event.failure === 'network' ? 'network-failure' : event.failure };
  }
  if (event.kind !== 'fault') return undefined;
  const detail = event.detail ?? {};
  const status = typeof detail['status'] === 'number' ? detail['status'] : undefined;
  const step = INTERCEPT_STEPS[event.fault];
  if (step !== undefined)
    return {
      kind: 'intercept',
      intercept: typeof detail['intercept'] === 'number' ? detail['intercept'] : 0,
      step,
      ...(status !== undefined ? { status } : {}),
    };
  switch (event.fault) {
    case 'http-error':
      return { kind: 'http-error', status: status ?? 500 };
    case 'lost-response':
    case 'network-failure':
    case 'timeout':
      return { kind: event.fault };
    default:
      return undefined;
  }
}

/** The link a request crosses: its client's, when it names one that may be used. */
function clientOf(request: Pick<HttpRequest, 'headers'>): { link: string } | { error: string } {
  const header = Object.entries(request.headers).find(([key]) => key.toLowerCase() === CLIENT_HEADER)?.[1];
  if (header === undefined) return { link: SERVE_LINK };
  if (!CLIENT_NAME.test(header) || RESERVED_NAMES.test(header)) {
    const quoted = JSON.stringify(header);
    return {
      error: `${CLIENT_HEADER}: expected a client name such as "client-1" (letters, digits, - and _, at most 40, not editor…, world, server, network, admin or http), found ${quoted.length > 80 ? `${quoted.slice(0, 77)}...` : quoted}`,
    };
  }
  return { link: header };
}

function badClient(message: string): HttpResponse {
  return {
    status: 400,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error: message }),
  };
}
