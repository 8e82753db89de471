import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { SIGNATURE_VERSION } from '../../check/signature.js';
import { SDK_HARNESS_MUTATIONS } from '../../sdk/mutations.js';
import { terminalSafe } from '../../report/escape.js';
import { mergeResults } from '../../report/merge.js';
import { ProgressLine } from '../../report/progress.js';
import { isFailingStatus, plural, summarize, formatDuration } from '../../report/summary.js';
import { parseReporters, writeReports, type ReporterName } from '../../report/write.js';
import { resolveClient } from '../../scenario/clients.js';
import { loadScenario } from '../../scenario/load.js';
import type { RunResults, ScenarioResult } from '../../scenario/results.js';
import { DEFAULT_SEED } from '../../scenario/run.js';
import { UsageError, type Command, type CommandIO } from '../command.js';
import { checkDirectoryCanBeMade, DirectoryError } from '../../kernel/make-directory.js';
import { onInterrupt } from '../interrupt.js';
import { durationOption } from '../duration.js';
import { describeFailure } from '../failure-text.js';
import { integerOption, parseOptions } from '../options.js';
import { executeUnits, workerEntry } from '../pool.js';
import type { ScenarioCache } from '../run-unit.js';
import { defaultScenarioDirectory, resolveScenarioFiles } from '../scenario-files.js';
import { seedOption } from '../seed.js';
import {
  clientsLabel,
  parseClients,
  parseShard,
  planUnits,
  scenarioKey,
  selectShard,
  type ClientSelection,
  type PlannedScenario,
  type WorkUnit,
} from '../units.js';
import { packageVersion } from '../version.js';
import { isReporterPath, ReporterHookError, ReporterModules } from '../reporter-modules.js';
import { nodeWatchDeps, watchRuns } from '../watch.js';
import { runInChildProcess, watchedPaths } from '../watch-set.js';
import { useColor } from '../../report/color.js';
import { loadConfig } from '../config.js';
import { filterByName, lastFailedKey, readLastFailed, regexOption } from '../selection.js';

const DEFAULT_REPORTERS = 'html,junit,json,list';

export const runCommand: Command = {
  name: 'run',
  summary: 'Run scenarios against a client and write reports (HTML, JUnit, JSON)',
  usage: `Usage: syncwright run [files, directories or globs…] [options]

Runs scenario files — fixed steps once, generated ones as many property-based runs — checks
every run's history, shrinks a failure to a minimal program and writes reports. With no
arguments it runs ./scenarios (its files and its regressions/ folder), or the built-in
scenarios when there is no such directory. A directory means its scenario files and those of
its regressions/ folder; globs take * and ** (quote them so the shell leaves them alone).

Options:
  --runs <n>             runs per generated scenario (default: each scenario's own, usually 100)
  --seed <n|random>      fast-check seed (default ${DEFAULT_SEED}, so plain runs repeat exactly)
  --client <c>           reference, sdk, both, or the path of a module exporting a
                         ClientDriverFactory (default reference)
  --mutation <names>     build the reference client with deliberate bugs (comma-separated)
  --compare reference    run each program on the reference client as well, with the faults the
                         reference run met re-aimed at the same requests by meaning, and judge the
                         client against it (the differential oracle): final local and server tables,
                         handler calls, how each call ended and the writes sent. Known differences
                         are declared by signature; programs that cannot be aligned are counted
                         and left out of the comparison
  --sdk-mutation <names> build the SDK harness with deliberate bugs of its own shims (--client sdk;
                         comma-separated: ${SDK_HARNESS_MUTATIONS.join(', ')})
  --workers <n>          worker threads (default ${defaultWorkers()}); results are the same for any number
  --shard <i>/<n>        run the i-th of n deterministic slices of (scenario, run range) units;
                         join the shards' reports with \`syncwright merge-reports\`
  --reporter <list>      any of html, junit, json, list, github (default ${DEFAULT_REPORTERS});
                         github prints GitHub Actions annotations for new findings and stale expectations;
                         a path (./my-reporter.js) names a reporter module of your own: its default
                         export has onScenarioEnd and onEnd hooks, or is a factory of them
  --out <dir>            where reports go (default reports/)
  --bail                 stop at the first failing scenario
  --time-limit <d>       start no run after this long, e.g. 90s, 10m, 1h (what ran is reported)
  --grep <re>            run only the scenarios whose name matches this regular expression
  --grep-invert <re>     leave out the scenarios whose name matches this regular expression
  --last-failed          re-run the scenarios that failed in the results.json the last run left in --out
  --list                 list the scenarios that would run (in this --shard, if one is given), with
                         their run counts, and run nothing
  --watch                run, then run again whenever a scenario file, a handler module a scenario
                         names, a module --client or --reporter names or the config changes (a new
                         scenario file in a scenario folder too); Ctrl-C stops it (exit 130). Not with
                         --list, --last-failed or --shard, nor when CI is set
  --config <file>        the config file (default: syncwright.config.ts, .mts, .js, .mjs or .json in
                         the working directory, when there is one); flags override its fields
  -h, --help             show this help

Colours: on for a terminal; NO_COLOR turns them off, FORCE_COLOR on (FORCE_COLOR=0 off).

Exit code: 0 when every scenario passed (an expected failure that happened counts as passed),
1 when one failed, errored or passed although marked as expected to fail, 2 for a mistake in
the arguments or in a scenario file.

Examples:
  syncwright run
  syncwright run scenarios/conflict-handling.json --runs 500 --seed random
  syncwright run 'scenarios/generated-*.ts' --client both --workers 4
  syncwright run 'scenarios/generated-*.ts' --client sdk --compare reference --runs 500
  syncwright run --shard 2/4 --out reports/shard-2
  syncwright run --grep conflict --list
  syncwright run --last-failed --reporter list,github
  syncwright run scenarios/my-table.json --watch --reporter list,./my-reporter.js`,

  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        runs: { type: 'string' },
        seed: { type: 'string' },
        client: { type: 'string' },
        mutation: { type: 'string' },
        'sdk-mutation': { type: 'string' },
        compare: { type: 'string' },
        workers: { type: 'string' },
        shard: { type: 'string' },
        reporter: { type: 'string' },
        out: { type: 'string' },
        bail: { type: 'boolean' },
        'time-limit': { type: 'string' },
        grep: { type: 'string' },
        'grep-invert': { type: 'string' },
        'last-failed': { type: 'boolean' },
        list: { type: 'boolean' },
        config: { type: 'string' },
        watch: { type: 'boolean' },
      },
      true,
    );
    const config = await loadConfig(values.config, io.cwd);
    const runs = values.runs === undefined ? config?.runs : integerOption('runs', values.runs, 0, 1, 10_000_000);
    const seed =
      values.seed === undefined && typeof config?.seed === 'number'
        ? config.seed
        : seedOption(values.seed ?? (config?.seed === 'random' ? 'random' : undefined), DEFAULT_SEED);
    const clients = parseClients(
      values.client ?? config?.client,
      values.mutation,
      values['sdk-mutation'],
      values.compare,
    );
    let workers = integerOption('workers', values.workers, config?.workers ?? defaultWorkers(), 1, 256);
    if (workers > 1 && workerEntry() === undefined) {
      if (values.workers !== undefined)
        throw new UsageError('--workers needs the compiled CLI (dist/cli/worker.js): run `npm run build` first');
      workers = 1;
    }
    const shard = parseShard(values.shard);
    const reporters = reportersOption(values.reporter ?? config?.reporters?.join(','));
    const outDir = reportDirectory(values.out ?? config?.outDir, io.cwd);
    const timeLimitMs = durationOption('time-limit', values['time-limit']);
    const grep = regexOption('grep', values.grep);
    const grepInvert = regexOption('grep-invert', values['grep-invert']);
    const listOnly = values.list === true;
    // Before any run: a folder the reports cannot go to is a mistake in the arguments.
    if (!listOnly && reporters.builtIn.some((reporter) => reporter !== 'list' && reporter !== 'github'))
      await checkOutDirectory(outDir);
    await checkClients(clients, io.cwd);
    if (values.watch === true) {
      checkWatch(values, io);
      for (const module of reporters.modules)
        if (!existsSync(path.resolve(io.cwd, module)))
          throw new UsageError(
            `--reporter: ${module}: expected a reporter module (a file) or one of html, junit, json, list, github, found no such file`,
          );
      const requested = positionals.length > 0 ? positionals : (config?.scenarios ?? []);
      const modules = [
        ...(config !== undefined ? [config.file] : []),
        ...clients.flatMap((client) =>
          client.choice === 'reference' || client.choice === 'sdk' ? [] : [client.choice],
        ),
        ...reporters.modules,
      ];
      const paths = () => watchedPaths({ requested, cwd: io.cwd, modules });
      await paths(); // arguments that mean no scenario file are exit 2 now, not a silent watch
      const once = args.filter((arg) => arg !== '--watch');
      return watchRuns({ round: (signal) => runInChildProcess(once, io, signal), paths, deps: nodeWatchDeps(), io });
    }
    const color = useColor(io.stdout, io.env);
    const modules = listOnly ? undefined : await loadReporterModules(reporters, io, outDir, color);
    const lastFailed = values['last-failed'] === true ? await readLastFailed(outDir, io.cwd) : undefined;
    if (lastFailed !== undefined && lastFailed.keys.size === 0) {
      io.stdout.write(`no scenario failed in ${lastFailed.resultsFile}: nothing to re-run\n`);
      return 0;
    }
    const requested = positionals.length > 0 ? positionals : (config?.scenarios ?? []);
    const files =
      lastFailed !== undefined && requested.length === 0
        ? lastFailedFiles(lastFailed.files, io)
        : await resolveScenarioFiles(requested, io.cwd);

    // From here on Ctrl-C says how far the run got (loading TypeScript scenarios takes a while too).
    let done = 0;
    let writing = false;
    const stopListening = onInterrupt(io.stderr, () =>
      writing
        ? `syncwright run: interrupted while writing the reports — those in ${outDir} may be incomplete`
        : `syncwright run: interrupted — ${plural(done, 'run')} done, reports not written`,
    );
    const cache: ScenarioCache = new Map();
    const planned: PlannedScenario[] = [];
    const problems: string[] = [];
    for (const file of files) {
      const loading = loadScenario(file, { cwd: io.cwd });
      cache.set(file, loading);
      try {
        planned.push({ file, scenario: await loading });
      } catch (error) {
        problems.push(
          error instanceof Error && error.name === 'ScenarioError'
            ? error.message
            : `${shown(file, io.cwd)}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    if (problems.length > 0) {
      for (const problem of problems) io.stderr.write(`syncwright run: ${terminalSafe(problem, true)}\n`);
      io.stderr.write(`\n${plural(problems.length, 'scenario file')} could not be loaded; nothing was run.\n`);
      stopListening();
      return 2;
    }

    const selected = filterByName(planned, grep, grepInvert).filter(
      ({ scenario }) => lastFailed === undefined || lastFailed.keys.has(lastFailedKey(scenario.file, scenario.name)),
    );
    if (selected.length === 0) {
      stopListening();
      throw new UsageError(
        `no scenario left to run: ${plural(planned.length, 'scenario')} loaded, none ${[
          ...(grep !== undefined ? [`matches --grep ${grep.source}`] : []),
          ...(grepInvert !== undefined ? [`escapes --grep-invert ${grepInvert.source}`] : []),
          ...(lastFailed !== undefined ? [`failed in ${lastFailed.resultsFile}`] : []),
        ].join(' and ')}`,
      );
    }
    if (listOnly) {
      stopListening();
      listScenarios(selectShard(planUnits(selected, clients, runs), shard), io);
      return 0;
    }

    const allUnits = planUnits(selected, clients, runs);
    const units = selectShard(allUnits, shard);
    const total = units.reduce((sum, unit) => sum + unit.weight, 0);
    const scenarioCount = new Set(units.map(scenarioKey)).size;
    const version = await packageVersion();
    const label = clientsLabel(clients);
    const head = [
      `syncwright ${version}`,
      `seed ${seed}`,
      `client ${label}`,
      plural(scenarioCount, 'scenario'),
      plural(total, 'run'),
      plural(Math.max(1, Math.min(workers, units.length)), 'worker'),
      ...(shard !== undefined
        ? [`shard ${shard.index}/${shard.total} (${units.length} of ${allUnits.length} units)`]
        : []),
    ];
    io.stdout.write(`${head.join(' · ')}\n`);
    if (requested.length === 0 && lastFailed === undefined)
      io.stdout.write(`scenarios: ${shown(defaultScenarioDirectory(io.cwd), io.cwd)}\n`);
    if (config !== undefined) io.stdout.write(`config: ${shown(config.file, io.cwd)}\n`);
    if (lastFailed !== undefined)
      io.stdout.write(`re-running ${plural(selected.length, 'scenario')} that failed in ${lastFailed.resultsFile}\n`);

    const startedAt = new Date().toISOString();
    const started = performance.now();
    const progress = new ProgressLine({
      stream: io.stdout,
      isTTY: io.stdout.isTTY === true,
      now: () => performance.now(),
      total,
      color,
      ...(process.stdout.columns !== undefined ? { columns: process.stdout.columns } : {}),
    });
    const counted = new Map<WorkUnit, number>();
    // A scenario split over several units ends, for reporter modules, when its last unit does.
    const unitsLeft = new Map<string, number>();
    for (const unit of units) unitsLeft.set(scenarioKey(unit), (unitsLeft.get(scenarioKey(unit)) ?? 0) + 1);
    const parts = new Map<string, ScenarioResult[]>();
    const failing = new Set<string>();
    let current: string | undefined;
    const state = () => ({ done, failures: failing.size, ...(current !== undefined ? { current } : {}) });
    const outcome = await executeUnits(units, {
      workers,
      seed,
      cwd: io.cwd,
      ...(timeLimitMs !== undefined ? { deadline: Date.now() + timeLimitMs } : {}),
      bail: values.bail === true,
      cache,
      onStart: (unit) => {
        current = clients.length > 1 ? `${unit.name} (${unit.client.label})` : unit.name;
        progress.update(state());
      },
      onRun: (unit, event) => {
        if (event.shrinking) return;
        counted.set(unit, (counted.get(unit) ?? 0) + 1);
        done++;
        progress.update(state());
      },
      onDone: (unit, result) => {
        // A unit that stopped at a failure is done with all of its runs.
        done += Math.max(0, unit.weight - (counted.get(unit) ?? 0));
        counted.set(unit, unit.weight);
        if (modules !== undefined && modules.size > 0) {
          const key = scenarioKey(unit);
          parts.set(key, [...(parts.get(key) ?? []), result]);
          unitsLeft.set(key, (unitsLeft.get(key) ?? 1) - 1);
          if (unitsLeft.get(key) === 0)
            for (const joined of joinParts(parts.get(key)!, { seed, label, startedAt })) modules.scenarioEnded(joined);
        }
        if (isFailingStatus(result.status) && result.status !== 'unexpected-pass' && !failing.has(scenarioKey(unit))) {
          failing.add(scenarioKey(unit));
          progress.log(
            `✗ ${result.status === 'error' ? 'error in' : 'failure in'} ${terminalSafe(result.name)}${clients.length > 1 ? ` (${terminalSafe(result.client)})` : ''}`,
          );
        }
        progress.update(state());
      },
    }).catch((error: unknown) => {
      stopListening();
      throw error;
    });
    current = undefined;
    progress.finish(state());

    const tool = { name: 'syncwright', version, signatureVersion: SIGNATURE_VERSION } as const;
    const scenarios = joinParts(
      outcome.results.map(({ result }) => result),
      { seed, label, startedAt },
    );
    const results: RunResults = {
      tool,
      seed,
      client: label,
      startedAt,
      durationMs: Math.round(performance.now() - started),
      ...(shard !== undefined ? { shard } : {}),
      scenarios,
    };
    if (outcome.stopped !== undefined) {
      const why =
        outcome.stopped === 'bail'
          ? 'stopped at the first failure (--bail)'
          : `time limit of ${formatDuration(timeLimitMs ?? 0)} reached`;
      io.stdout.write(`${why}: ${plural(outcome.skipped.length, 'unit')} of ${units.length} not run\n`);
    }
    if (units.length === 0) io.stdout.write(`this shard has no units to run (${allUnits.length} units in all)\n`);
    printFailures(results.scenarios, io);
    writing = true;
    try {
      return await finish(
        results,
        { outDir, reporters: reporters.builtIn, color, ...(modules ? { modules } : {}) },
        io,
      );
    } finally {
      stopListening();
    }
  },
};

/** `--watch` re-runs for a person at a terminal: a combination that has no next round, or a CI job, is refused. */
function checkWatch(values: { list?: boolean; 'last-failed'?: boolean; shard?: string }, io: CommandIO): void {
  const other =
    values.list === true
      ? '--list'
      : values['last-failed'] === true
        ? '--last-failed'
        : values.shard !== undefined
          ? '--shard'
          : undefined;
  if (other !== undefined)
    throw new UsageError(
      `--watch cannot be combined with ${other} (${other === '--list' ? 'nothing runs to re-run' : other === '--last-failed' ? 'which scenarios failed changes with every round' : 'a shard is a slice for a CI machine'})`,
    );
  const ci = (io.env ?? process.env)['CI'];
  if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0')
    throw new UsageError(`--watch waits for changes until Ctrl-C, which a CI job never sends (CI is set to '${ci}')`);
}

/** `--list`: each scenario (and client) that would run, with its run count; nothing runs. */
function listScenarios(units: readonly WorkUnit[], io: CommandIO): void {
  const rows = new Map<string, { name: string; file: string; client: string; runs: number }>();
  for (const unit of units) {
    const row = rows.get(scenarioKey(unit)) ?? {
      name: unit.name,
      file: unit.shownFile,
      client: unit.client.label,
      runs: 0,
    };
    row.runs += unit.weight;
    rows.set(scenarioKey(unit), row);
  }
  const clients = new Set([...rows.values()].map((row) => row.client));
  for (const row of rows.values()) {
    io.stdout.write(
      `${terminalSafe(row.file)} › ${terminalSafe(row.name)}${clients.size > 1 ? ` [${terminalSafe(row.client)}]` : ''} · ${plural(row.runs, 'run')}\n`,
    );
  }
  const total = [...rows.values()].reduce((sum, row) => sum + row.runs, 0);
  io.stdout.write(`${plural(rows.size, 'scenario')}, ${plural(total, 'run')} would run (nothing was run: --list)\n`);
}

/** The files a `--last-failed` run re-runs; a file gone since is said and left out. */
function lastFailedFiles(files: readonly string[], io: CommandIO): string[] {
  const present = files.filter((file) => existsSync(file));
  for (const file of files.filter((file) => !present.includes(file)))
    io.stderr.write(`syncwright run: --last-failed: ${shown(file, io.cwd)} no longer exists; left out\n`);
  if (present.length === 0)
    throw new UsageError('--last-failed: none of the scenario files that failed last time exists any more');
  return present;
}

async function checkOutDirectory(outDir: string): Promise<void> {
  try {
    await checkDirectoryCanBeMade(outDir);
  } catch (error) {
    if (error instanceof DirectoryError) throw new UsageError(`--out: ${error.message}`);
    throw error;
  }
}

function printFailures(scenarios: readonly ScenarioResult[], io: CommandIO): void {
  const failures = scenarios.filter((scenario) => isFailingStatus(scenario.status));
  if (failures.length === 0) return;
  io.stdout.write(`\n${plural(failures.length, 'failure')}:\n`);
  for (const failure of failures) io.stdout.write(`\n${describeFailure(failure)}\n`);
  io.stdout.write('\n');
}

/** The results of units (parts of scenarios) joined into one result per scenario, in file order. */
function joinParts(
  results: readonly ScenarioResult[],
  run: { seed: number; label: string; startedAt: string },
): ScenarioResult[] {
  if (results.length === 0) return [];
  const tool = { name: 'syncwright', version: '', signatureVersion: SIGNATURE_VERSION } as const;
  return [
    ...mergeResults(
      results.map((result) => ({
        tool,
        seed: run.seed,
        client: run.label,
        startedAt: run.startedAt,
        durationMs: 0,
        scenarios: [result],
      })),
    ).scenarios,
  ];
}

/** The reporter modules `--reporter` names, loaded before anything runs (a bad one is exit 2). */
export async function loadReporterModules(
  reporters: ReporterSelection,
  io: CommandIO,
  outDir: string,
  color: boolean,
): Promise<ReporterModules | undefined> {
  if (reporters.modules.length === 0) return undefined;
  return ReporterModules.load(reporters.modules, io.cwd, { outDir, output: io.stdout, color });
}

/** Writes the reports and returns the exit code. Shared with merge-reports. */
export async function finish(
  results: RunResults,
  options: { outDir: string; reporters: readonly ReporterName[]; color: boolean; modules?: ReporterModules },
  io: CommandIO,
): Promise<number> {
  let written;
  try {
    written = await writeReports(results, {
      outDir: options.outDir,
      reporters: options.reporters,
      output: io.stdout,
      color: options.color,
    });
  } catch (error) {
    io.stderr.write(
      `syncwright: cannot write reports to ${options.outDir}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  }
  if (options.modules !== undefined) {
    try {
      await options.modules.end(results);
    } catch (error) {
      if (!(error instanceof ReporterHookError)) throw error;
      io.stderr.write(`syncwright: ${error.message}\n`);
      return 2;
    }
  }
  const summary = summarize(results);
  if (!options.reporters.includes('list')) {
    io.stdout.write(
      `${summary.ok ? 'PASSED' : 'FAILED'} — ${plural(summary.scenarios, 'scenario')}, ${plural(summary.runs, 'run')}${written.files.length > 0 ? ` · reports: ${written.files.map((file) => shown(file, io.cwd)).join(', ')}` : ''}\n`,
    );
  }
  return summary.ok ? 0 : 1;
}

/** A driver module that is missing or exports no factory is a mistake in the arguments, not a failing scenario. */
async function checkClients(clients: readonly ClientSelection[], cwd: string): Promise<void> {
  for (const client of clients) {
    if (client.choice === 'reference' || client.choice === 'sdk') continue;
    if (!existsSync(path.resolve(cwd, client.choice))) {
      throw new UsageError(
        `--client: '${client.choice}' not found (expected reference, sdk, both, or the path of a module exporting a ClientDriverFactory)`,
      );
    }
    try {
      await resolveClient(client.choice, { cwd });
    } catch (error) {
      throw new UsageError(`--client: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The built-in reporters and the reporter modules (by path) a `--reporter` list names. */
export interface ReporterSelection {
  readonly builtIn: readonly ReporterName[];
  readonly modules: readonly string[];
}

export function reportersOption(value: string | undefined): ReporterSelection {
  const entries = (value ?? DEFAULT_REPORTERS)
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const modules = [...new Set(entries.filter(isReporterPath))];
  let builtIn: ReporterName[];
  try {
    builtIn = parseReporters(entries.filter((entry) => !isReporterPath(entry)).join(','));
  } catch (error) {
    throw new UsageError(
      `--reporter: ${error instanceof Error ? error.message : String(error)}, or the path of a reporter module (./my-reporter.js)`,
    );
  }
  if (builtIn.length + modules.length === 0)
    throw new UsageError(
      `--reporter expects a comma-separated list of html, junit, json, list, github or reporter module paths; got '${value}'`,
    );
  return { builtIn, modules };
}

export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** `--out` (default reports/), shown relative to the process's directory when it lies inside it. */
export function reportDirectory(option: string | undefined, cwd: string): string {
  const absolute = path.resolve(cwd, option ?? 'reports');
  const relative = path.relative(process.cwd(), absolute);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}

/** A path as the user would type it from the working directory. */
export function shown(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === ''
    ? '.'
    : relative.startsWith('..') || path.isAbsolute(relative)
      ? file
      : relative.split(path.sep).join('/');
}
