import { describe, expect, test } from 'vitest';
import { SeededRandom } from '../../src/kernel/random.js';

describe('SeededRandom', () => {
  test('the same seed gives the same stream', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    expect(Array.from({ length: 20 }, () => a.nextUint32())).toEqual(Array.from({ length: 20 }, () => b.nextUint32()));
  });

  test('different seeds give different streams', () => {
    expect(new SeededRandom(1).nextUint32()).not.toBe(new SeededRandom(2).nextUint32());
  });

  test('forks are independent of draws made on the parent', () => {
    const parent = new SeededRandom('s');
    const before = parent.fork('link').nextUint32();
    parent.nextUint32();
    expect(parent.fork('link').nextUint32()).toBe(before);
  });

  test('int stays within its inclusive bounds and reaches both ends', () => {
    const random = new SeededRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(random.int(1, 3));
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  test('uuid has the v4 shape', () => {
    expect(new SeededRandom(3).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('reseed forks the stream and every stream forked from it, the same way for the same salt', () => {
    const draw = (salt: string | undefined): number[] => {
      const root = new SeededRandom(9);
      const child = root.fork('link');
      root.nextUint32();
      child.nextUint32();
      if (salt !== undefined) root.reseed(salt);
      const late = root.fork('late');
      return [root.nextUint32(), child.nextUint32(), late.nextUint32()];
    };
    expect(draw('a')).toEqual(draw('a'));
    const plain = draw(undefined);
    const salted = draw('a');
    const other = draw('b');
    // Each of the three streams changes with the salt: the root, a fork made before, a fork made after.
    for (let i = 0; i < 3; i++) {
      expect(salted[i]).not.toBe(plain[i]);
      expect(salted[i]).not.toBe(other[i]);
    }
  });
});
