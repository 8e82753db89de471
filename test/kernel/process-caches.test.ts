import { describe, expect, test } from 'vitest';
import { ProcessCaches } from '../../src/kernel/process-caches.js';
import { RecentMap, RecentMemo } from '../../src/kernel/recent-memo.js';
import { BoundedCache } from '../../src/sdk/bounded-cache.js';

describe('process caches', () => {
  test('lists each cache by name with its entries, and empties them all', () => {
    const caches = new ProcessCaches();
    const map = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    const memo = new RecentMemo((key: string) => key.length, 8);
    memo.get('one');
    const bounded = new BoundedCache<number>(4);
    bounded.keep('x', 1);
    caches.register('map', map);
    caches.register('memo', memo);
    caches.register('bounded', bounded);
    expect(caches.sizes()).toEqual({ map: 2, memo: 1, bounded: 1 });
    caches.clear();
    expect(caches.sizes()).toEqual({ map: 0, memo: 0, bounded: 0 });
    // Emptied, they answer as before.
    expect(memo.get('one')).toBe(3);
    expect(bounded.hasRoom).toBe(true);
  });

  test('a name is registered once', () => {
    const caches = new ProcessCaches();
    caches.register('twice', new Set());
    expect(() => caches.register('twice', new Set())).toThrow('process caches: twice is registered already');
  });

  test('a cleared recent map forgets both generations; a cleared bounded cache keeps its counts', () => {
    const recent = new RecentMap<string, number>(4);
    for (const key of ['a', 'b', 'c']) recent.set(key, key.charCodeAt(0));
    expect(recent.size).toBe(3);
    recent.clear();
    expect(recent.size).toBe(0);
    expect(recent.has('a')).toBe(false);
    expect(recent.get('c')).toBeUndefined();

    const bounded = new BoundedCache<string>(1);
    bounded.keep('k', 'v');
    expect(bounded.lookup('k')).toBe('v');
    expect(bounded.hasRoom).toBe(false);
    bounded.clear();
    expect(bounded.size).toBe(0);
    expect(bounded.lookup('k')).toBeUndefined();
    expect(bounded.stats).toEqual({ hits: 1, misses: 1, entries: 0 });
  });
});
