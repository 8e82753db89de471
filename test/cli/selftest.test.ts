import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, SMALL_FIXED, SMALL_GENERATED, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({ 'small.json': SMALL_GENERATED, 'fixed.json': SMALL_FIXED }));
});
afterAll(() => cleanup());

describe('syncwright selftest', () => {
  test('prints its seed and, per mutant, the checker that caught it, the time to the first failure and the shrunk size; exit 0 when all are caught', async () => {
    const outcome = await cli(['selftest', 'small.json', '--mutation', 'drop-if-match', '--runs', '10'], dir);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('seed 42');
    expect(outcome.stdout).toContain('unmodified reference client: all 1 scenarios pass');
    expect(outcome.stdout).toMatch(
      /^drop-if-match\s+yes\s+no-lost-writes\s+small\.json\s+\d+ ms\s+\d+ ms\s+\d+ steps$/m,
    );
    expect(outcome.stdout).toContain('1/1 mutants caught');
  });

  test('a mutant the suite misses makes it exit 1', async () => {
    const outcome = await cli(['selftest', 'fixed.json', '--mutation', 'wrong-collapse', '--skip-baseline'], dir);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/^wrong-collapse\s+NO\b/m);
    expect(outcome.stdout).toContain('0/1 mutants caught');
  });
});
