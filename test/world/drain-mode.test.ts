import { describe, expect, test } from 'vitest';
import { runStandardScenario } from '../../src/bench/world.js';
import { createReferenceDriver } from '../../src/client/driver.js';
import type { ClientDriverFactory } from '../../src/kernel/driver.js';
import { World } from '../../src/world/world.js';
import { type VirtualTime } from '../../src/kernel/world-time.js';
import { Scheduler, SchedulerStuckError } from '../../src/kernel/scheduler.js';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';

describe('the microtasks drain', () => {
  test('microtasks started by a timer still finish before the next timer fires', async () => {
    const clock = new VirtualClock();
    const scheduler = new Scheduler(clock, {}, { drain: 'microtasks' });
    const log: string[] = [];
    clock.setTimeout(() => {
      void (async () => {
        for (let i = 0; i < 50; i++) await Promise.resolve();
        log.push('chain done');
      })();
    }, 10);
    clock.setTimeout(() => log.push('second timer'), 10);
    await scheduler.runUntilIdle();
    expect(log).toEqual(['chain done', 'second timer']);
  });

  test('work that waits for nothing is still reported as a deadlock', async () => {
    const scheduler = new Scheduler(new VirtualClock(), {}, { drain: 'microtasks' });
    const error = await scheduler.run(new Promise<void>(() => undefined), 'push').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchedulerStuckError);
    expect((error as SchedulerStuckError).reason).toBe('deadlock');
  });

  test('a world of reference clients records the same history with either drain', async () => {
    for (const seed of [1, 'two', 3]) {
      const turns = await runStandardScenario({ seed, steps: 40, world: { drain: 'event-loop-turn' } });
      const ticks = await runStandardScenario({ seed, steps: 40, world: { drain: 'microtasks' } });
      expect(JSON.stringify(ticks.history)).toBe(JSON.stringify(turns.history));
      expect(turns.history.length).toBeGreaterThan(100);
    }
  });

  test('a world takes the faster drain only when every driver says it may', async () => {
    const drainOf = async (options: Parameters<typeof World.create>[0]): Promise<string> => {
      const world = await World.create(options);
      try {
        return (world.time as VirtualTime).scheduler.drainMode;
      } finally {
        await world.close();
      }
    };
    // The same reference client, without the declaration: a team's own driver.
    const undeclared: ClientDriverFactory = (environment) => createReferenceDriver(environment);
    expect(await drainOf({ seed: 1, clients: 2 })).toBe('microtasks');
    expect(await drainOf({ seed: 1, clients: 2, driver: undeclared })).toBe('event-loop-turn');
    expect(await drainOf({ seed: 1, clients: ['a', { name: 'b', driver: undeclared }] })).toBe('event-loop-turn');
    expect(await drainOf({ seed: 1, clients: 2, driver: undeclared, drain: 'microtasks' })).toBe('microtasks');
    expect(await drainOf({ seed: 1, clients: 2, drain: 'event-loop-turn' })).toBe('event-loop-turn');
  });
});
