/** pull-marks: an incremental pull killed after saving its mark had stored what the server served before it. */
import { describe, expect, test } from 'vitest';
import { createReferenceDriverWith } from '../../src/client/driver.js';
import { checkPullMarks } from '../../src/check/pull-marks.js';
import { World } from '../../src/world/world.js';

async function pullKilledAfter(afterWrite: number, mutated: boolean): Promise<World> {
  const world = await World.create({
    seed: 11,
    driver: createReferenceDriverWith(mutated ? { mutations: ['mark-apart-from-rows'] } : {}),
    faults: { default: { latency: { kind: 'fixed', ms: 10 } }, links: { 'client-1': { crashes: [{ afterWrite }] } } },
  });
  await world.settle(world.editor('editor-1').insert('todoitem', { id: 'a', text: 'one', complete: false }));
  await world.settle(world.client('client-1').pull('todoitem', { queryId: 'all' }));
  await world.snapshot('after');
  return world;
}

describe('pull-marks', () => {
  test('mark saved apart from, and before, its page: a crash between the two is a mark past an unstored record', async () => {
    // Mutated: write 1 is the mark, write 2 its commit; the page's record would be write 3.
    const world = await pullKilledAfter(2, true);
    const result = checkPullMarks(world.history);
    expect(result.valid).toBe(false);
    expect(result.violations).toEqual([
      expect.objectContaining({
        rule: 'pull.mark-bound',
        at: { op: 'pull', status: 'restart' },
        message: expect.stringMatching(/saved its mark .* served todoitem\/a .* finds no such record/),
      }),
    ]);
    await world.close();
  });

  test('the reference client saves mark and page together: no crash point between them loses a record', async () => {
    for (let afterWrite = 1; afterWrite <= 4; afterWrite++) {
      const world = await pullKilledAfter(afterWrite, false);
      expect(world.history.some((event) => event.kind === 'fault' && event.fault === 'crash')).toBe(true);
      expect(checkPullMarks(world.history).violations, `crash after write ${afterWrite}`).toEqual([]);
      await world.close();
    }
  });
});
