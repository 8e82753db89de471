/**
 * The fault panel of a link, turned into a fault plan that a saved session replays. A change
 * made in the middle of a session applies from the link's next request on and never alters
 * what already happened: latency changes become `latencyChanges` (each with its own random
 * stream), error and lost-response rates become explicit decisions for numbered requests,
 * drawn here from a stream named after the change.
 */
import {
  type FaultPlan,
  type FaultRule,
  type LatencyModel,
  type LinkErrorStatus,
  type LinkPlan,
} from '../network/fault-plan.js';
import { SeededRandom } from '../kernel/random.js';

export interface LinkFaults {
  /** Each way, uniform in [minMs, maxMs] (fixed when they are equal). */
  readonly latency: { readonly minMs: number; readonly maxMs: number };
  /** Chance that a request is answered with `errorStatus` by the link itself. */
  readonly errorRate: number;
  readonly errorStatus: LinkErrorStatus;
  /** Chance that the server handles a request and the answer is lost on the way back. */
  readonly lostResponseRate: number;
}

export const DEFAULT_LINK_FAULTS: LinkFaults = {
  latency: { minMs: 10, maxMs: 40 },
  errorRate: 0,
  errorStatus: 500,
  lostResponseRate: 0,
};

/** A panel setting, in force from the link's `fromRequest`-th request (1-based) on. */
export interface FaultChange {
  readonly fromRequest: number;
  readonly faults: LinkFaults;
}

/** How many requests ahead of a change its decisions are drawn (a session never gets near). */
export const DECISION_HORIZON = 2_000;

export function latencyModel(latency: LinkFaults['latency']): LatencyModel {
  return latency.minMs === latency.maxMs
    ? { kind: 'fixed', ms: latency.minMs }
    : { kind: 'uniform', minMs: latency.minMs, maxMs: latency.maxMs };
}

/** Adds a change: one made before the link's next request replaces the one made there. */
export function withChange(changes: readonly FaultChange[], change: FaultChange): FaultChange[] {
  return [...changes.filter((existing) => existing.fromRequest < change.fromRequest), change];
}

/**
 * The plan of one link. `sentRequests`, when given, leaves out decisions for requests the link
 * has not sent (a saved session does not need them; the runner heals the network afterwards).
 */
export function linkPlanOf(link: string, changes: readonly FaultChange[], sentRequests?: number): LinkPlan {
  const sorted =
    changes.length === 0 || changes[0]!.fromRequest !== 1
      ? [{ fromRequest: 1, faults: DEFAULT_LINK_FAULTS }, ...changes]
      : [...changes];
  const first = sorted[0]!;
  const latencyChanges: { fromRequest: number; latency: LatencyModel }[] = [];
  let current = first.faults.latency;
  for (const change of sorted.slice(1)) {
    if (change.faults.latency.minMs === current.minMs && change.faults.latency.maxMs === current.maxMs) continue;
    current = change.faults.latency;
    latencyChanges.push({ fromRequest: change.fromRequest, latency: latencyModel(current) });
  }
  const faults: FaultRule[] = [];
  sorted.forEach((change, i) => {
    const { errorRate, lostResponseRate, errorStatus } = change.faults;
    if (errorRate === 0 && lostResponseRate === 0) return;
    const end = Math.min(
      sorted[i + 1]?.fromRequest ?? change.fromRequest + DECISION_HORIZON,
      sentRequests === undefined ? Number.POSITIVE_INFINITY : sentRequests + 1,
    );
    const random = new SeededRandom(
      `explorer-faults:${link}:${change.fromRequest}:${errorRate}:${errorStatus}:${lostResponseRate}`,
    );
    for (let request = change.fromRequest; request < end; request++) {
      const draw = random.nextFloat();
      if (draw < errorRate) faults.push({ effect: { kind: 'http-error', status: errorStatus }, when: { request } });
      else if (draw < errorRate + lostResponseRate)
        faults.push({ effect: { kind: 'lost-response' }, when: { request } });
    }
  });
  return {
    latency: latencyModel(first.faults.latency),
    ...(latencyChanges.length > 0 ? { latencyChanges } : {}),
    ...(faults.length > 0 ? { faults } : {}),
  };
}

export function sessionFaultPlan(
  links: ReadonlyMap<string, readonly FaultChange[]>,
  sentRequests?: (link: string) => number,
): FaultPlan {
  const plans: Record<string, LinkPlan> = {};
  for (const [link, changes] of links) plans[link] = linkPlanOf(link, changes, sentRequests?.(link));
  return { links: plans };
}

/** The settings in force now: the last change. */
export function currentFaults(changes: readonly FaultChange[]): LinkFaults {
  return changes.at(-1)?.faults ?? DEFAULT_LINK_FAULTS;
}
