/**
 * One program step, run on a live world by the scenario runner's own `runStep` (same snapshots
 * with the same labels, same drives), except that its drives pause while a conflict waits for
 * the user. The explorer's promise is that a saved session replays to the same history.
 */
import type { Operation } from '../kernel/operation.js';
import { SchedulerStuckError } from '../kernel/scheduler.js';
import type { World } from '../world/world.js';
import { runStep, type StepTime } from '../scenario/step.js';
import type { Step } from '../scenario/types.js';
import type { PausableDrive } from './drive.js';

/** What a step started: its operation, for the explorer to show (a background one still runs). */
export type StepResult = { readonly op?: Operation<unknown> };

/** Runs `step`, the `number`-th of the program (1-based, as the runner's labels count). */
export async function executeStep(world: World, drive: PausableDrive, step: Step, number: number): Promise<StepResult> {
  const op = await runStep(world, pausableTime(world, drive), step, number);
  return op === undefined ? {} : { op };
}

/**
 * Names a stuck operation, and stops a stalled one, as `world.settleUnlessHeld` does, so a stuck
 * session reads as the stuck run; leaves an operation that waits on a held answer in flight.
 */
function pausableTime(world: World, drive: PausableDrive): StepTime {
  return {
    advance: (ms) => drive.advance(ms),
    settleUnlessHeld: async (op: Operation<unknown>): Promise<boolean> => {
      try {
        await drive.settle(op.outcome, `operation #${op.opId} (${op.op.type} by ${op.actor})`, world.watchdog);
        return true;
      } catch (error) {
        if (error instanceof SchedulerStuckError && error.reason === 'deadlock' && world.heldAnswers > 0) return false;
        if (error instanceof SchedulerStuckError) world.recordStuck(error, op.opId);
        throw error;
      }
    },
  };
}
