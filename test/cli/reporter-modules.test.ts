/** `--reporter ./my-reporter.mjs` and `reporters: ['./x.mjs']`: a team's own reporter module next to the built-in ones. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResults } from '../../src/scenario/results.js';
import { cli, SMALL_FIXED, SMALL_GENERATED, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

/** Prints every hook call to the run's output, so the test sees their order. */
const PRINTING = `export default {
  prefix: 'mine',
  onScenarioEnd(result, context) {
    context.output.write(\`\${this.prefix}: scenario-end \${result.name} \${result.status} \${result.runs}\\n\`);
  },
  async onEnd(results, context) {
    await Promise.resolve();
    context.output.write(\`\${this.prefix}: end \${results.scenarios.length} seed \${results.seed} out \${context.outDir}\\n\`);
  },
};
`;

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({
    'scenarios/fixed.json': SMALL_FIXED,
    'scenarios/small.json': { ...SMALL_GENERATED, runs: 7 },
    'reporters/printing.mjs': PRINTING,
    'reporters/factory.mjs': `export default (context) => ({
  onEnd(results) { context.output.write(\`factory: \${results.scenarios.map((s) => s.name).join(' | ')}\\n\`); },
});
`,
    'reporters/typed.ts': `import { defineReporter, type RunResults } from 'syncwright';
export default defineReporter({
  onEnd(results: RunResults, context) { context.output.write(\`typed: \${results.scenarios.length as number}\\n\`); },
});
`,
    'reporters/no-default.mjs': 'export const onEnd = () => {};',
    'reporters/number.mjs': 'export default 42;',
    'reporters/no-hooks.mjs': 'export default { onBegin() {} };',
    'reporters/bad-hook.mjs': "export default { onEnd: 'later' };",
    'reporters/syntax.mjs': 'export default {',
    'reporters/factory-throws.mjs': "export default () => { throw new Error('no token'); };",
    'reporters/end-throws.mjs': "export default { onEnd() { throw new Error('disk full'); } };",
    'reporters/scenario-end-rejects.mjs': `export default {
  async onScenarioEnd() { throw new Error('upload refused'); },
  onEnd(results, context) { context.output.write('end was called\\n'); },
};
`,
    'project/syncwright.config.json': {
      scenarios: ['../scenarios/fixed.json'],
      workers: 1,
      reporters: ['json', './local-reporter.mjs'],
      outDir: 'out',
    },
    'project/local-reporter.mjs': PRINTING.replace("prefix: 'mine'", "prefix: 'from-config'"),
  }));
});
afterAll(() => cleanup());

const RUN = ['run', 'scenarios', '--workers', '1'];

describe('reporter modules', () => {
  test('onScenarioEnd for each scenario once, with all its runs, then onEnd with the results, next to the built-in reporters', async () => {
    const outcome = await cli([...RUN, '--reporter', 'json,./reporters/printing.mjs', '--out', 'out-1'], dir);
    expect(outcome.code, outcome.stderr).toBe(0);
    const lines = outcome.stdout.split('\n').filter((line) => line.startsWith('mine: '));
    expect(lines.slice(0, 2).sort()).toEqual([
      'mine: scenario-end small generated passed 7',
      'mine: scenario-end two devices edit one record passed 1',
    ]);
    expect(lines.slice(2)).toEqual([`mine: end 2 seed 42 out ${path.join(dir, 'out-1')}`]);
    // The built-in reporter still wrote its file.
    const results = JSON.parse(await readFile(path.join(dir, 'out-1/results.json'), 'utf8')) as RunResults;
    expect(results.scenarios).toHaveLength(2);
  });

  test('a factory is called with the context; a TypeScript module typed with defineReporter loads too', async () => {
    const outcome = await cli(
      [...RUN, '--reporter', './reporters/factory.mjs,reporters/typed.ts', '--out', 'out-2'],
      dir,
    );
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain('factory: two devices edit one record | small generated\n');
    expect(outcome.stdout).toContain('typed: 2\n');
    // Only reporter modules: no built-in report was written.
    expect(existsSync(path.join(dir, 'out-2'))).toBe(false);
  });

  test('a reporter module in the config is found relative to the config file', async () => {
    const outcome = await cli(['run', '--config', 'project/syncwright.config.json'], dir);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain('from-config: scenario-end two devices edit one record passed 1\n');
    expect(outcome.stdout).toMatch(/from-config: end 1 seed 42 out .*project[/\\]out\n/);
  });

  test('merge-reports calls the hooks on the merged results', async () => {
    expect((await cli([...RUN, '--reporter', 'json', '--out', 'merge-in'], dir)).code).toBe(0);
    const outcome = await cli(['merge-reports', 'merge-in', '--reporter', './reporters/printing.mjs'], dir);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain('mine: scenario-end small generated passed 7\n');
    expect(outcome.stdout).toContain(`mine: end 2 seed 42 out ${path.join(dir, 'reports')}\n`);
  });

  test.each([
    [
      './reporters/missing.mjs',
      'expected a reporter module (a file) or one of html, junit, json, list, github, found no such file',
    ],
    [
      './reporters/no-default.mjs',
      'expected a default export (the hooks, or a factory of them), found no default export',
    ],
    ['./reporters/number.mjs', 'expected an object with onScenarioEnd or onEnd, found a number'],
    ['./reporters/no-hooks.mjs', 'expected an object with onScenarioEnd or onEnd, found neither'],
    ['./reporters/bad-hook.mjs', 'expected onEnd to be a function, found a string'],
    ['./reporters/syntax.mjs', 'expected a module that loads, found '],
    [
      './reporters/factory-throws.mjs',
      'expected a reporter factory that returns the hooks, found one that threw: no token',
    ],
  ])('%s is refused before anything runs: exit 2', async (module, message) => {
    const outcome = await cli([...RUN, '--reporter', `list,${module}`], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(`syncwright run: --reporter: ${module}: ${message}`);
    expect(outcome.stdout).toBe('');
  });

  test('a hook that throws ends the command with exit 2 and names the reporter and the hook', async () => {
    const outcome = await cli([...RUN, '--reporter', 'json,./reporters/end-throws.mjs', '--out', 'out-3'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe('syncwright: reporter ./reporters/end-throws.mjs: onEnd threw: disk full\n');
    // The built-in reports were written before the hook ran.
    expect(existsSync(path.join(dir, 'out-3/results.json'))).toBe(true);
  });

  test('a rejecting onScenarioEnd stops that reporter: its onEnd is not called, exit 2', async () => {
    const outcome = await cli([...RUN, '--reporter', './reporters/scenario-end-rejects.mjs'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      'reporter ./reporters/scenario-end-rejects.mjs: onScenarioEnd threw: upload refused',
    );
    expect(outcome.stdout).not.toContain('end was called');
  });

  test('a name that is neither a built-in reporter nor a path says both', async () => {
    const outcome = await cli([...RUN, '--reporter', 'pdf'], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      '--reporter: unknown reporter "pdf"; use html, junit, json, list, github, or the path of a reporter module (./my-reporter.js)',
    );
  });
});
