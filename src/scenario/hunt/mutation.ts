/**
 * Mutating a corpus program: splice it with another, insert, delete or change a step, add,
 * delete or change a fault decision, or give the world another seed. New steps and fault
 * decisions come from the scenario's own fast-check arbitrary (a program sampled with a seed
 * drawn from the hunt's random source), so they are always pieces the generator could have
 * made; every choice is drawn from that source, so a mutation batch is deterministic.
 */
import fc from 'fast-check';
import type { RandomSource } from '../../kernel/random.js';
import type { FaultPlan, LinkPlan } from '../../network/fault-plan.js';
import { generatorSettings, programArbitrary } from '../arbitraries.js';
import type { Program, ResolvedScenario, Step } from '../types.js';
import { faultCount, faultEntry, mapLinks, programElements, withoutElement, type FaultEntry } from './elements.js';

export const MUTATIONS = [
  'splice',
  'insert-step',
  'delete-step',
  'change-step',
  'add-fault',
  'delete-fault',
  'change-fault',
  'reseed-world',
] as const;
export type MutationKind = (typeof MUTATIONS)[number];

export interface Mutant {
  readonly program: Program;
  /** The mutations applied, in order. */
  readonly mutations: readonly MutationKind[];
}

export interface MutationContext {
  readonly scenario: ResolvedScenario;
  /** Steps of the fixed opening (see elements.ts): never touched. */
  readonly opening: number;
  /** Other corpus programs of the same scenario, for splicing. */
  readonly donors: readonly Program[];
}

/** One to three mutations of `parent`, stacked (AFL's havoc, in small). */
export function mutate(parent: Program, context: MutationContext, random: RandomSource): Mutant {
  const settings = generatorSettings(context.scenario.generate);
  const maxSteps = context.opening + settings.maxSteps * 3;
  let program = parent;
  const applied: MutationKind[] = [];
  const rounds = random.int(1, 3);
  for (let i = 0; i < rounds; i++) {
    const kind = MUTATIONS[random.int(0, MUTATIONS.length - 1)]!;
    const next = applyMutation(kind, program, context, random, { maxSteps, maxFaults: settings.maxFaults });
    if (next === undefined) continue;
    program = next;
    applied.push(kind);
  }
  if (applied.length === 0) {
    program = { ...program, seed: random.int(0, 2 ** 31 - 1) };
    applied.push('reseed-world');
  }
  return { program, mutations: applied };
}

function applyMutation(
  kind: MutationKind,
  program: Program,
  context: MutationContext,
  random: RandomSource,
  limits: { maxSteps: number; maxFaults: number },
): Program | undefined {
  const { opening } = context;
  const body = program.steps.length - opening;
  switch (kind) {
    case 'splice': {
      const donor = context.donors.length > 0 ? context.donors[random.int(0, context.donors.length - 1)]! : undefined;
      if (donor === undefined || donor.steps.length <= opening) return undefined;
      const cut = opening + random.int(0, body);
      const from = opening + random.int(0, donor.steps.length - opening);
      const steps = [...program.steps.slice(0, cut), ...donor.steps.slice(from)].slice(0, limits.maxSteps);
      return { ...program, steps };
    }
    case 'insert-step': {
      if (program.steps.length >= limits.maxSteps) return undefined;
      const fresh = freshSteps(context, random);
      if (fresh.length === 0) return undefined;
      const at = opening + random.int(0, body);
      return { ...program, steps: [...program.steps.slice(0, at), fresh[0]!, ...program.steps.slice(at)] };
    }
    case 'delete-step': {
      if (body <= 1) return undefined;
      return withoutElement(program, { kind: 'step', index: opening + random.int(0, body - 1) });
    }
    case 'change-step': {
      if (body === 0) return undefined;
      const fresh = freshSteps(context, random);
      if (fresh.length === 0) return undefined;
      const at = opening + random.int(0, body - 1);
      return { ...program, steps: program.steps.map((step, i) => (i === at ? fresh[0]! : step)) };
    }
    case 'add-fault': {
      if (faultCount(program) >= limits.maxFaults) return undefined;
      const donor = freshProgram(context, random);
      const pieces = programElements(donor, donor.steps.length);
      if (pieces.length === 0) return undefined;
      const piece = pieces[random.int(0, pieces.length - 1)]!;
      if (piece.kind !== 'fault') return undefined;
      return { ...program, faults: withFault(program.faults, piece.client, piece.list, faultEntry(donor, piece)) };
    }
    case 'delete-fault': {
      const faults = programElements(program, program.steps.length);
      if (faults.length === 0) return undefined;
      return withoutElement(program, faults[random.int(0, faults.length - 1)]!);
    }
    case 'change-fault': {
      const faults = programElements(program, program.steps.length);
      if (faults.length === 0) return undefined;
      const removed = withoutElement(program, faults[random.int(0, faults.length - 1)]!);
      return applyMutation('add-fault', removed, context, random, limits) ?? removed;
    }
    case 'reseed-world':
      return { ...program, seed: random.int(0, 2 ** 31 - 1) };
  }
}

/** A program the scenario's arbitrary makes from a seed drawn here. */
function freshProgram(context: MutationContext, random: RandomSource): Program {
  const [program] = fc.sample(programArbitrary(context.scenario), { seed: random.int(0, 2 ** 31 - 1), numRuns: 1 });
  return program!;
}

/** The steps of a fresh program past the opening (one of them goes in). */
function freshSteps(context: MutationContext, random: RandomSource): Step[] {
  const steps = freshProgram(context, random).steps.slice(context.opening);
  if (steps.length === 0) return [];
  const at = random.int(0, steps.length - 1);
  return [steps[at]!];
}

function withFault(
  plan: FaultPlan,
  client: string,
  list: 'faults' | 'partitions' | 'restarts',
  entry: FaultEntry,
): FaultPlan {
  const links = { ...(plan.links ?? {}) };
  if (links[client] === undefined) links[client] = {};
  return mapLinks({ ...plan, links }, (name, link): LinkPlan => {
    if (name !== client) return link;
    const current = (link[list] ?? []) as readonly FaultEntry[];
    return { ...link, [list]: [...current, entry] };
  });
}
