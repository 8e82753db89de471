import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import type { RunResults } from '../../src/scenario/results.js';
import { commands } from '../../src/cli/commands/index.js';
import { cli } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FILES = [
  'syncwright.config.ts',
  'scenarios/my-table.json',
  'handlers/my-handler.mjs',
  'test/syncwright.test.ts',
  '.github/workflows/syncwright.yml',
];

const made: string[] = [];
async function emptyFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'syncwright-init-'));
  made.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

interface Step {
  readonly run?: string;
  readonly uses?: string;
  readonly with?: Record<string, string>;
}
interface Workflow {
  jobs: {
    run: { strategy: { matrix: { shard: number[] } }; steps: Step[] };
    'merge-reports': { needs: string; steps: Step[] };
  };
}

describe('syncwright init', () => {
  test('scaffolds the five files, and `syncwright run` then passes on the new scenario', async () => {
    const dir = await emptyFolder();
    const init = await cli(['init'], dir);
    expect(init.code, init.stderr).toBe(0);
    for (const file of FILES) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
      expect(init.stdout).toContain(`created ${file}`);
    }
    const scenario = JSON.parse(await readFile(path.join(dir, 'scenarios/my-table.json'), 'utf8')) as {
      tables: { name: string }[];
      $schema?: string;
    };
    expect(scenario.tables.map((table) => table.name)).toEqual(['items']);
    // The schema the installed package ships, so that the user's editor completes and checks the file.
    expect(scenario.$schema).toBe('../node_modules/syncwright/schema/scenario.schema.json');
    expect(await readFile(path.join(dir, 'handlers/my-handler.mjs'), 'utf8')).toMatch(
      /^export async function onConflict/m,
    );

    const run = await cli(['run', '--workers', '1', '--reporter', 'json'], dir);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('config: syncwright.config.ts');
    const results = JSON.parse(await readFile(path.join(dir, 'reports/results.json'), 'utf8')) as RunResults;
    expect(results.scenarios.map((result) => [result.file, result.status])).toEqual([
      ['scenarios/my-table.json', 'passed'],
    ]);
    // The handler really answered the conflict: the scenario is not passing by never meeting one.
    expect(results.scenarios[0]!.coverage['conflict-412']).toBeGreaterThan(0);
    expect(results.scenarios[0]!.coverage['decision-update']).toBeGreaterThan(0);

    // The scaffold's handler is one for both clients: on the real SDK it passes too (P4's
    // isHandled is set by the handler itself), rather than failing a new user on a known SDK defect.
    const sdk = await cli(['run', '--client', 'sdk', '--workers', '1', '--reporter', 'json'], dir);
    expect(sdk.code, `${sdk.stdout}\n${sdk.stderr}`).toBe(0);
  });

  test('the workflow is valid YAML with a shard matrix, each shard running its slice, and a merge-reports job', async () => {
    const dir = await emptyFolder();
    expect((await cli(['init', '--shards', '3'], dir)).code).toBe(0);
    const workflow = parse(await readFile(path.join(dir, '.github/workflows/syncwright.yml'), 'utf8')) as Workflow;
    expect(workflow.jobs.run.strategy.matrix.shard).toEqual([1, 2, 3]);
    const runStep = workflow.jobs.run.steps
      .map((step) => step.run ?? '')
      .find((line) => line.includes('syncwright run'));
    expect(runStep).toContain('--shard ${{ matrix.shard }}/3');
    expect(runStep).toContain('github');
    expect(workflow.jobs['merge-reports'].needs).toBe('run');
    expect(workflow.jobs['merge-reports'].steps.some((step) => step.run?.includes('syncwright merge-reports'))).toBe(
      true,
    );
    // Every option the workflow passes exists on its command.
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps.filter((candidate) => candidate.run?.startsWith('npx syncwright ') === true)) {
        const [name, ...words] = step.run!.split(/\s+/).slice(2);
        const command = commands.find((candidate) => candidate.name === name);
        expect(command, name).toBeDefined();
        for (const option of words.filter((word) => word.startsWith('--'))) expect(command!.usage).toContain(option);
      }
    }
    // The merge downloads what the shards upload, and merges every shard's folder.
    const upload = workflow.jobs.run.steps.find((step) => step.uses?.startsWith('actions/upload-artifact') === true)!;
    const download = workflow.jobs['merge-reports'].steps.find(
      (step) => step.uses?.startsWith('actions/download-artifact') === true,
    )!;
    expect(upload.with!['name']).toBe('syncwright-shard-${{ matrix.shard }}');
    expect(download.with!['pattern']).toBe('syncwright-shard-*');
    expect(workflow.jobs['merge-reports'].steps.map((step) => step.run ?? '').join('\n')).toContain(
      `merge-reports ${download.with!['path']}/syncwright-shard-*`,
    );
  });

  test('--table names the scenario table', async () => {
    const dir = await emptyFolder();
    expect((await cli(['init', '--table', 'orders'], dir)).code).toBe(0);
    const text = await readFile(path.join(dir, 'scenarios/my-table.json'), 'utf8');
    expect((JSON.parse(text) as { tables: { name: string }[] }).tables[0]!.name).toBe('orders');
  });

  test('never overwrites: existing files are skipped and named, the others are written', async () => {
    const dir = await emptyFolder();
    await writeFile(path.join(dir, 'syncwright.config.ts'), '// mine\n', 'utf8');
    const first = await cli(['init'], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('skipped syncwright.config.ts (it exists; left as it is)');
    expect(first.stdout).toContain('created scenarios/my-table.json');
    expect(await readFile(path.join(dir, 'syncwright.config.ts'), 'utf8')).toBe('// mine\n');
    const again = await cli(['init'], dir);
    expect(again.code).toBe(0);
    for (const file of FILES) expect(again.stdout).toContain(`skipped ${file}`);
    expect(again.stdout).toContain('Nothing written');
  });

  test('bad --table and --shards values exit 2 with the usual message', async () => {
    const dir = await emptyFolder();
    for (const [args, message] of [
      [['--table', '1abc'], '--table expects a table name of letters, digits and _'],
      [['--table', 'x; DROP TABLE y'], '--table expects a table name'],
      [['--shards', '0'], '--shards expects a number from 1 to 64, got 0'],
      [['--shards', 'many'], "--shards expects a whole number, got 'many'"],
      [['--nope'], "Unknown option '--nope'"],
    ] as const) {
      const outcome = await cli(['init', ...args], dir);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toContain(`syncwright init: ${message}`);
    }
    expect(existsSync(path.join(dir, 'syncwright.config.ts'))).toBe(false);
  });

  test('with the built CLI in an empty folder: init, then run, passes', { timeout: 120_000 }, async () => {
    expect(existsSync(path.join(ROOT, 'dist/cli/main.js')), 'the CLI is built (npm run build)').toBe(true);
    const dir = await emptyFolder();
    const bin = path.join(ROOT, 'bin/syncwright.js');
    const exec = promisify(execFile);
    await exec(process.execPath, [bin, 'init'], { cwd: dir });
    const run = await exec(process.execPath, [bin, 'run', '--workers', '1'], { cwd: dir });
    expect(run.stdout).toContain('PASSED');
    expect(existsSync(path.join(dir, 'reports/index.html'))).toBe(true);
  });
});
