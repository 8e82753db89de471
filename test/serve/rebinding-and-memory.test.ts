/**
 * `syncwright serve` as a long-running server (issue 20): a page on a foreign domain that
 * resolves to 127.0.0.1 (DNS rebinding) cannot use the admin API, and rejected large bodies do
 * not pile up in the history until the heap runs out. Only interfaces that existed before the
 * fix are used, so these tests fail on the code before it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/serve/serve.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A raw request, so that the Host header can be what a rebound browser page would send. */
function send(
  server: RunningServer | string,
  method: string,
  pathname: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  const url = new URL(typeof server === 'string' ? server : server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(url.port), method, path: pathname, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('DNS rebinding', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test('a rebound page naming its own domain in Host and Origin gets 403 from the admin API', async () => {
    server = await startServer({ port: 0 });
    const port = new URL(server.url).port;
    const foreign = { host: `rebind.example:${port}`, origin: `http://rebind.example:${port}` };
    const reset = await send(
      server,
      'POST',
      '/__syncwright/reset',
      {
        ...foreign,
        'content-type': 'application/json',
      },
      '{}',
    );
    expect(reset.status).toBe(403);
    expect((await send(server, 'GET', '/__syncwright/history', foreign)).status).toBe(403);
    const offline = await send(
      server,
      'POST',
      '/__syncwright/offline',
      {
        ...foreign,
        'content-type': 'application/json',
      },
      '{"offline":true}',
    );
    expect(offline.status).toBe(403);
    // This machine's own names still work, with any port.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost'])
      expect((await send(server, 'GET', '/__syncwright/faults', { host })).status).toBe(200);
    const faults = JSON.parse((await send(server, 'GET', '/__syncwright/faults', { host: 'localhost' })).text);
    expect(faults.offline).toBe(false);
  });

  test('with an admin token the Host check still applies', async () => {
    server = await startServer({ port: 0, adminToken: 'correct horse battery' });
    const port = new URL(server.url).port;
    const auth = { authorization: 'Bearer correct horse battery' };
    expect(
      (await send(server, 'GET', '/__syncwright/history', { ...auth, host: `rebind.example:${port}` })).status,
    ).toBe(403);
    expect((await send(server, 'GET', '/__syncwright/history', { ...auth, host: `127.0.0.1:${port}` })).status).toBe(
      200,
    );
  });
});

describe('rejected large bodies under a 256 MB heap', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGTERM');
    child = undefined;
  });

  test('300 rejected 900 KB bodies leave the server answering', { timeout: 180_000 }, async () => {
    expect(existsSync(path.join(ROOT, 'dist/cli/main.js')), 'the CLI is built (npm run build)').toBe(true);
    const serve = spawn(process.execPath, ['--max-old-space-size=256', 'bin/syncwright.js', 'serve', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = serve;
    let output = '';
    const exited = new Promise<number | null>((resolve) => serve.once('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      serve.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match !== null) resolve(match[1]!);
      });
      serve.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      void exited.then((code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
    });
    // Valid UTF-8, not JSON: the backend answers 400, as it did in the probe.
    const body = `{${'x'.repeat(900 * 1024)}`;
    const headers = { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' };
    let died: string | undefined;
    void exited.then((code) => (died = `serve exited with ${code}:\n${output.slice(-2000)}`));
    for (let i = 0; i < 300 && died === undefined; i++) {
      const response = await send(url, 'POST', '/tables/todoitem', headers, body).catch((error: Error) => ({
        status: 0,
        text: error.message,
      }));
      expect(died).toBeUndefined();
      expect(response.status).toBe(400);
    }
    expect(died).toBeUndefined();
    const list = await send(url, 'GET', '/tables/todoitem', { 'zumo-api-version': '2.0.0' });
    expect(list.status).toBe(200);
    expect(JSON.parse(list.text)).toEqual([]);
  });
});
