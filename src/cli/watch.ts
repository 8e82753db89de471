/**
 * `syncwright run --watch`: run, then run again whenever a scenario file or a module the
 * scenarios use changes, until Ctrl-C. The loop is written against injected file watching,
 * timers and signals, so a test drives a change without real time; `nodeWatchDeps` are the
 * real ones.
 */
import { watch as watchFileSystem } from 'node:fs';
import path from 'node:path';
import { terminalSafe } from '../report/escape.js';
import { plural } from '../report/summary.js';
import { UsageError, type CommandIO } from './command.js';
import { isScenarioFileName } from './scenario-files.js';

/** What one round watches: exact files (config, handlers, modules) and folders whose scenario files all count. */
export interface WatchedPaths {
  readonly files: readonly string[];
  readonly directories: readonly string[];
}

export interface WatchDeps {
  /** Watches one folder (not its subfolders); `onChange` gets the changed entry's name when the platform gives it. */
  watch(directory: string, onChange: (name: string | undefined) => void): { close(): void };
  /** Calls `callback` after `ms`; the returned function cancels it. */
  setTimer(callback: () => void, ms: number): () => void;
  /** Ctrl-C or kill: `listener` gets the exit code (130, 143); the returned function stops listening. */
  onStop(listener: (code: number) => void): () => void;
}

export interface WatchOptions {
  /** One run; resolves with its exit code. `signal` aborts when the watch is stopped mid-run. */
  round(signal: AbortSignal): Promise<number>;
  /** What to watch, asked after every round (a new scenario file joins the next one). */
  paths(): Promise<WatchedPaths>;
  readonly deps: WatchDeps;
  readonly io: CommandIO;
  /** Changes closer together than this make one re-run (editors write a file in several steps). */
  readonly debounceMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 200;

/** Runs, watches, re-runs; resolves with the stop signal's exit code once stopped. */
export function watchRuns(options: WatchOptions): Promise<number> {
  const { deps, io } = options;
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  return new Promise<number>((resolve, reject) => {
    let watchers: { close(): void }[] = [];
    let watched: WatchedPaths = { files: [], directories: [] };
    let cancelTimer: (() => void) | undefined;
    let running: AbortController | undefined;
    let stopCode: number | undefined;
    let pending = false;
    const changed = new Set<string>();

    const end = (code: number): void => {
      cancelTimer?.();
      for (const watcher of watchers) watcher.close();
      watchers = [];
      stopListening();
      io.stderr.write('\nsyncwright run --watch: stopped\n');
      resolve(code);
    };
    const stopListening = deps.onStop((code) => {
      if (stopCode !== undefined) return;
      stopCode = code;
      if (running !== undefined) running.abort();
      else end(code);
    });

    const rewatch = (paths: WatchedPaths): void => {
      for (const watcher of watchers) watcher.close();
      watched = paths;
      const files = new Set(paths.files);
      const scenarioDirectories = new Set(paths.directories);
      const directories = [...new Set([...paths.files.map((file) => path.dirname(file)), ...paths.directories])];
      watchers = directories.map((directory) =>
        deps.watch(directory, (name) => {
          const file = name === undefined ? undefined : path.join(directory, name);
          const relevant =
            file === undefined || files.has(file) || (scenarioDirectories.has(directory) && isScenarioFileName(file));
          if (!relevant) return;
          changed.add(file ?? directory);
          cancelTimer?.();
          cancelTimer = deps.setTimer(() => {
            cancelTimer = undefined;
            if (running !== undefined) pending = true;
            else void runRound();
          }, debounceMs);
        }),
      );
    };

    const runRound = async (): Promise<void> => {
      if (changed.size > 0) {
        const names = [...changed].map((file) => terminalSafe(shownPath(file, io.cwd)));
        changed.clear();
        io.stdout.write(
          `\n${names.length === 1 ? `changed: ${names[0]}` : `changed: ${names.join(', ')}`} — running again\n`,
        );
      }
      running = new AbortController();
      let code: number;
      try {
        code = await options.round(running.signal);
      } catch (error) {
        // A run that threw (not a failing scenario): say so and keep watching, as for exit 2.
        io.stderr.write(
          `syncwright run: ${terminalSafe(error instanceof Error ? error.message : String(error), true)}\n`,
        );
        code = 2;
      } finally {
        running = undefined;
      }
      if (stopCode !== undefined) return end(stopCode);
      try {
        rewatch(await options.paths());
      } catch (error) {
        if (!(error instanceof UsageError)) return reject(error);
        // The scenarios moved under the watch (a folder emptied, say): keep watching what was there.
        io.stderr.write(`syncwright run: ${error.message}; still watching the files of the last run\n`);
        rewatch(watched);
      }
      if (pending) {
        pending = false;
        return runRound();
      }
      io.stdout.write(
        `\nexit ${code} · watching ${plural(new Set([...watched.files, ...watched.directories]).size, 'path')} for changes (scenario files, handler modules, the config) · Ctrl-C to stop\n`,
      );
    };

    void runRound();
  });
}

function shownPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
    ? relative.split(path.sep).join('/')
    : file;
}

/** fs.watch, real timers and the process's signals: the edge where the watch meets the machine. */
export function nodeWatchDeps(): WatchDeps {
  return {
    watch(directory, onChange) {
      try {
        const watcher = watchFileSystem(directory, { persistent: true }, (_event, name) =>
          onChange(typeof name === 'string' ? name : undefined),
        );
        // A folder removed under the watch ends its watcher; the next round watches again.
        watcher.on('error', () => watcher.close());
        return watcher;
      } catch {
        // A folder that is gone (or unreadable) cannot be watched; the others still are.
        return { close() {} };
      }
    },
    setTimer(callback, ms) {
      const timer = setTimeout(callback, ms);
      return () => clearTimeout(timer);
    },
    onStop(listener) {
      const codes = { SIGINT: 130, SIGTERM: 143 } as const;
      const handlers = (Object.keys(codes) as (keyof typeof codes)[]).map((signal) => {
        const handler = (): void => listener(codes[signal]);
        process.on(signal, handler);
        return [signal, handler] as const;
      });
      return () => {
        for (const [signal, handler] of handlers) process.off(signal, handler);
      };
    },
  };
}
