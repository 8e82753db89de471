import { describe, expect, test } from 'vitest';
import { CATEGORIES, type Breakdown, type Category } from '../../src/bench/breakdown.js';
import { describeHeadroom, headroom } from '../../src/bench/headroom.js';

/** A breakdown with the given shares (percent); every other category at zero. */
function sampled(shares: Partial<Record<Category, number>>): Breakdown {
  return {
    workload: 'world-standard',
    runs: 400,
    msPerRun: 5,
    categories: CATEGORIES.map((category) => ({
      category,
      share: shares[category] ?? 0,
      msPerRun: ((shares[category] ?? 0) * 5) / 100,
    })),
  };
}

describe('headroom', () => {
  const world = sampled({
    backend: 22.5,
    sqlite: 20.6,
    'world and network': 15.5,
    'reference client': 14.2,
    'garbage collection': 9.3,
    other: 17.9,
  });

  test('a met goal asks for nothing', () => {
    expect(headroom(1.7, 1.7, world)).toBeUndefined();
    expect(headroom(2.62, 2.5, world)).toBeUndefined();
  });

  test('how much of a run must go, and the fewest largest categories that are that much', () => {
    // 0.94× against 1.7×: the run must take 0.94 / 1.7 = 55.3% of its time now.
    const needed = headroom(0.94, 1.7, world)!;
    expect(needed.mustShed).toBe(44.7);
    expect(needed.largest.map((c) => c.category)).toEqual(['backend', 'sqlite', 'other']);
    expect(needed.largestShare).toBe(61);
  });

  test('one category can be enough', () => {
    const needed = headroom(2.4, 2.5, world)!;
    expect(needed.mustShed).toBe(4);
    expect(needed.largest).toEqual([{ category: 'backend', share: 22.5 }]);
    expect(describeHeadroom(2.5, needed, 'sdk-generated')).toBe(
      "to reach 2.5×, a run must shed 4% of its time, less than sdk-generated's largest category costs (backend 22.5%)",
    );
  });

  test('a headroom past the largest categories names them, then the ones that are enough', () => {
    expect(describeHeadroom(1.7, headroom(0.94, 1.7, world)!, 'world-standard')).toBe(
      "to reach 1.7×, a run must shed 44.7% of its time, more than world-standard's 2 largest categories cost together (backend 22.5%, sqlite 20.6%: 43.1%); only its 3 largest together cost that much (backend 22.5%, sqlite 20.6%, other 17.9%: 61%)",
    );
  });

  test('one category short: the line names it, then the two that are enough', () => {
    // 1.0× against 1.7×: 41.2% to shed; the backend alone is 22.5%, with sqlite 43.1%.
    expect(describeHeadroom(1.7, headroom(1, 1.7, world)!, 'world-standard')).toBe(
      "to reach 1.7×, a run must shed 41.2% of its time, more than world-standard's largest category costs (backend 22.5%); only its 2 largest together cost that much (backend 22.5%, sqlite 20.6%: 43.1%)",
    );
  });

  test('absurd figures are refused, not divided by', () => {
    expect(() => headroom(0, 1.7, world)).toThrow(RangeError);
    expect(() => headroom(Number.NaN, 1.7, world)).toThrow(/expected positive ratio and goal/);
    expect(() => headroom(1, -1, world)).toThrow(RangeError);
  });
});
