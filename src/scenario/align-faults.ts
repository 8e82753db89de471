/**
 * Faults aligned by meaning. A fault plan aims at "the 3rd request of client-1", at a time, or
 * at a window; two clients running the same program send different requests at different
 * moments, so the same plan would hit them at different points of the program. Here the program
 * runs on the reference client first, and each fault its links actually applied is re-aimed at
 * the request it hit, named by what it is — "the 2nd PATCH of todoitem/r1", "the 1st page of pull
 * #17" (`{ match, occurrence }` triggers, network/request-match.ts) — with the effect it had.
 * The client under test then runs that plan, and its history is checked to have met each fault
 * exactly where the reference client did.
 *
 * What cannot be aimed that way excludes the program from the comparison rather than comparing
 * it wrongly: a restart at a time, a timeout the latency caused, rules this file does not know
 * (crash points between store writes), a page query whose pull cannot be named, a fault the
 * client under test never reached. So does a program whose operations overlapped in either run:
 * the clients' operations take different times (the SDK spends ~60 virtual ms on a local call and
 * ~230 on a push before any request), so overlapping operations interleave differently and their
 * outcomes may differ without either client being wrong.
 */
import { canonicalJson, indexHistory, type Exchange, type HistoryIndex } from '../check/history-index.js';
import type { History } from '../kernel/history.js';
import type { FaultEffect, FaultPlan, FaultRule, LinkPlan, RestartPhase, RestartRule } from '../network/fault-plan.js';
import { linkPlanFor } from '../network/fault-plan.js';
import { describeMatch, requestTarget, targetMatches, type RequestMatch } from '../network/request-match.js';
import type { Program } from './types.js';

/** Why a program was left out of the comparison. */
export type ExclusionReason =
  /** Operations overlapped in a run: the two clients met them in different orders. */
  | 'concurrent'
  /** A fault tied to a time rather than a request (a restart at a time, a timeout the latency caused). */
  | 'timed-fault'
  /**
   * A crash after the n-th store write: the two stores write different numbers of statements, so
   * the n-th write is a different moment of the program on each.
   */
  | 'crash-point'
  /** The plan holds rules this alignment does not know. */
  | 'unknown-rule'
  /** A faulted page query whose pull could not be named. */
  | 'unnamed-request'
  /** The client under test never sent a request a fault of the reference run hit. */
  | 'fault-unmet'
  /** A run stopped early (a deadlock, a livelock, a crash): there is no final state to compare. */
  | 'stopped';

export const EXCLUSION_REASONS: readonly ExclusionReason[] = [
  'concurrent',
  'timed-fault',
  'crash-point',
  'unknown-rule',
  'unnamed-request',
  'fault-unmet',
  'stopped',
];

export interface Exclusion {
  readonly reason: ExclusionReason;
  /** One sentence, citing events as `#seq` of the run named. */
  readonly detail: string;
}

/** One fault of the reference run, re-aimed. */
export interface AlignedFault {
  readonly link: string;
  readonly match: RequestMatch;
  readonly occurrence: number;
  /** What the reference run's link did to the request. */
  readonly effect:
    | { readonly kind: 'fault'; readonly fault: FaultEffect }
    | { readonly kind: 'restart'; readonly phase: RestartPhase };
  /** The request it hit in the reference run. */
  readonly referenceSeq: number;
}

export type Alignment =
  | { readonly kind: 'aligned'; readonly program: Program; readonly faults: readonly AlignedFault[] }
  | { readonly kind: 'excluded'; readonly exclusion: Exclusion };

/** Link plan keys this alignment understands; anything else makes the program incomparable. */
const KNOWN_LINK_KEYS: ReadonlySet<string> = new Set([
  'latency',
  'latencyChanges',
  'timeoutMs',
  'faults',
  'partitions',
  'restarts',
]);
const TIMING_KEYS = ['latency', 'latencyChanges', 'timeoutMs'] as const;
const FAULT_EFFECTS: ReadonlySet<string> = new Set(['http-error', 'network-failure', 'timeout', 'lost-response']);

/**
 * The program with every fault the reference run applied re-aimed at the request it hit, or why
 * that cannot be done. Latency and timeouts stay as they were; partitions become the faults
 * they caused (a request sent while offline failed to connect, one in flight lost its answer).
 */
export function alignFaults(program: Program, reference: History): Alignment {
  const crash = crashPoints(program.faults);
  if (crash !== undefined) return excluded('crash-point', crash);
  const unknown = unknownRules(program.faults);
  if (unknown !== undefined) return excluded('unknown-rule', unknown);
  const index = indexHistory(reference);
  const exchanges = new Map(index.exchanges.map((exchange) => [exchange.requestId, exchange]));
  const offline = offlineCauses(reference);
  const faults: AlignedFault[] = [];
  const handled = new Set<number>();

  for (const event of reference) {
    if (event.kind !== 'fault') continue;
    const detail = event.detail ?? {};
    const requestId = typeof detail['requestId'] === 'number' ? detail['requestId'] : undefined;
    const exchange = requestId === undefined ? undefined : exchanges.get(requestId);
    if (event.fault === 'restart') {
      if (exchange === undefined)
        return excluded('timed-fault', `a restart at a time (#${event.seq}) hits whatever is in flight then.`);
      const aimed = aim(index, exchange);
      if (typeof aimed === 'string') return excluded('unnamed-request', aimed);
      const phase: RestartPhase = detail['phase'] === 'before-server' ? 'before-server' : 'after-server';
      faults.push({
        link: event.link,
        ...aimed,
        effect: { kind: 'restart', phase },
        referenceSeq: exchange.requestEvent.seq,
      });
      continue;
    }
    if (!FAULT_EFFECTS.has(event.fault) || exchange === undefined) continue;
    if (detail['trigger'] === 'latency')
      return excluded('timed-fault', `a timeout the latency caused (#${event.seq}) falls where the latency does.`);
    const rule =
      typeof detail['rule'] === 'number' ? linkPlanFor(program.faults, event.link).faults?.[detail['rule']] : undefined;
    if (rule === undefined) return excluded('unknown-rule', `the fault at #${event.seq} names no rule of the plan.`);
    // A partition that began while the request was in flight overtook the planned effect: what the
    // request amounted to is the partition's, aligned below with the requests it failed.
    if (overtaken(rule.effect, exchange)) continue;
    const aimed = aim(index, exchange);
    if (typeof aimed === 'string') return excluded('unnamed-request', aimed);
    faults.push({
      link: event.link,
      ...aimed,
      effect: { kind: 'fault', fault: rule.effect },
      referenceSeq: exchange.requestEvent.seq,
    });
    handled.add(exchange.requestId);
  }

  // A planned partition shows only in the requests it failed: each becomes the fault it amounted to.
  for (const exchange of index.exchanges) {
    if (handled.has(exchange.requestId) || exchange.failureEvent === undefined) continue;
    const failure = exchange.failureEvent;
    if (failure.failure !== 'offline' && failure.failure !== 'lost-response') continue;
    if (offline(exchange.link, failure.seq) !== 'network') continue;
    const aimed = aim(index, exchange);
    if (typeof aimed === 'string') return excluded('unnamed-request', aimed);
    const fault: FaultEffect = failure.applied ? { kind: 'lost-response' } : { kind: 'network-failure' };
    faults.push({
      link: exchange.link,
      ...aimed,
      effect: { kind: 'fault', fault },
      referenceSeq: exchange.requestEvent.seq,
    });
  }
  faults.sort((a, b) => a.referenceSeq - b.referenceSeq);
  return { kind: 'aligned', program: { ...program, faults: alignedPlan(program.faults, faults) }, faults };
}

/**
 * Whether the client under test met every aligned fault exactly where the reference run did,
 * and no other: undefined when it did, else why not.
 */
export function alignmentUnmet(
  faults: readonly AlignedFault[],
  candidate: History,
  plan: FaultPlan,
): Exclusion | undefined {
  const index = indexHistory(candidate);
  const exchanges = new Map(index.exchanges.map((exchange) => [exchange.requestId, exchange]));
  const met = new Set<string>();
  for (const event of candidate) {
    if (event.kind !== 'fault') continue;
    const detail = event.detail ?? {};
    if (event.fault !== 'restart' && !FAULT_EFFECTS.has(event.fault)) continue;
    if (detail['trigger'] !== 'match')
      return exclusion(
        'timed-fault',
        `this run met a fault of its own at #${event.seq} (${String(detail['trigger'] ?? 'a time')}).`,
      );
    const list =
      event.fault === 'restart' ? linkPlanFor(plan, event.link).restarts : linkPlanFor(plan, event.link).faults;
    const rule = typeof detail['rule'] === 'number' ? list?.[detail['rule']] : undefined;
    const requestId = detail['requestId'];
    const exchange = typeof requestId === 'number' ? exchanges.get(requestId) : undefined;
    if (rule === undefined || !('match' in rule.when) || exchange === undefined)
      return exclusion('fault-unmet', `the fault at #${event.seq} matches no aligned rule.`);
    // The link named the request live; the history must name it the same way.
    const aimed = aim(index, exchange);
    if (
      typeof aimed === 'string' ||
      aimed.occurrence !== rule.when.occurrence ||
      canonicalJson(aimed.match) !== canonicalJson(rule.when.match)
    )
      return exclusion('fault-unmet', `the fault at #${event.seq} hit a request the history names otherwise.`);
    met.add(`${event.link}|${event.fault === 'restart' ? 'restart' : 'fault'}|${String(detail['rule'])}`);
  }
  const counters = new Map<string, number>();
  for (const fault of faults) {
    const kind = fault.effect.kind;
    const key = `${fault.link}|${kind}`;
    const rule = counters.get(key) ?? 0;
    counters.set(key, rule + 1);
    if (!met.has(`${key}|${rule}`))
      return exclusion(
        'fault-unmet',
        `${fault.link} never sent the ${ordinal(fault.occurrence)} ${describeMatch(fault.match)} that the reference run's ${kind === 'restart' ? 'restart' : fault.effect.kind === 'fault' ? fault.effect.fault.kind : 'fault'} hit (reference #${fault.referenceSeq}).`,
      );
  }
  return undefined;
}

/**
 * Whether a partition overtook a fault the link had picked for a request: the request failed
 * offline before it reached the server, or an error answer was lost on the way back (a lost
 * answer, a failed connection and a timeout end before the link looks at the partition again).
 */
function overtaken(effect: FaultEffect, exchange: Exchange): boolean {
  const failure = exchange.failureEvent?.failure;
  return failure === 'offline' || (effect.kind === 'http-error' && failure === 'lost-response');
}

/** The first two operations of a run whose invoke-to-outcome spans overlap, as an exclusion. */
export function overlappingOperations(history: History, run: string): Exclusion | undefined {
  const index = indexHistory(history);
  let open: { readonly opId: number; readonly type: string; readonly actor: string; readonly end: number } | undefined;
  for (const operation of index.operations) {
    const start = operation.invoke.seq;
    if (open !== undefined && start < open.end) {
      return exclusion(
        'concurrent',
        `in the ${run} run, ${operation.actor}'s ${operation.op.type} (#${start}) started while ${open.actor}'s ${open.type} (op #${open.opId}) was running.`,
      );
    }
    const end = operation.outcome?.seq ?? Number.POSITIVE_INFINITY;
    if (open === undefined || end > open.end)
      open = { opId: operation.opId, type: operation.op.type, actor: operation.actor, end };
  }
  return undefined;
}

/**
 * The request an exchange was, as a match and its occurrence on its link: writes by method,
 * table and record; queries by the pull that sent them (their page number is the occurrence).
 */
function aim(index: HistoryIndex, exchange: Exchange): { match: RequestMatch; occurrence: number } | string {
  const op = exchange.request.method.toUpperCase() === 'GET' ? pullOf(index, exchange) : null;
  const target = requestTarget(exchange.request, op);
  if (target.table === null)
    return `the faulted request #${exchange.requestEvent.seq} (${exchange.request.method} ${exchange.request.url.slice(0, 60)}) is not a table request.`;
  let match: RequestMatch;
  if (target.method === 'GET') {
    if (op === null) return `the faulted query #${exchange.requestEvent.seq} belongs to no pull.`;
    match = { method: target.method, table: target.table, op };
  } else {
    if (target.itemId === null) return `the faulted write #${exchange.requestEvent.seq} names no record.`;
    match = { method: target.method, table: target.table, itemId: target.itemId };
  }
  let occurrence = 0;
  for (const other of index.exchanges) {
    if (other.link !== exchange.link) continue;
    const otherOp = other.request.method.toUpperCase() === 'GET' ? pullOf(index, other) : null;
    if (targetMatches(match, requestTarget(other.request, otherOp))) occurrence++;
    if (other.requestId === exchange.requestId) break;
  }
  return { match, occurrence };
}

/** The pull a query belongs to, as the world's links name it: the client's earliest pull still running. */
function pullOf(index: HistoryIndex, exchange: Exchange): number | null {
  const seq = exchange.requestEvent.seq;
  const window = index.pulls.find((pull) => pull.client === exchange.client && pull.start < seq && seq < pull.end);
  return window?.operation.opId ?? null;
}

/** Who took each link offline at a moment: `network` for the plan's partitions, `world` for a program step. */
function offlineCauses(history: History): (link: string, seq: number) => string | undefined {
  const changes = history.filter((event) => event.kind === 'partition');
  return (link, seq) => {
    let cause: string | undefined;
    for (const change of changes) {
      if (change.seq > seq) break;
      if (change.kind === 'partition' && change.client === link) cause = change.offline ? change.actor : undefined;
    }
    return cause;
  };
}

function planLinks(plan: FaultPlan): [string, LinkPlan | undefined][] {
  return [
    ['default', plan.default],
    ...Object.entries(plan.links ?? {}).map(([name, link]): [string, LinkPlan] => [`links.${name}`, link]),
  ];
}

function crashPoints(plan: FaultPlan): string | undefined {
  for (const [path, link] of planLinks(plan)) {
    const first = link?.crashes?.[0];
    if (first !== undefined)
      return `the plan's ${path}.crashes restarts after store write ${first.afterWrite}, which is a different moment in each client's store.`;
  }
  return undefined;
}

function unknownRules(plan: FaultPlan): string | undefined {
  for (const [path, link] of planLinks(plan)) {
    for (const [name, value] of Object.entries(link ?? {})) {
      if (KNOWN_LINK_KEYS.has(name) || value === undefined || (Array.isArray(value) && value.length === 0)) continue;
      return `the plan's ${path}.${name} cannot be aimed at a request both clients send.`;
    }
  }
  return undefined;
}

/** The plan the client under test runs: the same latency and timeouts, the aligned faults and nothing else. */
function alignedPlan(plan: FaultPlan, faults: readonly AlignedFault[]): FaultPlan {
  const timing = (link: LinkPlan | undefined): LinkPlan => {
    const kept: Record<string, unknown> = {};
    for (const name of TIMING_KEYS) if (link?.[name] !== undefined) kept[name] = link[name];
    return kept as LinkPlan;
  };
  const links: Record<string, LinkPlan> = {};
  for (const [name, link] of Object.entries(plan.links ?? {})) links[name] = timing(link);
  for (const fault of faults) {
    const link = links[fault.link] ?? {};
    const when = { match: fault.match, occurrence: fault.occurrence };
    links[fault.link] =
      fault.effect.kind === 'restart'
        ? { ...link, restarts: [...(link.restarts ?? []), { when, phase: fault.effect.phase } satisfies RestartRule] }
        : { ...link, faults: [...(link.faults ?? []), { effect: fault.effect.fault, when } satisfies FaultRule] };
  }
  const aligned: { default?: LinkPlan; links?: Record<string, LinkPlan> } = {};
  if (plan.default !== undefined) aligned.default = timing(plan.default);
  const named = Object.entries(links).filter(([, link]) => Object.keys(link).length > 0);
  if (named.length > 0) aligned.links = Object.fromEntries(named);
  return aligned;
}

function excluded(reason: ExclusionReason, detail: string): { kind: 'excluded'; exclusion: Exclusion } {
  return { kind: 'excluded', exclusion: exclusion(reason, detail) };
}

function exclusion(reason: ExclusionReason, detail: string): Exclusion {
  return { reason, detail };
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
