/** A link's holds: which request a hold keeps the answer of, and every way it lets it go. */
import { describe, expect, test } from 'vitest';
import type { LinkPlan } from '../../src/network/fault-plan.js';
import { NetworkLink } from '../../src/network/link.js';
import type { HttpRequest, HttpResponse } from '../../src/protocol/http.js';
import type { HistoryEvent } from '../../src/kernel/history.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { HistoryRecorder } from '../../src/kernel/recorder.js';
import { Scheduler } from '../../src/kernel/scheduler.js';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';

function setup(plan: LinkPlan = { latency: { kind: 'fixed', ms: 10 } }) {
  const clock = new VirtualClock();
  const scheduler = new Scheduler(clock);
  const recorder = new HistoryRecorder(clock);
  let ids = 1;
  /** The pull operation the next GET belongs to. */
  let pull: number | null = null;
  const link = new NetworkLink({
    name: 'client-1',
    plan,
    clock: clock.lane('link:client-1'),
    startTime: clock.startTime,
    random: new SeededRandom('hold'),
    recorder,
    nextRequestId: () => ids++,
    server: async () => ({ status: 200, headers: {}, body: '{}' }) satisfies HttpResponse,
    operationOf: (request) => (request.method === 'GET' ? pull : null),
  });
  const patch: HttpRequest = { method: 'PATCH', url: '/tables/todoitem/a', headers: {}, body: '{}' };
  const page: HttpRequest = { method: 'GET', url: '/tables/todoitem?$top=2', headers: {} };
  const answered: string[] = [];
  const send = (label: string, request: HttpRequest): Promise<void> =>
    link.transport(request).then(
      () => void answered.push(label),
      (error: { kind?: string }) => void answered.push(`${label}: ${String(error.kind)}`),
    );
  const faults = () =>
    recorder.events
      .filter((event): event is Extract<HistoryEvent, { kind: 'fault' }> => event.kind === 'fault')
      .map((event) => [event.fault, event.detail] as const);
  return {
    scheduler,
    link,
    patch,
    page,
    send,
    faults,
    answered: () => answered,
    pullOp: (op: number | null) => (pull = op),
  };
}

describe('which request a hold keeps', () => {
  test('the n-th push request counted from the hold; reads and earlier writes pass', async () => {
    const { scheduler, link, patch, page, send, faults, answered } = setup();
    await scheduler.run(send('before', patch));
    link.hold(1, { kind: 'push', n: 2 });
    const all = Promise.all([send('first', patch), send('read', page), send('second', patch), send('third', patch)]);
    await scheduler.runUntilIdle();
    expect(answered()).toEqual(['before', 'first', 'read', 'third']);
    expect(link.holding).toBe(1);
    link.release(1, 'let go');
    await scheduler.run(all);
    expect(answered()).toEqual(['before', 'first', 'read', 'third', 'second']);
    expect(faults()).toEqual([
      ['hold', { hold: 1, kind: 'push', n: 2 }],
      ['held', { hold: 1, requestId: 4 }],
      ['release', { hold: 1, requestId: 4, held: true, reason: 'let go' }],
    ]);
  });

  test('the k-th page of a pull, counted per pull operation', async () => {
    const { scheduler, link, page, send, answered, pullOp } = setup();
    link.hold(1, { kind: 'pull', page: 2 });
    pullOp(7);
    await scheduler.run(send('7:1', page));
    pullOp(8);
    await scheduler.run(send('8:1', page));
    pullOp(7);
    const held = send('7:2', page);
    await scheduler.runUntilIdle();
    expect(answered()).toEqual(['7:1', '8:1']);
    link.releaseHolds('done');
    await scheduler.run(held);
    expect(answered()).toEqual(['7:1', '8:1', '7:2']);
  });
});

describe('how a hold lets go', () => {
  test('released while its request is still on the way: the answer is not kept', async () => {
    const { scheduler, link, patch, send, faults, answered } = setup();
    link.hold(1, { kind: 'push', n: 1 });
    // Claimed as it is sent; its answer has not come yet.
    const sent = send('write', patch);
    link.release(1, 'early');
    await scheduler.run(sent);
    expect(answered()).toEqual(['write']);
    expect(faults().at(-1)).toEqual([
      'release',
      { hold: 1, requestId: 1, held: false, reason: 'early, before the answer came' },
    ]);
  });

  test('a request that gets no answer leaves nothing to keep', async () => {
    const { scheduler, link, patch, send, faults, answered } = setup({
      latency: { kind: 'fixed', ms: 10 },
      faults: [{ effect: { kind: 'network-failure' }, when: { request: 1 } }],
    });
    link.hold(1, { kind: 'push', n: 1 });
    await scheduler.run(send('write', patch));
    expect(answered()).toEqual(['write: network']);
    expect(link.holding).toBe(0);
    expect(faults().at(-1)).toEqual([
      'release',
      { hold: 1, requestId: 1, held: false, reason: 'no answer to hold: network' },
    ]);
  });

  test('a killed app: its kept answer goes, and a request of its earlier life is never held', async () => {
    const { scheduler, link, patch, send, faults, answered } = setup();
    link.hold(1, { kind: 'push', n: 1 });
    const first = send('first', patch);
    await scheduler.runUntilIdle();
    link.appKilled();
    await scheduler.run(first);
    link.hold(2, { kind: 'push', n: 1 });
    const second = send('second', patch);
    link.appKilled();
    await scheduler.run(second);
    expect(answered()).toEqual(['first', 'second']);
    expect(
      faults()
        .filter(([fault]) => fault === 'release')
        .map(([, detail]) => detail!['reason']),
    ).toEqual(['the app was killed while its answer was held', 'the app was killed before the answer came']);
  });
});
