import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/cli/command.js';
import { durationOption } from '../../src/cli/duration.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expandGlob } from '../../src/cli/glob.js';
import { parseClients, runRanges, selectShard, type WorkUnit } from '../../src/cli/units.js';

describe('glob matching', () => {
  test.each([
    ['*.json', 'a.json', true],
    ['*.json', 'dir/a.json', false],
    ['**/*.json', 'a.json', true],
    ['**/*.json', 'x/y/a.json', true],
    ['scenarios/**', 'scenarios/regressions/a.json', true],
    ['generated-?.ts', 'generated-a.ts', true],
    ['generated-?.ts', 'generated-ab.ts', false],
    ['*.{json,ts}', 'a.ts', true],
    ['*.{json,ts}', 'a.js', false],
    ['[ab]*.json', 'b1.json', true],
    ['[ab]*.json', 'c1.json', false],
    ['a.json', 'aXjson', false],
  ])('%s against %s → %s', async (pattern, file, matches) => {
    // The file alone in a fresh folder: the glob finds it or not.
    const dir = await mkdtemp(path.join(tmpdir(), 'syncwright-glob-'));
    try {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), '{}');
      expect(await expandGlob(pattern, dir)).toEqual(matches ? [path.join(dir, file)] : []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('--time-limit durations', () => {
  test.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['2', 2_000],
  ])('%s is %d ms', (text, ms) => {
    expect(durationOption('time-limit', text)).toBe(ms);
  });

  test.each(['', 'soon', '-5s', '0', '5 parsecs'])('%j is refused with the option named', (text) => {
    expect(() => durationOption('time-limit', text)).toThrow(UsageError);
    expect(() => durationOption('time-limit', text)).toThrow(/--time-limit expects a duration/);
  });
});

describe('work units', () => {
  test('run ranges cover 0…N-1 once, in order, and depend on N alone', () => {
    for (const total of [1, 9, 10, 100, 1000, 12_345]) {
      const ranges = runRanges(total);
      let next = 0;
      for (const range of ranges) {
        expect(range.start).toBe(next);
        expect(range.count).toBeGreaterThan(0);
        next += range.count;
      }
      expect(next).toBe(total);
      expect(runRanges(total)).toEqual(ranges);
    }
  });

  const units: WorkUnit[] = Array.from({ length: 23 }, (_, i) => ({
    file: `/s/${String(i).padStart(2, '0')}.json`,
    shownFile: `${String(i).padStart(2, '0')}.json`,
    name: `scenario ${i}`,
    client: { choice: 'reference', mutations: [], label: 'reference' },
    ...(i % 3 === 0 ? {} : { range: { start: 0, count: 5 + i } }),
    weight: i % 3 === 0 ? 1 : 5 + i,
  }));

  test.each([1, 2, 3, 7, 40])('%d shards take contiguous, disjoint slices that cover every unit', (total) => {
    const shards = Array.from({ length: total }, (_, i) => selectShard(units, { index: i + 1, total }));
    expect(shards.flat()).toEqual(units);
  });

  test('shards get about equal numbers of runs', () => {
    const weights = [1, 2, 3, 4].map((index) =>
      selectShard(units, { index, total: 4 }).reduce((sum, unit) => sum + unit.weight, 0),
    );
    const all = weights.reduce((a, b) => a + b, 0);
    for (const weight of weights) expect(Math.abs(weight - all / 4)).toBeLessThan(30);
  });

  test("--client both means the reference client and the real SDK; mutations name the client's label", () => {
    expect(parseClients('both', undefined).map((client) => client.label)).toEqual(['reference', 'sdk']);
    expect(parseClients(undefined, 'drop-if-match,wrong-collapse').map((client) => client.label)).toEqual([
      'reference+drop-if-match+wrong-collapse',
    ]);
  });
});
