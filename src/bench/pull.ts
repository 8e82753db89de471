/**
 * How fast the reference client pulls: n records seeded straight into the in-process backend,
 * then one full pull into a fresh in-memory store.
 */
import { createBackend } from '../backend/backend.js';
import { MobileServiceClient } from '../client/client.js';
import { localColumnsFor } from '../client/driver.js';
import { Query } from '../client/query.js';
import { SqlJsStore } from '../client/sqljs-store.js';
import { TODOITEM_TABLE, type JsonObject } from '../protocol/records.js';
import { ManualClock } from '../kernel/clock.js';
import { SeededRandom } from '../kernel/random.js';

/** The bench measures wall time: the one place in the client's code that reads it. */
function wallClockMs(): number {
  return performance.now();
}

export interface BenchPullOptions {
  /** Records per pull page (default 50, the SDK's default). */
  pageSize?: number;
  /** How many consecutive records share one updatedAt (default 4: ties, as the real server makes them). */
  tieGroupSize?: number;
}

export async function benchPull(n = 100_000, options: BenchPullOptions = {}): Promise<{ records: number; ms: number }> {
  const pageSize = options.pageSize ?? 50;
  const tieGroupSize = options.tieGroupSize ?? 4;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const backend = await createBackend({ clock, random: new SeededRandom('bench-backend') });
  const start = clock.now();
  const rows: JsonObject[] = [];
  for (let i = 0; i < n; i++) {
    const at = new Date(start + Math.floor(i / tieGroupSize)).toISOString();
    rows.push({
      id: `item-${String(i).padStart(7, '0')}`,
      text: `item ${i}`,
      complete: i % 2 === 0,
      createdAt: at,
      updatedAt: at,
    });
  }
  backend.seed(TODOITEM_TABLE.name, rows);

  const store = new SqlJsStore();
  await store.defineTable({ name: TODOITEM_TABLE.name, columnDefinitions: localColumnsFor(TODOITEM_TABLE) });
  const client = new MobileServiceClient('http://bench.invalid', {
    transport: (request) => backend.handle(request),
    clock,
    random: new SeededRandom('bench-client'),
  });
  const context = client.getSyncContext();
  await context.initialize(store);

  const began = wallClockMs();
  await context.pull(new Query(TODOITEM_TABLE.name), 'bench', { pageSize });
  const ms = wallClockMs() - began;

  const records = (await store.read(new Query(TODOITEM_TABLE.name).take(0).includeTotalCount())).totalCount ?? 0;
  await store.close();
  backend.close();
  return { records, ms: Math.round(ms) };
}
