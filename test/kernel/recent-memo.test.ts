import { describe, expect, test } from 'vitest';
import { RecentMemo } from '../../src/kernel/recent-memo.js';

describe('RecentMemo', () => {
  test('answers as the function does, computing each recent input once', () => {
    const calls: number[] = [];
    const memo = new RecentMemo((n: number) => {
      calls.push(n);
      return n * 2;
    }, 4);
    expect([1, 2, 1, 2, 3].map((n) => memo.get(n))).toEqual([2, 4, 2, 4, 6]);
    expect(calls).toEqual([1, 2, 3]);
  });

  test('remembers an undefined answer too', () => {
    let calls = 0;
    const memo = new RecentMemo((text: string) => {
      calls++;
      return text === 'x' ? undefined : text.length;
    }, 4);
    expect(memo.get('x')).toBeUndefined();
    expect(memo.get('x')).toBeUndefined();
    expect(calls).toBe(1);
  });

  test('never holds more than its capacity; the oldest input goes first', () => {
    const calls: number[] = [];
    const memo = new RecentMemo((n: number) => {
      calls.push(n);
      return String(n);
    }, 3);
    for (let n = 0; n < 1000; n++) memo.get(n);
    expect(memo.size).toBe(3);
    calls.length = 0;
    expect([999, 998, 997, 996].map((n) => memo.get(n))).toEqual(['999', '998', '997', '996']);
    expect(calls).toEqual([996]);
    expect(memo.size).toBe(3);
  });

  test('a failing input is not remembered: it fails every time', () => {
    let calls = 0;
    const memo = new RecentMemo((n: number) => {
      calls++;
      if (n < 0) throw new RangeError('negative');
      return n;
    }, 2);
    expect(() => memo.get(-1)).toThrow(RangeError);
    expect(() => memo.get(-1)).toThrow(RangeError);
    expect(calls).toBe(2);
    expect(memo.size).toBe(0);
  });

  test('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) expect(() => new RecentMemo(String, capacity)).toThrow(RangeError);
  });
});
