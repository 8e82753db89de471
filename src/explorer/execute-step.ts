/**
 * One program step, run on a live world exactly as the scenario runner's `runSteps` runs it
 * (same snapshots with the same labels, same drives), except that its drives pause while a
 * conflict waits for the user. Keep it in step with `src/scenario/execute.ts`: the explorer's
 * promise is that a saved session replays to the same history.
 */
import type { ClientOperation, ServerEdit } from '../sim/history.js';
import type { Operation } from '../sim/operation.js';
import type { World } from '../sim/world.js';
import type { Step } from '../scenario/types.js';
import type { PausableDrive } from './drive.js';

const LOCAL_WRITES = new Set(['insert', 'update', 'delete']);
const SYNC_OPS = new Set(['push', 'pull', 'purge']);

/** What a step left running: a background operation, for the explorer to show. */
export type StepResult = { readonly op?: Operation<unknown> };

/** Runs `step`, the `number`-th of the program (1-based, as the runner's labels count). */
export async function executeStep(world: World, drive: PausableDrive, step: Step, number: number): Promise<StepResult> {
  if (step.after !== undefined && step.after > 0) await drive.advance(step.after);
  if (step.actor === 'world') {
    await runWorldAction(world, drive, step);
    return {};
  }
  const label = `step ${number}`;
  const isClient = world.clientNames.includes(step.actor);
  const bracketed = isClient && (LOCAL_WRITES.has(step.op.type) || SYNC_OPS.has(step.op.type));
  if (bracketed) await snapshotUnlessFresh(world, `before ${label}`);
  const op = isClient ? world.client(step.actor).perform(step.op as ClientOperation) : world.editor(step.actor).perform(step.op as ServerEdit);
  if (step.background === true) return { op };
  await drive.settle(op.outcome, `operation #${op.opId} (${op.op.type} by ${op.actor})`);
  if (bracketed) await world.snapshot(`after ${label}`);
  return { op };
}

async function runWorldAction(world: World, drive: PausableDrive, step: Step): Promise<void> {
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
      await syncAll(world, drive, 1, 'sync');
      return;
    case 'wait':
      if ('ms' in op) await drive.advance(op.ms);
      return;
    case 'note':
      if ('text' in op) world.note(op.text);
      return;
    default:
      throw new Error(`unknown world action ${JSON.stringify(op)}`);
  }
}

async function syncAll(world: World, drive: PausableDrive, rounds: number, label: string): Promise<void> {
  for (let round = 1; round <= rounds; round++) {
    for (const name of world.clientNames) {
      await snapshotUnlessFresh(world, `${label} ${round}: before ${name} push`);
      const op = world.client(name).push();
      await drive.settle(op.outcome, `operation #${op.opId} (${op.op.type} by ${op.actor})`);
    }
    for (const name of world.clientNames) {
      for (const table of world.tables) {
        await snapshotUnlessFresh(world, `${label} ${round}: before ${name} pull ${table.name}`);
        const op = world.client(name).pull(table.name);
        await drive.settle(op.outcome, `operation #${op.opId} (${op.op.type} by ${op.actor})`);
      }
    }
  }
}

async function snapshotUnlessFresh(world: World, label: string): Promise<void> {
  if (world.history.at(-1)?.kind === 'snapshot') return;
  await world.snapshot(label);
}
