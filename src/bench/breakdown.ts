/**
 * Where each millisecond of a run goes: a workload runs under V8's sampling profiler (in this
 * process, through `node:inspector`) and every sample is put in one category, so that the next
 * speed-up starts from a measurement.
 *
 * A sample goes, first by who asked for the work (any frame of its stack): to client creation
 * (a new app's page and module evaluation, `createSandbox`), to the checkers, to history
 * recording, or to the backend; otherwise by what ran (the innermost frame of a known file): the
 * SDK's query parsing (azure-query-js, esprima, azure-odata-sql and the caches around them), sqlite
 * (sql.js, the plugin, the client's store), timers (the virtual clock, the scheduler, the SDK's
 * app timers, the microtask drain), the SDK's own code, the reference client, world and network
 * (world, links, the scenario runner, the rest of the kernel), garbage collection, or other.
 * Client creation counts the synchronous part of starting an app; the start-up's later SQL and
 * promise steps are counted where they run.
 */
import { Session } from 'node:inspector/promises';
import { OWN_DIST, loadWorkloadModules, WORKLOADS, workloadRunner, type WorkloadName } from './workloads.js';
import { round } from './throughput.js';

export const CATEGORIES = [
  'client creation',
  'SDK query parsing',
  'sqlite',
  'timers (virtual clock, scheduler, SDK timers)',
  'SDK code',
  'reference client',
  'world and network',
  'backend',
  'checkers',
  'history',
  'garbage collection',
  'other',
] as const;

export type Category = (typeof CATEGORIES)[number];

export interface BreakdownOptions {
  readonly workload: WorkloadName;
  readonly runs: number;
  readonly warmupRuns: number;
  /** Sampling interval, µs. Default 100. */
  readonly intervalUs?: number;
  /** The checkout the workload's scenario paths start from. Default: the working directory. */
  readonly root?: string;
}

export interface Breakdown {
  readonly workload: WorkloadName;
  readonly runs: number;
  /** Sampled time per run (the profiler's own cost included), ms. */
  readonly msPerRun: number;
  readonly categories: readonly { readonly category: Category; readonly msPerRun: number; readonly share: number }[];
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const STACK_RULES: readonly [Category, RegExp][] = [
  ['client creation', /\/sdk\/sandbox\.js$/],
  ['checkers', /\/check\/[^/]+\.js$/],
  ['history', /\/kernel\/recorder\.js$/],
  ['backend', /\/backend\/[^/]+\.js$/],
];

const LEAF_RULES: readonly [Category, RegExp][] = [
  [
    'SDK query parsing',
    /node_modules\/(?:azure-query-js|esprima|azure-odata-sql)\/|\/sdk\/(?:parse|format|constraint)-cache\.js$|\/sdk\/realm-tree\.js$|^syncwright:sdk-realm-tree/,
  ],
  ['sqlite', /sql-wasm\.js$|^wasm:|\/sdk\/sqlite-plugin\.js$|\/client\/sqljs-[^/]+\.js$|\/sqlite\/sqljs\.js$/],
  [
    'timers (virtual clock, scheduler, SDK timers)',
    /\/sdk\/app-timers\.js$|\/kernel\/(?:virtual-clock|scheduler|world-time|timers|clock)\.js$|^node:internal\/(?:process\/task_queues|timers)/,
  ],
  [
    'SDK code',
    /node_modules\/(?:azure-mobile-apps-client|node-uuid|assert-plus|verror|extsprintf|core-util-is)\/|\/sdk\/[^/]+\.js$|^syncwright:sdk-/,
  ],
  ['reference client', /\/client\/[^/]+\.js$/],
  ['world and network', /\/(?:world|network|scenario|kernel|protocol)\/[^/]+\.js$/],
];

/** Whether a frame's file says what ran (library and project files, not Node's internals). */
function telling(url: string): boolean {
  return url.startsWith('file:') || url.startsWith('/') || url.startsWith('wasm:') || url.startsWith('syncwright:');
}

function categorise(stack: readonly ProfileNode['callFrame'][]): Category {
  // stack[0] is the innermost frame.
  const leafName = stack[0]?.functionName ?? '';
  if (leafName === '(garbage collector)') return 'garbage collection';
  for (const [category, pattern] of STACK_RULES) {
    if (stack.some((frame) => pattern.test(frame.url))) return category;
  }
  const leaf = stack.find((frame) => telling(frame.url));
  if (leaf !== undefined) {
    for (const [category, pattern] of LEAF_RULES) if (pattern.test(leaf.url)) return category;
    return 'other';
  }
  // Nothing but Node's internals: the microtask drain between timers, or the event loop.
  if (stack.some((frame) => /task_queues|runMicrotasks/.test(frame.url + frame.functionName))) {
    return 'timers (virtual clock, scheduler, SDK timers)';
  }
  return 'other';
}

/** Time per category over a profile, ms. */
export function categoriseProfile(profile: Profile): Map<Category, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const categoryOf = new Map<number, Category>();
  const totals = new Map<Category, number>(CATEGORIES.map((category) => [category, 0]));
  profile.samples.forEach((id, i) => {
    let category = categoryOf.get(id);
    if (category === undefined) {
      const stack: ProfileNode['callFrame'][] = [];
      for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
        stack.push(byId.get(node)!.callFrame);
      }
      category = categorise(stack);
      categoryOf.set(id, category);
    }
    // A sample's time is the gap to the next one (V8's deltas are µs before each sample).
    const delta = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    totals.set(category, totals.get(category)! + delta / 1000);
  });
  return totals;
}

/** Runs `runs` runs of the workload (after `warmupRuns`) under the profiler. */
export async function breakdown(options: BreakdownOptions): Promise<Breakdown> {
  const modules = await loadWorkloadModules(OWN_DIST);
  const run = await workloadRunner(modules, WORKLOADS[options.workload], options.root ?? process.cwd());
  let index = 0;
  for (let i = 0; i < options.warmupRuns; i++) await run(index++);
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: options.intervalUs ?? 100 });
    await session.post('Profiler.start');
    for (let i = 0; i < options.runs; i++) await run(index++);
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
    const totals = categoriseProfile(profile);
    const total = [...totals.values()].reduce((sum, ms) => sum + ms, 0);
    return {
      workload: options.workload,
      runs: options.runs,
      msPerRun: round(total / options.runs, 2),
      categories: CATEGORIES.map((category) => ({
        category,
        msPerRun: round(totals.get(category)! / options.runs, 2),
        share: round((100 * totals.get(category)!) / total, 1),
      })),
    };
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}
