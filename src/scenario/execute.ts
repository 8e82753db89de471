/**
 * Runs one program in a fresh world and judges its history. The runner brackets client steps
 * with snapshots (the checkers of pulls, collapse and discards compare before and after), then
 * settles the world — background steps finish, the network heals, every client pushes and
 * pulls — and takes the `final` snapshot that convergence is judged on.
 */
import { runCheckers, type CheckerName } from '../check/index.js';
import { coverageCounters } from '../check/coverage.js';
import type { CheckResult } from '../check/types.js';
import type { JsonObject } from '../protocol/records.js';
import type { ClientDriverFactory, PushHandler } from '../sim/driver.js';
import type { History } from '../sim/history.js';
import type { Operation } from '../sim/operation.js';
import { SchedulerStuckError, type SchedulerLimits } from '../sim/scheduler.js';
import { World, type WorldBackendFactory } from '../sim/world.js';
import { createPushHandler } from './policies.js';
import type { TableDiff } from './results.js';
import type { Program, ResolvedScenario, Step } from './types.js';

export interface ExecuteOptions {
  /** How the scenario's clients are built. */
  readonly driver: ClientDriverFactory;
  /** Default: the simulated backend. */
  readonly backend?: WorldBackendFactory;
  /** Guards against livelock (a handler retried forever): timers per drive call. Default 2,000. */
  readonly maxSteps?: number;
}

export interface RunRecord {
  readonly program: Program;
  readonly history: History;
  readonly checks: readonly CheckResult[];
  readonly coverage: Record<string, number>;
  readonly valid: boolean;
  readonly tableDiff: readonly TableDiff[];
  /** Why the run stopped early (a livelock, a deadlock, a crash). */
  readonly stopped?: string;
}

export const FINAL_SNAPSHOT = 'final';
const DEFAULT_MAX_STEPS = 2_000;

/** Checkers that judge the settled end of a run; a run that never settled skips them. */
const NEEDS_SETTLED_END: ReadonlySet<CheckerName> = new Set(['convergence', 'no-lost-writes', 'exactly-once']);

const LOCAL_WRITES = new Set(['insert', 'update', 'delete']);
const SYNC_OPS = new Set(['push', 'pull', 'purge']);

export async function executeProgram(scenario: ResolvedScenario, program: Program, options: ExecuteOptions): Promise<RunRecord> {
  let world: World | undefined;
  const handlers: { name: string; pushHandler: PushHandler }[] = [];
  for (const client of scenario.clients) {
    const pushHandler = await createPushHandler(client.policy, {
      baseDir: scenario.baseDir,
      // Policies log to the history, so a report shows "Sync conflict! …" where it happened.
      log: (text) => world?.note(text, client.name),
    });
    handlers.push({ name: client.name, pushHandler });
  }
  const limits: SchedulerLimits = { maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS };
  world = await World.create({
    seed: program.seed,
    clients: handlers,
    tables: scenario.tables,
    driver: options.driver,
    faults: program.faults,
    limits,
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
  });
  let stopped: string | undefined;
  try {
    await runSteps(world, program.steps);
    await settle(world, scenario.settleRounds);
  } catch (error) {
    stopped = error instanceof SchedulerStuckError ? `the run stopped: ${error.message}` : `the run crashed: ${error instanceof Error ? error.message : String(error)}`;
    world.note(stopped);
  } finally {
    await world.close().catch(() => undefined);
  }
  const history = world.history;
  const names = stopped === undefined ? scenario.checks : scenario.checks.filter((name) => !NEEDS_SETTLED_END.has(name));
  const checks: CheckResult[] = runCheckers(history, names, { finalLabel: FINAL_SNAPSHOT });
  if (stopped !== undefined) {
    const last = history.at(-1)?.seq ?? 0;
    checks.push({ checker: 'liveness', valid: false, violations: [{ message: stopped, events: [last] }], explanation: `${stopped} (#${last}).` });
  }
  return {
    program,
    history,
    checks,
    coverage: coverageCounters(history),
    valid: checks.every((check) => check.valid),
    tableDiff: tableDiffOf(history),
    ...(stopped !== undefined ? { stopped } : {}),
  };
}

async function runSteps(world: World, steps: readonly Step[]): Promise<void> {
  const background: Operation<unknown>[] = [];
  for (const [i, step] of steps.entries()) {
    if (step.after !== undefined && step.after > 0) await world.advance(step.after);
    const label = `step ${i + 1}`;
    if (step.actor === 'world') {
      await runWorldAction(world, step);
      continue;
    }
    const isClient = world.clientNames.includes(step.actor);
    const bracketed = isClient && (LOCAL_WRITES.has(step.op.type) || SYNC_OPS.has(step.op.type));
    if (bracketed) await snapshotUnlessFresh(world, `before ${label}`);
    const op = isClient ? world.client(step.actor).perform(step.op as Parameters<ReturnType<World['client']>['perform']>[0]) : world.editor(step.actor).perform(step.op as Parameters<ReturnType<World['editor']>['perform']>[0]);
    if (step.background === true) {
      background.push(op);
      continue;
    }
    await world.settle(op);
    if (bracketed) await world.snapshot(`after ${label}`);
  }
  for (const op of background) await world.settle(op);
}

async function runWorldAction(world: World, step: Step): Promise<void> {
  const op = step.op;
  switch (op.type) {
    case 'offline':
    case 'online':
      if ('client' in op) world.setOffline(op.client, op.type === 'offline');
      return;
    case 'heal':
      world.heal();
      return;
    case 'sync':
      await syncAll(world, 1, 'sync');
      return;
    case 'wait':
      if ('ms' in op) await world.advance(op.ms);
      return;
    case 'note':
      if ('text' in op) world.note(op.text);
      return;
    default:
      throw new Error(`unknown world action ${JSON.stringify(op)}`);
  }
}

/** Every client pushes, then pulls every table, `rounds` times; each sync op bracketed by snapshots. */
async function syncAll(world: World, rounds: number, label: string): Promise<void> {
  for (let round = 1; round <= rounds; round++) {
    for (const name of world.clientNames) {
      await snapshotUnlessFresh(world, `${label} ${round}: before ${name} push`);
      await world.settle(world.client(name).push());
    }
    for (const name of world.clientNames) {
      for (const table of world.tables) {
        await snapshotUnlessFresh(world, `${label} ${round}: before ${name} pull ${table.name}`);
        await world.settle(world.client(name).pull(table.name));
      }
    }
  }
}

async function settle(world: World, rounds: number): Promise<void> {
  world.heal();
  await syncAll(world, rounds, 'settle');
  await world.snapshot(FINAL_SNAPSHOT);
}

/** A snapshot, unless the last event already is one (nothing happened since). */
async function snapshotUnlessFresh(world: World, label: string): Promise<void> {
  if (world.history.at(-1)?.kind === 'snapshot') return;
  await world.snapshot(label);
}

function tableDiffOf(history: History): TableDiff[] {
  const final = [...history].reverse().find((event) => event.kind === 'snapshot' && event.label === FINAL_SNAPSHOT);
  if (final === undefined || final.kind !== 'snapshot') return [];
  const diffs: TableDiff[] = [];
  for (const [client, state] of Object.entries(final.clients)) {
    for (const [table, rows] of Object.entries(final.server)) {
      diffs.push({ client, table, expected: rows.filter((row) => row.deleted !== true) as JsonObject[], actual: state.tables[table] ?? [] });
    }
  }
  return diffs;
}

