/**
 * Runs one program in a fresh world and judges its history. The runner runs the steps (as
 * `step.ts` says, client steps bracketed by snapshots), then settles the world — background
 * steps finish, the network heals, every client repeats its app's incremental pulls, then pushes
 * and pulls in full — and takes the `final` snapshot that convergence is judged on.
 */
import { runCheckers, type CheckerName } from '../check/index.js';
import { coverageCounters } from '../check/coverage.js';
import { orphanCounters } from '../check/references.js';
import type { CheckContext } from '../check/verdict.js';
import { reachCounters } from './reach.js';
import { setAsideSuspended } from '../check/not-judged.js';
import { activeVariants } from '../backend/server-variants.js';
import { droppedWrites, type DroppedWrite } from '../check/dropped-writes.js';
import { indexHistory } from '../check/history-index.js';
import { judge, NOTHING_DECLARED, type Declarations, type Judgement } from '../check/judge.js';
import type { CheckResult } from '../check/types.js';
import type { JsonObject } from '../protocol/records.js';
import type { ClientDriverFactory, PushHandler } from '../kernel/driver.js';
import type { History } from '../kernel/history.js';
import type { Operation } from '../kernel/operation.js';
import { SchedulerStuckError, type SchedulerLimits } from '../kernel/scheduler.js';
import { World, type WorldBackendFactory } from '../world/world.js';
import { answerCounters, type ReentrantCalls } from './generated.js';
import { createPushHandler } from './policies.js';
import type { TableDiff } from './results.js';
import { appPulls, runStep, syncAll, upgradeAll } from './step.js';
import { releaseAllHolds } from './hold.js';
import { newestTables, type Program, type ResolvedScenario, type Step } from './types.js';

export interface ExecuteOptions {
  /** How the scenario's clients are built. */
  readonly driver: ClientDriverFactory;
  /** What the scenario declared for the client under test; default: nothing (every violation is new). */
  readonly declarations?: Declarations;
  /** Default: the simulated backend. */
  readonly backend?: WorldBackendFactory;
  /** Guards against livelock (a handler retried forever): timers per drive call. Default 2,000. */
  readonly maxSteps?: number;
  /**
   * Fork the run's luck: once step `afterStep` (1-based; 0 = before the first step) has run, every
   * random stream of the world is re-derived from `salt` (see World.reseed). Triage's question
   * "was the failure already bound to happen here?" is asked this way.
   */
  readonly variation?: { readonly afterStep: number; readonly salt: string };
  /** Hears where each step's events begin: the seq of the last event before step `step` (1-based) starts. */
  readonly onStepStart?: (step: number, lastSeq: number) => void;
}

export interface RunRecord {
  readonly program: Program;
  readonly history: History;
  readonly checks: readonly CheckResult[];
  /** Every violation with its signature and disposition. */
  readonly judgement: Judgement;
  readonly coverage: Record<string, number>;
  /** No new finding: every violation is allowed or expected. */
  readonly valid: boolean;
  readonly tableDiff: readonly TableDiff[];
  /** Local writes a handler decision or a forced purge dropped (none listed for a run that never settled). */
  readonly droppedWrites: readonly DroppedWrite[];
  /** Why the run stopped early (a livelock, a deadlock, a crash). */
  readonly stopped?: string;
}

export const FINAL_SNAPSHOT = 'final';
const DEFAULT_MAX_STEPS = 2_000;

/** Checkers that judge the settled end of a run; a run that never settled skips them. */
const NEEDS_SETTLED_END: ReadonlySet<CheckerName> = new Set([
  'convergence',
  'no-lost-writes',
  'exactly-once',
  'intent',
]);

export async function executeProgram(
  scenario: ResolvedScenario,
  program: Program,
  options: ExecuteOptions,
): Promise<RunRecord> {
  let world: World | undefined;
  let settling = false;
  const handlers: { name: string; pushHandler: PushHandler }[] = [];
  for (const client of scenario.clients) {
    const pushHandler = await createPushHandler(client.policy, {
      baseDir: scenario.baseDir,
      // Policies log to the history, so a report shows "Sync conflict! …" where it happened.
      log: (text) => world?.note(text, client.name),
      generated: {
        answers: program.answers?.[client.name] ?? [],
        calls: () => (world === undefined ? undefined : reentrantCalls(world, client.name)),
        settling: () => settling,
      },
    });
    handlers.push({ name: client.name, pushHandler });
  }
  const limits: SchedulerLimits = { maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS };
  world = await World.create({
    seed: program.seed,
    clients: handlers,
    tables: scenario.tables,
    schemaVersions: scenario.schemaVersions,
    server: scenario.server,
    driver: options.driver,
    faults: program.faults,
    limits,
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
  });
  let stopped: string | undefined;
  let stuck = false;
  try {
    await runSteps(world, program.steps, options);
    settling = true;
    await settle(world, program.steps, scenario.settleRounds);
  } catch (error) {
    // A stuck run: the world recorded a `stuck` event, which the liveness checker judges.
    stuck = error instanceof SchedulerStuckError;
    stopped =
      error instanceof SchedulerStuckError
        ? `the run stopped: ${error.message}`
        : `the run crashed: ${error instanceof Error ? error.message : String(error)}`;
    world.note(stopped);
  } finally {
    await world.close().catch(() => undefined);
  }
  const history = world.history;
  let names = stopped === undefined ? scenario.checks : scenario.checks.filter((name) => !NEEDS_SETTLED_END.has(name));
  // A scenario that lists its checkers still hears why its run never ended.
  if (stuck && !names.includes('liveness')) names = [...names, 'liveness'];
  // A less kind server takes some guarantees away: their violations are not judged (check/not-judged.ts).
  const context: CheckContext = {
    finalLabel: FINAL_SNAPSHOT,
    intent: scenario.intent,
    tables: newestTables(scenario),
    ...(scenario.schemaVersions.length > 0 ? { versions: [scenario.tables, ...scenario.schemaVersions] } : {}),
  };
  const checks: CheckResult[] = setAsideSuspended(
    runCheckers(history, names, context),
    activeVariants(scenario.server),
  );
  if (stopped !== undefined && !stuck) {
    const last = history.at(-1)?.seq ?? 0;
    // A run that crashed broke no rule of the client's: it may be syncwright's own bug.
    checks.push({
      checker: 'run',
      valid: false,
      violations: [
        { rule: 'tool.run-crashed', message: stopped, events: [last], at: { op: 'run', status: 'crashed' } },
      ],
      explanation: `${stopped} (#${last}).`,
    });
  }
  const judgement = judge(checks, options.declarations ?? NOTHING_DECLARED);
  return {
    program,
    history,
    checks,
    judgement,
    coverage: {
      ...coverageCounters(history),
      ...(stopped === undefined ? orphanCounters(history, context) : {}),
      ...reachCounters(scenario, program, new Set(scenario.editors)),
      ...answerCounters(program.answers, history),
    },
    valid: judgement.valid,
    tableDiff: tableDiffOf(history),
    droppedWrites: stopped === undefined ? droppedWrites(indexHistory(history), FINAL_SNAPSHOT) : [],
    ...(stopped !== undefined ? { stopped } : {}),
  };
}

/** A generated handler's calls into its own client: world operations, recorded like any other. */
function reentrantCalls(world: World, name: string): ReentrantCalls {
  return {
    push: () => world.client(name).push().outcome,
    pull: (table) => world.client(name).pull(table).outcome,
    purge: (table, force) => world.client(name).purge(table, force ? { force } : {}).outcome,
  };
}

async function runSteps(
  world: World,
  steps: readonly Step[],
  options: Pick<ExecuteOptions, 'variation' | 'onStepStart'>,
): Promise<void> {
  const background: Operation<unknown>[] = [];
  const variation = options.variation;
  if (variation !== undefined && variation.afterStep <= 0) world.reseed(variation.salt);
  for (const [i, step] of steps.entries()) {
    options.onStepStart?.(i + 1, world.history.at(-1)?.seq ?? 0);
    const op = await runStep(world, world, step, i + 1);
    if (variation !== undefined && variation.afterStep === i + 1) world.reseed(variation.salt);
    // A step whose operation waits on a held answer goes on in the background too.
    if (op !== undefined && (step.background === true || op.status === 'pending')) background.push(op);
  }
  releaseAllHolds(world);
  for (const op of background) await world.settle(op);
  // What a sync step left waiting on a held answer.
  for (const name of world.clientNames) for (const op of world.client(name).pending()) await world.settle(op);
}

/**
 * After healing, each client first pulls as its app does (its incremental pulls, judged like any
 * other), then every client pushes and pulls every table in full, `rounds` times.
 */
async function settle(world: World, steps: readonly Step[], rounds: number): Promise<void> {
  world.heal();
  await upgradeAll(world, world, 'settle');
  await appPulls(world, world, steps, 'settle');
  await syncAll(world, world, rounds, 'settle');
  await world.snapshot(FINAL_SNAPSHOT);
}

/** Per client and table of the final snapshot: the server's live rows beside what the client holds. */
export function tableDiffOf(history: History): TableDiff[] {
  const final = [...history].reverse().find((event) => event.kind === 'snapshot' && event.label === FINAL_SNAPSHOT);
  if (final === undefined || final.kind !== 'snapshot') return [];
  const diffs: TableDiff[] = [];
  for (const [client, state] of Object.entries(final.clients)) {
    for (const [table, rows] of Object.entries(final.server)) {
      diffs.push({
        client,
        table,
        expected: rows.filter((row) => row.deleted !== true) as JsonObject[],
        actual: state.tables[table] ?? [],
      });
    }
  }
  return diffs;
}
