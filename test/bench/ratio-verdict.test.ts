import { describe, expect, test } from 'vitest';
import { describeRatioVerdict, ratioVerdict } from '../../src/bench/ratio-verdict.js';

describe('ratioVerdict', () => {
  test('met only when every round meets the goal', () => {
    expect(ratioVerdict(2.6, [2.5, 2.7], 2.5)).toBe('met');
    expect(ratioVerdict(2.58, [1.99, 3.22], 2.5)).toBe('unclear');
    expect(ratioVerdict(2.43, [2.3, 2.52], 2.5)).toBe('NOT met');
  });

  test('an unclear verdict names the slowest round and what to do', () => {
    expect(describeRatioVerdict(2.58, [1.99, 3.22], 2.5)).toBe(
      'unclear: the median meets 2.5× but the slowest round (1.99×) does not; run more rounds on a quieter machine',
    );
    expect(describeRatioVerdict(0.94, [0.88, 1.01], 1.7)).toBe('NOT met');
  });
});
