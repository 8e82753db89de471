import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';
import { ScenarioError } from '../../src/scenario/validate.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'syncwright-expect-'));
  await writeFile(
    path.join(dir, 'throws.js'),
    'export function onConflict() { throw new Error("no merge for you"); }\nexport function onError() {}\n',
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function scenarioFile(name: string, value: object): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(value), 'utf8');
  return file;
}

/** Two devices edit one record; the second push conflicts (412). */
const CONFLICT_STEPS = [
  { actor: 'client-1', op: { type: 'insert', record: { id: 'a', text: 'one', complete: false } } },
  { actor: 'client-1', op: { type: 'push' } },
  { actor: 'client-2', op: { type: 'pull' } },
  { actor: 'client-1', op: { type: 'update', record: { id: 'a', text: 'from 1', complete: false } } },
  { actor: 'client-2', op: { type: 'update', record: { id: 'a', text: 'from 2', complete: true } } },
  { actor: 'client-1', op: { type: 'push' } },
  { actor: 'client-2', op: { type: 'push' } },
];

const THREW = 'handler-outcomes/handler.threw/update/412';

describe('expectations and allowances by signature', () => {
  test('a handler that throws on a 412 is a new finding, with its signature and thrown text', async () => {
    const file = await scenarioFile('throws.json', {
      name: 'throws',
      clients: 2,
      policy: { module: './throws.js' },
      steps: CONFLICT_STEPS,
    });
    const result = await runScenario(file, { cwd: dir });
    expect(result.status).toBe('failed');
    expect(result.findings?.map((f) => [f.signature, f.disposition])).toContainEqual([THREW, 'new']);
    expect(result.findings?.find((f) => f.signature === THREW)?.example).toContain('no merge for you');
  });

  test('the same outcome, allowed by the scenario, passes; expected, it is a known finding', async () => {
    const allowed = await runScenario(
      await scenarioFile('allowed.json', {
        name: 'allowed',
        clients: 2,
        policy: { module: './throws.js' },
        allow: ['handler-outcomes/handler.threw'],
        steps: CONFLICT_STEPS,
      }),
      { cwd: dir },
    );
    expect(allowed.status).toBe('passed');
    expect(allowed.findings?.[0]?.disposition).toBe('allowed');

    const known = await runScenario(
      await scenarioFile('known.json', {
        name: 'known',
        clients: 2,
        policy: { module: './throws.js' },
        expect: { reference: { fails: [THREW] } },
        steps: CONFLICT_STEPS,
      }),
      { cwd: dir },
    );
    expect(known.status).toBe('expected-failure');
    expect(known.staleExpectations).toBeUndefined();
  });

  test('an expected signature that does not occur is reported; if none occurs the scenario passed unexpectedly', async () => {
    const stale = await runScenario(
      await scenarioFile('stale.json', {
        name: 'stale',
        clients: 2,
        policy: { module: './throws.js' },
        expect: { '*': { fails: [THREW, 'no-lost-writes/push.if-match'] } },
        steps: CONFLICT_STEPS,
      }),
      { cwd: dir },
    );
    expect(stale.status).toBe('expected-failure');
    expect(stale.staleExpectations).toEqual(['no-lost-writes/push.if-match']);

    const gone = await runScenario(
      await scenarioFile('gone.json', {
        name: 'gone',
        clients: 2,
        policy: 'server-wins',
        expect: { reference: { fails: [THREW] } },
        steps: CONFLICT_STEPS,
      }),
      { cwd: dir },
    );
    expect(gone.status).toBe('unexpected-pass');
  });

  test('a known finding does not stop a generated scenario: a new one behind it is still found', async () => {
    // The drop-if-match mutant loses updates (no-lost-writes) often; expecting that finding, the
    // search goes on through all runs instead of stopping at the first one.
    const file = await scenarioFile('generated.json', {
      name: 'generated',
      clients: 2,
      editors: 1,
      policy: 'server-wins',
      allow: ['handler-outcomes'],
      generate: { steps: { min: 1, max: 6 }, records: 2 },
      expect: { reference: { fails: ['no-lost-writes', 'exactly-once', 'convergence'] } },
      runs: 40,
    });
    const result = await runScenario(file, { cwd: dir, mutations: ['drop-if-match'] });
    expect(['expected-failure', 'failed']).toContain(result.status);
    const known = result.findings?.filter((f) => f.disposition === 'expected') ?? [];
    expect(known.length).toBeGreaterThan(0);
    if (result.status === 'expected-failure') expect(result.runs).toBe(40);
    else expect(result.findings?.some((f) => f.disposition === 'new')).toBe(true);
  });
});

describe('the scenario format version', () => {
  test('format-1 expect values are read as format 2 with a note asking for signatures', async () => {
    const scenario = await loadScenario(
      await scenarioFile('v1.json', { name: 'v1', steps: [], expect: { sdk: 'fail', reference: 'pass' } }),
      { cwd: dir },
    );
    expect(scenario.expect).toEqual({ sdk: { fails: ['*'] }, reference: 'pass' });
    expect(scenario.notes.join('\n')).toMatch(/name the signatures/);
  });

  test('version 1 keeps its meaning: handler outcomes were not judged', async () => {
    const scenario = await loadScenario(await scenarioFile('v1-explicit.json', { version: 1, name: 'v1', steps: [] }), {
      cwd: dir,
    });
    expect(scenario.allow).toEqual(['handler-outcomes']);
    expect(scenario.notes.join('\n')).toMatch(/version 1 did not judge handler outcomes/);
  });

  test('version 2 with a format-1 value, an unknown version and a bad pattern are rejected by path', async () => {
    const reject = async (name: string, value: object): Promise<string> => {
      try {
        await loadScenario(await scenarioFile(name, value), { cwd: dir });
      } catch (error) {
        if (error instanceof ScenarioError) return error.message;
        throw error;
      }
      throw new Error('expected a rejection');
    };
    expect(await reject('v2-old.json', { version: 2, name: 'x', steps: [], expect: { sdk: 'fail' } })).toContain(
      'v2-old.json: expect.sdk: expected "pass" or { "fails": [signature patterns] }, found "fail"',
    );
    expect(await reject('v9.json', { version: 9, name: 'x', steps: [] })).toContain('version: expected 2');
    expect(await reject('bad-allow.json', { name: 'x', steps: [], allow: ['a b'] })).toContain(
      'allow[0]: expected a signature pattern checker/rule/op/status (an empty segment or white space), found "a b"',
    );
  });
});
