/**
 * The memory bench's own bookkeeping (src/bench/memory.ts), on a few runs: a forced GC and a heap
 * sample every `sampleEvery` runs, and figures of the shape the bench prints. The bench itself
 * runs 10,000 runs; this only checks that it samples what it says. It needs gc(): the `leak`
 * project runs it with --expose-gc.
 */
import path from 'node:path';
import { expect, test } from 'vitest';
import { measureMemory } from '../../src/bench/memory.js';
import { processCaches } from '../../src/kernel/process-caches.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('samples the heap after a forced GC every sampleEvery runs, and logs each sample', async () => {
  const lines: string[] = [];
  let reads = 0;
  const figures = await measureMemory({
    workload: 'reference-fresh',
    runs: 6,
    warmupRuns: 1,
    sampleEvery: 2,
    root: ROOT,
    log: (line) => lines.push(line),
    // Every read a megabyte more than the last: which read each figure took shows in its value.
    readRss: () => (reads += 1) * 1024 * 1024,
  });
  expect(figures.runs).toBe(6);
  expect(figures.heap.sampleEvery).toBe(2);
  expect(figures.heap.usedAfterGcSamples).toHaveLength(3);
  for (const mb of figures.heap.usedAfterGcSamples) expect(mb).toBeGreaterThan(0);
  expect(
    lines.map((line) => /^memory reference-fresh: (\d+) runs, .* heap after GC [\d.]+ MB$/.exec(line)?.[1]),
  ).toEqual(['2', '4', '6']);
  // The end's RSS is the last run's, read before the forced collection that follows it (the
  // last progress line's read), and no read comes after it.
  const lastRss = Number(/RSS ([\d.]+) MB/.exec(lines.at(-1)!)?.[1]);
  expect(figures.rss.end).toBe(lastRss);
  expect(figures.rss.end).toBe(reads);
  // A run's apps and databases are gone once it has finished.
  expect(figures.live.end.reachable).toEqual(figures.live.start.reachable);
});

test('empties the process caches at the start, after the first 5% and at the end, and reads the heap without them', async () => {
  // 40 runs: the first 5% ends after the second.
  const figures = await measureMemory({ workload: 'reference-fresh', runs: 40, warmupRuns: 1, root: ROOT });
  // The reference client's runs fill the backend's caches and the client's: the start saw them
  // filled by the warm-up run, the end by the runs after the first 5% emptied them.
  for (const sizes of [figures.caches.start, figures.caches.end]) {
    expect(sizes['backend etags']).toBeGreaterThan(0);
    expect(sizes['client timestamps']).toBeGreaterThan(0);
  }
  expect(processCaches.sizes()).toEqual(Object.fromEntries(Object.keys(figures.caches.end).map((name) => [name, 0])));
  const { start, settled, end, growth, growthFromStart } = figures.heap.cachesEmptied;
  for (const emptied of [start, settled, end]) {
    expect(emptied.code).toBeGreaterThan(0);
    expect(emptied.code).toBeLessThan(emptied.heap);
  }
  // Rounded to 0.1 MB each, so within 0.2 MB of the rounded figures' difference.
  expect(Math.abs(growth - (end.heap - end.code - (settled.heap - settled.code)))).toBeLessThanOrEqual(0.2);
  expect(Math.abs(growthFromStart - (end.heap - end.code - (start.heap - start.code)))).toBeLessThanOrEqual(0.2);
});
