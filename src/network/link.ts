/**
 * A client's link to the backend: it delays each request and answer by the plan's latency,
 * and injects the plan's faults. Every request, answer, failure and fault goes to the history.
 */
import {
  simulatedTransportError,
  TransportError,
  type HttpRequest,
  type HttpResponse,
  type Transport,
  type TransportFailureKind,
} from '../protocol/http.js';
import type { JsonObject } from '../protocol/records.js';
import type { Clock, TimerHandle } from '../kernel/clock.js';
import type { RandomSource } from '../kernel/random.js';
import type { HistoryRecorder } from '../kernel/recorder.js';
import { describeError } from '../kernel/json-safe.js';
import { refusalStatus } from './credentials.js';
import {
  DEFAULT_TIMEOUT_MS,
  type CredentialLoss,
  type FaultEffect,
  type FaultTrigger,
  type LinkPlan,
  type RestartPhase,
} from './fault-plan.js';
import { Holds, type HoldRequest } from './hold.js';
import { createLatency, type Latency } from './latency.js';
import { requestTarget, targetMatches, type RequestTarget } from './request-match.js';
import { canonicalJson } from '../protocol/canonical-json.js';

export interface LinkOptions {
  /** The client's name; the link is named after it in the history. */
  readonly name: string;
  /** Already merged for this link (see `linkPlanFor`) and validated. */
  readonly plan: LinkPlan;
  /** Where the link's timers run (the world gives the `link:<name>` lane). */
  readonly clock: Clock;
  /** Epoch ms of the start of the run: plan times count from here. */
  readonly startTime: number;
  /** The link's own random stream. */
  readonly random: RandomSource;
  /**
   * Where requests go once they cross the link: the backend's `handle`, or `fetch` over HTTP.
   * Told the request's id, so that what the server did can be tied to the request in the history.
   */
  readonly server: (request: HttpRequest, requestId: number) => Promise<HttpResponse>;
  readonly recorder: HistoryRecorder;
  /** Request ids are unique across all links of a run. */
  readonly nextRequestId: () => number;
  /** The plan says: kill this client now. The world does it. */
  readonly onRestart?: (cause: JsonObject) => void;
  /** The id of the operation a request belongs to, if the sender knows (`match` triggers with an `op`). */
  readonly operationOf?: (request: HttpRequest) => number | null;
}

/** Why a fault rule matched. */
type TriggerKind = 'at' | 'window' | 'request' | 'match' | 'probability' | 'latency' | 'credentials';

interface Decision {
  readonly effect: FaultEffect;
  readonly trigger: TriggerKind;
  /** Index of the rule in the merged plan; absent for faults the latency caused. */
  readonly rule?: number;
}

interface RuleState {
  readonly when: FaultTrigger;
  readonly random: RandomSource;
  /** `at` triggers fire once. */
  used: boolean;
  /** Requests a `match` trigger has matched so far. */
  matched: number;
}

const LINK_ERROR_MESSAGES: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  429: 'Too Many Requests',
  401: 'Unauthorized',
  403: 'Forbidden',
};

export class NetworkLink {
  readonly name: string;
  /** The client's transport. */
  readonly transport: Transport;
  private readonly plan: LinkPlan;
  private readonly clock: Clock;
  private readonly latency: Latency;
  /** Sorted by `fromRequest`; the last one whose request has come wins. */
  private readonly latencyChanges: { readonly fromRequest: number; readonly latency: Latency }[];
  private readonly faultRules: { effect: FaultEffect; state: RuleState }[];
  private readonly restartRules: { phase: RestartPhase; state: RuleState }[];
  private readonly credentialRules: { loss: CredentialLoss; state: RuleState }[];
  /** Whether a rule matches requests by the record they name (else nobody reads an insert's id). */
  private readonly namesRecords: boolean;
  /** What the app's user has lost and not yet signed in again for. */
  private lost: CredentialLoss | undefined;
  private readonly timeoutMs: number;
  private readonly timers = new Set<TimerHandle>();
  private readonly holds: Holds;
  private isOffline = false;
  private healed = false;
  private count = 0;

  constructor(private readonly options: LinkOptions) {
    this.name = options.name;
    this.plan = options.plan;
    this.clock = options.clock;
    this.latency = createLatency(options.plan.latency, options.random.fork('latency'));
    this.latencyChanges = (options.plan.latencyChanges ?? [])
      .map((change) => ({
        fromRequest: change.fromRequest,
        latency: createLatency(change.latency, options.random.fork(`latency-change:${canonicalJson(change)}`)),
      }))
      .sort((a, b) => a.fromRequest - b.fromRequest);
    this.timeoutMs = options.plan.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const streams = ruleStreams(options.random);
    this.faultRules = (options.plan.faults ?? []).map((rule) => ({
      effect: rule.effect,
      state: { when: rule.when, random: streams('fault', rule), used: false, matched: 0 },
    }));
    this.restartRules = (options.plan.restarts ?? []).map((rule) => ({
      phase: rule.phase ?? 'after-server',
      state: { when: rule.when, random: streams('restart', rule), used: false, matched: 0 },
    }));
    this.credentialRules = (options.plan.credentials ?? []).map((rule) => ({
      loss: rule.loss,
      state: { when: rule.when, random: streams('credentials', rule), used: false, matched: 0 },
    }));
    this.namesRecords = [...this.faultRules, ...this.restartRules, ...this.credentialRules].some(
      ({ state: { when } }) => 'match' in when && when.match.itemId !== undefined,
    );
    this.holds = new Holds((actor, fault, detail) =>
      options.recorder.record(actor, { kind: 'fault', link: this.name, fault, detail }),
    );
    this.transport = (request) => this.send(request);
    this.armPlanTimers();
  }

  /** Keeps the answer to the chosen request from now on (see hold.ts) until {@link release}. */
  hold(id: number, request: HoldRequest): void {
    this.holds.arm(id, request);
  }

  /** Lets hold `id`'s answer go (or disarms it, if its request never came); `reason` goes to the history. */
  release(id: number, reason: string): void {
    this.holds.release(id, reason);
  }

  /** Every hold of the link; returns how many there were. */
  releaseHolds(reason: string): number {
    return this.holds.releaseAll(reason);
  }

  /** The app behind the link was killed: answers kept for it go, and its earlier requests are never held. */
  appKilled(): void {
    this.holds.appKilled();
  }

  /** Answers the link keeps now. */
  get holding(): number {
    return this.holds.holding;
  }

  get offline(): boolean {
    return this.isOffline;
  }

  /** Requests sent so far. */
  get requests(): number {
    return this.count;
  }

  /** Cuts or restores the link; records a `partition` event when the state changes. */
  setOffline(offline: boolean, actor = 'world'): void {
    if (offline === this.isOffline) return;
    this.isOffline = offline;
    this.options.recorder.record(actor, { kind: 'partition', client: this.name, offline });
  }

  /**
   * The app signs in again: whatever credential it had lost is restored (recorded as a
   * `signed-in` fault event, with what it restored). Later credential rules may take it again.
   */
  signIn(actor = 'world'): void {
    const restored = this.lost ?? null;
    this.lost = undefined;
    this.options.recorder.record(actor, { kind: 'fault', link: this.name, fault: 'signed-in', detail: { restored } });
  }

  /** Online from now on, with no more faults, partitions or restarts (a lost credential stays lost). Latency stays. */
  heal(): void {
    this.healed = true;
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
    this.setOffline(false, 'world');
  }

  private latencyFor(request: number): Latency {
    let chosen = this.latency;
    for (const change of this.latencyChanges) if (request >= change.fromRequest) chosen = change.latency;
    return chosen;
  }

  private elapsed(): number {
    return this.clock.now() - this.options.startTime;
  }

  private armPlanTimers(): void {
    const at = (time: number, action: () => void): void => {
      const handle = this.clock.setTimeout(
        () => {
          this.timers.delete(handle);
          action();
        },
        Math.max(0, time - this.elapsed()),
      );
      this.timers.add(handle);
    };
    for (const partition of this.plan.partitions ?? []) {
      at(partition.from, () => this.setOffline(true, 'network'));
      if (partition.until !== undefined) at(partition.until, () => this.setOffline(false, 'network'));
    }
    this.restartRules.forEach((rule, i) => {
      const when = rule.state.when;
      if ('at' in when) {
        at(when.at, () => {
          this.fault('restart', { trigger: 'at', rule: i });
          this.options.onRestart?.({ trigger: 'at', rule: i });
        });
      }
    });
  }

  private fault(fault: string, detail: JsonObject): void {
    this.options.recorder.record('network', { kind: 'fault', link: this.name, fault, detail });
  }

  private async send(request: HttpRequest): Promise<HttpResponse> {
    const n = ++this.count;
    const requestId = this.options.nextRequestId();
    const sentAt = this.clock.now();
    const { recorder } = this.options;
    recorder.record(this.name, { kind: 'http-request', requestId, link: this.name, request });

    // Draw everything up front, the same number of draws for every request, so that one
    // request's fate never shifts another's.
    const latency = this.latencyFor(n);
    const up = latency.up();
    const down = latency.down();
    const t = this.elapsed();
    const target = requestTarget(request, this.options.operationOf?.(request) ?? null, this.namesRecords);
    const faultHits = this.faultRules.map((rule) => triggerHit(rule.state, n, t, target));
    // `at` restarts are armed as timers instead: they kill whatever is in flight.
    const restartHits = this.restartRules.map((rule) =>
      'at' in rule.state.when ? null : triggerHit(rule.state, n, t, target),
    );
    const credentialHits = this.credentialRules.map((rule) => triggerHit(rule.state, n, t, target));
    const claim = this.holds.claim(target, requestId);

    const fail = (failure: TransportFailureKind, applied: boolean, message: string): never => {
      if (claim !== undefined) this.holds.unanswered(claim, failure);
      recorder.record(this.name, {
        kind: 'http-failure',
        requestId,
        link: this.name,
        failure,
        applied,
        latencyMs: this.clock.now() - sentAt,
      });
      throw simulatedTransportError(failure, message);
    };

    if (this.isOffline) {
      await this.clock.sleep(0);
      return fail('offline', false, `${this.name} is offline: the request could not be sent`);
    }

    let decision: Decision | undefined;
    let restart: { phase: RestartPhase; rule: number; trigger: TriggerKind } | undefined;
    if (!this.healed) {
      this.loseCredentials(credentialHits, requestId, n);
      decision = pickFault(this.faultRules, faultHits);
      const r = restartHits.findIndex((hit) => hit !== null);
      if (r >= 0) {
        const rule = this.restartRules[r]!;
        if (restartHits[r] === 'at') rule.state.used = true;
        restart = { phase: rule.phase, rule: r, trigger: restartHits[r]! };
      }
    }
    // The gateway refuses a user without a token (or rights) before the server sees the request;
    // a fault the plan aimed at this very request still comes first.
    const refusal = this.lost === undefined ? undefined : refusalStatus(this.lost, request.method);
    if (decision === undefined && refusal !== undefined) {
      decision = { effect: { kind: 'http-error', status: refusal }, trigger: 'credentials' };
    }
    if (decision === undefined && up + down > this.timeoutMs) {
      decision = { effect: { kind: 'timeout', applied: up < this.timeoutMs }, trigger: 'latency' };
    }
    if (decision !== undefined) {
      const { effect } = decision;
      this.fault(effect.kind, {
        requestId,
        request: n,
        trigger: decision.trigger,
        ...(decision.rule !== undefined ? { rule: decision.rule } : {}),
        ...(effect.kind === 'http-error' ? { status: effect.status } : {}),
        ...(effect.kind === 'timeout' ? { applied: effect.applied === true } : {}),
      });
    }
    /** Kills the app if the plan says so at this phase; true when it did. */
    const killNow = (phase: RestartPhase): boolean => {
      if (restart?.phase !== phase) return false;
      this.fault('restart', { requestId, request: n, trigger: restart.trigger, rule: restart.rule, phase });
      this.options.onRestart?.({ requestId, request: n, trigger: restart.trigger, rule: restart.rule, phase });
      return true;
    };
    const killedMessage = 'the app was killed before the request left the device';

    const effect = decision?.effect;
    if (effect?.kind === 'timeout') {
      const reaches = effect.applied === true;
      if (reaches) {
        await this.clock.sleep(Math.min(up, this.timeoutMs));
        if (killNow('before-server')) return fail('network', false, killedMessage);
        await this.callServer(request, requestId, sentAt);
        killNow('after-server');
      }
      await this.clock.sleep(Math.max(0, this.timeoutMs - (this.clock.now() - sentAt)));
      return fail('timeout', reaches, `no answer within ${this.timeoutMs} ms`);
    }

    await this.clock.sleep(up);
    if (killNow('before-server')) return fail('network', false, killedMessage);
    if (effect?.kind === 'network-failure')
      return fail('network', false, 'the connection failed before the request reached the server');
    if (this.isOffline)
      return fail('offline', false, `${this.name} went offline before the request reached the server`);

    let response: HttpResponse;
    if (effect?.kind === 'http-error') {
      response = linkErrorResponse(effect);
    } else {
      response = await this.callServer(request, requestId, sentAt);
      killNow('after-server');
    }
    if (claim !== undefined) await this.holds.keep(claim);

    await this.clock.sleep(down);
    if (effect?.kind === 'lost-response')
      return fail('lost-response', true, 'the server answered, but the answer was lost on the way back');
    if (this.isOffline)
      return fail('lost-response', effect === undefined, `${this.name} went offline before the answer arrived`);
    recorder.record(this.name, {
      kind: 'http-response',
      requestId,
      link: this.name,
      response,
      latencyMs: this.clock.now() - sentAt,
    });
    return response;
  }

  /** The first credential rule that hits this request takes the credential away (once per rule for `at`). */
  private loseCredentials(hits: readonly (TriggerKind | null)[], requestId: number, request: number): void {
    const i = hits.findIndex((hit) => hit !== null);
    if (i < 0) return;
    const rule = this.credentialRules[i]!;
    if (hits[i] === 'at') rule.state.used = true;
    this.lost = rule.loss;
    this.fault(rule.loss, { requestId, request, trigger: hits[i]!, rule: i });
  }

  private async callServer(request: HttpRequest, requestId: number, sentAt: number): Promise<HttpResponse> {
    try {
      return await this.options.server(request, requestId);
    } catch (error) {
      // The backend itself failed (over real HTTP: the socket). The client sees a network error.
      this.options.recorder.record(this.name, {
        kind: 'http-failure',
        requestId,
        link: this.name,
        failure: 'network',
        applied: false,
        latencyMs: this.clock.now() - sentAt,
      });
      throw new TransportError('network', `the server could not be reached: ${describeError(error)}`);
    }
  }
}

/**
 * Each rule draws from a stream named after its content (and its rank among identical rules),
 * not its position: adding or shrinking away another rule leaves this rule's hits unchanged.
 */
function ruleStreams(random: RandomSource): (kind: string, rule: object) => RandomSource {
  const seen = new Map<string, number>();
  return (kind, rule) => {
    let text = canonicalText.get(rule);
    if (text === undefined) {
      text = canonicalJson(rule);
      canonicalText.set(rule, text);
    }
    const key = `${kind}:${text}`;
    const rank = seen.get(key) ?? 0;
    seen.set(key, rank + 1);
    return random.fork(`${key}#${rank}`);
  };
}

/** Plans are shared by every link of a world (and often across runs): name each rule once. */
const canonicalText = new WeakMap<object, string>();

/**
 * Whether a rule's trigger matches the n-th request at time t. Probability rules draw once per
 * request whether or not they match, so their streams stay aligned; a `match` rule counts every
 * request it matches, hit or not.
 */
function triggerHit(state: RuleState, n: number, t: number, target: RequestTarget): TriggerKind | null {
  const when = state.when;
  if ('probability' in when) {
    const draw = state.random.nextFloat();
    const inWindow = t >= (when.from ?? 0) && (when.until === undefined || t < when.until);
    return inWindow && draw < when.probability ? 'probability' : null;
  }
  if ('request' in when) return when.request === n ? 'request' : null;
  if ('match' in when) {
    if (!targetMatches(when.match, target)) return null;
    state.matched++;
    return state.matched === when.occurrence ? 'match' : null;
  }
  if ('at' in when) return !state.used && t >= when.at ? 'at' : null;
  return t >= when.from && t < when.until ? 'window' : null;
}

const PRECEDENCE: readonly TriggerKind[] = ['request', 'match', 'at', 'window', 'probability'];

/**
 * Precedence: an explicit decision for this request (by number, then by meaning), then a fault scheduled at a time, then a
 * window, then probabilities; within a kind, the first rule in the plan. An `at` rule that
 * lost to another is kept for the next request.
 */
function pickFault(
  rules: readonly { effect: FaultEffect; state: RuleState }[],
  hits: readonly (TriggerKind | null)[],
): Decision | undefined {
  for (const trigger of PRECEDENCE) {
    const rule = hits.indexOf(trigger);
    if (rule >= 0) {
      if (trigger === 'at') rules[rule]!.state.used = true;
      return { effect: rules[rule]!.effect, trigger, rule };
    }
  }
  return undefined;
}

function linkErrorResponse(effect: Extract<FaultEffect, { kind: 'http-error' }>): HttpResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (effect.status === 429) headers['retry-after'] = String(effect.retryAfterSeconds ?? 1);
  return {
    status: effect.status,
    headers,
    body: JSON.stringify({ error: LINK_ERROR_MESSAGES[effect.status] ?? 'Error' }),
  };
}
