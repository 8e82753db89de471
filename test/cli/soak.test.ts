import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, SMALL_FIXED, SMALL_GENERATED, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await workspace({
    'small.json': { ...SMALL_GENERATED, allow: ['handler-outcomes'] },
    'fixed.json': SMALL_FIXED,
  }));
});
afterAll(() => cleanup());

describe('syncwright soak', () => {
  test('the unmodified reference client shows no violation, and fixed-step scenarios are left out', async () => {
    const outcome = await cli(
      ['soak', 'small.json', 'fixed.json', '--runs', '30', '--seeds', '42,7', '--workers', '1'],
      dir,
    );
    expect(outcome.stdout).toContain('1 generated scenario · seeds 42, 7 · 30 runs each');
    expect(outcome.stdout).toMatch(/seed 42 · small generated: 30 runs, 0 violations/);
    expect(outcome.stdout).toMatch(/seed 7 · small generated: 30 runs, 0 violations/);
    expect(outcome.stdout).toContain('Violations by signature: none.');
    expect(outcome.code).toBe(0);
  });

  test('a planted bug shows up by signature and every run is counted, not only the first failure', async () => {
    const outcome = await cli(
      ['soak', 'small.json', '--runs', '40', '--seeds', '42', '--workers', '1', '--mutation', 'drop-if-match'],
      dir,
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/seed 42 · small generated: 40 runs, \d+ violations/);
    expect(outcome.stdout).toMatch(
      /no-lost-writes\/push\.conditional\/(update|delete)\/no-if-match ×\d+ — first: small\.json 42:\d+/,
    );
  });

  test('bad seeds are a usage error', async () => {
    const outcome = await cli(['soak', 'small.json', '--seeds', '42,x'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("--seeds expects comma-separated whole numbers from 0 to 2147483647, got '42,x'");
  });
});
