/** pull-marks: an incremental pull killed after saving its mark had stored what the server served before it. */
import { describe, expect, test } from 'vitest';
import { createReferenceDriverWith } from '../../src/client/driver.js';
import { checkPullMarks } from '../../src/check/pull-marks.js';
import { World } from '../../src/world/world.js';
import { replay } from '../../src/scenario/replay.js';

async function pullKilledAfter(afterWrite: number | undefined, mutated: boolean): Promise<World> {
  const world = await World.create({
    seed: 11,
    driver: createReferenceDriverWith(mutated ? { mutations: ['mark-apart-from-rows'] } : {}),
    faults: {
      default: { latency: { kind: 'fixed', ms: 10 } },
      ...(afterWrite === undefined ? {} : { links: { 'client-1': { crashes: [{ afterWrite }] } } }),
    },
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
    // The crash took the page's records: only the mark's consequence is left to see.
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

  test('the commits alone show a mark saved ahead of its page, crash or not', async () => {
    const mutated = await pullKilledAfter(undefined, true);
    expect(checkPullMarks(mutated.history).violations).toEqual([
      expect.objectContaining({
        rule: 'pull.mark-atomic',
        at: { op: 'pull', status: 'ok' },
        message: expect.stringMatching(/committed its mark alone \(#\d+\) and the page's records after it/),
      }),
    ]);
    await mutated.close();
    const clean = await pullKilledAfter(undefined, false);
    expect(checkPullMarks(clean.history).violations).toEqual([]);
    await clean.close();
  });

  test("a local write committed between a pull's last mark and its end is the app's own, not the page's", async () => {
    const world = await World.create({ seed: 13, faults: { default: { latency: { kind: 'fixed', ms: 10 } } } });
    const client = world.client('client-1');
    await world.settle(world.editor('editor-1').insert('todoitem', { id: 'a', text: 'one', complete: false }));
    const pull = client.pull('todoitem', { queryId: 'all' });
    // Local writes while the pull pages: each lands between two of its store steps.
    for (let i = 0; i < 8; i++) {
      await world.advance(7);
      await world.settle(client.insert('todoitem', { id: `local-${i}`, text: 'mine', complete: false }));
    }
    await world.settle(pull);
    const marks = world.history.filter(
      (event) =>
        event.kind === 'store-write' && event.statements.every((statement) => statement.table === '__pulltime'),
    );
    expect(marks.length).toBeGreaterThan(0);
    expect(checkPullMarks(world.history).violations).toEqual([]);
    await world.close();
  });

  test("a second incremental pull queued behind the first: the first pull's pages are judged against the requests that follow them", async () => {
    const world = await World.create({
      seed: 14,
      driver: createReferenceDriverWith({ pageSize: 2 }),
      faults: { default: { latency: { kind: 'fixed', ms: 10 } } },
    });
    const client = world.client('client-1');
    for (const id of ['a', 'b', 'c'])
      await world.settle(world.editor('editor-1').insert('todoitem', { id, text: id, complete: false }));
    await world.settle(client.pull('todoitem'));
    const first = client.pull('todoitem', { queryId: 'all' });
    const second = client.pull('todoitem', { queryId: 'all' });
    // A local change while the first pull pages: its page with c commits the mark alone (c is left
    // alone), and the sweep of the tie group stores a and b after it — a later page of the same pull.
    await world.settle(client.update('todoitem', { id: 'c', text: 'mine', complete: false }));
    await world.settle(first);
    await world.settle(second);
    const markOnly = world.history.filter(
      (event) => event.kind === 'store-write' && event.statements.every((one) => one.table === '__pulltime'),
    );
    expect(markOnly.length).toBeGreaterThan(0);
    expect(checkPullMarks(world.history).violations).toEqual([]);
    await world.close();
  });

  test('a record a later page of the killed pull served as a tombstone is gone from the store, not passed by the mark', async () => {
    // Found by the wide soak (generated-client-wins 42:982): r2 is served with the mark, deleted on
    // the server, served again as a tombstone on the next page (the pull deletes it), and the app
    // is killed in the tie sweep after that.
    const { run } = await replay({ scenario: 'scenarios/regressions/wide-mark-bound-restart.json' });
    const restart = run.history.find((event) => event.kind === 'restart' && event.midOperation);
    expect(restart).toBeDefined();
    const tombstone = run.history.find(
      (event) =>
        event.kind === 'http-response' &&
        event.seq < restart!.seq &&
        event.response.body.includes('"id":"r2"') &&
        event.response.body.includes('"deleted":true'),
    );
    expect(tombstone).toBeDefined();
    expect(checkPullMarks(run.history).violations).toEqual([]);
  });
});
