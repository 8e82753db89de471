import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SIGNATURE_VERSION } from '../../check/signature.js';
import { terminalSafe } from '../../report/escape.js';
import { firstLabel, renderHuntSummary, writeHuntReports } from '../../report/hunt.js';
import { HuntProgressLine } from '../../report/hunt-progress.js';
import { plural } from '../../report/summary.js';
import {
  BaselineError,
  clientKey,
  readBaseline,
  updatedBaseline,
  writeBaseline,
  type Baseline,
} from '../../scenario/hunt/baseline.js';
import { newControl, requestStop, wallNow, type HuntBudget } from '../../scenario/hunt/budget.js';
import { Corpus, CorpusError, DEFAULT_CORPUS_DIR, loadCorpus, saveCorpus } from '../../scenario/hunt/corpus.js';
import { hunt, localExecutor, type HuntScenario } from '../../scenario/hunt/hunt.js';
import { newTaskCaches } from '../../scenario/hunt/tasks.js';
import type { HuntClient, HuntFinding, HuntResults } from '../../scenario/hunt/types.js';
import { loadScenario } from '../../scenario/load.js';
import { replayCommand } from '../../scenario/run.js';
import { UsageError, type Command } from '../command.js';
import { durationOption } from '../duration.js';
import { threadPool, huntWorkerEntry } from '../hunt-pool.js';
import { integerOption, parseOptions } from '../options.js';
import { resolveScenarioFiles } from '../scenario-files.js';
import { seedOption } from '../seed.js';
import { parseClients, parseShard } from '../units.js';
import { packageVersion } from '../version.js';
import { loadConfig } from '../config.js';
import { defaultWorkers, shown } from './run.js';

const DEFAULT_TIME = '10m';
const DEFAULT_OUT = 'reports/hunt';
const DEFAULT_SEED = 42;

export const huntCommand: Command = {
  name: 'hunt',
  summary: 'Search until the budget is spent: every distinct finding, shrunk once, triaged, new ones flagged',
  usage: `Usage: syncwright hunt [generated scenario files, directories or globs…] [options]

Runs the generated scenarios with fresh seeds derived from --seed until the budget is spent,
never stopping at a failure. Each distinct signature (per client and version) is shrunk once,
saved as a counterexample that \`syncwright replay\` runs, and triaged (the steps and faults it
needs, the step after which it was bound to happen); later occurrences are counted. Part of the
budget mutates a corpus of programs that reached something new (coverage guidance). With no
arguments it hunts with the generated scenarios of ./scenarios.

Options:
  --client <c>           reference, sdk, or a driver module (default reference)
  --mutation <names>     build the reference client with deliberate bugs
  --time <d>             a deadline: 90s, 10m, 1h (default ${DEFAULT_TIME}); shrinking and triage
                         that would pass it stop and are marked partial
  --runs <n>             a run budget instead of a deadline (deterministic: same seed, runs,
                         workers and corpus give the same findings, byte for byte)
  --seed <n|random>      the hunt seed (default ${DEFAULT_SEED})
  --workers <n>          worker threads (default ${defaultWorkers()})
  --shard <i>/<n>        every n-th batch of the hunt from the i-th; join the shards with
                         \`syncwright merge-reports\`
  --out <dir>            where findings.json, junit.xml, index.html and findings/ go
                         (default ${DEFAULT_OUT})
  --baseline <file>      known findings (by client and version): they do not fail the hunt
  --update-baseline      rewrite the baseline with this hunt's findings (exit 0)
  --corpus <dir>         the corpus folder, read and added to (default ${DEFAULT_CORPUS_DIR})
  --no-guidance          no corpus, no mutation: fresh generated programs only
  --triage <n>           triage variations per step (default 4; 0 turns triage off)
  --config <file>        the config file (default: syncwright.config.* in the working directory);
                         a hunt takes its scenarios, client, seed, workers and baseline, flags override them
  -h, --help             show this help

Exit code: 0 when no finding is new (every one is in the baseline), 1 when one is new, 2 for a
mistake in the arguments, a scenario, the baseline or the corpus.

Examples:
  syncwright hunt --client sdk --time 30m --baseline baselines/azure-mobile-apps-client-2.0.1.json
  syncwright hunt 'scenarios/generated-*.ts' --runs 2000 --seed 7 --workers 2
  syncwright hunt --client sdk --time 20m --shard 2/4 --out reports/hunt-2 --seed "$RUN_ID"`,

  async run(args, io) {
    // The budget counts from here: loading the scenarios and the client is part of it.
    const started = wallNow();
    const { values, positionals } = parseOptions(
      args,
      {
        client: { type: 'string' },
        mutation: { type: 'string' },
        time: { type: 'string' },
        runs: { type: 'string' },
        seed: { type: 'string' },
        workers: { type: 'string' },
        shard: { type: 'string' },
        out: { type: 'string' },
        baseline: { type: 'string' },
        'update-baseline': { type: 'boolean' },
        corpus: { type: 'string' },
        'no-guidance': { type: 'boolean' },
        triage: { type: 'string' },
        config: { type: 'string' },
      },
      true,
    );
    if (values.time !== undefined && values.runs !== undefined)
      throw new UsageError('--time and --runs are two kinds of budget: give one');
    const config = await loadConfig(values.config, io.cwd);
    const baselineOption = values.baseline ?? config?.baseline;
    if (values['update-baseline'] === true && baselineOption === undefined)
      throw new UsageError('--update-baseline needs --baseline <file> (the file to rewrite)');
    const budget: HuntBudget =
      values.runs !== undefined
        ? { kind: 'runs', runs: integerOption('runs', values.runs, 0, 1, 100_000_000) }
        : { kind: 'time', ms: durationOption('time', values.time ?? DEFAULT_TIME)! };
    const seed =
      values.seed === undefined && typeof config?.seed === 'number'
        ? config.seed
        : seedOption(values.seed ?? (config?.seed === 'random' ? 'random' : undefined), DEFAULT_SEED);
    const clients = parseClients(values.client ?? config?.client, values.mutation);
    if (clients.length !== 1) throw new UsageError(`--client: a hunt tests one client, got '${values.client}'`);
    const selection = clients[0]!;
    let workers = integerOption('workers', values.workers, config?.workers ?? defaultWorkers(), 1, 256);
    const entry = huntWorkerEntry();
    if (workers > 1 && entry === undefined) {
      if (values.workers !== undefined)
        throw new UsageError('--workers needs the compiled CLI (dist/cli/hunt-worker.js): run `npm run build` first');
      workers = 1;
    }
    const shard = parseShard(values.shard);
    const triage = integerOption('triage', values.triage, 4, 0, 64);
    const outDir = path.resolve(io.cwd, values.out ?? DEFAULT_OUT);
    const guidance = values['no-guidance'] !== true;
    const corpusDir = path.resolve(io.cwd, values.corpus ?? DEFAULT_CORPUS_DIR);
    const baselineFile = baselineOption !== undefined ? path.resolve(io.cwd, baselineOption) : undefined;

    let baseline: Baseline | undefined;
    let corpus: Corpus;
    try {
      if (baselineFile !== undefined) {
        baseline =
          values['update-baseline'] === true
            ? await readBaseline(baselineFile, baselineOption).catch((error: unknown) => {
                // A baseline that does not exist yet is what --update-baseline makes.
                if (error instanceof BaselineError && /found none$/.test(error.message)) return undefined;
                throw error;
              })
            : await readBaseline(baselineFile, baselineOption);
      }
      corpus = guidance ? await loadCorpus(corpusDir) : new Corpus([], 'unused');
    } catch (error) {
      if (error instanceof BaselineError || error instanceof CorpusError) {
        io.stderr.write(`syncwright hunt: ${terminalSafe(error.message, true)}\n`);
        return 2;
      }
      throw error;
    }

    const requested = positionals.length > 0 ? positionals : (config?.scenarios ?? []);
    const files = await resolveScenarioFiles(requested, io.cwd);
    const scenarios: HuntScenario[] = [];
    const problems: string[] = [];
    for (const file of files) {
      try {
        const scenario = await loadScenario(file, { cwd: io.cwd });
        if (scenario.program === undefined) scenarios.push({ file, scenario });
        else if (requested.length > 0)
          problems.push(
            `${shown(file, io.cwd)}: expected a generated scenario (one with "generate"), found fixed steps`,
          );
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (problems.length > 0 || scenarios.length === 0) {
      for (const problem of problems) io.stderr.write(`syncwright hunt: ${terminalSafe(problem, true)}\n`);
      if (scenarios.length === 0 && problems.length === 0)
        io.stderr.write('syncwright hunt: no generated scenarios to hunt with\n');
      return 2;
    }

    const version = await packageVersion();
    const client: HuntClient = {
      choice: selection.choice,
      mutations: selection.mutations,
      label: selection.label,
      version: await clientVersion(selection.choice, version),
    };
    io.stdout.write(
      `${[
        `syncwright ${version} hunt`,
        `seed ${seed}`,
        `client ${client.label}@${client.version}`,
        plural(scenarios.length, 'scenario'),
        budget.kind === 'runs' ? plural(budget.runs, 'run') : `time ${values.time ?? DEFAULT_TIME}`,
        plural(workers, 'worker'),
        guidance ? `corpus ${corpus.size} (${corpus.inputHash.slice(0, 12)})` : 'no guidance',
        ...(shard !== undefined ? [`shard ${shard.index}/${shard.total}`] : []),
      ].join(' · ')}\n`,
    );

    const startedAt = new Date().toISOString();
    const control = newControl(budget, started);
    const onSigint = (): void => {
      requestStop(control);
      io.stderr.write('\nsyncwright hunt: interrupted — finishing the runs under way and writing what was found\n');
    };
    process.once('SIGINT', onSigint);
    const pool = workers > 1 && entry !== undefined ? threadPool(workers, entry) : undefined;
    const progress = new HuntProgressLine({
      write: (text) => io.stdout.write(text),
      isTTY: io.stdout.isTTY === true,
      now: wallNow,
      budget: budget.kind === 'runs' ? { runs: budget.runs } : { ms: budget.ms },
    });
    const findingsDir = path.join(outDir, 'findings');
    let outcome;
    try {
      outcome = await hunt({
        scenarios,
        cwd: io.cwd,
        client,
        seed,
        budget,
        workers,
        ...(shard !== undefined ? { shard } : {}),
        guidance,
        corpus,
        ...(baseline !== undefined ? { baseline } : {}),
        ...(baselineFile !== undefined ? { baselineFile: shown(baselineFile, io.cwd) } : {}),
        control,
        // In this thread, a turn of the event loop before each run lets SIGINT be heard.
        execute: pool?.execute ?? localExecutor(newTaskCaches(() => new Promise((resolve) => setImmediate(resolve)))),
        triageVariations: triage,
        save: async (index, finding, counterexample) => {
          await mkdir(findingsDir, { recursive: true });
          const file = path.join(findingsDir, `${String(index).padStart(3, '0')}-${slug(finding.signature)}.json`);
          await writeFile(file, `${JSON.stringify(counterexample, null, 2)}\n`, 'utf8');
          const relative = shown(file, io.cwd);
          return {
            file: path.relative(outDir, file).split(path.sep).join('/'),
            replayCommand: replayCommand(relative, 'reference'),
          };
        },
        onProgress: (state) => progress.update(state),
        onFinding: (finding) =>
          progress.log(
            `${finding.status === 'new' ? '✗ new' : '○ known'} ${terminalSafe(finding.signature)} in ${terminalSafe(finding.scenarioName)} (first ${terminalSafe(firstLabel(finding))})`,
          ),
      });
    } finally {
      process.removeListener('SIGINT', onSigint);
      await pool?.close();
    }
    progress.finish();

    const results: HuntResults = {
      tool: { name: 'syncwright', version, signatureVersion: SIGNATURE_VERSION },
      kind: 'hunt',
      startedAt,
      durationMs: Math.round(wallNow() - started),
      hunt: outcome.summary,
      findings: outcome.findings,
    };
    let reports: string[];
    try {
      reports = [...(await writeHuntReports(results, outcome.counterexamples, outDir)).files];
      if (guidance) {
        await saveCorpus(corpusDir, corpus.addedEntries);
        // The shard's own additions travel with its reports, for merge-reports to join.
        await saveCorpus(path.join(outDir, 'corpus'), corpus.addedEntries);
      }
    } catch (error) {
      io.stderr.write(
        `syncwright hunt: cannot write to ${shown(outDir, io.cwd)}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return 2;
    }
    io.stdout.write(renderHuntSummary(results, { reports: reports.map((file) => shown(file, io.cwd)) }));
    if (values['update-baseline'] === true && baselineFile !== undefined) {
      const key = clientKey(client.label, client.version);
      const next = updatedBaseline(
        baseline,
        key,
        outcome.findings.map((finding) => finding.signature),
        (signature) => noteFor(outcome.findings.find((finding) => finding.signature === signature)!),
      );
      await writeBaseline(baselineFile, next);
      io.stdout.write(
        `baseline ${shown(baselineFile, io.cwd)} rewritten: ${plural(next.clients[key]?.length ?? 0, 'entry', 'entries')} for ${key}\n`,
      );
      return 0;
    }
    return outcome.findings.some((finding) => finding.status === 'new') ? 1 : 0;
  },
};

/** The version a client's findings are keyed by. */
async function clientVersion(choice: string, syncwright: string): Promise<string> {
  if (choice === 'sdk') {
    const require = createRequire(import.meta.url);
    return (require('azure-mobile-apps-client/package.json') as { version: string }).version;
  }
  return choice === 'reference' ? syncwright : 'local';
}

function slug(signature: string): string {
  return signature
    .replace(/[^\w.-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 80);
}

function noteFor(finding: HuntFinding): string {
  return `found by syncwright hunt in ${finding.scenarioName}; document it in docs/sdk-findings.md`;
}
