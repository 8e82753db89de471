/**
 * serve's request log: a line per request with the fault that met it, hostile paths escaped,
 * admin requests marked; the CLI writes it to its stdout unless --quiet.
 */
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import { createServeCommand } from '../../src/cli/commands/serve.js';
import { lineWriter } from '../../src/cli/line-writer.js';
import { escapeForLog, formatRequestLog, type RequestLogEntry } from '../../src/serve/request-log.js';
import { startServer, type RunningServer, type ServeOptions } from '../../src/serve/serve.js';
import { cli } from '../cli/helpers.js';

const API = { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' };
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server whose log entries land in the returned list. */
async function logged(options: ServeOptions = {}): Promise<{ server: RunningServer; entries: RequestLogEntry[] }> {
  const entries: RequestLogEntry[] = [];
  server = await startServer({ port: 0, ...options, log: (entry) => entries.push(entry) });
  return { server, entries };
}

/** Waits until the log has `count` entries (each is written when its request ends, after the client hears). */
async function until(entries: readonly RequestLogEntry[], count: number): Promise<void> {
  while (entries.length < count) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Sends `head` as the raw start of a request (the target byte for byte), and reads until the server closes. */
function raw(url: string, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1', () => socket.write(Buffer.from(head, 'latin1')));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('the request log', () => {
  test('a line per request: time, method, path with query, status, duration, fault, client', async () => {
    const { server, entries } = await logged();
    await fetch(`${server.url}/tables/todoitem?$top=1`, { headers: { ...API, 'x-syncwright-client': 'client-1' } });
    await fetch(`${server.url}/tables/nothing`, { headers: API });
    await until(entries, 2);
    expect(entries.map((entry) => ({ ...entry, time: 0, durationMs: 0 }))).toEqual([
      {
        time: 0,
        method: 'GET',
        path: '/tables/todoitem?$top=1',
        status: 200,
        durationMs: 0,
        faults: [],
        client: 'client-1',
        admin: false,
      },
      { time: 0, method: 'GET', path: '/tables/nothing', status: 404, durationMs: 0, faults: [], admin: false },
    ]);
    const [first, second] = entries.map(formatRequestLog);
    const [time, ...rest] = first!.split(' ');
    expect(time).toMatch(TIME);
    expect(rest.join(' ')).toMatch(/^GET \/tables\/todoitem\?\$top=1 200 \d+ms fault=none client=client-1$/);
    expect(second).toMatch(/ GET \/tables\/nothing 404 \d+ms fault=none$/);
  });

  test('each fault is named: a lost answer, an error status, the link down', async () => {
    const { server, entries } = await logged({ faults: { lostResponseRate: 1 } });
    const insert = fetch(`${server.url}/tables/todoitem`, {
      method: 'POST',
      headers: API,
      body: JSON.stringify({ id: 'lost-1', text: 'x' }),
    });
    await expect(insert).rejects.toThrow(/fetch failed/);
    await until(entries, 1);
    expect(entries[0]).toMatchObject({ method: 'POST', status: null, faults: [{ kind: 'lost-response' }] });
    expect(formatRequestLog(entries[0]!)).toMatch(/ POST \/tables\/todoitem - \d+ms fault=lost-response$/);

    server.traffic.setFaults({ errorRate: 1, errorStatus: 503 });
    expect((await fetch(`${server.url}/tables/todoitem`, { headers: API })).status).toBe(503);
    await until(entries, 2);
    expect(formatRequestLog(entries[1]!)).toMatch(/ GET \/tables\/todoitem 503 \d+ms fault=http-503$/);

    server.traffic.setFaults({ offline: true });
    await expect(fetch(`${server.url}/tables/todoitem`, { headers: API })).rejects.toThrow(/fetch failed/);
    await until(entries, 3);
    expect(formatRequestLog(entries[2]!)).toMatch(/ GET \/tables\/todoitem - \d+ms fault=offline$/);
  });

  test('an intercept’s hold and release are the held request’s faults; the admin requests are marked', async () => {
    const { server, entries } = await logged();
    const admin = (method: string, path: string, body: unknown) =>
      fetch(`${server.url}/__syncwright${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await admin('POST', '/intercepts', { action: 'hold', path: '/tables/todoitem' })).status).toBe(201);
    const held = fetch(`${server.url}/tables/todoitem`, { headers: API });
    while (server.traffic.intercepts.get(1).state !== 'held') await new Promise((resolve) => setImmediate(resolve));
    expect((await admin('POST', '/intercepts/1/release', {})).status).toBe(200);
    expect((await held).status).toBe(200);
    await until(entries, 3);
    const lines = entries.map(formatRequestLog);
    expect(lines[0]).toMatch(/ POST \/__syncwright\/intercepts 201 \d+ms fault=none admin$/);
    expect(lines[1]).toMatch(/ POST \/__syncwright\/intercepts\/1\/release 200 \d+ms fault=none admin$/);
    // The held request ends last, and carries only its own faults (not the release request's).
    expect(lines[2]).toMatch(/ GET \/tables\/todoitem 200 \d+ms fault=held:1\+released:1$/);
  });

  test('a hostile target or client header cannot forge a line or make one huge', async () => {
    const { server, entries } = await logged();
    // Node's parser refuses a raw newline or ESC in the target before any handler runs (400, no
    // log line); percent-encoded ones stay encoded, and a header's tab and latin-1 are escaped.
    expect(await raw(server.url, 'GET /tables/a\nb HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(server.url, 'GET /tables/\x1b[31m HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    await raw(server.url, `GET /tables/a%0A%1B[31m HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    await raw(
      server.url,
      `GET /tables/${'a'.repeat(5000)} HTTP/1.1\r\nHost: x\r\nX-Syncwright-Client: evil\t\xe9\r\nConnection: close\r\n\r\n`,
    );
    await until(entries, 2);
    expect(entries).toHaveLength(2);
    const lines = entries.map(formatRequestLog);
    for (const line of lines) expect(line).toMatch(/^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/);
    expect(lines[0]).toMatch(/ GET \/tables\/a%0A%1B\[31m 400 \d+ms fault=none$/);
    expect(lines[1]).toContain(` /tables/${'a'.repeat(192)}...(+4808) 400 `);
    expect(lines[1]).toMatch(/ client=evil\\x09\\xe9$/);
    expect(lines[1]!.length).toBeLessThan(400);
  });

  test('escapeForLog: printable ASCII stays, everything else is spelled out, long text is cut', () => {
    expect(escapeForLog('/a b\\c\r\n\t\u0000\u2028😀', 100)).toBe(
      '/a\\x20b\\x5cc\\x0d\\x0a\\x09\\x00\\u{2028}\\u{1f600}',
    );
    expect(escapeForLog('abcdef', 4)).toBe('abcd...(+2)');
    expect(escapeForLog('\n\n\n', 4)).toBe('\\x0a...(+2)');
  });
});

describe('syncwright serve logs to its stdout', () => {
  /** Runs `serve` in this process until the test stops it, capturing its output. */
  async function serve(args: string[]) {
    let stdout = '';
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    let listening!: (url: string) => void;
    const url = new Promise<string>((resolve) => (listening = resolve));
    const sink = (append: (text: string) => void) =>
      new Writable({
        write(chunk: Buffer | string, _encoding, callback) {
          append(chunk.toString());
          callback();
        },
      });
    const code = createServeCommand({ untilStopped: () => stopped }).run(['--port', '0', ...args], {
      stdout: sink((text) => {
        stdout += text;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (match !== null) listening(match[1]!);
      }),
      stderr: sink(() => undefined),
      cwd: process.cwd(),
    });
    return {
      url: await Promise.race([url, code.then((c) => Promise.reject(new Error(`serve exited with ${c}`)))]),
      stdout: () => stdout,
      stop: async () => {
        stop();
        return code;
      },
    };
  }

  test('one line per request, with the fault applied', async () => {
    const running = await serve(['--error-rate', '1', '--error-status', '503']);
    expect((await fetch(`${running.url}/tables/todoitem`, { headers: API })).status).toBe(503);
    expect((await fetch(`${running.url}/__syncwright/faults`)).status).toBe(200);
    expect(await running.stop()).toBe(0);
    const lines = running
      .stdout()
      .split('\n')
      .filter((line) => TIME.test(line.split(' ')[0]!));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/ GET \/tables\/todoitem 503 \d+ms fault=http-503$/);
    expect(lines[1]).toMatch(/ GET \/__syncwright\/faults 200 \d+ms fault=none admin$/);
  });

  test('--quiet silences the log (and the banner past the address)', async () => {
    const running = await serve(['--quiet', '--lost-response-rate', '1']);
    await expect(fetch(`${running.url}/tables/todoitem`, { headers: API })).rejects.toThrow(/fetch failed/);
    expect((await fetch(`${running.url}/__syncwright/faults`)).status).toBe(200);
    expect(await running.stop()).toBe(0);
    expect(running.stdout()).toBe(`syncwright backend listening on ${running.url} (node profile)\n`);
  });

  test('--quiet takes no value: exit 2 with the usual message', async () => {
    const result = await cli(['serve', '--quiet=yes'], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Option '--quiet' does not take an argument/);
  });

  test('a log that cannot keep up drops lines and says how many, instead of queueing them', () => {
    const written: string[] = [];
    let release!: () => void;
    const slow = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk.toString());
        release = callback;
      },
    });
    const log = lineWriter(slow);
    for (let i = 0; i < 1000; i++) log.write(`line ${i} ${'x'.repeat(40)}`);
    // The first write is being written, the second fills the buffer: the other 998 are counted only.
    expect(slow.writableLength).toBeLessThan(200);
    release();
    release();
    log.close();
    expect(written.at(-1)).toBe('(998 log lines dropped: the output was not keeping up)\n');
  });
});
