import { describe, expect, test } from 'vitest';
import { expressFrontDoor } from '../../src/bench/world.js';
import { createBackend } from '../../src/backend/backend.js';
import type { Backend } from '../../src/backend/types.js';
import { World } from '../../src/world/world.js';

describe('a world on real time over real HTTP', () => {
  test('clients sync through the express front door on 127.0.0.1 with real timers', async () => {
    let backend: Backend | undefined;
    const world = await World.create({
      seed: 'real',
      clients: 2,
      time: 'real',
      faults: { default: { latency: { kind: 'fixed', ms: 2 } } },
      backend: async (env) =>
        (backend = await createBackend({ tables: [...env.tables], clock: env.clock, random: env.random })),
      serve: expressFrontDoor(() => backend!),
    });
    try {
      await world.settle(world.client('client-1').insert('todoitem', { id: 'a', text: 'over http', complete: false }));
      expect((await world.settle(world.client('client-1').push())).status).toBe('ok');
      expect((await world.settle(world.client('client-2').pull('todoitem'))).status).toBe('ok');
      const snapshot = await world.snapshot('end');
      expect(snapshot.clients['client-2']!.tables['todoitem']!.map((row) => row.text)).toEqual(['over http']);
      const response = world.history.find((e) => e.kind === 'http-response');
      expect(response).toMatchObject({ response: { status: 201 } });
      expect((response as { latencyMs: number }).latencyMs).toBeGreaterThanOrEqual(4);
      await expect(world.step()).rejects.toThrow(/cannot be stepped/);
    } finally {
      await world.close();
    }
  });
});
