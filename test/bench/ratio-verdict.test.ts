import { describe, expect, test } from 'vitest';
import { describeRatioVerdict, lowerBoundRank, medianLowerBound, ratioVerdict } from '../../src/bench/ratio-verdict.js';

describe('lowerBoundRank', () => {
  test('the largest k with P(Binomial(n, ½) ≤ k − 1) ≤ 5%', () => {
    // n = 5: P(B ≤ 0) = 1/32; P(B ≤ 1) = 6/32 is too much. n = 7: 8/128 too much. n = 8: 9/256,
    // then 37/256. n = 9: 10/512, then 46/512.
    // n = 13: 378/8192 = 4.6%, then 1093/8192. n = 4: P(B ≤ 0) = 1/16 is already too much.
    expect([0, 1, 2, 3, 4].map(lowerBoundRank)).toEqual([0, 0, 0, 0, 0]);
    expect(lowerBoundRank(5)).toBe(1);
    expect(lowerBoundRank(7)).toBe(1);
    expect(lowerBoundRank(8)).toBe(2);
    expect(lowerBoundRank(9)).toBe(2);
    expect(lowerBoundRank(13)).toBe(4);
    expect(lowerBoundRank(100)).toBe(42);
  });

  test('the bound never passes the median', () => {
    for (let n = 1; n <= 1000; n++) expect(lowerBoundRank(n)).toBeLessThanOrEqual(Math.ceil(n / 2));
  });

  test('absurd round counts are refused', () => {
    expect(() => lowerBoundRank(-1)).toThrow(RangeError);
    expect(() => lowerBoundRank(2.5)).toThrow(/whole number of rounds/);
    expect(() => lowerBoundRank(1e9)).toThrow(RangeError);
  });
});

describe('ratioVerdict', () => {
  test('with five rounds, met only when every round meets the goal', () => {
    expect(ratioVerdict(2.6, [2.5, 2.7, 2.6, 2.55, 2.65], 2.5)).toBe('met');
    expect(ratioVerdict(2.58, [1.99, 3.22, 2.58, 2.6, 2.5], 2.5)).toBe('unclear');
    expect(ratioVerdict(2.43, [2.3, 2.52, 2.43, 2.4, 2.5], 2.5)).toBe('NOT met');
  });

  test('more rounds settle what five could not: the bound is the second slowest of nine', () => {
    const nine = [2.44, 2.68, 2.57, 2.52, 2.53, 2.62, 2.7, 2.66, 2.55];
    expect(medianLowerBound(nine)).toBe(2.52);
    expect(ratioVerdict(2.57, nine, 2.5)).toBe('met');
    expect(ratioVerdict(2.57, [...nine.slice(0, 4), 2.49, ...nine.slice(5)], 2.5)).toBe('unclear');
  });

  test('fewer than five rounds never show a goal met', () => {
    expect(medianLowerBound([3, 3, 3, 3])).toBeUndefined();
    expect(ratioVerdict(3, [3, 3, 3, 3], 2.5)).toBe('unclear');
    expect(ratioVerdict(2, [2, 2, 2, 2], 2.5)).toBe('NOT met');
    expect(ratioVerdict(3, [], 2.5)).toBe('unclear');
  });

  test('an unclear verdict names its bound and what to do', () => {
    expect(describeRatioVerdict(2.58, [1.99, 3.22, 2.58, 2.6, 2.5], 2.5)).toBe(
      'unclear: the median meets 2.5× but its 95% lower bound, the slowest round (1.99×), does not; run more rounds (--rounds) or on a quieter machine',
    );
    expect(describeRatioVerdict(2.57, [2.44, 2.68, 2.57, 2.49, 2.53, 2.62, 2.7, 2.66, 2.55], 2.5)).toBe(
      'unclear: the median meets 2.5× but its 95% lower bound, the 2nd slowest of 9 rounds (2.49×), does not; run more rounds (--rounds) or on a quieter machine',
    );
    expect(describeRatioVerdict(3, [3, 3, 3], 2.5)).toBe(
      'unclear: the median meets 2.5× but 3 rounds cannot show it (5 at least); run more rounds (--rounds)',
    );
    expect(describeRatioVerdict(0.94, [0.88, 1.01, 0.94, 0.9, 0.95], 1.7)).toBe('NOT met');
  });
});
