import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runProbe } from '../../src/bench/probe.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs the probe script's body on `args` and keeps what it writes; `input` is its standard input. */
async function probe(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  return probeWithInput([], ...args);
}

async function probeWithInput(
  input: readonly string[],
  ...args: string[]
): Promise<{ code: number; out: string[]; err: string[]; opened: boolean }> {
  const out: string[] = [];
  const err: string[] = [];
  let opened = false;
  const code = await runProbe(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    input: () => {
      opened = true;
      return (async function* lines() {
        yield* input;
      })();
    },
  });
  return { code, out, err, opened };
}

describe('the probe script', () => {
  test.each([
    [[], 'probe: expected one argument, a JSON request'],
    [['{"workload":'], 'probe: the request is not JSON: '],
    [['null'], 'probe: request: expected a JSON object, found null'],
    [['[1,2]'], 'probe: request: expected a JSON object, found [1,2]'],
    [['{}'], 'probe: request.workload: expected one of sdk-generated, '],
    [['{"workload":"world-standard; rm -rf /"}'], 'found "world-standard; rm -rf /"'],
    [['{"workload":"world-standard","dist":5}'], 'probe: request.dist: expected a path, found 5'],
    [['{"workload":"world-standard","root":{"a":1}}'], 'probe: request.root: expected a path, found {"a":1}'],
    [['{"workload":"world-standard","windows":"3"}'], 'probe: request.windows: expected a whole number, found "3"'],
    [['{"workload":"world-standard","stepped":"yes"}'], 'probe: request.stepped: expected true or false, found "yes"'],
    [
      ['{"workload":"world-standard","runsPerWindow":1e12,"dist":"/nonexistent-build"}'],
      'throughput: options.runsPerWindow: expected a whole number from 1 to 1000000, found 1000000000000',
    ],
    [['['.repeat(10_000) + ']'.repeat(10_000)], 'probe: request: expected a JSON object, found [[[['],
  ])('refuses %j in one line, with exit 2 and no figures', async (args, message) => {
    const { code, out, err } = await probe(...args);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(message);
    expect(err[0]).not.toContain('\n    at ');
    expect(err[0]!.length).toBeLessThan(400);
  });

  test('a failure nobody expected keeps its stack', async () => {
    const { code, err } = await probe(
      '{"workload":"world-standard","dist":"/nonexistent-build","windows":1,"runsPerWindow":1}',
    );
    expect(code).toBe(2);
    expect(err[0]).toContain('\n    at ');
  });

  test('a good request writes one JSON line of figures, without opening its input', async () => {
    const request = { workload: 'world-standard', root: ROOT, warmupRuns: 1, windows: 1, runsPerWindow: 2 };
    const { code, out, err, opened } = await probeWithInput(['next'], JSON.stringify(request));
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]!)).toMatchObject({ runs: 2 });
    // An open standard input would keep the process from exiting.
    expect(opened).toBe(false);
  });

  const stepped = JSON.stringify({
    workload: 'world-standard',
    root: ROOT,
    stepped: true,
    warmupRuns: 1,
    windows: 2,
    runsPerWindow: 2,
  });

  test('a stepped probe warms up, says so, then runs one window per "next" until its input ends', async () => {
    const { code, out, err, opened } = await probeWithInput(['next', '', 'next'], stepped);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(opened).toBe(true);
    expect(JSON.parse(out[0]!)).toEqual({ ready: true, windows: 2, runsPerWindow: 2 });
    expect(out).toHaveLength(3);
    for (const line of out.slice(1)) {
      const window = JSON.parse(line) as { ms: number; cpuMs: number };
      expect(window.ms).toBeGreaterThan(0);
      expect(window.cpuMs).toBeGreaterThanOrEqual(0);
    }
  });

  test.each([
    [['next', 'run everything'], 'probe: input: expected "next", found "run everything"'],
    [['next', 'next', 'next'], 'probe: input: no window is left to run'],
  ])('a stepped probe refuses input %j in one line, with exit 2', async (input, message) => {
    const { code, out, err } = await probeWithInput(input, stepped);
    expect(code).toBe(2);
    expect(out.length).toBeGreaterThanOrEqual(2);
    expect(err).toEqual([message]);
  });
});
