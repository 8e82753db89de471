/** The real SDK as the world's client: the standard scenario, with every fault kind on. */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { runStandardScenario } from '../../src/bench/world.js';
import { createSdkDriver } from '../../src/sdk/driver.js';
import { createReferenceDriver } from '../../src/client/driver.js';
import type { VirtualTime } from '../../src/kernel/world-time.js';
import { World } from '../../src/world/world.js';
import type { HistoryEvent } from '../../src/kernel/history.js';

const hashOf = (events: readonly HistoryEvent[]): string =>
  createHash('sha256').update(JSON.stringify(events)).digest('hex');

describe('the SDK driver in the world', () => {
  test('the same seed gives a byte-identical history twice, faults and restarts included', async () => {
    for (const seed of [1, 2, 3]) {
      const first = await runStandardScenario({ seed, steps: 30, driver: createSdkDriver });
      const second = await runStandardScenario({ seed, steps: 30, driver: createSdkDriver });
      expect(first.history.length).toBeGreaterThan(30);
      expect(first.history.some((event) => event.kind === 'http-request')).toBe(true);
      expect(hashOf(second.history), `seed ${seed}`).toBe(hashOf(first.history));
    }
  }, 120_000);

  test('its world fires the quiet timers of the SDK back to back by default, and not with an event-loop turn', async () => {
    const modeOf = async (options: Partial<Parameters<typeof World.create>[0]>): Promise<boolean> => {
      const world = await World.create({ seed: 1, clients: 1, driver: createSdkDriver, ...options });
      try {
        return (world.time as VirtualTime).scheduler.firesQuietTimersBackToBack;
      } finally {
        await world.close();
      }
    };
    expect(await modeOf({})).toBe(true);
    expect(await modeOf({ drain: 'event-loop-turn' })).toBe(false);
    // A reference client beside it: still back to back (its own timers are never quiet).
    expect(await modeOf({ clients: ['a', { name: 'b', driver: createReferenceDriver }] })).toBe(true);
    expect(await modeOf({ driver: createReferenceDriver })).toBe(false);
  });

  // With the SDK's quiet timers fired back to back (the default), against a drain after every timer.
  test('the faster microtasks drain (its default) records what an event-loop turn per timer records', async () => {
    for (const seed of [4, 5, 6]) {
      const turns = await runStandardScenario({
        seed,
        steps: 30,
        driver: createSdkDriver,
        world: { drain: 'event-loop-turn' },
      });
      const ticks = await runStandardScenario({ seed, steps: 30, driver: createSdkDriver });
      expect(turns.history.some((event) => event.kind === 'handler-call' || event.kind === 'fault')).toBe(true);
      expect(hashOf(ticks.history), `seed ${seed}`).toBe(hashOf(turns.history));
    }
  }, 120_000);
});
