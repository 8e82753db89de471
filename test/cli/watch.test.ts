/** `run --watch`: the loop driven through injected watchers, timers and signals, the files it watches, and its refusals. */
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UsageError } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';
import { watchRuns, type WatchDeps, type WatchedPaths } from '../../src/cli/watch.js';
import { watchedPaths } from '../../src/cli/watch-set.js';
import { cli, SMALL_FIXED, workspace } from './helpers.js';

const ROOT = path.resolve('/project');
const SCENARIOS = path.join(ROOT, 'scenarios');
const HANDLERS = path.join(ROOT, 'handlers');
const PATHS: WatchedPaths = {
  files: [path.join(SCENARIOS, 'a.json'), path.join(HANDLERS, 'mine.mjs'), path.join(ROOT, 'syncwright.config.ts')],
  directories: [SCENARIOS],
};

/** Watchers, timers and the stop signal under the test's hand; the rounds resolve when the test says. */
function harness(paths: () => Promise<WatchedPaths> = () => Promise.resolve(PATHS)) {
  const watchers = new Map<string, (name: string | undefined) => void>();
  const timers = new Set<() => void>();
  let stop: ((code: number) => void) | undefined;
  const rounds: { signal: AbortSignal; finish: (code: number) => void }[] = [];
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        append(chunk.toString());
        callback();
      },
    });
  const deps: WatchDeps = {
    watch(directory, onChange) {
      watchers.set(directory, onChange);
      return { close: () => watchers.delete(directory) };
    },
    setTimer(callback) {
      timers.add(callback);
      return () => timers.delete(callback);
    },
    onStop(listener) {
      stop = listener;
      return () => (stop = undefined);
    },
  };
  const ended = watchRuns({
    round: (signal) => new Promise((resolve) => rounds.push({ signal, finish: resolve })),
    paths,
    deps,
    io: { stdout: sink((text) => (stdout += text)), stderr: sink((text) => (stderr += text)), cwd: ROOT },
  });
  /** Lets the loop's promises settle (no time passes: nothing in the loop waits on a clock). */
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return {
    watchers,
    timers,
    rounds,
    ended,
    settle,
    out: () => stdout,
    err: () => stderr,
    stop: (code: number) => stop?.(code),
    stopListening: () => stop === undefined,
    change: (directory: string, name: string | undefined) => watchers.get(directory)?.(name),
    fireTimers: () => {
      const due = [...timers];
      timers.clear();
      for (const callback of due) callback();
    },
  };
}

describe('the watch loop', () => {
  test('runs, watches the folders of the files, and runs again once after a burst of changes, naming them', async () => {
    const h = harness();
    expect(h.rounds).toHaveLength(1);
    h.rounds[0]!.finish(1);
    await h.settle();
    expect([...h.watchers.keys()].sort()).toEqual([ROOT, HANDLERS, SCENARIOS].sort());
    expect(h.out()).toContain('exit 1 · watching 4 paths for changes');

    h.change(HANDLERS, 'mine.mjs');
    h.change(HANDLERS, 'mine.mjs');
    h.change(SCENARIOS, 'a.json');
    expect(h.timers.size).toBe(1); // one debounce timer, restarted by each change
    expect(h.rounds).toHaveLength(1);
    h.fireTimers();
    await h.settle();
    expect(h.rounds).toHaveLength(2);
    expect(h.out()).toContain('changed: handlers/mine.mjs, scenarios/a.json — running again');
    h.rounds[1]!.finish(0);
    await h.settle();
    expect(h.out()).toContain('exit 0 · watching');
    h.stop(130);
    expect(await h.ended).toBe(130);
  });

  test('a new scenario file in a scenario folder counts; other files beside a watched one do not', async () => {
    const h = harness();
    h.rounds[0]!.finish(0);
    await h.settle();
    h.change(HANDLERS, 'notes.txt');
    h.change(HANDLERS, 'other.mjs');
    h.change(ROOT, 'package.json');
    h.change(SCENARIOS, 'readme.md');
    expect(h.timers.size).toBe(0);
    h.change(SCENARIOS, 'new-one.ts');
    h.fireTimers();
    await h.settle();
    expect(h.rounds).toHaveLength(2);
    expect(h.out()).toContain('changed: scenarios/new-one.ts — running again');
    h.rounds[1]!.finish(0);
    await h.settle();
    h.stop(130);
    await h.ended;
  });

  test('a change during a run gives one more run right after it', async () => {
    const h = harness();
    h.change(SCENARIOS, 'a.json'); // not yet watched: the first round has not ended
    expect(h.timers.size).toBe(0);
    h.rounds[0]!.finish(0);
    await h.settle();
    h.change(SCENARIOS, 'a.json');
    h.fireTimers();
    await h.settle();
    expect(h.rounds).toHaveLength(2);
    h.change(SCENARIOS, 'a.json');
    h.fireTimers();
    h.change(HANDLERS, 'mine.mjs');
    h.fireTimers();
    await h.settle();
    expect(h.rounds).toHaveLength(2); // still the second
    h.rounds[1]!.finish(1);
    await h.settle();
    expect(h.rounds).toHaveLength(3);
    h.rounds[2]!.finish(0);
    await h.settle();
    expect(h.rounds).toHaveLength(3);
    h.stop(130);
    await h.ended;
  });

  test('Ctrl-C while waiting: 130, watchers closed, the pending timer cancelled, signals let go', async () => {
    const h = harness();
    h.rounds[0]!.finish(0);
    await h.settle();
    h.change(SCENARIOS, 'a.json');
    h.stop(130);
    expect(await h.ended).toBe(130);
    expect(h.watchers.size).toBe(0);
    expect(h.timers.size).toBe(0);
    expect(h.stopListening()).toBe(true);
    expect(h.err()).toContain('syncwright run --watch: stopped');
  });

  test('a stop during a run aborts it and ends with its code once it is over, with no further round', async () => {
    const h = harness();
    h.stop(143);
    expect(h.rounds[0]!.signal.aborted).toBe(true);
    h.rounds[0]!.finish(130);
    expect(await h.ended).toBe(143);
    expect(h.rounds).toHaveLength(1);
  });

  test('when the arguments stop meaning any scenario file, it says so and watches what it watched', async () => {
    let calls = 0;
    const h = harness(() =>
      ++calls === 1 ? Promise.resolve(PATHS) : Promise.reject(new UsageError("'scenarios' holds no scenario files")),
    );
    h.rounds[0]!.finish(0);
    await h.settle();
    h.change(SCENARIOS, 'a.json');
    h.fireTimers();
    await h.settle();
    h.rounds[1]!.finish(2);
    await h.settle();
    expect(h.err()).toContain("'scenarios' holds no scenario files; still watching the files of the last run");
    expect([...h.watchers.keys()].sort()).toEqual([ROOT, HANDLERS, SCENARIOS].sort());
    h.stop(130);
    await h.ended;
  });
});

describe('what --watch watches', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await workspace({
      'scenarios/fixed.json': SMALL_FIXED,
      'scenarios/mine.json': { ...SMALL_FIXED, name: 'mine', policy: { module: '../handlers/mine.mjs' } },
      'scenarios/regressions/old.json': { ...SMALL_FIXED, name: 'old' },
      'scenarios/broken.json': '{ "name": ',
      'handlers/mine.mjs': 'export function onConflict(e) { return e.cancelAndDiscard(); }',
    }));
  });
  afterAll(() => cleanup());

  test('scenario files, their folders (regressions too), the handler modules they name, and the given modules', async () => {
    const paths = await watchedPaths({ requested: [], cwd: dir, modules: ['syncwright.config.ts'] });
    expect([...paths.files].sort()).toEqual(
      [
        'handlers/mine.mjs',
        'scenarios/broken.json',
        'scenarios/fixed.json',
        'scenarios/mine.json',
        'scenarios/regressions/old.json',
        'syncwright.config.ts',
      ].map((file) => path.join(dir, file)),
    );
    expect([...paths.directories].sort()).toEqual([
      path.join(dir, 'scenarios'),
      path.join(dir, 'scenarios/regressions'),
    ]);
  });

  test('arguments that mean no scenario file are a usage error', async () => {
    await expect(watchedPaths({ requested: ['nothing-*.json'], cwd: dir, modules: [] })).rejects.toThrow(
      "'nothing-*.json' matches no scenario files",
    );
  });

  test.each([
    [['--list'], '--watch cannot be combined with --list (nothing runs to re-run)'],
    [['--last-failed'], '--watch cannot be combined with --last-failed'],
    [['--shard', '1/2'], '--watch cannot be combined with --shard (a shard is a slice for a CI machine)'],
  ])('run --watch %j is exit 2', async (extra, message) => {
    const outcome = await cli(['run', 'scenarios/fixed.json', '--watch', ...extra], dir);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(`syncwright run: ${message}`);
  });

  test('run --watch under CI is exit 2; a scenario argument that matches nothing too', async () => {
    let stderr = '';
    const io = {
      stdout: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
      stderr: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          stderr += chunk.toString();
          callback();
        },
      }),
      cwd: dir,
    };
    expect(await main(['run', 'scenarios/fixed.json', '--watch'], { ...io, env: { CI: 'true' } })).toBe(2);
    expect(stderr).toContain(
      "--watch waits for changes until Ctrl-C, which a CI job never sends (CI is set to 'true')",
    );
    const missing = await cli(['run', 'nothing-*.json', '--watch'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("'nothing-*.json' matches no scenario files");
  });
});
