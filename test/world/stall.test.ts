/** The world's watchdog: a client with operations pending that makes no progress for stallMs stops the run. */
import { describe, expect, test } from 'vitest';
import { createReferenceDriver } from '../../src/client/driver.js';
import type { ClientDriver, ClientDriverFactory } from '../../src/kernel/driver.js';
import { SchedulerStuckError } from '../../src/kernel/scheduler.js';
import { World } from '../../src/world/world.js';

/** A client whose push never ends while its own timer ticks every ms, as the SDK's promise library does. */
const ticking: ClientDriverFactory = async (environment) => {
  const driver = await createReferenceDriver(environment);
  const push = (): Promise<never> =>
    new Promise<never>(() => {
      const tick = (): void => void environment.clock.setTimeout(tick, 1);
      tick();
    });
  return Object.assign(Object.create(driver) as ClientDriver, { push });
};

describe('the watchdog', () => {
  test('timers alone are not progress: a push that only ticks is stopped after stallMs, with a stuck event', async () => {
    const world = await World.create({ seed: 1, driver: ticking, stallMs: 5_000, limits: { maxSteps: 1_000_000 } });
    const client = world.client('client-1');
    await world.settle(client.insert('todoitem', { id: 'a', text: 'one', complete: false }));
    const push = client.push();
    const error = await world.settle(push).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SchedulerStuckError);
    expect((error as SchedulerStuckError).reason).toBe('stalled');
    // Stopped before the timer that would have crossed the bound: exactly stallMs after the last progress.
    expect(world.elapsed).toBe(5_000);
    const stuck = world.history.at(-1)!;
    expect(stuck).toMatchObject({
      kind: 'stuck',
      reason: 'stalled',
      stallMs: 5_000,
      waiting: [{ opId: push.opId, client: 'client-1', op: 'push', since: 0, quietSince: 0 }],
    });
    if (stuck.kind !== 'stuck') throw new Error('expected a stuck event');
    expect(stuck.waiting[0]!.waitsOn).toMatch(/^nothing that came: no request in flight, no store write since t=0/);
    // Its last progress: the insert's commit.
    expect(world.history.find((event) => event.seq === stuck.waiting[0]!.lastProgress)?.kind).toBe('store-write');
    await world.close();
  });

  test('a request in flight is waited for: the bound is counted from the last request or store write', async () => {
    const world = await World.create({
      seed: 2,
      stallMs: 1_000,
      faults: { default: { latency: { kind: 'fixed', ms: 400 } } },
    });
    const client = world.client('client-1');
    await world.settle(client.insert('todoitem', { id: 'a', text: 'one', complete: false }));
    // Each request takes 800 ms: less than the bound, so a long push of several is never stalled.
    for (const id of ['b', 'c', 'd']) await world.settle(client.insert('todoitem', { id, text: id, complete: false }));
    const outcome = await world.settle(client.push());
    expect(outcome.status).toBe('ok');
    expect(world.elapsed).toBeGreaterThan(3_000);
    expect(world.history.some((event) => event.kind === 'stuck')).toBe(false);
    await world.close();
  });

  test('the default bound is twice the longest link timeout, at least a minute', async () => {
    const short = await World.create({ seed: 3, faults: { default: { timeoutMs: 2_000 } } });
    expect(short.stallMs).toBe(60_000);
    await short.close();
    const long = await World.create({ seed: 3, faults: { links: { 'client-1': { timeoutMs: 45_000 } } } });
    expect(long.stallMs).toBe(90_000);
    await long.close();
  });
});
