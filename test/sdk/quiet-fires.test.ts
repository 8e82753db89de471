/**
 * The SDK driver's part in firing quiet timers back to back (kernel/promise-activity.ts): when
 * the SDK answers a call with a thenable, adopting it queues a job that promise hooks do not
 * see, so the driver counts it; the job then runs before the next timer, as after any task.
 */
import { expect, test } from 'vitest';
import { promiseActivity } from '../../src/kernel/promise-activity.js';
import { Scheduler } from '../../src/kernel/scheduler.js';
import type { SdkPromise } from '../../src/sdk/sdk-types.js';
import { createTestWorld } from './harness.js';

test('a call the SDK answers with a thenable settles before the next timer fires', async () => {
  const world = await createTestWorld();
  const { driver } = await world.client('phone');
  const app = driver.current!;
  const quiet = new Scheduler(world.clock, {}, { drain: 'microtasks', quietFires: promiseActivity });
  const lane = world.clock.lane('phone');
  const log: string[] = [];
  // Made before the drive: resolving with it inside the timer makes and settles no promise.
  const adopted = Promise.resolve('adopted');
  const answersWithThenable = {
    then: (success: (value: unknown) => void) => void lane.setTimeout(() => success(adopted), 1),
  } as unknown as SdkPromise<string>;
  void app.call(() => answersWithThenable, 'a call').then((value) => log.push(`call settled with ${value}`));
  lane.setTimeout(() => log.push('next timer'), 1);
  await quiet.runUntilIdle();
  expect(log).toEqual(['call settled with adopted', 'next timer']);
});
