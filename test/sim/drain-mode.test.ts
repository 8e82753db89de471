import { describe, expect, test } from 'vitest';
import { runStandardScenario } from '../../src/bench/world.js';
import { Scheduler, SchedulerStuckError } from '../../src/sim/scheduler.js';
import { VirtualClock } from '../../src/sim/virtual-clock.js';

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
      const turns = await runStandardScenario({ seed, steps: 40 });
      const ticks = await runStandardScenario({ seed, steps: 40, world: { drain: 'microtasks' } });
      expect(JSON.stringify(ticks.history)).toBe(JSON.stringify(turns.history));
      expect(turns.history.length).toBeGreaterThan(100);
    }
  });
});
