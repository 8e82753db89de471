/**
 * The package as a team gets it: `npm pack` of this repository (built: `npm run build` first),
 * installed into an empty folder from the tarball with `npm i -D --prefer-offline` — its
 * dependencies come from the npm cache when they are there, else from the registry — then
 * `npx syncwright init` and `npx syncwright run`. It catches what the repository's own tests
 * cannot: a file missing from package.json's `files`, a dependency listed as a devDependency, a
 * path into src/. Its CI cost: 34 s measured on 2 shared cores at a load average of 17, most of
 * it `npm i` and the two SDK-free `npx` start-ups; the SDK run adds a few seconds.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parse } from 'yaml';
import type { RunResults } from '../../src/scenario/results.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

// npm's own variables (set when this runs under `npm test`) would steer the inner npm: only
// where its cache and registry are passes on.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !key.startsWith('npm_') || ['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig'].includes(key),
  ),
);
delete env['CI'];

function run(command: string, args: readonly string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });
}

let work: string;
let app: string;
let tgz: string;

beforeAll(async () => {
  expect(existsSync(path.join(ROOT, 'dist/cli/main.js')), 'the package is built (npm run build)').toBe(true);
  work = await mkdtemp(path.join(tmpdir(), 'syncwright-packed-'));
  app = path.join(work, 'app');
  // --ignore-scripts: no `prepare` build here; the tarball holds the dist/ this run's build made.
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  expect(pack.code, pack.stderr).toBe(0);
  const [tarball] = JSON.parse(pack.stdout) as { filename: string }[];
  tgz = path.join(work, tarball!.filename);
}, 120_000);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

test('npm i -D --prefer-offline <tgz> && npx syncwright init && npx syncwright run passes in an empty folder', async () => {
  expect(existsSync(tgz)).toBe(true);
  await mkdir(app);
  expect((await run('npm', ['init', '-y'], app)).code).toBe(0);
  const install = await run('npm', ['i', '-D', '--prefer-offline', '--no-audit', '--no-fund', tgz], app);
  expect(install.code, install.stderr).toBe(0);
  // The tarball installs as it is: its `prepare` (a build from src/, which it does not ship) never runs.
  expect(existsSync(path.join(app, 'node_modules/syncwright/src'))).toBe(false);

  const init = await run('npx', ['syncwright', 'init'], app);
  expect(init.code, init.stderr).toBe(0);
  expect(init.stdout).toContain('created .github/workflows/syncwright.yml');

  const first = await run('npx', ['syncwright', 'run'], app);
  expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
  expect(first.stdout).toContain('config: syncwright.config.ts');
  const results = JSON.parse(await readFile(path.join(app, 'reports/results.json'), 'utf8')) as RunResults;
  expect(results.scenarios.map((scenario) => [scenario.file, scenario.status])).toEqual([
    ['scenarios/my-table.json', 'passed'],
  ]);
  expect(existsSync(path.join(app, 'reports/index.html'))).toBe(true);

  const workflow = parse(await readFile(path.join(app, '.github/workflows/syncwright.yml'), 'utf8')) as {
    jobs: { run: { strategy: { matrix: { shard: number[] } } } };
  };
  expect(workflow.jobs.run.strategy.matrix.shard).toEqual([1, 2, 3, 4]);

  // The real SDK loads from the installed package too (its files, the Cordova sandbox, sql.js).
  const sdk = await run('npx', ['syncwright', 'run', '--client', 'sdk', '--reporter', 'json', '--out', 'sdk'], app);
  const sdkResults = JSON.parse(await readFile(path.join(app, 'sdk/results.json'), 'utf8')) as RunResults;
  expect(
    sdkResults.scenarios.map((scenario) => [scenario.client, scenario.runs]),
    sdk.stderr,
  ).toEqual([['sdk', 1]]);
  expect(sdkResults.scenarios[0]!.status, sdkResults.scenarios[0]!.error).not.toBe('error');
}, 240_000);
