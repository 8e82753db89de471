/**
 * A program as a list of elements that can be taken out one at a time: its steps (past the
 * fixed opening that sets the stage) and its fault decisions (each rule of each link's plan).
 * Triage removes each alone to find the causal core; shrinking a program that fast-check did
 * not generate removes them greedily; mutation adds, changes and removes them.
 */
import type { FaultPlan, FaultRule, LinkPlan, PartitionRule, RestartRule } from '../../network/fault-plan.js';
import { generatorSettings, syncedStart } from '../arbitraries.js';
import type { Program, ResolvedScenario, Step } from '../types.js';

export type FaultList = 'faults' | 'partitions' | 'restarts';

export type ProgramElement =
  /** `index` counts the program's steps from 0 (the opening included, never chosen). */
  | { readonly kind: 'step'; readonly index: number }
  | { readonly kind: 'fault'; readonly client: string; readonly list: FaultList; readonly index: number };

export type FaultEntry = FaultRule | PartitionRule | RestartRule;

/** Steps of the fixed opening of a `synced` scenario: the stage, never mutated or removed. */
export function openingLength(scenario: Pick<ResolvedScenario, 'generate' | 'tables' | 'clients' | 'editors'>): number {
  const settings = generatorSettings(scenario.generate);
  if (settings.start !== 'synced') return 0;
  const ids = Array.from({ length: settings.records }, (_, i) => `r${i + 1}`);
  return syncedStart(scenario.tables, ids, scenario.clients[0]?.name ?? 'client-1', scenario.editors[0]).length;
}

export function programElements(program: Program, opening: number): ProgramElement[] {
  const elements: ProgramElement[] = [];
  for (let index = opening; index < program.steps.length; index++) elements.push({ kind: 'step', index });
  for (const [client, link] of Object.entries(program.faults.links ?? {})) {
    for (const list of ['faults', 'partitions', 'restarts'] as const) {
      (link[list] ?? []).forEach((_, index) => elements.push({ kind: 'fault', client, list, index }));
    }
  }
  return elements;
}

export function faultEntry(program: Program, element: Extract<ProgramElement, { kind: 'fault' }>): FaultEntry {
  return (program.faults.links?.[element.client]?.[element.list] as readonly FaultEntry[] | undefined)![element.index]!;
}

/** The program without one element. */
export function withoutElement(program: Program, element: ProgramElement): Program {
  return withoutElements(program, [element]);
}

export function withoutElements(program: Program, elements: readonly ProgramElement[]): Program {
  const steps = new Set(elements.filter((e) => e.kind === 'step').map((e) => e.index));
  const faults = elements.filter((e): e is Extract<ProgramElement, { kind: 'fault' }> => e.kind === 'fault');
  const keep = (client: string, list: FaultList, index: number): boolean =>
    !faults.some((e) => e.client === client && e.list === list && e.index === index);
  return {
    seed: program.seed,
    steps: program.steps.filter((_, index) => !steps.has(index)),
    faults: mapLinks(program.faults, (client, link) => ({
      ...link,
      ...(link.faults !== undefined ? { faults: link.faults.filter((_, i) => keep(client, 'faults', i)) } : {}),
      ...(link.partitions !== undefined
        ? { partitions: link.partitions.filter((_, i) => keep(client, 'partitions', i)) }
        : {}),
      ...(link.restarts !== undefined ? { restarts: link.restarts.filter((_, i) => keep(client, 'restarts', i)) } : {}),
    })),
  };
}

/** A fault plan with each link rewritten (empty lists and links dropped, partitions merged). */
export function mapLinks(plan: FaultPlan, change: (client: string, link: LinkPlan) => LinkPlan): FaultPlan {
  const links: Record<string, LinkPlan> = {};
  for (const [client, link] of Object.entries(plan.links ?? {})) {
    const changed = change(client, link);
    const tidy: LinkPlan = {
      ...changed,
      ...(changed.partitions !== undefined ? { partitions: mergeWindows(changed.partitions) } : {}),
    };
    const cleaned = Object.fromEntries(
      Object.entries(tidy).filter(([, value]) => !(Array.isArray(value) && value.length === 0)),
    ) as LinkPlan;
    if (Object.keys(cleaned).length > 0) links[client] = cleaned;
  }
  const { links: _old, ...rest } = plan;
  return Object.keys(links).length > 0 ? { ...rest, links } : rest;
}

/** Overlapping partitions of one link joined (a link's partitions may not overlap). */
function mergeWindows(windows: readonly PartitionRule[]): PartitionRule[] {
  const sorted = [...windows].sort((a, b) => a.from - b.from);
  const merged: { from: number; until: number }[] = [];
  for (const window of sorted) {
    const until = window.until ?? window.from + 1;
    const last = merged.at(-1);
    if (last !== undefined && window.from <= last.until) last.until = Math.max(last.until, until);
    else merged.push({ from: window.from, until });
  }
  return merged;
}

/** How many fault decisions a program carries. */
export function faultCount(program: Program): number {
  return programElements(program, program.steps.length).length;
}

/** A short description of an element, for reports: `step 5: client-1 push`, `client-2: lost-response on request 3`. */
export function describeElement(program: Program, element: ProgramElement): string {
  if (element.kind === 'step') return `step ${element.index + 1}: ${describeStep(program.steps[element.index]!)}`;
  const entry = faultEntry(program, element);
  if (element.list === 'partitions') {
    const window = entry as PartitionRule;
    return `${element.client}: offline from ${window.from} to ${window.until ?? window.from + 1} ms`;
  }
  if (element.list === 'restarts') {
    const restart = entry as RestartRule;
    return `${element.client}: app killed at ${JSON.stringify(restart.when)} (${restart.phase ?? 'after-server'})`;
  }
  const rule = entry as FaultRule;
  const effect = rule.effect.kind === 'http-error' ? `http ${rule.effect.status}` : rule.effect.kind;
  return `${element.client}: ${effect} at ${JSON.stringify(rule.when)}`;
}

export function describeStep(step: Step): string {
  const op = step.op as { type: string; table?: string; id?: string; record?: { id?: unknown }; client?: string };
  const target = op.record?.id ?? op.id ?? op.client;
  return `${step.actor} ${op.type}${target !== undefined ? ` ${String(target)}` : ''}${step.background === true ? ' (background)' : ''}`;
}
