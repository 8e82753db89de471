import { describe, expect, test } from 'vitest';
import { RecentMap, RecentMemo } from '../../src/kernel/recent-memo.js';

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

  test('never holds more than its capacity; the most recent inputs are still there', () => {
    const calls: number[] = [];
    const memo = new RecentMemo((n: number) => {
      calls.push(n);
      return String(n);
    }, 4);
    for (let n = 0; n < 1000; n++) {
      memo.get(n);
      expect(memo.size).toBeLessThanOrEqual(4);
    }
    calls.length = 0;
    expect([999, 998].map((n) => memo.get(n))).toEqual(['999', '998']);
    expect(calls).toEqual([]);
    expect(memo.get(0)).toBe('0');
    expect(calls).toEqual([0]);
  });

  test('an input asked for again and again stays, however many others pass through', () => {
    const calls: number[] = [];
    const memo = new RecentMemo((n: number) => {
      calls.push(n);
      return n;
    }, 4);
    for (let n = 100; n < 200; n++) {
      memo.get(1);
      memo.get(n);
    }
    expect(calls.filter((n) => n === 1)).toEqual([1]);
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
    for (const capacity of [0, 1, -1, 2.5, Number.NaN])
      expect(() => new RecentMemo(String, capacity)).toThrow(RangeError);
  });
});

describe('RecentMap', () => {
  test('keeps what is set, a kept undefined included, within its capacity; a hit in the old generation stays', () => {
    const map = new RecentMap<number, string | undefined>(4);
    map.set(1, undefined);
    map.set(2, 'two');
    expect(map.get(1)).toBeUndefined();
    expect(map.has(1)).toBe(true);
    expect(map.has(3)).toBe(false);
    for (let n = 10; n < 12; n++) map.set(n, String(n));
    expect(map.get(2)).toBe('two');
    for (let n = 20; n < 22; n++) map.set(n, String(n));
    expect(map.get(2)).toBe('two');
    expect(map.has(1)).toBe(false);
    expect(map.size).toBeLessThanOrEqual(4);
  });
});
