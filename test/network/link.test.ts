import { describe, expect, test } from 'vitest';
import { TransportError, type HttpRequest, type HttpResponse } from '../../src/protocol/http.js';
import type { JsonObject } from '../../src/protocol/records.js';
import type { LinkPlan } from '../../src/network/fault-plan.js';
import { NetworkLink } from '../../src/network/link.js';
import type { HistoryEvent } from '../../src/kernel/history.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { HistoryRecorder } from '../../src/kernel/recorder.js';
import { Scheduler } from '../../src/kernel/scheduler.js';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';

function setup(plan: LinkPlan, seed = 'link') {
  const clock = new VirtualClock();
  const scheduler = new Scheduler(clock);
  const recorder = new HistoryRecorder(clock);
  const received: HttpRequest[] = [];
  const restarts: JsonObject[] = [];
  let ids = 1;
  const link = new NetworkLink({
    name: 'client-1',
    plan,
    clock: clock.lane('link:client-1'),
    startTime: clock.startTime,
    random: new SeededRandom(seed),
    recorder,
    nextRequestId: () => ids++,
    server: async (request) => {
      received.push(request);
      return { status: 201, headers: {}, body: JSON.stringify({ n: received.length }) } satisfies HttpResponse;
    },
    onRestart: (cause) => restarts.push(cause),
  });
  const get = (url = '/tables/todoitem'): HttpRequest => ({ method: 'POST', url, headers: {}, body: '{}' });
  /** Sends one request and drives time until it is answered or fails. */
  const send = async (): Promise<HttpResponse | TransportError> =>
    scheduler.run(link.transport(get()).catch((e: unknown) => e as TransportError));
  const kinds = (kind: HistoryEvent['kind']) => recorder.events.filter((e) => e.kind === kind);
  return { clock, scheduler, recorder, link, received, restarts, send, kinds };
}

describe('latency', () => {
  test('a fixed latency delays the request and the answer, and the history shows it', async () => {
    const { send, clock, kinds } = setup({ latency: { kind: 'fixed', ms: 200 } });
    const response = await send();
    expect((response as HttpResponse).status).toBe(201);
    expect(clock.elapsed()).toBe(400);
    const [request] = kinds('http-request');
    const [answer] = kinds('http-response');
    expect(request!.t).toBe(0);
    expect(answer).toMatchObject({ t: 400, latencyMs: 400, requestId: 1, link: 'client-1' });
  });

  test('separate models apply to each way', async () => {
    const { send, clock } = setup({ latency: { up: { kind: 'fixed', ms: 30 }, down: { kind: 'fixed', ms: 70 } } });
    await send();
    expect(clock.elapsed()).toBe(100);
  });

  test('uniform latency stays in its bounds and varies', async () => {
    const { send, kinds } = setup({ latency: { kind: 'uniform', minMs: 10, maxMs: 50 } });
    for (let i = 0; i < 40; i++) await send();
    const latencies = kinds('http-response').map((e) => (e as { latencyMs: number }).latencyMs);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(100);
    expect(new Set(latencies).size).toBeGreaterThan(5);
  });

  test('a long tail adds rare spikes', async () => {
    const { send, kinds } = setup({
      latency: { kind: 'long-tail', minMs: 5, maxMs: 10, spikeProbability: 0.1, spikeMinMs: 2000, spikeMaxMs: 3000 },
    });
    for (let i = 0; i < 100; i++) await send();
    const latencies = kinds('http-response').map((e) => (e as { latencyMs: number }).latencyMs);
    const spiky = latencies.filter((ms) => ms >= 2000).length;
    expect(spiky).toBeGreaterThan(3);
    expect(spiky).toBeLessThan(40);
  });

  test('a latency change takes over from its request on, leaving earlier requests as they were', async () => {
    const plain = setup({ latency: { kind: 'uniform', minMs: 1, maxMs: 30 } });
    const changed = setup({
      latency: { kind: 'uniform', minMs: 1, maxMs: 30 },
      latencyChanges: [{ fromRequest: 4, latency: { kind: 'fixed', ms: 500 } }],
    });
    const latencies = async (s: ReturnType<typeof setup>) => {
      for (let i = 0; i < 6; i++) await s.send();
      return s.kinds('http-response').map((e) => (e as { latencyMs: number }).latencyMs);
    };
    const before = await latencies(plain);
    const after = await latencies(changed);
    expect(after.slice(0, 3)).toEqual(before.slice(0, 3));
    expect(after.slice(3)).toEqual([1000, 1000, 1000]);
  });

  test('a spike past the timeout becomes a timeout', async () => {
    const { send, kinds } = setup({ latency: { kind: 'fixed', ms: 600 }, timeoutMs: 1000 });
    const failure = await send();
    expect(failure).toBeInstanceOf(TransportError);
    expect((failure as TransportError).kind).toBe('timeout');
    expect(kinds('fault')[0]).toMatchObject({ fault: 'timeout', detail: { trigger: 'latency', applied: true } });
    expect(kinds('http-failure')[0]).toMatchObject({ failure: 'timeout', applied: true, latencyMs: 1000 });
  });
});

describe('faults', () => {
  test.each([500, 502, 503, 401, 403] as const)('an HTTP %i comes from the link, not the server', async (status) => {
    const { send, received, kinds } = setup({
      latency: { kind: 'fixed', ms: 10 },
      faults: [{ effect: { kind: 'http-error', status }, when: { request: 1 } }],
    });
    const response = (await send()) as HttpResponse;
    expect(response.status).toBe(status);
    expect(JSON.parse(response.body)).toHaveProperty('error');
    expect(received).toHaveLength(0);
    expect(kinds('fault')[0]).toMatchObject({
      fault: 'http-error',
      detail: { status, request: 1, trigger: 'request' },
    });
    expect(kinds('http-response')[0]).toMatchObject({ response: { status }, latencyMs: 20 });
  });

  test('a 429 carries Retry-After', async () => {
    const { send } = setup({
      faults: [{ effect: { kind: 'http-error', status: 429, retryAfterSeconds: 7 }, when: { request: 1 } }],
    });
    const response = (await send()) as HttpResponse;
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
  });

  test('a network failure never reaches the server', async () => {
    const { send, received, kinds } = setup({
      latency: { kind: 'fixed', ms: 15 },
      faults: [{ effect: { kind: 'network-failure' }, when: { request: 1 } }],
    });
    const failure = (await send()) as TransportError;
    expect(failure.kind).toBe('network');
    expect(received).toHaveLength(0);
    expect(kinds('http-failure')[0]).toMatchObject({ failure: 'network', applied: false, latencyMs: 15 });
  });

  test('a timeout waits the link timeout; the request arrives only when the fault says so', async () => {
    const lost = setup({ timeoutMs: 5000, faults: [{ effect: { kind: 'timeout' }, when: { request: 1 } }] });
    expect(((await lost.send()) as TransportError).kind).toBe('timeout');
    expect(lost.clock.elapsed()).toBe(5000);
    expect(lost.received).toHaveLength(0);
    expect(lost.kinds('http-failure')[0]).toMatchObject({ failure: 'timeout', applied: false, latencyMs: 5000 });

    const applied = setup({
      timeoutMs: 5000,
      faults: [{ effect: { kind: 'timeout', applied: true }, when: { request: 1 } }],
    });
    expect(((await applied.send()) as TransportError).kind).toBe('timeout');
    expect(applied.received).toHaveLength(1);
    expect(applied.kinds('http-failure')[0]).toMatchObject({ applied: true });
  });

  test('a lost response is applied by the server and fails on the client', async () => {
    const { send, received, kinds } = setup({
      latency: { kind: 'fixed', ms: 100 },
      faults: [{ effect: { kind: 'lost-response' }, when: { request: 1 } }],
    });
    const failure = (await send()) as TransportError;
    expect(failure.kind).toBe('lost-response');
    expect(received).toHaveLength(1);
    expect(kinds('http-failure')[0]).toMatchObject({ failure: 'lost-response', applied: true, latencyMs: 200 });
    expect(kinds('http-response')).toHaveLength(0);
  });

  test('an explicit decision hits exactly the n-th request', async () => {
    const { send } = setup({ faults: [{ effect: { kind: 'http-error', status: 503 }, when: { request: 3 } }] });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push(((await send()) as HttpResponse).status);
    expect(statuses).toEqual([201, 201, 503, 201, 201]);
  });

  test('a fault scheduled at a time hits the first request from then on, once', async () => {
    const { send, scheduler } = setup({
      faults: [{ effect: { kind: 'http-error', status: 500 }, when: { at: 1000 } }],
    });
    expect(((await send()) as HttpResponse).status).toBe(201);
    await scheduler.advance(1500);
    expect(((await send()) as HttpResponse).status).toBe(500);
    expect(((await send()) as HttpResponse).status).toBe(201);
  });

  test('a window hits every request inside it', async () => {
    const { send, scheduler } = setup({
      faults: [{ effect: { kind: 'http-error', status: 502 }, when: { from: 100, until: 200 } }],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(((await send()) as HttpResponse).status);
      await scheduler.advance(70);
    }
    expect(statuses).toEqual([201, 201, 502, 201]);
  });

  test('per-request probabilities hit at about their rate, the same requests for the same seed', async () => {
    const pattern = async (seed: string) => {
      const { send } = setup({ faults: [{ effect: { kind: 'lost-response' }, when: { probability: 0.2 } }] }, seed);
      const hits: boolean[] = [];
      for (let i = 0; i < 200; i++) hits.push((await send()) instanceof TransportError);
      return hits;
    };
    const a = await pattern('s1');
    expect(await pattern('s1')).toEqual(a);
    const rate = a.filter(Boolean).length / a.length;
    expect(rate).toBeGreaterThan(0.1);
    expect(rate).toBeLessThan(0.3);
    expect(await pattern('s2')).not.toEqual(a);
  });

  test('adding a rule does not change which requests an existing probability rule hits', async () => {
    const hitsOf = async (plan: LinkPlan) => {
      const { send, kinds } = setup(plan, 'stable');
      for (let i = 0; i < 100; i++) await send();
      return kinds('fault')
        .filter((e) => (e as { fault: string }).fault === 'lost-response')
        .map((e) => (e as unknown as { detail: { request: number } }).detail.request);
    };
    const lost = { effect: { kind: 'lost-response' }, when: { probability: 0.1 } } as const;
    const alone = await hitsOf({ faults: [lost] });
    const withOther = await hitsOf({
      faults: [{ effect: { kind: 'http-error', status: 500 }, when: { request: 1000 } }, lost],
      latency: { kind: 'uniform', minMs: 1, maxMs: 9 },
    });
    expect(withOther).toEqual(alone);
  });

  test('heal stops every fault; latency stays', async () => {
    const { send, link, clock } = setup({
      latency: { kind: 'fixed', ms: 5 },
      faults: [{ effect: { kind: 'http-error', status: 500 }, when: { probability: 1 } }],
    });
    expect(((await send()) as HttpResponse).status).toBe(500);
    link.heal();
    const before = clock.elapsed();
    expect(((await send()) as HttpResponse).status).toBe(201);
    expect(clock.elapsed() - before).toBe(10);
  });
});

describe('partitions', () => {
  test('a planned partition fails requests as offline for its interval and records its edges', async () => {
    const { send, scheduler, kinds, received } = setup({ partitions: [{ from: 100, until: 300 }] });
    await scheduler.advance(150);
    const failure = (await send()) as TransportError;
    expect(failure.kind).toBe('offline');
    expect(received).toHaveLength(0);
    await scheduler.advance(200);
    expect(((await send()) as HttpResponse).status).toBe(201);
    expect(kinds('partition').map((e) => [e.t, (e as { offline: boolean }).offline])).toEqual([
      [100, true],
      [300, false],
    ]);
    expect(kinds('http-failure')[0]).toMatchObject({ failure: 'offline', applied: false });
  });

  test('an open-ended partition lasts until the link is told otherwise', async () => {
    const { send, scheduler, link } = setup({ partitions: [{ from: 0 }] });
    await scheduler.advance(10_000);
    expect(((await send()) as TransportError).kind).toBe('offline');
    link.setOffline(false);
    expect(((await send()) as HttpResponse).status).toBe(201);
  });

  test('going offline while the answer travels loses the answer after the server applied it', async () => {
    const { link, scheduler, clock, received, kinds } = setup({ latency: { kind: 'fixed', ms: 100 } });
    const pending = link.transport({ method: 'POST', url: '/tables/todoitem', headers: {} }).catch((e: unknown) => e);
    clock.lane('world').setTimeout(() => link.setOffline(true), 150);
    const failure = (await scheduler.run(pending)) as TransportError;
    expect(failure.kind).toBe('lost-response');
    expect(received).toHaveLength(1);
    expect(kinds('http-failure')[0]).toMatchObject({ applied: true });
  });
});

describe('restarts', () => {
  test('a restart rule on the n-th request kills the app after the server handled it', async () => {
    const { send, restarts, received, kinds } = setup({ restarts: [{ when: { request: 2 } }] });
    await send();
    await send();
    expect(received).toHaveLength(2);
    expect(restarts).toEqual([{ requestId: 2, request: 2, trigger: 'request', rule: 0, phase: 'after-server' }]);
    expect(kinds('fault').map((e) => (e as { fault: string }).fault)).toEqual(['restart']);
  });

  test('a before-server restart stops the request on the device', async () => {
    const { send, restarts, received } = setup({ restarts: [{ when: { request: 1 }, phase: 'before-server' }] });
    const failure = (await send()) as TransportError;
    expect(failure.kind).toBe('network');
    expect(received).toHaveLength(0);
    expect(restarts).toHaveLength(1);
  });

  test('a restart scheduled at a time fires at that time', async () => {
    const { scheduler, restarts, clock } = setup({ restarts: [{ when: { at: 2500 } }] });
    await scheduler.runUntilIdle();
    expect(restarts).toEqual([{ trigger: 'at', rule: 0 }]);
    expect(clock.elapsed()).toBe(2500);
  });
});
