import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { useColor } from '../../src/report/color.js';
import { renderGithubAnnotations } from '../../src/report/github.js';
import { writeReports } from '../../src/report/write.js';
import type { FindingSummary, RunResults } from '../../src/scenario/results.js';
import { cli, SMALL_FIXED, workspace } from '../cli/helpers.js';
import { failingResults, passingResults, passingScenario } from './fixtures.js';

function finding(signature: string, disposition: FindingSummary['disposition']): FindingSummary {
  return {
    signature,
    checker: 'convergence',
    disposition,
    count: 3,
    first: { seed: 42, path: '7:1' },
    example: 'client-1 holds text "a" where the server holds "b"',
    metadata: { faults: [], handlerActions: [], restarted: false },
  };
}

function results(...scenarios: RunResults['scenarios']): RunResults {
  return { ...passingResults(), scenarios };
}

describe('the github reporter', () => {
  test('a new finding is an ::error on the scenario file, a known or allowed one says nothing', () => {
    const text = renderGithubAnnotations(
      results(
        passingScenario('conflicts', {
          status: 'failed',
          file: 'scenarios/conflicts.json',
          findings: [finding('convergence/R3', 'new'), finding('queue/R1', 'expected'), finding('x/R9', 'allowed')],
        }),
      ),
    );
    expect(text).toBe(
      '::error file=scenarios/conflicts.json,title=syncwright%3A new finding in conflicts (reference)::' +
        'convergence/R3: client-1 holds text "a" where the server holds "b" (3 runs); first in run 42:7:1\n',
    );
  });

  test('a stale expectation is a ::warning; a passing run with none prints nothing', () => {
    const stale = renderGithubAnnotations(
      results(passingScenario('known', { status: 'unexpected-pass', staleExpectations: ['sdk/P5'] })),
    );
    expect(stale).toMatch(
      /^::warning file=scenarios\/known\.scenario\.ts,title=syncwright%3A stale expectation in known \(reference\)::expected finding sdk\/P5 no longer occurs/,
    );
    expect(stale.trim().split('\n')).toHaveLength(1);
    expect(renderGithubAnnotations(passingResults())).toBe('');
  });

  test('errors and failures without findings are errors too', () => {
    const text = renderGithubAnnotations(failingResults());
    const lines = text.trim().split('\n');
    expect(lines.every((line) => line.startsWith('::error '))).toBe(true);
    expect(text).toContain('title=syncwright%3A error in scenario that does not load (reference)::SyntaxError');
    expect(lines.length).toBe(2);
  });

  test('a hostile name or message cannot end the annotation or start another command', () => {
    const text = renderGithubAnnotations(
      results(
        passingScenario('evil, name: x\n::error::pwned\u001b[2J', {
          status: 'error',
          file: 'a,b:c.json',
          error: 'line one\r\n::warning::injected 100%',
        }),
      ),
    );
    expect(text.split('\n').filter(Boolean)).toHaveLength(1);
    expect(text).toContain('file=a%2Cb%3Ac.json,');
    expect(text).toContain('title=syncwright%3A error in evil%2C name%3A x%0A%3A%3Aerror%3A%3Apwned[2J (reference)::');
    expect(text).toContain('::line one%0D%0A::warning::injected 100%25');
    expect(text).not.toContain('\u001b');
  });

  test('writeReports prints the annotations to the output for --reporter github', async () => {
    let out = '';
    const output = { write: (chunk: string) => (out += chunk) };
    const written = await writeReports(failingResults(), { outDir: 'unused', reporters: ['github'], output });
    expect(written.files).toEqual([]);
    expect(out).toContain('::error file=');
  });

  test('syncwright run --reporter github prints annotations and writes no files', async () => {
    const { dir, cleanup } = await workspace({ 'known.json': { ...SMALL_FIXED, expect: 'fail' } });
    try {
      const outcome = await cli(['run', 'known.json', '--reporter', 'github', '--workers', '1'], dir);
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toMatch(
        /^::warning file=known\.json,title=syncwright%3A stale expectation in two devices edit one record \(reference\)::passed, though marked as expected to fail/m,
      );
    } finally {
      await cleanup();
    }
  });
});

describe('colours', () => {
  test('a TTY gets colours, a pipe does not', () => {
    expect(useColor({ isTTY: true }, {})).toBe(true);
    expect(useColor({ isTTY: false }, {})).toBe(false);
    expect(useColor({}, {})).toBe(false);
  });

  test('NO_COLOR (non-empty) turns them off; an empty NO_COLOR does not', () => {
    expect(useColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });

  test('FORCE_COLOR turns them on for a pipe and wins over NO_COLOR; FORCE_COLOR=0 or false turns them off', () => {
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '' })).toBe(true);
    expect(useColor({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(useColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor({ isTTY: true }, { FORCE_COLOR: 'false' })).toBe(false);
  });

  test('syncwright run honours FORCE_COLOR and NO_COLOR in its terminal output', async () => {
    const { dir, cleanup } = await workspace({ 'fixed.json': SMALL_FIXED });
    const run = async (env: NodeJS.ProcessEnv, isTTY: boolean): Promise<string> => {
      let text = '';
      const stdout = Object.assign(
        new Writable({
          write(chunk: Buffer | string, _encoding, callback) {
            text += chunk.toString();
            callback();
          },
        }),
        { isTTY },
      );
      const { main } = await import('../../src/cli/main.js');
      const code = await main(['run', 'fixed.json', '--reporter', 'list', '--workers', '1'], {
        stdout,
        stderr: new Writable({ write: (_c, _e, callback) => callback() }),
        cwd: dir,
        env,
      });
      expect(code).toBe(0);
      return text;
    };
    try {
      // SGR sequences only: a TTY also gets cursor codes for its progress line, colours or not.
      const sgr = /\u001b\[[\d;]*m/;
      expect(await run({ FORCE_COLOR: '1' }, false)).toMatch(sgr);
      expect(await run({}, false)).not.toMatch(sgr);
      expect(await run({}, true)).toMatch(sgr);
      expect(await run({ NO_COLOR: '1' }, true)).not.toMatch(sgr);
    } finally {
      await cleanup();
    }
  });
});
