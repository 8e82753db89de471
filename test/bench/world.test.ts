import { describe, expect, test } from 'vitest';
import { benchWorld } from '../../src/bench/world.js';

describe('the world bench', () => {
  test('returns simulated and real-HTTP figures and their ratio', async () => {
    const lines: string[] = [];
    const figures = await benchWorld({
      simulatedRuns: 2,
      realRuns: 1,
      realTimeoutMs: 50,
      warmupRuns: 0,
      steps: 10,
      log: (line) => lines.push(line),
    });
    expect(figures.simulated.runs).toBe(2);
    expect(figures.simulated.runsPerSecond).toBeGreaterThan(0);
    expect(figures.simulated.cpuMsPerRun).toBeGreaterThan(0);
    expect(figures.simulated.events).toBeGreaterThan(20);
    expect(figures.realHttp).toMatchObject({ runs: 1, latencyMs: 2, timeoutMs: 50 });
    expect(figures.realHttpShortTimeouts).toMatchObject({ runs: 1, latencyMs: 2, timeoutMs: 50 });
    expect(figures.realHttp.requestsPerRun).toBeGreaterThan(5);
    expect(figures.speedup).toBe(figures.realHttp.speedup);
    expect(figures.speedup).toBeCloseTo(figures.realHttp.msPerRun / figures.simulated.msPerRun, -1);
    expect(figures.targets).toEqual({ runsPerSecond: 200, speedup: 100 });
    expect(lines.join('\n')).toMatch(
      /simulated: .*runs\/s[\s\S]*real HTTP \(2 ms latency each way, 50 ms timeouts\)[\s\S]*speedup:/,
    );
  });
});
