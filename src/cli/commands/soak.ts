/**
 * `syncwright soak`: the proof that the checkers blame nothing on a correct client. Every generated
 * scenario runs its programs for each seed on the client (by default the unmodified reference
 * client), and every signature any run shows is counted — a soak never stops at a failure. Allowed
 * outcomes (the scenario's intent) are listed apart; anything else is a violation, and the
 * expected number of violations is zero.
 */
import { terminalSafe } from '../../report/escape.js';
import { plural } from '../../report/summary.js';
import { loadScenario } from '../../scenario/load.js';
import { joinFindings } from '../../scenario/findings.js';
import type { FindingSummary } from '../../scenario/results.js';
import { UsageError, type Command } from '../command.js';
import { integerOption, parseOptions } from '../options.js';
import { executeUnits, workerEntry } from '../pool.js';
import type { ScenarioCache } from '../run-unit.js';
import { resolveScenarioFiles } from '../scenario-files.js';
import { parseClients, planUnits, type PlannedScenario } from '../units.js';
import { defaultWorkers } from './run.js';

const DEFAULT_RUNS = 10_000;
const DEFAULT_SEEDS = [42, 1, 7];

export const soakCommand: Command = {
  name: 'soak',
  summary: 'Run every generated scenario many times and count every signature (expected: no violation)',
  usage: `Usage: syncwright soak [files, directories or globs…] [options]

Runs the generated scenarios (those with a "generate" section; fixed-step ones are skipped) for
each seed and counts every signature their runs show, without stopping at a failure. Allowed
outcomes are listed apart; every other signature is a violation. On the unmodified reference
client the answer must be zero violations: a checker that blames a correct client is a bug.

Options:
  --runs <n>          runs per scenario and seed (default ${DEFAULT_RUNS.toLocaleString('en-US')})
  --seeds <list>      comma-separated seeds (default ${DEFAULT_SEEDS.join(',')})
  --client <c>        reference (default), sdk, or a driver module's path
  --mutation <names>  plant bugs in the reference client (the soak should then find them)
  --workers <n>       worker threads (default ${defaultWorkers()}); the counts are the same for any number
  -h, --help          show this help

Exit code: 0 when no run showed a violation, 1 when one did, 2 for a mistake in the arguments.

Examples:
  npm run soak -- --runs 10000 --seeds 42,1,7
  syncwright soak 'scenarios/generated-*.ts' --runs 1000 --seeds 42`,

  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        runs: { type: 'string' },
        seeds: { type: 'string' },
        client: { type: 'string' },
        mutation: { type: 'string' },
        workers: { type: 'string' },
      },
      true,
    );
    const runs = integerOption('runs', values.runs, DEFAULT_RUNS, 1, 10_000_000);
    const seeds = seedList(values.seeds);
    const clients = parseClients(values.client, values.mutation);
    if (clients.length !== 1) throw new UsageError('--client takes one client for a soak');
    let workers = integerOption('workers', values.workers, defaultWorkers(), 1, 256);
    if (workers > 1 && workerEntry() === undefined) workers = 1;
    const files = await resolveScenarioFiles(positionals, io.cwd);
    const cache: ScenarioCache = new Map();
    const planned: PlannedScenario[] = [];
    for (const file of files) {
      const loading = loadScenario(file, { cwd: io.cwd });
      cache.set(file, loading);
      const scenario = await loading;
      if (scenario.generate !== undefined && scenario.program === undefined) planned.push({ file, scenario });
    }
    if (planned.length === 0) throw new UsageError('no generated scenario among the files given');
    const client = clients[0]!;
    io.stdout.write(
      `syncwright soak · client ${client.label} · ${plural(planned.length, 'generated scenario')} · seeds ${seeds.join(', ')} · ${runs.toLocaleString('en-US')} runs each · ${plural(workers, 'worker')}\n`,
    );

    const violations = new Map<string, { count: number; where: string; example: string }>();
    let totalRuns = 0;
    const started = performance.now();
    for (const seed of seeds) {
      const units = planUnits(planned, clients, runs);
      const outcome = await executeUnits(units, { workers, seed, cwd: io.cwd, cache, countAll: true });
      for (const { file, scenario } of planned) {
        const parts = outcome.results.filter(({ unit }) => unit.file === file);
        const ran = parts.reduce((sum, { result }) => sum + result.runs, 0);
        const errors = parts.filter(({ result }) => result.status === 'error').map(({ result }) => result.error);
        totalRuns += ran;
        const findings = joinFindings(parts.map(({ result }) => result.findings ?? []));
        const bad = findings.filter((finding) => finding.disposition !== 'allowed');
        const allowed = findings.filter((finding) => finding.disposition === 'allowed');
        io.stdout.write(
          `  seed ${seed} · ${terminalSafe(scenario.name)}: ${plural(ran, 'run')}, ${plural(countOf(bad), 'violation')}, ${plural(allowed.length, 'allowed signature')}${errors.length > 0 ? `, ERROR: ${terminalSafe(String(errors[0]))}` : ''}\n`,
        );
        for (const finding of bad) record(violations, finding, scenario.file);
        if (errors.length > 0) {
          record(
            violations,
            {
              signature: 'run-error',
              count: errors.length,
              first: { seed },
              example: String(errors[0]),
            } as FindingSummary,
            scenario.file,
          );
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    io.stdout.write(
      `\n${totalRuns.toLocaleString('en-US')} runs in ${seconds.toFixed(0)} s (${(totalRuns / seconds).toFixed(0)} runs/s).\n`,
    );
    if (violations.size === 0) {
      io.stdout.write('Violations by signature: none.\n');
      return 0;
    }
    io.stdout.write('Violations by signature:\n');
    for (const [signature, { count, where, example }] of [...violations].sort((a, b) => b[1].count - a[1].count)) {
      io.stdout.write(
        `  ${terminalSafe(signature)} ×${count} — first: ${terminalSafe(where)}\n      ${terminalSafe(example, true)}\n`,
      );
    }
    return 1;
  },
};

function countOf(findings: readonly FindingSummary[]): number {
  return findings.reduce((sum, finding) => sum + finding.count, 0);
}

function record(
  into: Map<string, { count: number; where: string; example: string }>,
  finding: FindingSummary,
  file: string,
): void {
  const known = into.get(finding.signature);
  const token = `${finding.first.seed}${finding.first.path !== undefined ? `:${finding.first.path}` : ''}`;
  if (known !== undefined) known.count += finding.count;
  else into.set(finding.signature, { count: finding.count, where: `${file} ${token}`, example: finding.example });
}

function seedList(option: string | undefined): number[] {
  if (option === undefined) return DEFAULT_SEEDS;
  const seeds = option.split(',').map((text) => text.trim());
  if (seeds.length === 0 || seeds.some((text) => !/^\d{1,10}$/.test(text) || Number(text) > 2 ** 31 - 1)) {
    throw new UsageError(`--seeds expects comma-separated whole numbers from 0 to ${2 ** 31 - 1}, got '${option}'`);
  }
  return [...new Set(seeds.map(Number))];
}
