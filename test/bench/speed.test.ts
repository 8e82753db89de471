/** The speed bench's own logic: how a profile sample is categorised, medians, the generated page. */
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { categoriseProfile } from '../../src/bench/breakdown.js';
import { performancePage } from '../../src/bench/page.js';
import { measureThroughput, median, throughputOf, warmUp, type ThroughputOptions } from '../../src/bench/throughput.js';

const DIST = 'file:///repo/dist';
const NM = 'file:///repo/node_modules';

/** A profile of one sample per stack (outermost frame first), each lasting 1 ms. */
function profile(stacks: readonly (readonly [string, string][])[]) {
  const nodes: { id: number; callFrame: { functionName: string; url: string }; children: number[] }[] = [
    { id: 1, callFrame: { functionName: '(root)', url: '' }, children: [] },
  ];
  const samples: number[] = [];
  for (const stack of stacks) {
    let parent = nodes[0]!;
    for (const [functionName, url] of stack) {
      const node = { id: nodes.length + 1, callFrame: { functionName, url }, children: [] };
      nodes.push(node);
      parent.children.push(node.id);
      parent = node;
    }
    samples.push(parent.id);
  }
  return { nodes, samples, timeDeltas: samples.map(() => 1000) };
}

describe('the breakdown', () => {
  test('a sample goes by who asked first, then by what ran', () => {
    const totals = categoriseProfile(
      profile([
        // Module evaluation under createSandbox is client creation, whatever runs.
        [
          ['createSandbox', `${DIST}/sdk/sandbox.js`],
          ['(anon)', `${NM}/esprima/esprima.js`],
        ],
        // The backend's SQL is the backend's.
        [
          ['handle', `${DIST}/backend/backend.js`],
          ['step', `${NM}/sql.js/dist/sql-wasm.js`],
        ],
        // A recorded event's copy is history, even inside a checker-free run.
        [
          ['record', `${DIST}/kernel/recorder.js`],
          ['copy', `${DIST}/kernel/json-safe.js`],
        ],
        // The SDK's SQL, its queries, its timers, its own code.
        [
          ['execute', `${DIST}/sdk/sqlite-plugin.js`],
          ['w', 'wasm://wasm/abc'],
        ],
        [
          ['toOData', `${NM}/azure-query-js/lib/ODataProvider.js`],
          ['format', 'node:util'],
        ],
        // The caches around the query libraries, their copies made in the SDK's realm included.
        [
          ['cachedTransform', `${DIST}/sdk/constraint-cache.js`],
          ['clone', 'syncwright:sdk-realm-tree.js'],
        ],
        [['fireNext', `${DIST}/kernel/virtual-clock.js`]],
        [['Promise.then', `${NM}/azure-mobile-apps-client/sdk/src/Utilities/Promises.js`]],
        [['(garbage collector)', '']],
        [
          ['processTicksAndRejections', 'node:internal/process/task_queues'],
          ['runMicrotasks', ''],
        ],
        [['somewhere', 'node:internal/fs/utils']],
      ]),
    );
    expect(Object.fromEntries([...totals].filter(([, ms]) => ms > 0))).toEqual({
      'client creation': 1,
      backend: 1,
      history: 1,
      sqlite: 1,
      'SDK query parsing': 2,
      'timers (virtual clock, scheduler, SDK timers)': 2,
      'SDK code': 1,
      'garbage collection': 1,
      other: 1,
    });
  });
});

/** A workload run that only records which run of the sequence each call was. */
function recordingRun(): { calls: number[]; run: (index: number) => Promise<void> } {
  const calls: number[] = [];
  return { calls, run: async (index) => void calls.push(index) };
}

describe('the throughput measure', () => {
  test('warm-up runs are not counted; every window runs its count of runs, whatever their speed', async () => {
    const { calls, run } = recordingRun();
    const figures = await measureThroughput(run, { warmupRuns: 4, windows: 3, runsPerWindow: 5 });
    expect(figures.runs).toBe(15);
    expect(calls).toEqual(Array.from({ length: 19 }, (_, i) => i));
    expect(figures.range[0]).toBeLessThanOrEqual(figures.runsPerSecond);
    expect(figures.range[1]).toBeGreaterThanOrEqual(figures.runsPerSecond);
  });

  test('a slow build and a fast one are timed on the same runs', async () => {
    const fast: number[] = [];
    const slow: number[] = [];
    let sink = 0;
    const options = { warmupRuns: 2, windows: 3, runsPerWindow: 4 };
    await measureThroughput(async (index) => {
      fast.push(index);
    }, options);
    await measureThroughput(async (index) => {
      // Real work, many times a fast run's: a window of fixed length would hold fewer of these.
      for (let i = 0; i < 200_000; i++) sink += i % 7;
      slow.push(index);
    }, options);
    expect(sink).toBeGreaterThan(0);
    expect(slow).toEqual(fast);
  });

  test.each([
    [
      { warmupRuns: 1, windows: 1, runsPerWindow: 0 },
      'options.runsPerWindow: expected a whole number from 1 to 1000000, found 0',
    ],
    [
      { warmupRuns: 1, windows: 1, runsPerWindow: 1e12 },
      'options.runsPerWindow: expected a whole number from 1 to 1000000, found 1000000000000',
    ],
    [{ warmupRuns: 1, windows: 1, runsPerWindow: 2.5 }, 'found 2.5'],
    [
      { warmupRuns: 1, windows: 0, runsPerWindow: 3 },
      'options.windows: expected a whole number from 1 to 1000, found 0',
    ],
    [
      { warmupRuns: -1, windows: 1, runsPerWindow: 3 },
      'options.warmupRuns: expected a whole number from 0 to 1000000, found -1',
    ],
    [
      { warmupRuns: 1, windows: 1, runsPerWindow: '3' },
      'options.runsPerWindow: expected a whole number from 1 to 1000000, found "3"',
    ],
    [
      { warmupRuns: 1, windows: 1 },
      'options.runsPerWindow: expected a whole number from 1 to 1000000, found undefined',
    ],
  ])('refuses absurd counts before running anything: %j', async (options, message) => {
    let ran = 0;
    await expect(
      measureThroughput(
        async () => {
          ran++;
        },
        options as unknown as ThroughputOptions,
      ),
    ).rejects.toThrow(message);
    expect(ran).toBe(0);
  });

  test('a warmed-up workload runs its windows one at a time, in order, and no more of them', async () => {
    const { calls, run } = recordingRun();
    const warmed = await warmUp(run, { warmupRuns: 2, windows: 2, runsPerWindow: 3 });
    expect(calls).toEqual([0, 1]);
    expect(warmed.left).toBe(2);
    const first = await warmed.next();
    expect(calls).toEqual([0, 1, 2, 3, 4]);
    expect(first.ms).toBeGreaterThanOrEqual(0);
    await warmed.next();
    expect(calls).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(warmed.left).toBe(0);
    await expect(warmed.next()).rejects.toThrow('all 2 windows have run');
  });

  test("windows' figures: the median rate, the slowest and fastest, CPU time per run", () => {
    const windows = [
      { ms: 1000, cpuMs: 1000 },
      { ms: 500, cpuMs: 600 },
      { ms: 250, cpuMs: 400 },
    ];
    expect(throughputOf(windows, 10)).toEqual({ runs: 30, runsPerSecond: 20, range: [10, 40], cpuMsPerRun: 66.7 });
    expect(() => throughputOf([], 10)).toThrow('no window was measured');
  });

  test('the median of an even count is the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('docs/performance.md', () => {
  test('the page is the bench’s own lines under a header naming the commit, the date and the load', () => {
    const page = performancePage({
      state: 'commit abc1234, 2026-12-02T07:00:00.000Z, Node v20.20.2, 2 CPUs, load average 1.00 0.50 0.25',
      loadAtEnd: '0.90 0.50 0.25',
      command: 'npm run bench -- --docs',
      goals: ['real SDK ≥ 2.5×: 3.1× — met'],
      sections: [{ name: 'breakdown', lines: ['breakdown sdk-generated: 20 ms per run', '  sqlite  3.00 ms'] }],
    });
    expect(page).toContain('commit abc1234, 2026-12-02T07:00:00.000Z');
    expect(page).toContain('load average 1.00 0.50 0.25 at the start (0.90 0.50 0.25 at the end)');
    expect(page).toContain('- real SDK ≥ 2.5×: 3.1× — met');
    expect(page).toContain('```text\nbreakdown sdk-generated: 20 ms per run\n  sqlite  3.00 ms\n```');
    expect(page).toContain('Do not edit by hand');
  });
});

describe('measureWorkload', () => {
  test('measures a named workload on this build', async () => {
    const { measureWorkload } = await import('../../src/bench/probe.js');
    const figures = await measureWorkload('world-standard', {
      warmupRuns: 1,
      windows: 1,
      runsPerWindow: 2,
      root: path.resolve(import.meta.dirname, '../..'),
    });
    expect(figures.runs).toBe(2);
    expect(figures.runsPerSecond).toBeGreaterThan(0);
    expect(figures.cpuMsPerRun).toBeGreaterThan(0);
  });

  test('refuses a request whose counts would never end, before loading the build', async () => {
    const { measureWorkload } = await import('../../src/bench/probe.js');
    await expect(
      measureWorkload('world-standard', { runsPerWindow: 1e12, dist: '/nonexistent-build' }),
    ).rejects.toThrow(
      'throughput: options.runsPerWindow: expected a whole number from 1 to 1000000, found 1000000000000',
    );
  });
});
