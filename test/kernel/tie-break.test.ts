import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';
import { createTieBreaker } from '../../src/kernel/tie-break.js';
import { SeededRandom } from '../../src/kernel/random.js';

/** Three lanes each arm two timers for the same moment; the result is the order they ran in. */
function interleaving(choices: number[]): string[] {
  const clock = new VirtualClock({ ties: { kind: 'list', choices } });
  const order: string[] = [];
  for (const lane of ['a', 'b', 'c'])
    for (const i of [1, 2]) clock.lane(lane).setTimeout(() => order.push(`${lane}${i}`), 0);
  while (clock.fireNext());
  return order;
}

describe('tie-break choices as a fast-check input', () => {
  test('fast-check finds an interleaving that breaks a property and shrinks it to the smallest choice list', () => {
    // The "bug": c's second timer must never run before a's first.
    const result = fc.check(
      fc.property(fc.array(fc.nat({ max: 10 }), { maxLength: 10 }), (choices) => {
        const order = interleaving(choices);
        return order.indexOf('c2') > order.indexOf('a1');
      }),
      { seed: 42, numRuns: 500 },
    );
    expect(result.failed).toBe(true);
    const [choices] = result.counterexample!;
    // Two choices are needed: c first, then c again (index 2 among a, b, c; choices count modulo).
    expect(choices.map((choice) => choice % 3)).toEqual([2, 2]);
    expect(interleaving(choices).slice(0, 2)).toEqual(['c1', 'c2']);
  });

  test('an empty list is the FIFO interleaving, the shrinking target', () => {
    expect(interleaving([])).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
  });

  test('seeded choices stay within the candidates', () => {
    const breaker = createTieBreaker({ kind: 'seeded' }, new SeededRandom(1));
    for (let i = 0; i < 200; i++) {
      const choice = breaker.choose(3);
      expect(choice).toBeGreaterThanOrEqual(0);
      expect(choice).toBeLessThan(3);
    }
  });
});
