/** The side-by-side bench's rounds: two builds' windows take turns, and the ratio is taken window by window. */
import { describe, expect, test } from 'vitest';
import { takeTurns, windowByWindowRatio, type WindowSource } from '../../src/bench/compare.js';
import type { WindowTime } from '../../src/bench/throughput.js';

/** A build whose windows last `msPerRun` each run, times the machine's slowness when that window runs. */
function build(name: string, msPerRun: number, slowness: () => number, calls: string[], windows = 4): WindowSource {
  let k = 0;
  return {
    windows,
    runsPerWindow: 10,
    next(): Promise<WindowTime> {
      calls.push(`${name}${k++}`);
      const ms = 10 * msPerRun * slowness();
      return Promise.resolve({ ms, cpuMs: ms });
    },
  };
}

describe('a round of the side-by-side bench', () => {
  test('the two builds run their windows in turn: first, second, second, first, …', async () => {
    const calls: string[] = [];
    const [a, b] = await takeTurns(
      build('a', 1, () => 1, calls),
      build('b', 2, () => 1, calls),
    );
    expect(calls).toEqual(['a0', 'b0', 'b1', 'a1', 'a2', 'b2', 'b3', 'a3']);
    expect(a.map((window) => window.ms)).toEqual([10, 10, 10, 10]);
    expect(b.map((window) => window.ms)).toEqual([20, 20, 20, 20]);
  });

  test('a slow spell of the machine falls on both builds and leaves the ratio alone', async () => {
    const calls: string[] = [];
    // The machine runs at half speed from the third call to the sixth: windows 1 and 2 of both.
    const slowness = (): number => (calls.length >= 3 && calls.length <= 6 ? 2 : 1);
    const [base, head] = await takeTurns(build('base', 3, slowness, calls), build('head', 1, slowness, calls));
    expect(base.map((window) => window.ms)).toEqual([30, 60, 60, 30]);
    expect(head.map((window) => window.ms)).toEqual([10, 20, 20, 10]);
    expect(windowByWindowRatio(base, head, 10)).toBe(3);
  });

  test('builds that measure different windows are refused', async () => {
    await expect(
      takeTurns(
        build('a', 1, () => 1, [], 4),
        build('b', 1, () => 1, [], 5),
      ),
    ).rejects.toThrow('the two probes measure different windows: 4 × 10 runs against 5 × 10');
    expect(() => windowByWindowRatio([], [], 10)).toThrow('expected as many windows of each build, found 0 and 0');
  });
});
