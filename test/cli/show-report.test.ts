import { request } from 'node:http';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createShowReportCommand } from '../../src/cli/commands/show-report.js';
import { writeHtmlReport } from '../../src/report/html.js';
import { failingResults } from '../report/fixtures.js';
import { cli, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({ 'secret.txt': 'outside the report', 'reports/results.json': '{"ok":true}' }));
  await writeHtmlReport(failingResults(), path.join(dir, 'reports'));
  await mkdir(path.join(dir, 'reports', 'data'));
  await symlink(path.join(dir, 'secret.txt'), path.join(dir, 'reports', 'data', 'link.txt'));
});
afterAll(() => cleanup());

interface Started {
  readonly url: string;
  readonly opened: string[];
  readonly stderr: () => string;
  /** Stops the server (as Ctrl-C does) and resolves to the exit code. */
  stop(): Promise<number>;
}

/** Starts `show-report` in this process, stopped by the test instead of a signal. */
async function start(args: string[], openFails = false): Promise<Started> {
  let stdout = '';
  let stderr = '';
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let printed!: (url: string) => void;
  const url = new Promise<string>((resolve) => (printed = resolve));
  const opened: string[] = [];
  const command = createShowReportCommand({
    untilStopped: () => stopped,
    openBrowser: async (target) => {
      opened.push(target);
      return openFails ? 'spawn xdg-open ENOENT' : null;
    },
  });
  const sink = (append: (text: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        append(chunk.toString());
        callback();
      },
    });
  const code = command.run(args, {
    stdout: sink((text) => {
      stdout += text;
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout);
      if (match) printed(match[0]);
    }),
    stderr: sink((text) => (stderr += text)),
    cwd: dir,
  });
  const first = await Promise.race([url, code.then((c) => `exited ${c}: ${stderr}`)]);
  if (!first.startsWith('http')) throw new Error(first);
  return {
    url: first,
    opened,
    stderr: () => stderr,
    stop: async () => {
      stop();
      return code;
    },
  };
}

/** A raw GET (or other method), so that the path reaches the server as written, `..` and all. */
function get(url: string, rawPath: string, method = 'GET'): Promise<{ status: number; body: string; type: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: rawPath, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('syncwright show-report', () => {
  test('serves the report folder on 127.0.0.1 at a free port, prints the URL, and closes on stop', async () => {
    const server = await start([]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*\/$/);
    const index = await fetch(server.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toBe(await readFile(path.join(dir, 'reports', 'index.html'), 'utf8'));
    expect((await fetch(new URL('results.json', server.url))).status).toBe(200);
    expect(server.opened).toEqual([]);
    expect(await server.stop()).toBe(0);
    await expect(fetch(server.url)).rejects.toThrow();
  });

  test('serves nothing outside the folder, and only reads', async () => {
    const server = await start(['reports']);
    try {
      for (const raw of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/data/link.txt', '/nope.html']) {
        const answer = await get(server.url, raw);
        expect(answer.status, raw).toBe(404);
        expect(answer.body).not.toContain('outside the report');
      }
      expect((await get(server.url, '/%E0%A4%A', 'GET')).status).toBe(400);
      expect((await get(server.url, '/index.html%00.txt')).status).toBe(400);
      expect((await get(server.url, '/index.html', 'POST')).status).toBe(405);
      const head = await get(server.url, '/index.html', 'HEAD');
      expect([head.status, head.body]).toEqual([200, '']);
    } finally {
      await server.stop();
    }
  });

  test('--open hands the URL to the browser opener, and says so when it cannot', async () => {
    const opened = await start(['reports', '--open']);
    expect(opened.opened).toEqual([opened.url]);
    await opened.stop();
    const failing = await start(['--open'], true);
    expect(failing.stderr()).toContain(`could not open a browser (spawn xdg-open ENOENT); open ${failing.url}`);
    await failing.stop();
  });

  test('--port picks the port', async () => {
    const probe = await start([]);
    const port = new URL(probe.url).port;
    await probe.stop();
    const server = await start(['--port', port]);
    expect(new URL(server.url).port).toBe(port);
    await server.stop();
  });

  test('a folder without a report, extra folders and bad ports are usage errors (exit 2)', async () => {
    await writeFile(path.join(dir, 'empty.txt'), '', 'utf8');
    for (const [argv, message] of [
      [['show-report', 'nowhere'], 'nowhere: expected a report folder holding index.html, found none'],
      [['show-report', 'reports', 'other'], "expected one report folder, got 'reports' and 'other'"],
      [['show-report', '--port', '70000'], '--port expects a number from 0 to 65535, got 70000'],
      [['show-report', '--port', 'http'], "--port expects a whole number, got 'http'"],
    ] as const) {
      const outcome = await cli([...argv], dir);
      expect(outcome.code, argv.join(' ')).toBe(2);
      expect(outcome.stderr).toContain(message);
    }
  });
});
