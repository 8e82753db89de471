import { describe, expect, test } from 'vitest';
import { compareProfiles, WIDE_PROFILE_GOAL } from '../../src/bench/profiles.js';

describe('bench section profiles', () => {
  test('measures old-mix and wide programs side by side and gives their ratio', async () => {
    const lines: string[] = [];
    const figures = await compareProfiles({
      rounds: 1,
      log: (line) => lines.push(line),
      measure: { warmupRuns: 2, windows: 1, runsPerWindow: 3 },
    });
    expect(figures.oldMix.runsPerSecond).toBeGreaterThan(0);
    expect(figures.wide.runsPerSecond).toBeGreaterThan(0);
    expect(figures.ratio).toBeCloseTo(figures.wide.runsPerSecond / figures.oldMix.runsPerSecond, 1);
    expect(lines).toHaveLength(1);
    expect(WIDE_PROFILE_GOAL).toBe(0.7);
  });
});
