/**
 * The workloads the speed figures are about, runnable against any build of syncwright: this one,
 * or another commit's `dist/` (the side-by-side bench builds the commit before issue 16 and
 * runs the very same workload on both). Only modules that kept their paths and signatures
 * across that change are loaded: scenario loading, program generation and execution, client
 * resolution, the standard scenario and the SDK driver.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import type * as ArbitrariesModule from '../scenario/arbitraries.js';
import type * as ClientsModule from '../scenario/clients.js';
import type * as ExecuteModule from '../scenario/execute.js';
import type * as LoadModule from '../scenario/load.js';
import type * as SdkDriverModule from '../sdk/driver.js';
import type * as WorldBenchModule from './world.js';

export interface WorkloadModules {
  readonly loadScenario: typeof LoadModule.loadScenario;
  readonly programArbitrary: typeof ArbitrariesModule.programArbitrary;
  readonly executeProgram: typeof ExecuteModule.executeProgram;
  readonly resolveClient: typeof ClientsModule.resolveClient;
  readonly runStandardScenario: typeof WorldBenchModule.runStandardScenario;
  readonly createSdkDriver: typeof SdkDriverModule.createSdkDriver;
}

/** This build's `dist/` (the folder above this file's). */
export const OWN_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The modules of the build in `dist` (default: this one). */
export async function loadWorkloadModules(dist: string = OWN_DIST): Promise<WorkloadModules> {
  const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(path.join(dist, file)).href)) as T;
  const [loadModule, arbitraries, execute, clients, world, sdk] = await Promise.all([
    load<typeof LoadModule>('scenario/load.js'),
    load<typeof ArbitrariesModule>('scenario/arbitraries.js'),
    load<typeof ExecuteModule>('scenario/execute.js'),
    load<typeof ClientsModule>('scenario/clients.js'),
    load<typeof WorldBenchModule>('bench/world.js'),
    load<typeof SdkDriverModule>('sdk/driver.js'),
  ]);
  return {
    loadScenario: loadModule.loadScenario,
    programArbitrary: arbitraries.programArbitrary,
    executeProgram: execute.executeProgram,
    resolveClient: clients.resolveClient,
    runStandardScenario: world.runStandardScenario,
    createSdkDriver: sdk.createSdkDriver,
  };
}

export type Workload =
  /** Programs generated from a scenario file (relative to the build's checkout), executed and checked. */
  | {
      readonly kind: 'generated';
      readonly scenario: string;
      readonly client: 'sdk' | 'reference';
      /** fast-check seed of the program sample. */
      readonly seed: number;
      /**
       * How many distinct programs are drawn, up front; runs cycle through them. Or `fresh`: each
       * run draws a program of its own from the seed and the run's index, as a hunt draws one per
       * run, so nothing is held between runs and no run repeats an earlier one's program (a cache
       * keyed by what a run says cannot be helped by the workload repeating itself).
       */
      readonly programs: number | 'fresh';
      /**
       * The generator profile the programs are drawn with (a build from before profiles ignores
       * it and draws its own mix). Default: the scenario's.
       */
      readonly profile?: 'old-mix' | 'wide';
    }
  /** The bench's standard scenario (3 clients, every fault kind), without checkers. */
  | { readonly kind: 'standard'; readonly client: 'sdk' | 'reference'; readonly steps: number };

/** The tutorial scenario's generated programs on the real SDK (see {@link WORKLOADS}). */
const SDK_GENERATED = {
  kind: 'generated',
  scenario: 'scenarios/generated-tutorial.ts',
  client: 'sdk',
  seed: 16,
  programs: 200,
  profile: 'old-mix',
} as const satisfies Workload;

const REFERENCE_GENERATED = { ...SDK_GENERATED, client: 'reference' } as const satisfies Workload;

/**
 * The named workloads. `sdk-generated` is the tutorial scenario's generated programs (2 clients,
 * an editor, up to 14 steps, every fault kind) on the real SDK, drawn with the generator's
 * `old-mix` profile — the mix of the commit before issue 16, which the SDK goal is measured on
 * (the default `wide` profile adds step kinds that commit did not have).
 */
export const WORKLOADS = {
  'sdk-generated': SDK_GENERATED,
  'reference-generated': REFERENCE_GENERATED,
  /** The same scenario's programs drawn with the default `wide` profile (issue 15's wider world). */
  'reference-generated-wide': { ...REFERENCE_GENERATED, profile: 'wide' },
  /** `sdk-generated` with a fresh program every run, as a hunt runs them. */
  'sdk-fresh': { ...SDK_GENERATED, programs: 'fresh' },
  /** `reference-generated` with a fresh program every run, as a hunt runs them. */
  'reference-fresh': { ...REFERENCE_GENERATED, programs: 'fresh' },
  'world-standard': { kind: 'standard', client: 'reference', steps: 40 },
} as const satisfies Record<string, Workload>;

export type WorkloadName = keyof typeof WORKLOADS;

export function isWorkloadName(name: string): name is WorkloadName {
  return Object.hasOwn(WORKLOADS, name);
}

/** One run of the workload per call; the argument picks the program (or seed). */
export type WorkloadRun = (index: number) => Promise<void>;

/** Prepares `workload` on `modules`; `root` is the checkout its scenario paths start from. */
export async function workloadRunner(modules: WorkloadModules, workload: Workload, root: string): Promise<WorkloadRun> {
  if (workload.kind === 'standard') {
    const driver = workload.client === 'sdk' ? { driver: modules.createSdkDriver } : {};
    return async (index) => {
      await modules.runStandardScenario({ seed: index, steps: workload.steps, ...driver });
    };
  }
  const loaded = await modules.loadScenario(path.join(root, workload.scenario), { cwd: root });
  const scenario =
    workload.profile === undefined
      ? loaded
      : { ...loaded, generate: { ...loaded.generate, profile: workload.profile } };
  const client = await modules.resolveClient(workload.client, {
    cwd: root,
    ...(scenario.pullPageSize !== undefined ? { pageSize: scenario.pullPageSize } : {}),
  });
  const arbitrary = modules.programArbitrary(scenario);
  if (workload.programs === 'fresh') {
    const seed = workload.seed;
    return async (index) => {
      const [program] = fc.sample(arbitrary, { seed: freshSeed(seed, index), numRuns: 1 });
      await modules.executeProgram(scenario, program!, { driver: client.driver });
    };
  }
  const programs = fc.sample(arbitrary, { seed: workload.seed, numRuns: workload.programs });
  return async (index) => {
    await modules.executeProgram(scenario, programs[index % programs.length]!, { driver: client.driver });
  };
}

/** The fast-check seed of run `index`'s fresh program: a 32-bit mix of both, distinct for every index below 2³². */
export function freshSeed(seed: number, index: number): number {
  // Multiplying by an odd constant is a bijection on 32-bit integers: distinct indexes, distinct seeds.
  return (Math.imul(index, 0x9e3779b1) + seed) | 0;
}
