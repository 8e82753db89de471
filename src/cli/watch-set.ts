/**
 * What `run --watch` watches, and how it runs a round: each round is a fresh `syncwright run`
 * process, because Node keeps an imported ES module for the life of a process — a handler
 * module edited since would otherwise run in its old version.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../scenario/load.js';
import type { CommandIO } from './command.js';
import { defaultScenarioDirectory, resolveScenarioFiles } from './scenario-files.js';
import type { WatchedPaths } from './watch.js';

export interface WatchSetInput {
  /** The scenario arguments (or the config's `scenarios`); none means ./scenarios. */
  readonly requested: readonly string[];
  readonly cwd: string;
  /** The config file, the client module, reporter modules: absolute or relative to `cwd`. */
  readonly modules: readonly string[];
}

/**
 * The scenario files the arguments mean and the folders they lie in (a new scenario file there
 * joins the next round), the handler modules the scenarios name, and the given modules.
 * @throws UsageError when the arguments mean no scenario file any more.
 */
export async function watchedPaths(input: WatchSetInput): Promise<WatchedPaths> {
  const scenarioFiles = await resolveScenarioFiles(input.requested, input.cwd);
  const files = new Set<string>([...scenarioFiles, ...input.modules.map((file) => path.resolve(input.cwd, file))]);
  for (const file of scenarioFiles) {
    // A scenario that does not load now still is watched: the fix is the change to wait for.
    const scenario = await loadScenario(file, { cwd: input.cwd }).catch(() => undefined);
    for (const client of scenario?.clients ?? []) {
      if (typeof client.policy === 'object' && 'module' in client.policy)
        files.add(path.resolve(scenario!.baseDir, client.policy.module));
    }
  }
  const folders = input.requested.length === 0 ? [defaultScenarioDirectory(input.cwd)] : [];
  for (const entry of input.requested) {
    const absolute = path.resolve(input.cwd, entry);
    if (!scenarioFiles.includes(absolute) && existsSync(absolute)) folders.push(absolute);
  }
  const directories = new Set(scenarioFiles.map((file) => path.dirname(file)));
  for (const folder of folders) {
    directories.add(folder);
    if (existsSync(path.join(folder, 'regressions'))) directories.add(path.join(folder, 'regressions'));
  }
  return { files: [...files], directories: [...directories] };
}

const CLI = fileURLToPath(new URL('../../bin/syncwright.js', import.meta.url));

/** One round: `syncwright run` with the same arguments (without --watch) in a process of its own. */
export function runInChildProcess(args: readonly string[], io: CommandIO, signal: AbortSignal): Promise<number> {
  const inherit = io.stdout === process.stdout;
  const child = spawn(process.execPath, [CLI, 'run', ...args], {
    cwd: io.cwd,
    env: io.env ?? process.env,
    stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  });
  if (!inherit) {
    child.stdout?.on('data', (chunk: Buffer) => io.stdout.write(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => io.stderr.write(chunk.toString('utf8')));
  }
  // Ctrl-C reaches the child from the terminal; a stop from elsewhere (kill) is passed on.
  const abort = (): void => void child.kill('SIGINT');
  signal.addEventListener('abort', abort, { once: true });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, killed) => {
      signal.removeEventListener('abort', abort);
      resolve(code ?? (killed === 'SIGTERM' ? 143 : 130));
    });
  });
}
