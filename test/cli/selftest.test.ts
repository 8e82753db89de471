import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, SMALL_FIXED, SMALL_GENERATED, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({
    'small.json': SMALL_GENERATED,
    'fixed.json': SMALL_FIXED,
    // Declares what the SDK does there (it passes): the harness mutants are judged on it.
    'fixed-sdk.json': { ...SMALL_FIXED, expect: { sdk: 'pass' } },
  }));
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

  test('a mutant of the SDK harness: the unmodified harness passes, the mutant is caught by the differential, with its signature and replay command', async () => {
    const outcome = await cli(
      ['selftest', 'fixed.json', 'fixed-sdk.json', '--sdk-mutation', 'xhr-drops-if-match'],
      dir,
    );
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout).toContain('1 mutant (1 of the SDK harness)');
    expect(outcome.stdout).toContain('unmodified reference client: all 2 scenarios pass');
    // Only the scenario that declares what the SDK does judges the harness.
    expect(outcome.stdout).toContain(
      'unmodified SDK harness, compared with the reference client: all 1 scenarios pass',
    );
    expect(outcome.stdout).toMatch(/^sdk\+xhr-drops-if-match\s+yes\s+differential\b.*\s+fixed-sdk\.json\s/m);
    expect(outcome.stdout).toContain('  sdk+xhr-drops-if-match: differential/diff.writes-sent/push/if-match');
    expect(outcome.stdout).toContain(
      '    npx syncwright replay fixed-sdk.json --client sdk --sdk-mutation xhr-drops-if-match --compare reference',
    );
    expect(outcome.stdout).toContain('1/1 mutants caught');
    expect(outcome.code).toBe(0);
  }, 120_000);

  test('a scenario that does not declare what the SDK does judges no harness mutant: missed, exit 1', async () => {
    const outcome = await cli(['selftest', 'fixed.json', '--sdk-mutation', 'xhr-drops-if-match'], dir);
    expect(outcome.stdout).toMatch(/^sdk\+xhr-drops-if-match\s+NO\b/m);
    expect(outcome.stdout).toContain('0/1 mutants caught');
    expect(outcome.code).toBe(1);
  }, 120_000);

  test('--no-harness with --sdk-mutation is a usage error; an unknown harness mutant is named', async () => {
    const both = await cli(['selftest', 'fixed.json', '--no-harness', '--sdk-mutation', 'xhr-drops-if-match'], dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--no-harness and --sdk-mutation contradict each other');
    const unknown = await cli(['selftest', 'fixed.json', '--sdk-mutation', 'xhr-loses-everything'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--sdk-mutation expects mutant names from: xhr-drops-if-match');
  });
});
