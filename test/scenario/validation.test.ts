import { describe, test, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError, scenarioIssues, validateScenario } from '../../src/scenario/validate.js';
import { runScenario } from '../../src/scenario/run.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'syncwright-scenarios-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const target = path.join(dir, name);
  await writeFile(target, text, 'utf8');
  return target;
}

async function loadError(target: string): Promise<ScenarioError> {
  try {
    await loadScenario(target, { cwd: dir });
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('scenario validation', () => {
  test('a malformed JSON file is rejected with its name, line and column', async () => {
    const error = await loadError(await file('broken.json', '{\n  "name": "broken",\n  "steps": [,]\n}\n'));
    expect(error.message).toContain('broken.json');
    expect(error.message).toContain('expected valid JSON');
    expect(error.message).toMatch(/line 3, column \d+/);
  });

  test('wrong types are reported with the file and the path inside it', async () => {
    const error = await loadError(
      await file(
        'types.json',
        JSON.stringify({
          name: 'types',
          clients: 'two',
          steps: [
            { actor: 'client-1', op: { type: 'inset' } },
            { actor: 'client-1', op: { type: 'push' }, after: -5 },
          ],
        }),
      ),
    );
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['clients', 'steps[0].op.type', 'steps[1].after']));
    expect(error.message).toContain('types.json: steps[0].op.type: expected one of "insert"');
    expect(error.message).toContain('found "inset"');
  });

  test('unknown properties, unknown checkers and coverage counters are named', () => {
    const issues = scenarioIssues(
      { name: 'x', steps: [], colour: 'red', checks: ['convergance'], coverage: ['conflicts'] },
      'x.json',
    );
    expect(issues.map((issue) => issue.path)).toEqual(['colour', 'checks[0]', 'coverage[0]']);
  });

  test('a scenario needs steps or a generator, not both', () => {
    expect(scenarioIssues({ name: 'x' }, 'x.json')[0]!.expected).toContain('"steps" list or a "generate" section');
    expect(scenarioIssues({ name: 'x', steps: [], generate: {} }, 'x.json')[0]!.path).toBe('generate');
  });

  test('steps that name an unknown client or table are reported after defaults apply', async () => {
    const error = await loadError(
      await file(
        'refs.json',
        JSON.stringify({
          name: 'refs',
          clients: 1,
          steps: [
            { actor: 'client-2', op: { type: 'push' } },
            { actor: 'client-1', op: { type: 'pull', table: 'orders' } },
          ],
        }),
      ),
    );
    expect(error.issues.map((issue) => issue.path)).toEqual(['steps[0].actor', 'steps[1].op.table']);
  });

  test('fault plan problems carry the faults prefix', () => {
    const issues = scenarioIssues(
      { name: 'x', steps: [], faults: { default: { latency: { kind: 'fixed', ms: -1 } } } },
      'x.json',
    );
    expect(issues[0]!.path).toBe('faults.default.latency.ms');
  });

  test('hostile text is data, not code: a <script> name loads and is kept as written', () => {
    const definition = validateScenario({ name: '<script>alert(1)</script>', steps: [] }, 'x.json');
    expect(definition.name).toBe('<script>alert(1)</script>');
  });

  test('a value of the wrong shape at the top is a clear error, not a crash', () => {
    expect(() => validateScenario([1, 2, 3], 'list.json')).toThrow(
      'list.json: (scenario): expected an object, found [1,2,3]',
    );
    expect(() => validateScenario(null, 'null.json')).toThrow(ScenarioError);
  });

  test('a TypeScript scenario is loaded by stripping its types, with defineScenario from the package', async () => {
    const target = await file(
      'typed.ts',
      [
        "import { defineScenario, type StepSpec } from 'syncwright';",
        "const steps: StepSpec[] = [{ actor: 'client-1', op: { type: 'insert', record: { id: 'a', text: 'milk', complete: false } } }];",
        "export default defineScenario({ name: 'typed', steps, policy: 'server-wins' });",
      ].join('\n'),
    );
    const scenario = await loadScenario(target, { cwd: dir });
    expect(scenario.name).toBe('typed');
    expect(scenario.clients).toEqual([{ name: 'client-1', policy: 'server-wins' }]);
    expect(scenario.program?.steps[0]?.op).toEqual({
      type: 'insert',
      table: 'todoitem',
      record: { id: 'a', text: 'milk', complete: false },
    });
  });

  test('a TypeScript scenario that does not parse is reported with line and column', async () => {
    const error = await loadError(await file('bad.ts', "export default { name: 'bad', steps: [ }\n"));
    expect(error.message).toContain('bad.ts');
    expect(error.message).toMatch(/line 1, column \d+/);
  });

  test('a code scenario without a default export says what it needs', async () => {
    const error = await loadError(await file('nodefault.ts', "export const scenario = { name: 'x', steps: [] };\n"));
    expect(error.message).toContain('export default defineScenario');
  });

  test('extends takes the base scenario and overrides what the file sets', async () => {
    await file(
      'base.json',
      JSON.stringify({
        name: 'base',
        clients: 2,
        policy: 'client-wins',
        generate: { steps: { max: 3 } },
        coverage: ['conflict-412'],
      }),
    );
    const target = await file(
      'child.json',
      JSON.stringify({
        name: 'child',
        extends: './base.json',
        seed: 7,
        steps: [{ actor: 'client-2', op: { type: 'push' } }],
      }),
    );
    const scenario = await loadScenario(target, { cwd: dir });
    expect(scenario.clients.map((client) => `${client.name}:${String(client.policy)}`)).toEqual([
      'client-1:client-wins',
      'client-2:client-wins',
    ]);
    expect(scenario.generate).toBeUndefined();
    expect(scenario.program?.seed).toBe(7);
    expect(scenario.coverage).toEqual([]);
  });

  test('a run of a scenario file that does not load ends in status error with the reason', async () => {
    const result = await runScenario(await file('empty.json', ''), { cwd: dir });
    expect(result.status).toBe('error');
    expect(result.error).toContain('expected valid JSON');
  });
});
