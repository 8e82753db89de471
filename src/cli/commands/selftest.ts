import { CLIENT_MUTATIONS } from '../../client/mutations.js';
import { SDK_HARNESS_MUTATIONS } from '../../sdk/mutations.js';
import { plural } from '../../report/summary.js';
import { DEFAULT_SEED } from '../../scenario/run.js';
import { formatSelftest, selftest } from '../../scenario/selftest.js';
import { integerOption, parseOptions } from '../options.js';
import { resolveScenarioFiles } from '../scenario-files.js';
import { seedOption } from '../seed.js';
import { UsageError, type Command } from '../command.js';
import { parseMutations, parseSdkMutations } from '../units.js';

export const selftestCommand: Command = {
  name: 'selftest',
  summary: 'Check that the checkers catch deliberate bugs (mutants of the reference client and of the SDK harness)',
  usage: `Usage: syncwright selftest [scenario files…] [options]

Runs the property suite (the built-in scenarios, or the files given) against the unmodified
reference client, which must pass it, and against each mutant — the reference client built
with one deliberate bug (${CLIENT_MUTATIONS.join(', ')}) — each of which must be caught.

Then the harness mutants: the real SDK on a shim of syncwright's own with a bug
(${SDK_HARNESS_MUTATIONS.join(', ')}), compared with the reference client
(--client sdk --compare reference) on the scenarios that declare what the SDK does
(expect.sdk), where the unmodified harness must pass first. Each must be caught as a new
finding, never pass as one of the SDK's known ones.

Prints, per mutant, whether it was caught, by which checker in which scenario, the time to the
first failure and to the shrunk counterexample, and the counterexample's size; then each
catch's signatures and replay command (with its seed and path).

Options:
  --seed <n|random>      fast-check seed (default ${DEFAULT_SEED})
  --runs <n>             runs per generated scenario (default: each scenario's own)
  --mutation <names>     try only these mutants of the reference client (comma-separated)
  --sdk-mutation <names> try only these mutants of the SDK harness (comma-separated); with
                         --mutation and without this, none of them
  --no-harness           try no mutant of the SDK harness
  --skip-baseline        do not run the unmodified clients
  -h, --help             show this help

Exit code: 0 when the unmodified clients pass and every mutant is caught, else 1.`,

  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        seed: { type: 'string' },
        runs: { type: 'string' },
        mutation: { type: 'string' },
        'sdk-mutation': { type: 'string' },
        'no-harness': { type: 'boolean' },
        'skip-baseline': { type: 'boolean' },
      },
      true,
    );
    const seed = seedOption(values.seed, DEFAULT_SEED);
    const runs = values.runs === undefined ? undefined : integerOption('runs', values.runs, 0, 1, 10_000_000);
    if (values['no-harness'] === true && values['sdk-mutation'] !== undefined)
      throw new UsageError('--no-harness and --sdk-mutation contradict each other: give one of them');
    // Naming the mutants of one kind tries those alone; naming none tries every one of both kinds.
    const named = values.mutation !== undefined || values['sdk-mutation'] !== undefined;
    const mutations =
      values.mutation !== undefined ? parseMutations(values.mutation) : named ? [] : [...CLIENT_MUTATIONS];
    const harnessMutations =
      values['no-harness'] === true
        ? []
        : values['sdk-mutation'] !== undefined
          ? parseSdkMutations(values['sdk-mutation'])
          : named
            ? []
            : [...SDK_HARNESS_MUTATIONS];
    const scenarios = positionals.length > 0 ? await resolveScenarioFiles(positionals, io.cwd) : undefined;
    io.stdout.write(
      `syncwright selftest · seed ${seed} · ${scenarios !== undefined ? plural(scenarios.length, 'scenario') : 'built-in scenarios'} · ${plural(mutations.length + harnessMutations.length, 'mutant')}${harnessMutations.length > 0 ? ` (${harnessMutations.length} of the SDK harness)` : ''}${runs !== undefined ? ` · ${plural(runs, 'run')} per generated scenario` : ''}\n`,
    );
    const report = await selftest({
      seed,
      mutations,
      harnessMutations,
      cwd: io.cwd,
      ...(runs !== undefined ? { runs } : {}),
      ...(scenarios !== undefined ? { scenarios } : {}),
      ...(values['skip-baseline'] === true ? { skipBaseline: true } : {}),
      onProgress: (line) => io.stdout.write(`${line}\n`),
    });
    io.stdout.write(`\n${formatSelftest(report)}\n`);
    io.stdout.write(
      `${report.ok ? 'PASSED' : 'FAILED'}: ${report.baselinePassed ? (report.baseline.length + report.harnessBaseline.length > 0 ? 'the unmodified clients pass' : 'baseline skipped') : 'an unmodified client FAILS'}, ${report.mutants.filter((mutant) => mutant.caught).length}/${report.mutants.length} mutants caught\n`,
    );
    return report.ok ? 0 : 1;
  },
};
