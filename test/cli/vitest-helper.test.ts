import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ScenarioDefinition } from '../../src/scenario/types.js';
import { expectScenario, ScenarioAssertionError } from '../../src/vitest.js';
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
