/** The world's acceptance runs, on the simulated backend and the reference client. */
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  runStandardScenario,
  runStandardWorkload,
  STANDARD_TIMEOUT_MS,
  standardFaultPlan,
  standardPushHandler,
} from '../../src/bench/world.js';
import type { FaultPlan } from '../../src/network/fault-plan.js';
import type { HistoryEvent } from '../../src/kernel/history.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { World } from '../../src/world/world.js';

const of = <K extends HistoryEvent['kind']>(events: readonly HistoryEvent[], kind: K) =>
  events.filter((e): e is Extract<HistoryEvent, { kind: K }> => e.kind === kind);

describe('a busy world on virtual time', () => {
  test('3 clients, 200 ms each way, 10% lost responses and an editor: 100 steps advance virtual time by the latencies, fast', async () => {
    const wall = performance.now();
    const world = await World.create({
      seed: 'acceptance',
      clients: 3,
      pushHandler: standardPushHandler,
      faults: {
        default: {
          latency: { kind: 'fixed', ms: 200 },
          faults: [{ effect: { kind: 'lost-response' }, when: { probability: 0.1 } }],
        },
      },
    });
    await runStandardWorkload(world, new SeededRandom('acceptance').fork('program'), 100);
    const elapsedWall = performance.now() - wall;
    const history = world.history;

    const sent = new Map(of(history, 'http-request').map((e) => [e.requestId, e.t]));
    const answers = of(history, 'http-response');
    const lost = of(history, 'http-failure').filter((e) => e.failure === 'lost-response');
    expect(answers.length).toBeGreaterThan(50);
    for (const answer of answers) {
      expect(answer.latencyMs).toBe(400);
      expect(answer.t - sent.get(answer.requestId)!).toBe(400);
    }
    for (const failure of lost) expect(failure.latencyMs).toBe(400);
    const rate = lost.length / sent.size;
    expect(rate).toBeGreaterThan(0.03);
    expect(rate).toBeLessThan(0.2);

    // Time only moves forward, and it moved by at least one round trip per answer of the busiest link.
    for (let i = 1; i < history.length; i++) expect(history[i]!.t).toBeGreaterThanOrEqual(history[i - 1]!.t);
    const perLink = Math.max(...world.clientNames.map((name) => answers.filter((a) => a.link === name).length));
    expect(world.elapsed).toBeGreaterThanOrEqual(perLink * 400);

    expect(of(history, 'invoke').some((e) => e.actor === 'editor-1')).toBe(true);
    expect(elapsedWall).toBeLessThan(20_000);
  });
});

describe('determinism', () => {
  const hashOf = (events: readonly HistoryEvent[]): string =>
    createHash('sha256').update(JSON.stringify(events)).digest('hex');

  // The standard plan, with crash points between store writes on two clients besides.
  const standard = standardFaultPlan(
    { kind: 'long-tail', minMs: 20, maxMs: 120, spikeProbability: 0.03, spikeMinMs: 500, spikeMaxMs: 3000 },
    STANDARD_TIMEOUT_MS,
  );
  const withCrashes: FaultPlan = {
    ...standard,
    links: {
      ...standard.links,
      'client-1': { crashes: [{ afterWrite: 5 }, { afterWrite: 17 }] },
      'client-2': { crashes: [{ afterWrite: 11 }] },
    },
  };

  // 200 seeds in four slices so that each test stays well inside the timeout on a busy machine.
  const faultsSeen = new Set<string>();
  test.each([0, 50, 100, 150])(
    'seeds %i.. with every fault kind on give byte-identical histories twice',
    async (from) => {
      for (let seed = from; seed < from + 50; seed++) {
        const first = await runStandardScenario({ seed, steps: 20, world: { faults: withCrashes } });
        const second = await runStandardScenario({ seed, steps: 20, world: { faults: withCrashes } });
        expect(hashOf(second.history), `seed ${seed}`).toBe(hashOf(first.history));
        for (const e of of(first.history, 'fault'))
          faultsSeen.add(e.fault === 'http-error' ? `http-${String(e.detail?.status)}` : e.fault);
        if (of(first.history, 'partition').length > 0) faultsSeen.add('partition');
      }
    },
    180_000,
  );

  test('those runs met every fault kind', () => {
    expect([...faultsSeen].sort()).toEqual(
      [
        'http-401',
        'http-429',
        'http-500',
        'http-502',
        'http-503',
        'crash',
        'lost-response',
        'network-failure',
        'partition',
        'restart',
        'timeout',
      ].sort(),
    );
  });

  test('different seeds give different histories', async () => {
    const a = await runStandardScenario({ seed: 1, steps: 20 });
    const b = await runStandardScenario({ seed: 2, steps: 20 });
    expect(hashOf(a.history)).not.toBe(hashOf(b.history));
  });
});
