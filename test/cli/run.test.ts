import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResults } from '../../src/scenario/results.js';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { cli, SMALL_FIXED, SMALL_GENERATED, workspace } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await workspace({
    'scenarios/fixed.json': SMALL_FIXED,
    'scenarios/small.json': SMALL_GENERATED,
    'scenarios/regressions/pinned.json': { ...SMALL_FIXED, name: 'pinned regression' },
    'scenarios/handlers/not-a-scenario.js': 'export function onConflict() {}',
    'expected-fail.json': { ...SMALL_GENERATED, name: 'known finding', expect: 'fail' },
    'marked-but-passes.json': { ...SMALL_FIXED, name: 'marked as failing, passes', expect: 'fail' },
    'hostile-name.json': { ...SMALL_FIXED, name: 'evil \u001b[2J\u001b]0;pwned\u0007 <script>alert(1)</script>' },
  }));
});
afterAll(() => cleanup());

async function results(out: string): Promise<RunResults> {
  return JSON.parse(await readFile(path.join(dir, out, 'results.json'), 'utf8')) as RunResults;
}

describe('syncwright run', () => {
  test('runs a small scenario, writes html, junit and json reports, and exits 0', async () => {
    const outcome = await cli(['run', 'scenarios/fixed.json', '--out', 'out-pass', '--workers', '1'], dir);
    expect(outcome.code).toBe(0);
    for (const file of ['index.html', 'junit.xml', 'results.json'])
      expect(existsSync(path.join(dir, 'out-pass', file))).toBe(true);
    expect(await readFile(path.join(dir, 'out-pass', 'junit.xml'), 'utf8')).toContain('two devices edit one record');
    expect((await results('out-pass')).scenarios.map((scenario) => scenario.status)).toEqual(['passed']);
    expect(outcome.stdout).toMatch(/seed 42/);
    expect(outcome.stdout).toContain('PASSED');
  });

  test('with no arguments runs ./scenarios and its regressions/ folder, not other subfolders', async () => {
    const outcome = await cli(
      ['run', '--out', 'out-default', '--runs', '3', '--reporter', 'json', '--workers', '1'],
      dir,
    );
    expect(outcome.code).toBe(0);
    const files = (await results('out-default')).scenarios.map((scenario) => scenario.file);
    expect(files).toEqual(['scenarios/fixed.json', 'scenarios/regressions/pinned.json', 'scenarios/small.json']);
  });

  test('globs with * and ** pick scenario files', async () => {
    const outcome = await cli(
      ['run', 'scenarios/**/p*.json', 'scenarios/f*.json', '--out', 'out-glob', '--reporter', 'json', '--workers', '1'],
      dir,
    );
    expect(outcome.code).toBe(0);
    expect((await results('out-glob')).scenarios.map((scenario) => scenario.file)).toEqual([
      'scenarios/fixed.json',
      'scenarios/regressions/pinned.json',
    ]);
  });

  test('a failing scenario exits 1 and prints the seed, the minimal program, the explanation and the replay command', async () => {
    const outcome = await cli(
      [
        'run',
        'scenarios/small.json',
        '--mutation',
        'drop-if-match',
        '--out',
        'out-fail',
        '--reporter',
        'json,list',
        '--workers',
        '1',
      ],
      dir,
    );
    expect(outcome.code).toBe(1);
    const [scenario] = (await results('out-fail')).scenarios;
    expect(scenario?.status).toBe('failed');
    const failure = scenario!.failure!;
    expect(outcome.stdout).toContain('Minimal program:');
    expect(outcome.stdout).toContain(`Replay: ${failure.replayCommand}`);
    expect(failure.replayCommand).toMatch(
      /^npx syncwright replay scenarios\/small\.json 42:[\d:]+ --mutation drop-if-match$/,
    );
    const violated = failure.checks.find((check) => !check.valid)!;
    expect(outcome.stdout).toContain(`${violated.checker}: ${violated.explanation.split('\n')[0]}`);
    expect(outcome.stdout).toContain('FAILED');
  });

  test('an expected failure that happens counts as passed (exit 0)', async () => {
    const outcome = await cli(
      [
        'run',
        'expected-fail.json',
        '--mutation',
        'drop-if-match',
        '--out',
        'out-xfail',
        '--reporter',
        'json',
        '--workers',
        '1',
      ],
      dir,
    );
    expect(outcome.code).toBe(0);
    expect((await results('out-xfail')).scenarios[0]?.status).toBe('expected-failure');
  });

  test('a scenario marked as failing that passes exits 1', async () => {
    const outcome = await cli(
      ['run', 'marked-but-passes.json', '--out', 'out-xpass', '--reporter', 'json', '--workers', '1'],
      dir,
    );
    expect(outcome.code).toBe(1);
    expect((await results('out-xpass')).scenarios[0]?.status).toBe('unexpected-pass');
  });

  test('--bail stops at the first failing unit and reports what ran', async () => {
    const outcome = await cli(
      [
        'run',
        'scenarios/small.json',
        '--mutation',
        'drop-if-match',
        '--runs',
        '40',
        '--bail',
        '--out',
        'out-bail',
        '--reporter',
        'json',
        '--workers',
        '1',
      ],
      dir,
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/stopped at the first failure \(--bail\): 3 units of 4 not run/);
    const [scenario] = (await results('out-bail')).scenarios;
    expect(scenario!.status).toBe('failed');
    expect(scenario!.runs).toBeLessThan(10);
  });

  test('--client both runs every scenario on the reference client and the real SDK', async () => {
    const outcome = await cli(
      ['run', 'scenarios/fixed.json', '--client', 'both', '--out', 'out-both', '--reporter', 'json', '--workers', '1'],
      dir,
    );
    expect(outcome.code).toBe(0);
    const run = await results('out-both');
    expect(run.client).toBe('reference,sdk');
    expect(run.scenarios.map((scenario) => scenario.client)).toEqual(['reference', 'sdk']);
  });

  test('--time-limit reports what ran before the limit', async () => {
    const outcome = await cli(
      [
        'run',
        'scenarios/small.json',
        '--runs',
        '1000',
        '--time-limit',
        '300ms',
        '--out',
        'out-time',
        '--reporter',
        'json',
        '--workers',
        '1',
      ],
      dir,
    );
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/time limit of 300 ms reached/);
    const [scenario] = (await results('out-time')).scenarios;
    expect(scenario!.runs).toBeLessThan(1000);
  });

  test('terminal escapes in a scenario name are shown inert, never sent to the terminal', async () => {
    const outcome = await cli(['run', 'hostile-name.json', '--out', 'out-hostile', '--workers', '1'], dir);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain('evil');
    expect(outcome.stdout).not.toContain('\u001b');
    expect(outcome.stdout).not.toContain('\u0007');
  });

  test('on a TTY the progress line is redrawn in place', async () => {
    let text = '';
    const stdout = Object.assign(
      new Writable({
        write(chunk: Buffer | string, _encoding, callback) {
          text += chunk.toString();
          callback();
        },
      }),
      { isTTY: true },
    );
    const stderr = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const code = await main(
      ['run', 'scenarios/fixed.json', '--out', 'out-tty', '--reporter', 'json', '--workers', '1'],
      { stdout, stderr, cwd: dir },
    );
    expect(code).toBe(0);
    expect(text).toContain('\r\u001b[2K');
    expect(text).toMatch(/1\/1 runs \(100%\)/);
  });
});
