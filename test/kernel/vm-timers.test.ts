import vm from 'node:vm';
import { describe, expect, test } from 'vitest';
import { Scheduler } from '../../src/kernel/scheduler.js';
import { createTimerFunctions, createVirtualDate } from '../../src/kernel/timers.js';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';

describe('foreign code in a vm context', () => {
  test('its setTimeout and Date run on virtual time (the example of docs/concepts/world.md)', async () => {
    const clock = new VirtualClock({ startTime: Date.UTC(2026, 0, 1) });
    const context = vm.createContext({ ...createTimerFunctions(clock, 'sdk'), Date: createVirtualDate(clock) });
    vm.runInContext('setTimeout(() => { globalThis.done = new Date().toISOString() }, 5000)', context);
    const wall = performance.now();
    await new Scheduler(clock).runUntilIdle();
    expect(context.done).toBe('2026-01-01T00:00:05.000Z');
    expect(performance.now() - wall).toBeLessThan(1000);
  });

  test('a promise library that chains through setTimeout(fn, 0) keeps its order in its lane', async () => {
    const clock = new VirtualClock();
    const context = vm.createContext({ ...createTimerFunctions(clock, 'sdk'), log: [] as string[] });
    const other = createTimerFunctions(clock, 'other');
    vm.runInContext(`for (let i = 0; i < 20; i++) setTimeout(() => log.push('sdk' + i));`, context);
    for (let i = 0; i < 20; i++) other.setTimeout(() => (context.log as string[]).push(`other${i}`));
    await new Scheduler(clock).runUntilIdle();
    const sdk = (context.log as string[]).filter((entry) => entry.startsWith('sdk'));
    expect(sdk).toEqual(Array.from({ length: 20 }, (_, i) => `sdk${i}`));
    // The two lanes were interleaved, not run one after the other.
    expect((context.log as string[]).slice(0, 20).some((entry) => entry.startsWith('other'))).toBe(true);
  });
});
