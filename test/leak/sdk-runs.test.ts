/**
 * 300 runs of the real SDK in one process leave nothing behind: after one forced full GC the SDK
 * realms and apps, sql.js databases and SDK timers — open and reachable — and the heap are back
 * where they were. Counting objects, not timing anything. It needs `gc()`: it runs in the `leak` project
 * (vitest.config.ts), a forked process started with --expose-gc.
 *
 * One GC, not several, on purpose: the leak this pins was a vm context per app, which Node 20
 * frees only after several full collections (and V8 puts those off until the heap is large),
 * so 400 runs held 800 MB. An app whose page lived in a context of its own fails here.
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { liveObjects, type LiveCounts } from '../../src/kernel/live-objects.js';
import { programArbitrary } from '../../src/scenario/arbitraries.js';
import { resolveClient } from '../../src/scenario/clients.js';
import { executeProgram } from '../../src/scenario/execute.js';
import { loadScenario } from '../../src/scenario/load.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RUNS = 300;
/** Heap a run may leave in caches that stop growing (statements, parsed query functions, JIT code). */
const HEAP_SLACK_BYTES = 8 * 1024 * 1024;

interface Level {
  readonly open: LiveCounts;
  readonly reachable: LiveCounts;
  readonly heapUsed: number;
}

async function afterOneGc(): Promise<Level> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the leak test needs node --expose-gc (run it through vitest.config.ts)');
  // Let what is still on its way out (the run's last callbacks) finish, collect once, then let
  // the FinalizationRegistry's callbacks run.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return { open: liveObjects.open, reachable: liveObjects.reachable, heapUsed: process.memoryUsage().heapUsed };
}

describe('memory over many SDK runs', () => {
  test(`${RUNS} generated runs of the SDK leave no app, database or timer behind`, async () => {
    const scenario = await loadScenario(path.join(ROOT, 'scenarios/generated-tutorial.ts'), { cwd: ROOT });
    const client = await resolveClient('sdk', { pageSize: scenario.pullPageSize! });
    const programs = fc.sample(programArbitrary(scenario), { seed: 300, numRuns: RUNS });
    const run = async (i: number): Promise<void> => {
      const record = await executeProgram(scenario, programs[i % programs.length]!, { driver: client.driver });
      expect(record.history.length).toBeGreaterThan(0);
    };
    // The first runs load sql.js, make the realm and fill the caches that stay.
    for (let i = 0; i < 10; i++) await run(i);
    const start = await afterOneGc();
    // Every run closes the apps it started (each starts two, and one more per restart).
    let tidyRuns = 0;
    for (let i = 0; i < RUNS; i++) {
      const before = liveObjects.open;
      await run(i);
      tidyRuns += JSON.stringify(liveObjects.open) === JSON.stringify(before) ? 1 : 0;
    }
    const end = await afterOneGc();
    expect({ open: end.open, reachable: end.reachable }).toEqual({ open: start.open, reachable: start.reachable });
    expect(end.heapUsed - start.heapUsed).toBeLessThan(HEAP_SLACK_BYTES);
    expect(tidyRuns).toBe(RUNS);
  }, 600_000);
});
