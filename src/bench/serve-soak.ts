/**
 * `npm run bench -- serve-soak`: `syncwright serve --quiet` as a child process under a bounded
 * loop of mixed valid and hostile requests from loopback, as a long-running server meets them.
 * It measures requests per second, latency (p50, p99) and the server's resident memory: idle
 * (listening, no request yet), at the start (after the first 5% of the requests), in the middle
 * and at the end. The goal is growth of at most 50 MB with the default history limit, and no
 * 5xx answer at all. Growth is counted from the start, not from idle: under any sustained load
 * V8 first sizes its heap up (from about 16 to 40–100 MB of capacity, whatever the requests),
 * which is not memory the server keeps; what it keeps shows as growth after that.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '../kernel/random.js';

export interface SoakOptions {
  /** Requests in all (default 200,000). */
  readonly requests?: number;
  /** Requests in flight at once (default 16). */
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

export interface SoakFigures {
  readonly requests: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Resident memory of the serve process, MB: idle, after the first 5% of the requests, halfway, at the end. */
  readonly rssMb: { readonly idle: number; readonly start: number; readonly middle: number; readonly end: number };
  /** End minus start; and end minus idle, heap sizing included. */
  readonly rssGrowthMb: number;
  readonly rssGrowthFromIdleMb: number;
  /** Answers by status class, and requests that got no answer (a reset connection). */
  readonly statuses: Readonly<Record<string, number>>;
  readonly serverErrors: number;
  readonly noAnswer: number;
  /** The history as serve reports it at the end. */
  readonly history: { readonly kept: number; readonly total: number; readonly dropped: number };
  readonly goals: { readonly rssGrowthMb: 50; readonly serverErrors: 0 };
}

interface Shot {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const API = { 'zumo-api-version': '2.0.0', 'content-type': 'application/json' };
const DEEP = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const HUGE = `{${'x'.repeat(900 * 1024)}`;
const POOL = 500;

/** The i-th request of the mix: about one in four hostile, one in a thousand a 900 KB body. */
function shot(i: number, random: SeededRandom, port: number): Shot {
  const id = `soak-${random.int(0, POOL - 1)}`;
  if (i % 1000 === 999) return { method: 'POST', path: '/tables/todoitem', headers: API, body: HUGE };
  switch (random.int(0, 19)) {
    case 0:
    case 1:
    case 2:
      return { method: 'GET', path: '/tables/todoitem?$top=10', headers: API };
    case 3:
      return { method: 'GET', path: `/tables/todoitem/${id}`, headers: API };
    case 4:
    case 5:
      return { method: 'POST', path: '/tables/todoitem', headers: API, body: JSON.stringify({ id, text: `t${i}` }) };
    case 6:
    case 7:
      return {
        method: 'PATCH',
        path: `/tables/todoitem/${id}`,
        headers: API,
        body: JSON.stringify({ text: `u${i}`, complete: i % 2 === 0 }),
      };
    case 8:
      return { method: 'DELETE', path: `/tables/todoitem/${id}`, headers: API };
    case 9:
      return { method: 'GET', path: `/tables/todoitem?$filter=${encodeURIComponent("text eq 't1'")}`, headers: API };
    case 10:
      return { method: 'GET', path: '/__syncwright/faults', headers: {} };
    case 11:
      return { method: 'GET', path: '/__syncwright/history?limit=50', headers: {} };
    case 12:
      return {
        method: 'POST',
        path: '/tables/todoitem',
        headers: API,
        body: JSON.stringify({ id, text: '<script>alert(1)</script>' }),
      };
    case 13: {
      const hostile = [
        `/tables/todoitem?$filter=${encodeURIComponent("text eq 'x'; DROP TABLE todoitem; --")}`,
        '/tables/todoitem?$top=1e300',
        '/tables/todoitem?$skip=-1',
        `/tables/todoitem/${'i'.repeat(300)}`,
        '/tables/secrets',
      ];
      return { method: 'GET', path: hostile[i % hostile.length]!, headers: API };
    }
    case 14:
      return { method: 'POST', path: '/tables/todoitem', headers: API, body: '{"id": "broken",' };
    case 15:
      return { method: 'POST', path: '/tables/todoitem', headers: API, body: `{"id":"deep","text":${DEEP}}` };
    case 16:
      return { method: 'GET', path: '/tables/todoitem', headers: {} };
    case 17:
      // A page on a foreign domain rebound to 127.0.0.1.
      return {
        method: 'POST',
        path: '/__syncwright/reset',
        headers: {
          host: `rebind.example:${port}`,
          origin: `http://rebind.example:${port}`,
          'content-type': 'application/json',
        },
        body: '{}',
      };
    case 18:
      return {
        method: 'PUT',
        path: '/__syncwright/faults',
        headers: { 'content-type': 'application/json' },
        body: `{"plan":${DEEP}}`,
      };
    default:
      return { method: 'POST', path: '/tables/todoitem', headers: API, body: JSON.stringify({ id, text: '\ud800' }) };
  }
}

export async function benchServeSoak(options: SoakOptions = {}): Promise<SoakFigures> {
  const total = options.requests ?? 200_000;
  const concurrency = options.concurrency ?? 16;
  const log = options.log ?? (() => undefined);
  const { child, url } = await startServe();
  try {
    const port = Number(new URL(url).port);
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const random = new SeededRandom('serve-soak');
    const latencies = new Float64Array(total);
    const statuses: Record<string, number> = {};
    let noAnswer = 0;
    let next = 0;
    const rssIdle = await rssMb(child.pid!);
    let rssStart = rssIdle;
    let rssMiddle = rssIdle;
    const began = performance.now();
    const worker = async (): Promise<void> => {
      for (let i = next++; i < total; i = next++) {
        if (i === Math.floor(total / 20)) rssStart = await rssMb(child.pid!);
        if (i === Math.floor(total / 2)) rssMiddle = await rssMb(child.pid!);
        const started = performance.now();
        const status = await send(agent, port, shot(i, random, port));
        latencies[i] = performance.now() - started;
        if (status === 0) noAnswer++;
        else {
          const key = `${Math.floor(status / 100)}xx`;
          statuses[key] = (statuses[key] ?? 0) + 1;
        }
        if ((i + 1) % 20_000 === 0) log(`serve-soak: ${i + 1} requests`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - began) / 1000;
    const rssEnd = await rssMb(child.pid!);
    const history = (await (await fetch(`${url}/__syncwright/history?limit=1`)).json()) as {
      kept: number;
      total: number;
      dropped: { events: number };
    };
    agent.destroy();
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number): number =>
      Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
    return {
      requests: total,
      concurrency,
      seconds: Math.round(seconds * 10) / 10,
      requestsPerSecond: Math.round(total / seconds),
      latencyMs: { p50: at(0.5), p99: at(0.99), max: at(1) },
      rssMb: { idle: rssIdle, start: rssStart, middle: rssMiddle, end: rssEnd },
      rssGrowthMb: Math.round((rssEnd - rssStart) * 10) / 10,
      rssGrowthFromIdleMb: Math.round((rssEnd - rssIdle) * 10) / 10,
      statuses,
      serverErrors: statuses['5xx'] ?? 0,
      noAnswer,
      history: { kept: history.kept, total: history.total, dropped: history.dropped.events },
      goals: { rssGrowthMb: 50, serverErrors: 0 },
    };
  } finally {
    child.kill('SIGTERM');
  }
}

/** The built CLI's `serve --port 0 --quiet`, and the address it says it listens on. */
function startServe(): Promise<{ child: ChildProcess; url: string }> {
  const bin = fileURLToPath(new URL('../../bin/syncwright.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match !== null) resolve({ child, url: match[1]! });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${output}`)));
  });
}

/** The status of one request; 0 when the connection failed instead. */
function send(agent: Agent, port: number, shot: Shot): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, agent, method: shot.method, path: shot.path, headers: shot.headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(shot.body);
  });
}

/** Resident memory of a process in MB: /proc on Linux, ps elsewhere. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kb =
    status !== undefined
      ? Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1])
      : Number(
          await new Promise<string>((resolve, reject) =>
            execFile('ps', ['-o', 'rss=', '-p', String(pid)], (error, stdout) =>
              error ? reject(error) : resolve(stdout),
            ),
          ),
        );
  return Math.round((kb / 1024) * 10) / 10;
}
