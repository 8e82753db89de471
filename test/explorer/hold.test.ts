/** The explorer runs a hold step through the runner's own runStep: the same window, no stuck drive. */
import { expect, test } from 'vitest';
import { PausableDrive } from '../../src/explorer/drive.js';
import { executeStep } from '../../src/explorer/execute-step.js';
import { type VirtualTime } from '../../src/kernel/world-time.js';
import type { Step } from '../../src/scenario/types.js';
import { World } from '../../src/world/world.js';

const T = 'todoitem';

test('a held push leaves its step in flight, the next steps run, and the hold lets go after them', async () => {
  const world = await World.create({ seed: 1, clients: 1 });
  const time = world.time as VirtualTime;
  const drive = new PausableDrive(time.clock, { waiting: false, answered: async () => undefined });
  const steps: Step[] = [
    { actor: 'client-1', op: { type: 'insert', table: T, record: { id: 'a', text: 'x' } } },
    { actor: 'world', op: { type: 'hold', client: 'client-1', request: { kind: 'push', n: 1 }, steps: 2 } },
    { actor: 'client-1', op: { type: 'push' } },
    { actor: 'client-1', op: { type: 'update', table: T, record: { id: 'a', text: 'y' } } },
    { actor: 'client-1', op: { type: 'lookup', table: T, id: 'a' } },
  ];
  const results = [];
  for (const [i, step] of steps.entries()) results.push(await executeStep(world, drive, step, i + 1));
  const push = results[2]!.op!;
  const faults = world.history
    .filter((event) => event.kind === 'fault')
    .map((event) => event.kind === 'fault' && event.fault);
  expect(faults).toEqual(['hold', 'held', 'release']);
  expect(results[3]!.op!.status).toBe('ok');
  // Released after step 4: driving time now brings the answer home.
  expect(push.status).toBe('pending');
  await drive.settle(push.outcome, 'the push', world.watchdog);
  expect(push.status).toBe('ok');
  expect(world.history.some((event) => event.kind === 'stuck')).toBe(false);
  await world.close();
});
