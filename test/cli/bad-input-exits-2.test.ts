/**
 * Input the world cannot run is the author's mistake, said before anything runs (exit 2 and the
 * field), never a failure blamed on the client (exit 1) or a stack overflow; and the CLI's own
 * failures are clear: an --out that cannot be made, Ctrl-C. Only interfaces that existed before
 * issue 20 are used, so these tests fail on the code before it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { replay } from '../../src/scenario/replay.js';
import { cli, SMALL_FIXED, SMALL_GENERATED, workspace } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEEP = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const TOO_DEEP = /expected JSON nested at most 256 levels deep, (but )?found deeper nesting at line \d+, column \d+/;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function inWorkspace(files: Record<string, unknown>): Promise<string> {
  const space = await workspace(files);
  cleanup = space.cleanup;
  return space.dir;
}

/** A record nested `levels` deep in one object column. */
function nested(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { inner: value };
  return value;
}

describe('scenarios the world cannot run are refused before running', () => {
  test('a step "after": 1e300 is exit 2 naming the field, not a liveness failure', async () => {
    const dir = await inWorkspace({
      'after.json': {
        name: 'after 1e300',
        clients: 1,
        steps: [
          { actor: 'client-1', op: { type: 'insert', record: { id: 'a', text: 'x' } }, after: 1e300 },
          { actor: 'client-1', op: { type: 'push' } },
        ],
      },
    });
    const result = await cli(['run', 'after.json', '--reporter', 'list'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('after.json: steps[0].after: expected a number in [0, 315360000000], found 1e+300');
    expect(result.stdout).toBe('');
  });

  test('waits that add up past the virtual clock’s range are refused at the step that crosses it', async () => {
    const wait = { actor: 'world', op: { type: 'wait', ms: 300_000_000_000 } };
    const dir = await inWorkspace({ 'waits.json': { name: 'long waits', clients: 1, steps: [wait, wait] } });
    const result = await cli(['run', 'waits.json', '--reporter', 'list'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'waits.json: steps[1].op.ms: expected waits that add up to at most 315360000000 ms',
    );
  });

  test('a record nested deeper than the backend takes is exit 2 naming the field, not a no-lost-writes violation', async () => {
    const dir = await inWorkspace({
      'deep-record.json': {
        name: 'deep record',
        clients: 1,
        policy: 'server-wins',
        tables: [{ name: 'todoitem', columns: { text: 'string', complete: 'boolean', data: 'object' } }],
        steps: [
          { actor: 'client-1', op: { type: 'insert', record: { id: 'a', data: nested(70) } } },
          { actor: 'client-1', op: { type: 'push' } },
        ],
      },
    });
    const result = await cli(['run', 'deep-record.json', '--reporter', 'list'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "deep-record.json: steps[0].op.record.data: expected a value nested at most 64 levels deep (the backend's limit)",
    );
  });

  test('a record larger than the backend’s body limit, and an id longer than its column, are refused', async () => {
    const dir = await inWorkspace({
      'big.json': {
        name: 'big',
        clients: 1,
        steps: [
          { actor: 'client-1', op: { type: 'insert', record: { id: 'a', text: 'x'.repeat(1_100_000) } } },
          { actor: 'client-1', op: { type: 'insert', record: { id: 'i'.repeat(256), text: 'x' } } },
        ],
      },
    });
    const result = await cli(['run', 'big.json', '--reporter', 'list'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "steps[0].op.record: expected a record of at most 1 MiB as JSON (the backend's body limit), found 1.0 MiB",
    );
    expect(result.stderr).toContain('steps[1].op.record.id: expected a non-empty id of at most 255 characters');
  });

  test('a hold step aimed at no request kind, a request 0, no step count or another client is exit 2 naming each field', async () => {
    const hold = (client: string, request: unknown, steps?: number) => ({
      actor: 'world',
      op: { type: 'hold', client, request, ...(steps !== undefined ? { steps } : {}) },
    });
    const dir = await inWorkspace({
      'hold.json': {
        name: 'bad holds',
        clients: 1,
        steps: [
          hold('client-1', { kind: 'fetch', n: 1 }, 2),
          hold('client-1', { kind: 'push', n: 0 }, 2),
          hold('client-1', { kind: 'pull', page: 1 }),
        ],
      },
      'client.json': { name: 'hold on nobody', clients: 1, steps: [hold('client-9', { kind: 'pull', page: 1 }, 1)] },
    });
    const bad = await cli(['run', 'hold.json', '--reporter', 'list'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('hold.json: steps[0].op.request.kind: expected "push" or "pull", found "fetch"');
    expect(bad.stderr).toContain('hold.json: steps[1].op.request.n: expected an integer in [1, 10000], found 0');
    expect(bad.stderr).toContain('hold.json: steps[2].op.steps: expected an integer in [1, 10000], found nothing');
    const nobody = await cli(['run', 'client.json', '--reporter', 'list'], dir);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain(
      'client.json: steps[0].op.client: expected one of the clients (client-1), found "client-9"',
    );
    expect(nobody.stdout).toBe('');
  });
});

describe('programs and fault plans the world cannot run are refused too', () => {
  test('a counterexample whose step waits 1e300 ms is exit 2 from replay, naming the field', async () => {
    const program = {
      seed: 1,
      steps: [{ actor: 'client-1', op: { type: 'push' }, after: 1e300 }],
      faults: {},
    };
    const dir = await inWorkspace({
      'small.json': SMALL_FIXED,
      'counterexample.json': { scenario: 'small.json', seed: 1, program },
    });
    const result = await cli(['replay', 'counterexample.json'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'counterexample.json: program.steps[0].after: expected a number in [0, 315360000000], found 1e+300',
    );
  });

  test('a counterexample file with a field syncwright never writes so is exit 2, naming the field', async () => {
    const program = { seed: 1, steps: [{ actor: 'client-1', op: { type: 'push' } }], faults: {} };
    const dir = await inWorkspace({
      'small.json': SMALL_FIXED,
      'counterexample.json': { scenario: 'small.json', seed: 1, program, history: 'lost' },
      'shrinks.json': { scenario: 'small.json', seed: 1, program, shrinks: '3' },
    });
    const history = await cli(['replay', 'counterexample.json'], dir);
    expect(history.code).toBe(2);
    expect(history.stderr).toContain(
      'counterexample.json: history should be an array of history events, found the string "lost"',
    );
    const shrinks = await cli(['replay', 'shrinks.json'], dir);
    expect(shrinks.code).toBe(2);
    expect(shrinks.stderr).toContain('shrinks.json: shrinks should be a number, found the string "3"');
    // The API's replay reads it through the same schema.
    await expect(replay({ counterexample: path.join(dir, 'counterexample.json') })).rejects.toThrow(
      'history should be an array of history events, found the string "lost"',
    );
  });

  test('a fault plan with a timeout of 1e300 ms is exit 2, naming the field', async () => {
    const dir = await inWorkspace({
      'timeout.json': { ...SMALL_FIXED, faults: { default: { timeoutMs: 1e300 } } },
    });
    const result = await cli(['run', 'timeout.json', '--reporter', 'list'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('timeout.json: faults.default.timeoutMs: expected a number in [1, 315360000000]');
  });
});

describe('JSON nested 10,000 deep gets one clear message wherever it is read', () => {
  test('a scenario file', async () => {
    const text = `{"name":"deep","clients":1,"steps":[{"actor":"client-1","op":{"type":"insert","record":{"id":"a","text":${DEEP}}}}]}`;
    const dir = await inWorkspace({ 'deep.json': text });
    const result = await cli(['run', 'deep.json', '--reporter', 'list'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(TOO_DEEP);
    expect(result.stderr).not.toContain('Maximum call stack');
  });

  test('a counterexample given to replay', async () => {
    const program = `{"seed":1,"steps":[{"actor":"client-1","op":{"type":"insert","record":{"id":"a","text":${DEEP}}}}],"faults":{}}`;
    const dir = await inWorkspace({
      'small.json': SMALL_FIXED,
      'counterexample.json': `{"scenario":"small.json","seed":1,"program":${program}}`,
    });
    const result = await cli(['replay', 'counterexample.json'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(TOO_DEEP);
  });

  test('a results file given to merge-reports', async () => {
    const dir = await inWorkspace({
      'results.json': `{"tool":{"name":"syncwright","version":"0.1.0"},"seed":1,"scenarios":${DEEP}}`,
    });
    const result = await cli(['merge-reports', 'results.json', '--reporter', 'list'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(TOO_DEEP);
  });

  test('a fault plan and a tables file given to serve (which never listens)', async () => {
    const dir = await inWorkspace({
      'plan.json': `{"default":{"faults":${DEEP}}}`,
      'tables.json': `{"tables":${DEEP}}`,
    });
    const plan = await cli(['serve', '--port', '0', '--faults', 'plan.json'], dir);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toMatch(TOO_DEEP);
    const tables = await cli(['serve', '--port', '0', '--tables', path.join(dir, 'tables.json')], dir);
    expect(tables.code).toBe(2);
    expect(tables.stderr).toMatch(TOO_DEEP);
  });
});

describe('the CLI’s own failures', () => {
  test('an --out that cannot be created fails before any run, with exit 2', async () => {
    const dir = await inWorkspace({ 'small.json': SMALL_FIXED, 'a-file': 'not a folder' });
    const result = await cli(['run', 'small.json', '--out', 'a-file/reports'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `--out: cannot create ${path.join(dir, 'a-file', 'reports')}: ${path.join(dir, 'a-file')} is a file, not a folder`,
    );
    // Nothing ran: not even the header of a run was printed.
    expect(result.stdout).toBe('');
  });

  for (const [signal, code, workers] of [
    ['SIGINT', 130, '1'],
    ['SIGTERM', 143, '2'],
  ] as const) {
    test(
      `${signal} says how many runs were done and that no reports were written (--workers ${workers})`,
      { timeout: 120_000 },
      async () => {
        expect(existsSync(path.join(ROOT, 'dist/cli/main.js')), 'the CLI is built (npm run build)').toBe(true);
        const dir = await inWorkspace({ 'generated.json': { ...SMALL_GENERATED, runs: 1_000_000 } });
        const out = path.join(dir, 'reports');
        const child = spawn(
          process.execPath,
          [path.join(ROOT, 'bin/syncwright.js'), 'run', 'generated.json', '--workers', workers, '--out', out],
          { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
          child.once('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal })),
        );
        // The header is printed once the scenarios are loaded and the runs are about to start.
        await new Promise<void>((resolve) =>
          child.stdout.on('data', (chunk: Buffer) => {
            stdout += chunk.toString('utf8');
            if (stdout.includes('1,000,000 runs') || stdout.includes('1000000 runs')) resolve();
          }),
        );
        child.kill(signal);
        expect(await exited).toEqual({ code, signal: null });
        expect(stderr).toMatch(/syncwright run: interrupted — \d+ runs? done, reports not written/);
        expect(existsSync(out)).toBe(false);
      },
    );
  }
});
