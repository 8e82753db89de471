/**
 * The example of docs/guides/real-sdk.md, as a user runs it: `syncwright serve --lost-response-rate 0.3` from the
 * built CLI, then `node examples/sdk-against-serve.mjs <url>` importing `syncwright/sdk` from
 * the built package. Both run from dist/ (`npm test` builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let serve: ChildProcess | undefined;

afterEach(() => {
  serve?.kill('SIGTERM');
  serve = undefined;
});

/** Starts the CLI's serve on a free port; resolves with its URL once it says it listens. */
function startServe(args: readonly string[]): Promise<string> {
  const child = spawn(process.execPath, ['bin/syncwright.js', 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  serve = child;
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match !== null) {
        child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${output}`)));
  });
}

function run(file: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('examples/sdk-against-serve.mjs runs the tutorial story against serve --lost-response-rate 0.3 and ends in agreement', async () => {
  expect(existsSync(path.join(ROOT, 'dist/sdk/node/index.js')), 'syncwright/sdk is built (npm run build)').toBe(true);
  const url = await startServe(['--lost-response-rate', '0.3']);
  const faults = (await (await fetch(`${url}/__syncwright/faults`)).json()) as { faults: object };
  expect(faults.faults).toMatchObject({ lostResponseRate: 0.3 });

  const { code, stdout, stderr } = await run('examples/sdk-against-serve.mjs', [url]);
  expect({ code, stderr }, stdout).toEqual({ code: 0, stderr: '' });
  expect(stdout).toContain('412 on milk: the server has "Buy oat milk", this device has complete=true → merged');
  expect(stdout).toContain(
    'device: [{"id":"dog","text":"Walk the dog","complete":false},{"id":"milk","text":"Buy oat milk","complete":true}]',
  );
  expect(stdout).toContain('the device and the server agree');

  const { rows } = (await (await fetch(`${url}/__syncwright/tables/todoitem`)).json()) as {
    rows: { id: string; text: string; complete: boolean; deleted: boolean }[];
  };
  const server = rows.map(({ id, text, complete, deleted }) => ({ id, text, complete, deleted }));
  expect(server.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
    { id: 'dog', text: 'Walk the dog', complete: false, deleted: false },
    { id: 'milk', text: 'Buy oat milk', complete: true, deleted: false },
  ]);
});

// Issue 17: the real SDK's tutorial story over real HTTP, unchanged, against each server profile.
test.each(['node', 'aspnet'])(
  'the same story runs against serve --profile %s and ends in agreement',
  async (profile) => {
    const url = await startServe(['--profile', profile]);
    const { code, stdout, stderr } = await run('examples/sdk-against-serve.mjs', [url]);
    expect({ code, stderr }, stdout).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('412 on milk');
    expect(stdout).toContain('the device and the server agree');
    const version = (await fetch(`${url}/tables/todoitem`, { headers: { 'zumo-api-version': '2.0.0' } })).headers.get(
      'x-zumo-server-version',
    );
    expect(version).toBe(profile === 'node' ? 'node-4.0.2' : 'net-2.0.4');
  },
);
