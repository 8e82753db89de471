/**
 * The example of docs/guides/real-sdk.md, as a user runs it: the two commands of the guide's
 * shell block — `npx syncwright serve … --lost-response-rate 0.3`, then `node <script> <url>` —
 * read from the page, so that the page and the test cannot drift, with the port made an
 * ephemeral one; and the guide's `loadRealSdk` snippet as a program of its own. Both import
 * `syncwright/sdk` from the built package (`npm test` builds first).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

/**
 * A script that has not ended by then has hung (it takes 2–6 s on a loaded machine): it is
 * killed, and the test fails with what it printed, instead of a bare test timeout.
 */
const SCRIPT_DEADLINE_MS = 40_000;

function run(
  file: string,
  args: readonly string[],
  cwd = ROOT,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `node ${file} had not ended after ${SCRIPT_DEADLINE_MS / 1000} s and was killed; it printed:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, SCRIPT_DEADLINE_MS);
    child.once('exit', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

const GUIDE = readFileSync(path.join(ROOT, 'docs/guides/real-sdk.md'), 'utf8');

/** The fenced blocks of a language in the guide. */
function blocks(language: string): string[] {
  return [...GUIDE.matchAll(new RegExp(`^\`\`\`${language}\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((match) => match[1]!);
}

/** The guide's two commands: serve's arguments and the script's path, each line without its comment. */
function guideCommands(): { serveArgs: string[]; script: string; url: string } {
  const block = blocks('sh').find((text) => text.includes('syncwright serve') && text.includes('node '));
  expect(block, 'a sh block with `syncwright serve` and `node <script>`').toBeDefined();
  const words = block!
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim().split(/\s+/))
    .filter((line) => line.length > 1);
  const serve = words.find((line) => line[0] === 'npx' && line[1] === 'syncwright' && line[2] === 'serve')!;
  const node = words.find((line) => line[0] === 'node')!;
  return { serveArgs: serve.slice(3), script: node[1]!, url: node[2]! };
}

test("the guide's commands: its script runs the tutorial story against serve --lost-response-rate 0.3 and ends in agreement", async () => {
  expect(existsSync(path.join(ROOT, 'dist/sdk/node/index.js')), 'syncwright/sdk is built (npm run build)').toBe(true);
  const { serveArgs, script, url: shownUrl } = guideCommands();
  expect(serveArgs).toContain('--lost-response-rate');
  const port = serveArgs.indexOf('--port');
  expect(shownUrl).toBe(`http://127.0.0.1:${serveArgs[port + 1]}`);
  expect(readFileSync(path.join(ROOT, script), 'utf8')).toContain("from 'syncwright/sdk'");
  // The guide's port may be taken on this machine: serve picks a free one, the script is told it.
  const url = await startServe(serveArgs.filter((_, i) => i !== port && i !== port + 1));
  const faults = (await (await fetch(`${url}/__syncwright/faults`)).json()) as { faults: object };
  expect(faults.faults).toMatchObject({ lostResponseRate: 0.3 });

  const { code, stdout, stderr } = await run(script, [url]);
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

test("the guide's loadRealSdk snippet runs as a program of its own: its insert reaches serve", async () => {
  const snippet = blocks('js').find((text) => text.includes('loadRealSdk'));
  expect(snippet, 'a js block with loadRealSdk').toBeDefined();
  const url = await startServe([]);
  expect(snippet).toContain("'http://127.0.0.1:4123'");
  // A folder of the user's own, where `syncwright/sdk` resolves to this (built) package.
  const app = await mkdtemp(path.join(tmpdir(), 'syncwright-snippet-'));
  try {
    await mkdir(path.join(app, 'node_modules'));
    await symlink(ROOT, path.join(app, 'node_modules/syncwright'), 'dir');
    await writeFile(path.join(app, 'snippet.mjs'), snippet!.replace("'http://127.0.0.1:4123'", JSON.stringify(url)));
    const { code, stderr } = await run('snippet.mjs', [], app);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(existsSync(path.join(app, '.device/todo.db')), 'the store is a file in storeDir').toBe(true);
    const { rows } = (await (await fetch(`${url}/__syncwright/tables/todoitem`)).json()) as {
      rows: { id: string; text: string }[];
    };
    expect(rows.map(({ id, text }) => ({ id, text }))).toEqual([{ id: 'milk', text: 'Buy milk' }]);
  } finally {
    await rm(app, { recursive: true, force: true });
  }
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
