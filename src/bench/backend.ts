/**
 * The simulated backend's cost per request, for each server profile: an insert, an update and
 * a pull page (50 records of a 10,000-row table, as the SDK asks for them), each through
 * `handle()` — the whole HTTP core, parsing and JSON included, no sockets.
 */
import { createBackend } from '../backend/backend.js';
import { SERVER_PROFILE_NAMES, type ServerProfileName } from '../backend/profiles/profile.js';
import { TODOITEM_TABLE, type JsonObject } from '../protocol/records.js';
import type { HttpRequest } from '../protocol/http.js';
import { ManualClock } from '../kernel/clock.js';
import { SeededRandom } from '../kernel/random.js';

const ROWS = 10_000;
const WINDOWS = 7;
const HEADERS = { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' };

/** Microseconds per request: the median of the windows, and the fastest and slowest window. */
export interface Spread {
  readonly medianUs: number;
  readonly minUs: number;
  readonly maxUs: number;
}

/**
 * Wall time and CPU time per request. On a shared machine the wall time swings with other
 * processes; the CPU time this process spent is the steadier figure.
 */
export interface Cost {
  readonly wall: Spread;
  readonly cpu: Spread;
}

export type BackendCosts = Record<ServerProfileName, { insert: Cost; update: Cost; pullPage: Cost }>;

export async function benchBackend(options: { requestsPerWindow?: number } = {}): Promise<BackendCosts> {
  const perWindow = options.requestsPerWindow ?? 400;
  const costs = {} as BackendCosts;
  for (const profile of SERVER_PROFILE_NAMES) {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const backend = await createBackend({ profile, clock, random: new SeededRandom(`bench-${profile}`) });
    const rows: JsonObject[] = [];
    for (let i = 0; i < ROWS; i++)
      rows.push({ id: `seed-${String(i).padStart(5, '0')}`, text: `item ${i}`, complete: false });
    backend.seed(TODOITEM_TABLE.name, rows);
    let inserted = 0;
    let updated = 0;
    let paged = 0;
    const insert = (): HttpRequest => ({
      method: 'POST',
      url: '/tables/todoitem',
      headers: HEADERS,
      body: JSON.stringify({ id: `new-${inserted++}`, text: 'milk', complete: false }),
    });
    const update = (): HttpRequest => ({
      method: 'PATCH',
      url: `/tables/todoitem/seed-${String(updated++ % ROWS).padStart(5, '0')}`,
      headers: HEADERS,
      body: JSON.stringify({ text: `edit ${updated}`, complete: true }),
    });
    // The SDK's incremental pull: a bound, its order, a page of 50, deleted records included.
    const pullPage = (): HttpRequest => ({
      method: 'GET',
      url: `/tables/todoitem?$filter=(updatedAt%20ge%20datetimeoffset'1970-01-01T00:00:00.000Z')&$orderby=updatedAt&$skip=${(paged++ * 50) % (ROWS - 50)}&$top=50&__includeDeleted=true`,
      headers: HEADERS,
    });
    costs[profile] = {
      insert: await measure(
        () => backend.handle(insert()),
        perWindow,
        () => clock.advance(1),
      ),
      update: await measure(
        () => backend.handle(update()),
        perWindow,
        () => clock.advance(1),
      ),
      pullPage: await measure(
        () => backend.handle(pullPage()),
        Math.max(20, perWindow / 10),
        () => undefined,
      ),
    };
    backend.close();
  }
  return costs;
}

/** Runs `request` in windows and reports µs per request; the first window only warms up. */
async function measure(request: () => Promise<unknown>, perWindow: number, between: () => void): Promise<Cost> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let window = 0; window <= WINDOWS; window++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (let i = 0; i < perWindow; i++) {
      await request();
      between();
    }
    const used = process.cpuUsage(cpuStarted);
    if (window === 0) continue;
    wall.push(((performance.now() - started) * 1000) / perWindow);
    cpu.push((used.user + used.system) / perWindow);
  }
  return { wall: spread(wall), cpu: spread(cpu) };
}

function spread(samples: number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (us: number) => Math.round(us * 10) / 10;
  return {
    medianUs: round(sorted[Math.floor(sorted.length / 2)]!),
    minUs: round(sorted[0]!),
    maxUs: round(sorted.at(-1)!),
  };
}
