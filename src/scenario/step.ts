/**
 * What one program step does to a world. The runner and the explorer both run steps through
 * here, so a step means the same in `syncwright run` as in the explorer, and a session the
 * explorer saved replays to the same history. Client steps that write or sync are bracketed by
 * snapshots: the checkers of pulls, collapse and discards compare before and after.
 */
import { pullFilter, type ClientOperation, type ServerEdit } from '../kernel/history.js';
import type { Operation } from '../kernel/operation.js';
import type { World } from '../world/world.js';
import type { Step } from './types.js';
import { OPERATION_ACTIONS } from '../kernel/driver.js';
import { armHold, releaseDue } from './hold.js';

/**
 * How a step makes virtual time pass. The runner passes the world itself; the explorer passes a
 * drive that also stands still while a conflict waits for the user.
 */
export interface StepTime {
  /** Fires every timer due within `ms`, then moves the clock `ms` forward. */
  advance(ms: number): Promise<void>;
  /**
   * Drives time until `op` completes, or until only an answer a hold keeps could complete it:
   * then false, and `op` stays in flight (see World.settleUnlessHeld). Stuck otherwise: a
   * `stuck` event, and the scheduler's error.
   */
  settleUnlessHeld(op: Operation<unknown>): Promise<boolean>;
}

const LOCAL_WRITES: ReadonlySet<string> = new Set(OPERATION_ACTIONS);
// An upgrade too: `local.upgrade-keeps-data` compares the store before and after it.
const SYNC_OPS = new Set(['push', 'pull', 'purge', 'upgrade']);

/**
 * Runs `step`, the `number`-th of the program (1-based, as the snapshot labels count), then
 * releases the holds whose steps have run. Returns the operation a client or editor step
 * started; a background step's is still running, and so is one that waits on a held answer.
 */
export async function runStep(
  world: World,
  time: StepTime,
  step: Step,
  number: number,
): Promise<Operation<unknown> | undefined> {
  const op = await startStep(world, time, step, number);
  releaseDue(world, number);
  return op;
}

async function startStep(
  world: World,
  time: StepTime,
  step: Step,
  number: number,
): Promise<Operation<unknown> | undefined> {
  if (step.after !== undefined && step.after > 0) await time.advance(step.after);
  if (step.actor === 'world') {
    await runWorldAction(world, time, step, number);
    return undefined;
  }
  const label = `step ${number}`;
  const isClient = world.clientNames.includes(step.actor);
  const bracketed = isClient && (LOCAL_WRITES.has(step.op.type) || SYNC_OPS.has(step.op.type));
  if (bracketed) await snapshotUnlessFresh(world, `before ${label}`);
  // The actor says which kind of operation it is: validation matched each op to its actor.
  const op = isClient
    ? world.client(step.actor).perform(step.op as ClientOperation)
    : world.editor(step.actor).perform(step.op as ServerEdit);
  if (step.background === true) return op;
  if (!(await time.settleUnlessHeld(op))) {
    world.note(`${label} (${op.op.type} by ${op.actor}) waits on a held answer: it goes on in the background`);
    return op;
  }
  if (bracketed) await world.snapshot(`after ${label}`);
  return op;
}

/** Every client pushes, then pulls every table, `rounds` times; each sync op bracketed by snapshots. */
export async function syncAll(world: World, time: StepTime, rounds: number, label: string): Promise<void> {
  for (let round = 1; round <= rounds; round++) {
    for (const name of world.clientNames) {
      await snapshotUnlessFresh(world, `${label} ${round}: before ${name} push`);
      await time.settleUnlessHeld(world.client(name).push());
    }
    for (const name of world.clientNames) {
      for (const table of world.tablesOf(name)) {
        await snapshotUnlessFresh(world, `${label} ${round}: before ${name} pull ${table.name}`);
        await time.settleUnlessHeld(world.client(name).pull(table.name));
      }
    }
  }
}

/**
 * Before the final settle the newest app version reaches every device (as an app store's update
 * does): each client still on an older one upgrades, step by step, each upgrade bracketed by
 * snapshots. The settled state is then judged against one schema, the server's.
 */
export async function upgradeAll(world: World, time: StepTime, label: string): Promise<void> {
  for (const name of world.clientNames) {
    while (world.versionOf(name) < world.versions.length) {
      await snapshotUnlessFresh(world, `${label}: before ${name} upgrade`);
      await time.settleUnlessHeld(world.client(name).upgrade());
      await world.snapshot(`${label}: after ${name} upgrade`);
    }
  }
}

/**
 * The app's own incremental pulls, as its program made them: each client pulls once more with
 * every query id it used (and the filter it used it with), in the order its program first used
 * them, each bracketed by snapshots. The final settle runs these before any full pull, so that a
 * row an incremental mark skipped is judged missing rather than repaired by a full pull.
 */
export async function appPulls(world: World, time: StepTime, steps: readonly Step[], label: string): Promise<void> {
  for (const name of world.clientNames) {
    const seen = new Set<string>();
    for (const step of steps) {
      const op = step.op;
      if (step.actor !== name || op.type !== 'pull' || !('queryId' in op) || op.queryId === undefined) continue;
      const filter = pullFilter(op);
      const key = JSON.stringify([op.table, op.queryId, filter ?? null]);
      if (seen.has(key)) continue;
      seen.add(key);
      await snapshotUnlessFresh(world, `${label}: before ${name} pull ${op.table} '${op.queryId}'`);
      await time.settleUnlessHeld(
        world.client(name).pull(op.table, { queryId: op.queryId, ...(filter !== undefined ? { filter } : {}) }),
      );
    }
  }
}

async function runWorldAction(world: World, time: StepTime, step: Step, number: number): Promise<void> {
  const op = step.op;
  switch (op.type) {
    case 'offline':
    case 'online':
      if ('client' in op) world.setOffline(op.client, op.type === 'offline');
      return;
    case 'sign-in':
      world.signIn(op.client);
      return;
    case 'heal':
      world.heal();
      return;
    case 'sync':
      await syncAll(world, time, 1, 'sync');
      return;
    case 'wait':
      if ('ms' in op) await time.advance(op.ms);
      return;
    case 'note':
      if ('text' in op) world.note(op.text);
      return;
    case 'hold':
      if ('request' in op) armHold(world, op, number);
      return;
    default:
      throw new Error(`unknown world action ${JSON.stringify(op)}`);
  }
}

/** A snapshot, unless the last event already is one (nothing happened since). */
async function snapshotUnlessFresh(world: World, label: string): Promise<void> {
  if (world.history.at(-1)?.kind === 'snapshot') return;
  await world.snapshot(label);
}
