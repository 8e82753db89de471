import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ScenarioDefinition } from '../../src/scenario/types.js';
import { expectScenario, ScenarioAssertionError, testScenarioFiles } from '../../src/vitest.js';
import { SMALL_FIXED, SMALL_GENERATED, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({ 'small.json': SMALL_GENERATED, 'fixed.json': SMALL_FIXED }));
});
afterAll(() => cleanup());

async function rejection(promise: Promise<unknown>): Promise<ScenarioAssertionError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ScenarioAssertionError);
  return error as ScenarioAssertionError;
}

describe('expectScenario (syncwright/vitest)', () => {
  test('toPass resolves with the result when every run passes', async () => {
    const result = await expectScenario('small.json').toPass({ runs: 5, cwd: dir });
    expect(result.status).toBe('passed');
    expect(result.runs).toBe(5);
  });

  test("toPass fails with a message holding the seed, the violated check's explanation and the replay command", async () => {
    const error = await rejection(
      expectScenario('small.json').toPass({ runs: 10, cwd: dir, mutations: ['drop-if-match'] }),
    );
    const failure = error.result.failure!;
    expect(error.message).toContain('(seed 42)');
    expect(error.message).toContain(`Replay: ${failure.replayCommand}`);
    expect(failure.replayCommand).toMatch(/^npx syncwright replay small\.json 42:[\d:]+ --mutation drop-if-match$/);
    const violated = failure.checks.find((check) => !check.valid)!;
    expect(error.message).toContain(`${violated.checker}: ${violated.explanation.split('\n')[0]}`);
    expect(error.message).toContain('Minimal program:');
  });

  test('an inline scenario says how to replay the failure in code, and that replay reproduces it', async () => {
    const inline: ScenarioDefinition = { ...(SMALL_GENERATED as ScenarioDefinition), name: 'inline scenario' };
    const error = await rejection(expectScenario(inline).toPass({ runs: 10, mutations: ['drop-if-match'] }));
    const failure = error.result.failure!;
    expect(error.message).toContain(
      `Replay: expectScenario(scenario).toPass({ seed: ${failure.seed}, path: '${failure.path}', mutations: ["drop-if-match"] })`,
    );
    const again = await expectScenario(inline).toFail({
      seed: failure.seed,
      path: failure.path!,
      mutations: ['drop-if-match'],
    });
    expect(again.program).toEqual(failure.program);
  });

  test('toFail rejects when every run passes', async () => {
    const error = await rejection(expectScenario('fixed.json').toFail({ cwd: dir }));
    expect(error.message).toBe(
      'Expected scenario "two devices edit one record" to fail on client reference, but it passed every check in 1 run (seed 1).',
    );
  });
});

describe('testScenarioFiles (syncwright/vitest)', () => {
  /** A `test` that records what would be registered, so the bodies can be run and judged here. */
  function recorder() {
    const registered: { name: string; body: () => Promise<unknown>; timeout: number | undefined }[] = [];
    const register = (name: string, body: () => Promise<unknown>, timeout?: number): void => {
      registered.push({ name, body, timeout });
    };
    return { registered, register };
  }

  test('registers one test per scenario file of the folder, each asserting toPass', async () => {
    const { registered, register } = recorder();
    const files = await testScenarioFiles('.', { test: register, cwd: dir, runs: 3, timeout: 5_000 });
    expect(registered.map((entry) => entry.name)).toEqual(['fixed.json', 'small.json']);
    expect(files).toHaveLength(2);
    expect(registered.every((entry) => entry.timeout === 5_000)).toBe(true);
    for (const entry of registered) await entry.body();
  });

  test("a registered test fails with the scenario's counterexample when a run breaks a check", async () => {
    const { registered, register } = recorder();
    await testScenarioFiles('.', { test: register, cwd: dir, runs: 10, mutations: ['drop-if-match'] });
    const small = registered.find((entry) => entry.name === 'small.json')!;
    const error = await rejection(small.body());
    expect(error.message).toContain('Replay: npx syncwright replay small.json');
  });

  test('a folder without scenario files is an error, not an empty suite', async () => {
    const { register } = recorder();
    await expect(testScenarioFiles('no-such-folder', { test: register, cwd: dir })).rejects.toThrow(
      /no-such-folder holds no scenario files/,
    );
  });
});
