import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { RunResults } from '../../src/scenario/results.js';

export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment the command line sees in tests: this process's, less what a CI machine or a
 * terminal sets (CI refuses `--watch`; the colour variables would colour the captured output), so
 * a test gives the same answer on a laptop and in CI.
 */
export function neutralEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['CI', 'FORCE_COLOR', 'NO_COLOR']) delete env[name];
  return env;
}

/** Runs the command line in this process with captured output. */
export async function cli(argv: string[], cwd: string): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        append(chunk.toString());
        callback();
      },
    });
  const code = await main(argv, {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    cwd,
    env: neutralEnv(),
  });
  return { code, stdout, stderr };
}

/** Small, quick scenarios: a generated one that the drop-if-match mutant fails fast, and a fixed one. */
export const SMALL_GENERATED = {
  name: 'small generated',
  clients: 2,
  editors: 1,
  policy: 'server-wins',
  // The old generator's programs: the mutant is found within these few runs, as the tests expect.
  generate: { profile: 'old-mix', steps: { min: 1, max: 6 }, records: 2 },
  runs: 10,
};

export const SMALL_FIXED = {
  name: 'two devices edit one record',
  clients: 2,
  policy: 'server-wins',
  steps: [
    { actor: 'client-1', op: { type: 'insert', record: { id: 'a', text: 'one', complete: false } } },
    { actor: 'client-1', op: { type: 'push' } },
    { actor: 'client-2', op: { type: 'pull' } },
    { actor: 'client-1', op: { type: 'update', record: { id: 'a', text: 'from 1', complete: false } } },
    { actor: 'client-2', op: { type: 'update', record: { id: 'a', text: 'from 2', complete: true } } },
    { actor: 'client-1', op: { type: 'push' } },
    { actor: 'client-2', op: { type: 'push' } },
  ],
};

/** A fresh working directory holding the given scenario files (name → JSON value). */
export async function workspace(
  files: Record<string, unknown>,
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'syncwright-cli-'));
  for (const [name, value] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2), 'utf8');
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Results without the wall-clock fields (the only ones allowed to differ between equivalent runs). */
export function withoutWallClock(results: RunResults): unknown {
  return {
    ...results,
    startedAt: undefined,
    durationMs: undefined,
    scenarios: results.scenarios.map((scenario) => ({ ...scenario, durationMs: undefined, timings: undefined })),
  };
}
