import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/scenario/load.js';
import { parseReplayToken, replay, saveRegression } from '../../src/scenario/replay.js';
import type { ScenarioResult } from '../../src/scenario/results.js';
import { runScenario } from '../../src/scenario/run.js';
import type { Program } from '../../src/scenario/types.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCENARIO = 'scenarios/generated-tutorial.ts';
const MUTANT = { mutations: ['pull-overwrites-pending' as const] };
let result: ScenarioResult;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'syncwright-replay-'));
  result = await runScenario(SCENARIO, { ...MUTANT, runs: 40, seed: 1 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('shrinking', () => {
  test('a mutant of the reference client fails with a seed, a path and a small program', async () => {
    expect(result.status).toBe('failed');
    const failure = result.failure!;
    expect(failure.path).toMatch(/^\d+(:\d+)*$/);
    expect(failure.shrinks).toBeGreaterThan(0);
    // The synced start (3 inserts and a sync) plus the few steps that matter.
    expect(failure.size).toBeLessThanOrEqual(10);
    expect((failure.program as unknown as Program).steps.length).toBe(failure.size);
    expect(failure.replayCommand).toBe(
      `npx syncwright replay ${SCENARIO} ${failure.seed}:${failure.path} --mutation pull-overwrites-pending`,
    );
  });

  test('the counterexample program is plain JSON', () => {
    const program = result.failure!.program;
    expect(JSON.parse(JSON.stringify(program))).toEqual(program);
  });
});

describe('replay', () => {
  test('<seed>:<path> reproduces the failing history byte for byte', async () => {
    const failure = result.failure!;
    const replayed = await replay({ scenario: SCENARIO, token: `${failure.seed}:${failure.path!}` }, MUTANT);
    expect(replayed.run.valid).toBe(false);
    expect(JSON.stringify(replayed.run.history)).toBe(JSON.stringify(failure.history));
  });

  test('a saved counterexample JSON reproduces it byte for byte too', async () => {
    const saved = path.join(dir, 'counterexample.json');
    await writeFile(saved, JSON.stringify(result.failure));
    const replayed = await replay({ counterexample: saved }, MUTANT);
    expect(JSON.stringify(replayed.run.history)).toBe(JSON.stringify(result.failure!.history));
  });

  test('replay tokens are checked', () => {
    expect(parseReplayToken('-12:3:0:1')).toEqual({ seed: -12, path: '3:0:1' });
    expect(() => parseReplayToken('12')).toThrow('expected <seed>:<path>');
  });

  test('a fixed-step scenario replays to the same history every time', async () => {
    const first = await replay({ scenario: 'scenarios/restart-mid-push.json' });
    const second = await replay({ scenario: 'scenarios/restart-mid-push.json' });
    expect(JSON.stringify(second.run.history)).toBe(JSON.stringify(first.run.history));
  });
});

describe('regressions', () => {
  test('a saved counterexample is a fixed-step scenario that extends the original and fails until the bug is gone', async () => {
    const file = await saveRegression(result.failure!, { name: 'pull-overwrites-pending', directory: dir });
    expect(path.basename(file)).toBe('pull-overwrites-pending.json');
    const scenario = await loadScenario(file);
    expect(scenario.program?.steps).toEqual((result.failure!.program as unknown as Program).steps);
    expect(scenario.clients.map((client) => client.name)).toEqual(['client-1', 'client-2']);
    expect(scenario.definition.origin).toMatchObject({
      scenario: SCENARIO,
      seed: result.failure!.seed,
      path: result.failure!.path,
    });
    expect((await runScenario(file, MUTANT)).status).toBe('failed');
    expect((await runScenario(file)).status).toBe('passed');
  });

  test('a regression saved inside the project names the shipped JSON Schema, which changes nothing a run does', async () => {
    await mkdir(path.join(ROOT, 'reports'), { recursive: true });
    const inside = await mkdtemp(path.join(ROOT, 'reports', 'syncwright-regression-'));
    try {
      const file = await saveRegression(result.failure!, { name: 'with-schema', directory: inside, cwd: ROOT });
      const saved = JSON.parse(await readFile(file, 'utf8')) as { $schema?: string };
      expect(Object.keys(saved)[0]).toBe('$schema');
      expect(path.resolve(inside, saved.$schema!)).toBe(path.join(ROOT, 'schema', 'scenario.schema.json'));
      const without = path.join(inside, 'without-schema.json');
      await writeFile(without, JSON.stringify({ ...saved, $schema: undefined }));
      const [withRun, withoutRun] = [await replay({ scenario: file }), await replay({ scenario: without })];
      expect(JSON.stringify(withRun.run.history)).toBe(JSON.stringify(withoutRun.run.history));
    } finally {
      await rm(inside, { recursive: true, force: true });
    }
    // Outside the project a relative path would name the machine's folders: none is written.
    const outside = await saveRegression(result.failure!, { name: 'no-schema', directory: dir });
    expect((JSON.parse(await readFile(outside, 'utf8')) as { $schema?: string }).$schema).toBeUndefined();
  });
});
