import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { benchServeSoak } from '../../src/bench/serve-soak.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the serve soak bench', () => {
  test(
    'drives the built serve with the mix and reports its figures; no request gets a 5xx',
    { timeout: 120_000 },
    async () => {
      expect(existsSync(path.join(ROOT, 'dist/cli/main.js')), 'the CLI is built (npm run build)').toBe(true);
      const lines: string[] = [];
      // 2,000 requests: two of them 900 KB bodies, and every kind of hostile request in the mix.
      const figures = await benchServeSoak({ requests: 2000, concurrency: 8, log: (line) => lines.push(line) });
      expect(figures.requests).toBe(2000);
      expect(figures.serverErrors).toBe(0);
      expect(figures.noAnswer).toBe(0);
      expect(Object.values(figures.statuses).reduce((sum, n) => sum + n, 0)).toBe(2000);
      expect(figures.statuses['4xx']).toBeGreaterThan(300);
      expect(figures.statuses['2xx']).toBeGreaterThan(800);
      expect(figures.rssMb.idle).toBeGreaterThan(0);
      expect(figures.rssMb.start).toBeGreaterThan(0);
      expect(figures.latencyMs.p99).toBeGreaterThanOrEqual(figures.latencyMs.p50);
      expect(figures.history.total).toBeGreaterThan(2000);
    },
  );
});
