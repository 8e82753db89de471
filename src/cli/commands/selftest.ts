import { CLIENT_MUTATIONS } from '../../client/mutations.js';
import { plural } from '../../report/summary.js';
import { DEFAULT_SEED } from '../../scenario/run.js';
import { formatSelftest, selftest } from '../../scenario/selftest.js';
import type { Command } from '../command.js';
import { integerOption, parseOptions } from '../options.js';
import { resolveScenarioFiles } from '../scenario-files.js';
import { seedOption } from '../seed.js';
import { parseMutations } from '../units.js';

export const selftestCommand: Command = {
  name: 'selftest',
  summary: 'Check that the checkers catch deliberate bugs (mutants of the reference client)',
  usage: `Usage: syncwright selftest [scenario files…] [options]

Runs the property suite (the built-in scenarios, or the files given) against the unmodified
reference client, which must pass it, and against each mutant — the reference client built
with one deliberate bug (${CLIENT_MUTATIONS.join(', ')}) — each of which must be caught. Prints, per mutant,
whether it was caught, by which checker in which scenario, the time to the first failure and
to the shrunk counterexample, and the counterexample's size.

Options:
  --seed <n|random>      fast-check seed (default ${DEFAULT_SEED})
  --runs <n>             runs per generated scenario (default: each scenario's own)
  --mutation <names>     try only these mutants (comma-separated)
  --skip-baseline        do not run the unmodified client
  -h, --help             show this help

Exit code: 0 when the unmodified client passes and every mutant is caught, else 1.`,

  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        seed: { type: 'string' },
        runs: { type: 'string' },
        mutation: { type: 'string' },
        'skip-baseline': { type: 'boolean' },
      },
      true,
    );
    const seed = seedOption(values.seed, DEFAULT_SEED);
    const runs = values.runs === undefined ? undefined : integerOption('runs', values.runs, 0, 1, 10_000_000);
    const mutations = values.mutation === undefined ? [...CLIENT_MUTATIONS] : parseMutations(values.mutation);
    const scenarios = positionals.length > 0 ? await resolveScenarioFiles(positionals, io.cwd) : undefined;
    io.stdout.write(
      `syncwright selftest · seed ${seed} · ${scenarios !== undefined ? plural(scenarios.length, 'scenario') : 'built-in scenarios'} · ${plural(mutations.length, 'mutant')}${runs !== undefined ? ` · ${plural(runs, 'run')} per generated scenario` : ''}\n`,
    );
    const report = await selftest({
      seed,
      mutations,
      cwd: io.cwd,
      ...(runs !== undefined ? { runs } : {}),
      ...(scenarios !== undefined ? { scenarios } : {}),
      ...(values['skip-baseline'] === true ? { skipBaseline: true } : {}),
      onProgress: (line) => io.stdout.write(`${line}\n`),
    });
    io.stdout.write(`\n${formatSelftest(report)}\n`);
    io.stdout.write(
      `${report.ok ? 'PASSED' : 'FAILED'}: ${report.baselinePassed ? (report.baseline.length > 0 ? 'the unmodified client passes' : 'baseline skipped') : 'the unmodified client FAILS'}, ${report.mutants.filter((mutant) => mutant.caught).length}/${report.mutants.length} mutants caught\n`,
    );
    return report.ok ? 0 : 1;
  },
};
