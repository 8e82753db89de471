import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig } from '../../src/index.js';
import type { RunResults } from '../../src/scenario/results.js';
import { cli, SMALL_FIXED, SMALL_GENERATED, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({
    'mine/fixed.json': SMALL_FIXED,
    'mine/small.json': SMALL_GENERATED,
    'scenarios/other.json': { ...SMALL_FIXED, name: 'not in the config' },
    'syncwright.config.json': {
      scenarios: ['mine'],
      runs: 3,
      seed: 7,
      workers: 1,
      reporters: ['json'],
      outDir: 'config-out',
    },
    'ts/syncwright.config.ts': [
      "import { defineConfig } from 'syncwright';",
      'const runs: number = 2;',
      "export default defineConfig({ scenarios: ['../mine/fixed.json'], runs, reporters: ['json'], outDir: 'ts-out', workers: 1 });",
    ].join('\n'),
    'bad/syncwright.config.json': { scenarios: 'mine', workers: 0, seed: 1.5, colour: true, reporters: [] },
    'bad/not-object.json': [1, 2],
    'bad/no-default.mjs': 'export const config = {};',
    'bad/bad-reporter.json': { reporters: ['html', 'nope'] },
    'hunt/syncwright.config.json': { scenarios: ['../mine/small.json'], baseline: 'missing-baseline.json' },
  }));
});
afterAll(() => cleanup());

async function results(out: string): Promise<RunResults> {
  return JSON.parse(await readFile(path.join(dir, out, 'results.json'), 'utf8')) as RunResults;
}

describe('syncwright.config', () => {
  test('defineConfig returns its argument (it only types it)', () => {
    const config = { runs: 5, client: 'sdk' };
    expect(defineConfig(config)).toBe(config);
  });

  test('a syncwright.config.json in the working directory sets scenarios, runs, seed, reporters and out dir', async () => {
    const outcome = await cli(['run'], dir);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain('config: syncwright.config.json');
    expect(outcome.stdout).toMatch(/seed 7/);
    const run = await results('config-out');
    expect(run.seed).toBe(7);
    expect(run.scenarios.map((scenario) => scenario.file)).toEqual(['mine/fixed.json', 'mine/small.json']);
    expect(run.scenarios.find((scenario) => scenario.file === 'mine/small.json')?.runs).toBe(3);
  });

  test('flags override the config, field by field', async () => {
    const outcome = await cli(['run', 'scenarios/other.json', '--seed', '9', '--out', 'flag-out'], dir);
    expect(outcome.code, outcome.stderr).toBe(0);
    const run = await results('flag-out');
    expect(run.seed).toBe(9);
    expect(run.scenarios.map((scenario) => scenario.name)).toEqual(['not in the config']);
  });

  test('--config names a TypeScript config using defineConfig; its paths are relative to it', async () => {
    const outcome = await cli(['run', '--config', 'ts/syncwright.config.ts'], dir);
    expect(outcome.code, outcome.stderr).toBe(0);
    const run = await results('ts/ts-out');
    expect(run.scenarios.map((scenario) => scenario.file)).toEqual(['mine/fixed.json']);
  });

  test('an invalid config is refused with file: path: expected X, found Y, exit 2', async () => {
    const outcome = await cli(['run', '--config', 'bad/syncwright.config.json'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      'bad/syncwright.config.json: scenarios: expected a non-empty array of strings, found "mine"',
    );
    expect(outcome.stderr).toContain(
      'bad/syncwright.config.json: workers: expected a whole number from 1 to 256, found 0',
    );
    expect(outcome.stderr).toContain(
      "bad/syncwright.config.json: seed: expected a 32-bit whole number or 'random', found 1.5",
    );
    expect(outcome.stderr).toContain('bad/syncwright.config.json: colour: expected one of the fields');
    expect(outcome.stderr).toContain(
      'bad/syncwright.config.json: reporters: expected a non-empty array of strings, found []',
    );
  });

  test('a config that is not an object, or a module without a default export, exits 2', async () => {
    const notObject = await cli(['run', '--config', 'bad/not-object.json'], dir);
    expect(notObject.code).toBe(2);
    expect(notObject.stderr).toContain('bad/not-object.json: (config): expected an object');
    const noDefault = await cli(['run', '--config', 'bad/no-default.mjs'], dir);
    expect(noDefault.code).toBe(2);
    expect(noDefault.stderr).toContain('expected a default export: `export default defineConfig({...})`');
  });

  test('an unknown reporter in the config is a usage error', async () => {
    const outcome = await cli(['run', '--config', 'bad/bad-reporter.json'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('syncwright run: --reporter: unknown reporter "nope"');
  });

  test('--config with a missing file, an empty value or a non-config file exits 2', async () => {
    for (const [value, message] of [
      ['nowhere.json', "--config: 'nowhere.json' not found"],
      ['', "--config expects the path of a config file, got ''"],
      ['mine', "--config: 'mine' is not a config file"],
    ] as const) {
      const outcome = await cli(['run', '--config', value], dir);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toContain(`syncwright run: ${message}`);
    }
  });

  test('hunt takes --config too, and refuses a bad one with exit 2', async () => {
    const outcome = await cli(['hunt', '--config', 'bad/syncwright.config.json', '--runs', '1'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('syncwright hunt: bad/syncwright.config.json: ');
    expect(outcome.stderr).toContain('bad/syncwright.config.json: workers:');
  });

  test('hunt takes its baseline from the config (a missing one is named, exit 2); --baseline overrides it', async () => {
    const fromConfig = await cli(['hunt', '--config', 'hunt/syncwright.config.json', '--runs', '1'], dir);
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.stderr).toContain('missing-baseline.json');
    const overridden = await cli(
      ['hunt', '--config', 'hunt/syncwright.config.json', '--runs', '1', '--baseline', 'other-missing.json'],
      dir,
    );
    expect(overridden.code).toBe(2);
    expect(overridden.stderr).toContain('other-missing.json');
    expect(overridden.stderr).not.toContain('missing-baseline.json');
  });
});
