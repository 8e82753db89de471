/**
 * Faults on real HTTP traffic for `syncwright serve`: every table request crosses the same
 * {@link NetworkLink} the simulator puts between a virtual client and the backend, here on the
 * wall clock, so a real app meets the latency, errors, lost answers and partitions virtual
 * clients meet. A request the link fails (a lost answer, a network failure, a timeout,
 * offline) ends with the connection destroyed: the app sees a network error, as on a device.
 *
 * All real traffic shares one link, named `http`: a fault plan's `default` applies to it, and
 * so does `links.http`.
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
import { FaultPlanError, parseFaultPlan } from '../network/validate.js';
import { TransportError, type HttpRequest, type HttpResponse } from '../protocol/http.js';
import type { JsonObject } from '../protocol/records.js';
import { RealClock } from '../kernel/clock.js';
import { SeededRandom } from '../kernel/random.js';
import type { ServerEdit } from '../kernel/history.js';
import { HistoryRecorder } from '../kernel/recorder.js';
import type { Backend, HandleOptions } from '../backend/types.js';
import { Intercepts, type Crossing } from './intercept.js';

/** The link all real traffic crosses. */
export const SERVE_LINK = 'http';

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

/** The link plan `faults` describe. @throws FaultPlanError for anything that does not fit real traffic. */
export function servePlanOf(faults: ServeFaults): LinkPlan {
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
  let latency: LatencySpec | undefined;
  if (typeof faults.latency === 'number') {
    if (!Number.isInteger(faults.latency) || faults.latency < 0)
      issues.push({ path: 'latency', expected: 'whole milliseconds >= 0', found: String(faults.latency) });
    latency = { kind: 'fixed', ms: faults.latency };
  } else {
    latency = faults.latency;
  }
  const plan = parseFaultPlan({
    ...(faults.plan ?? {}),
    ...(latency !== undefined ? { default: { ...(faults.plan?.default ?? {}), latency } } : {}),
  });
  const base = linkPlanFor(plan, SERVE_LINK);
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

interface RequestContext {
  readonly res: ServerResponse;
}

/**
 * The faulty path between the HTTP front door and the backend, with the history of what
 * crossed it. `faults` can be replaced while the server runs (a new link; request numbers and
 * plan times start again).
 */
export class ServeTraffic {
  private readonly context = new AsyncLocalStorage<RequestContext>();
  private readonly clock = new RealClock();
  private recorder: HistoryRecorder;
  private link: NetworkLink;
  private current: ServeFaults;
  private nextRequestId = 1;
  private lastRequestId = 0;
  private nextOpId = 1;
  /** Requests chosen to be held, lost or failed (intercept.ts), before the link's own faults. */
  readonly intercepts = new Intercepts((actor, body) => this.recorder.record(actor, body));
  /** Backend options per request in flight: the link hands the backend the request only. */
  private readonly handleOptions = new WeakMap<HttpRequest, HandleOptions | undefined>();

  constructor(
    private readonly backend: () => Backend,
    faults: ServeFaults = {},
  ) {
    this.recorder = new HistoryRecorder(this.clock);
    this.current = faults;
    this.link = this.makeLink(faults);
  }

  get faults(): ServeFaults {
    return { ...this.current, offline: this.link.offline };
  }

  get offline(): boolean {
    return this.link.offline;
  }

  /** Requests the current link has carried. */
  get requests(): number {
    return this.link.requests;
  }

  get history(): HistoryRecorder['events'] {
    return this.recorder.events;
  }

  /** Express middleware that lets `handle` find the response of the request it serves. */
  bind(): (req: unknown, res: ServerResponse, next: () => void) => void {
    return (_req, res, next) => this.context.run({ res }, next);
  }

  /** The backend's `handle`, across the link. A failed crossing drops the connection and never answers. */
  async handle(request: HttpRequest, options?: HandleOptions): Promise<HttpResponse> {
    this.handleOptions.set(request, options);
    try {
      return await this.intercepts.apply(request, () => this.cross(request));
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

  private cross(request: HttpRequest): Crossing {
    const answer = this.link.transport(request);
    // The link numbers a request before its first await, so the number is already taken.
    return { requestId: this.lastRequestId, answer };
  }

  /** New faults from now on. @throws FaultPlanError */
  setFaults(faults: ServeFaults): void {
    const link = this.makeLink(faults);
    this.link.heal();
    this.link = link;
    this.current = faults;
    this.recorder.record('world', { kind: 'note', text: `faults set: ${JSON.stringify(faults)}` });
  }

  setOffline(offline: boolean): void {
    this.link.setOffline(offline, 'admin');
  }

  /** Records a write made through the admin API as another user. */
  recordEdit(
    actor: string,
    op: ServerEdit,
    outcome: { ok: true; value: JsonObject } | { ok: false; error: string },
  ): void {
    const opId = this.nextOpId++;
    this.recorder.record(actor, { kind: 'invoke', opId, op });
    if (outcome.ok) this.recorder.record(actor, { kind: 'ok', opId, value: outcome.value });
    else this.recorder.record(actor, { kind: 'fail', opId, error: outcome.error });
  }

  /** A fresh history (the admin API's reset). */
  clearHistory(): void {
    this.intercepts.clear();
    this.recorder = new HistoryRecorder(this.clock);
    this.link.heal();
    this.link = this.makeLink(this.current);
  }

  close(): void {
    this.intercepts.clear();
    this.link.heal();
  }

  private makeLink(faults: ServeFaults): NetworkLink {
    const plan = servePlanOf(faults);
    const link = new NetworkLink({
      name: SERVE_LINK,
      plan,
      clock: this.clock,
      startTime: this.clock.now(),
      random: new SeededRandom(randomUUID()),
      server: (request) => this.backend().handle(request, this.handleOptions.get(request)),
      recorder: this.recorder,
      nextRequestId: () => (this.lastRequestId = this.nextRequestId++),
    });
    if (faults.offline === true) link.setOffline(true, 'admin');
    return link;
  }
}
