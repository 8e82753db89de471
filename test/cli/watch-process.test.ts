/**
 * `run --watch` as a user runs it, from the built CLI (`npm run build` first): real fs.watch, a
 * round per process — an edited ES-module handler runs in its new version — and Ctrl-C. The test
 * waits for what the command prints, never for time.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { SMALL_FIXED, workspace } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const handler = (version: string) =>
  `export function onConflict(pushError) {\n  console.log('handler ${version}');\n  return pushError.cancelAndUpdate(pushError.getServerRecord());\n}\n`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

test('re-runs when the handler module changes, with the new handler, and Ctrl-C ends it with 130', async () => {
  expect(existsSync(path.join(ROOT, 'dist/cli/watch.js')), 'the CLI is built (npm run build)').toBe(true);
  const { dir, cleanup } = await workspace({
    'scenarios/mine.json': { ...SMALL_FIXED, policy: { module: '../handlers/mine.mjs' } },
    'handlers/mine.mjs': handler('v1'),
  });
  cleanups.push(cleanup);
  const env = { ...process.env };
  delete env['CI'];
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/syncwright.js'), 'run', '--watch', '--reporter', 'list', '--workers', '1'],
    {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  cleanups.push(async () => void child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((waiter) => waiter());
  child.stdout.on('data', (chunk: Buffer) => ((stdout += chunk.toString('utf8')), wake()));
  child.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString('utf8')), wake()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const printed = async (pattern: RegExp): Promise<void> => {
    while (!pattern.test(stdout)) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${stdout}\n${stderr}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };

  await printed(/exit 0 · watching 3 paths/);
  expect(stdout).toContain('handler v1');
  expect(stdout).not.toContain('handler v2');
  await writeFile(path.join(dir, 'handlers/mine.mjs'), handler('v2'));
  await printed(/changed: handlers\/mine\.mjs — running again[\s\S]*exit 0 · watching/);
  expect(stdout.slice(stdout.indexOf('running again'))).toContain('handler v2');

  child.kill('SIGINT');
  expect(await exited).toBe(130);
  expect(stderr).toContain('syncwright run --watch: stopped');
}, 60_000);
