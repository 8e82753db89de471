/**
 * The hold step of a program ("while X is in flight"): the step arms a hold on a client's link
 * (network/hold.ts) and the holds are released by step count — after the next `steps` steps
 * have run — so a program says what happens while a push or pull is in flight without saying how
 * long anything takes. The runner and the explorer both run steps through `runStep`, which arms
 * and releases through here.
 */
import type { World } from '../world/world.js';
import type { WorldAction } from './types.js';

export type HoldAction = Extract<WorldAction, { readonly type: 'hold' }>;

interface Scheduled {
  readonly id: number;
  readonly client: string;
  /** The number of the step after which it is released. */
  readonly until: number;
}

/** Per world: its holds not yet released by step count. */
const schedules = new WeakMap<World, Scheduled[]>();

/** Arms the hold of step `number` (1-based). */
export function armHold(world: World, action: HoldAction, number: number): void {
  const id = world.hold(action.client, action.request);
  const list = schedules.get(world) ?? [];
  list.push({ id, client: action.client, until: number + action.steps });
  schedules.set(world, list);
}

/** After step `number` has run: the holds whose steps have run are released, in the order they were armed. */
export function releaseDue(world: World, number: number): void {
  const list = schedules.get(world);
  if (list === undefined) return;
  const due = list.filter((hold) => hold.until <= number);
  if (due.length === 0) return;
  schedules.set(
    world,
    list.filter((hold) => hold.until > number),
  );
  for (const hold of due) world.release(hold.client, hold.id, `released after step ${number}`);
}

/** The program's steps are over: every hold goes, so that the world can settle. */
export function releaseAllHolds(world: World): void {
  schedules.delete(world);
  world.releaseHolds('released when the program’s steps ran out');
}
