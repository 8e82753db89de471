import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClientMutation } from '../../client/mutations.js';
import type { SdkHarnessMutation } from '../../sdk/mutations.js';
import type { ComparedRun } from '../../scenario/compare.js';
import type { JsonObject } from '../../protocol/records.js';
import { terminalSafe } from '../../report/escape.js';
import { plural } from '../../report/summary.js';
import { resolveClient } from '../../scenario/clients.js';
import {
  parseReplayToken,
  replay,
  saveRegression,
  type ReplayResult,
  type ReplaySource,
} from '../../scenario/replay.js';
import { CounterexampleFileError, checkedCounterexample } from '../../scenario/counterexample-schema.js';
import type { Counterexample } from '../../scenario/results.js';
import type { RunRecord } from '../../scenario/execute.js';
import { counterexampleOf } from '../../scenario/run.js';
import { UsageError, type Command } from '../command.js';
import { formatProgram } from '../failure-text.js';
import { historyHash } from '../history-hash.js';
import { parseOptions } from '../options.js';
import { readJsonFile } from '../json-file.js';
import { MAX_JSON_BYTES } from '../../protocol/limits.js';
import { parseClients, parseMutations, parseSdkMutations } from '../units.js';
import { shown } from './run.js';
import { writeHtmlReport } from '../../report/html.js';
import { replayResults } from '../replay-report.js';
import { packageVersion } from '../version.js';

const TOKEN = /^-?\d+:\d+(:\d+)*$/;

export const replayCommand: Command = {
  name: 'replay',
  summary: 'Replay one run exactly (a <seed>:<path> or a counterexample file)',
  usage: `Usage: syncwright replay <scenario file> <seed>:<path> [options]
       syncwright replay <seed>:<path> --scenario <file> [options]
       syncwright replay <counterexample.json> [options]
       syncwright replay <fixed-step scenario file> [options]

Runs one program again — the one fast-check generated at <seed>:<path> for a scenario, or the
one a counterexample file holds — and prints its history hash and the verdict of the checks.
Same program and client ⇒ byte-identical history ⇒ the same hash. A failure's replay command
(printed by \`syncwright run\` and in every report) is exactly such a command line.

Options:
  --scenario <file>      the scenario file (default: the one the counterexample names)
  --client <c>           reference, sdk, or a driver module (default: the counterexample's client,
                         else reference)
  --mutation <names>     build the reference client with these deliberate bugs
  --sdk-mutation <names> build the SDK harness with these deliberate bugs of its shims (--client sdk)
  --compare reference    replay the comparison with the reference client too (as \`run --compare\`)
  --out <dir>            write the run's HTML report (its timeline, passing or failing) to
                         <dir>/index.html
  --save                 save the run as a regression case in scenarios/regressions/
  --name <name>          the regression's file name (letters, digits, - and _)
  --to <dir>             the folder to save it in (default scenarios/regressions; a folder of
                         known findings of one client, say scenarios/regressions/sdk)
  --expect-fail          mark the saved case as a known finding of this client (failing is expected)
  -h, --help             show this help

Exit code: 0 when every check holds, 1 when a check is violated (the failure reproduced) or the
history differs from the counterexample's, 2 for a mistake in the arguments or files.

Examples:
  syncwright replay scenarios/generated-merge.ts 42:17:3:0
  syncwright replay reports/counterexample.json --save --name merge-lost-update
  syncwright replay scenarios/two-clients.json --out reports/replay
  syncwright replay reports/counterexample.json --client sdk --save --expect-fail --to scenarios/regressions/sdk`,

  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        scenario: { type: 'string' },
        client: { type: 'string' },
        mutation: { type: 'string' },
        'sdk-mutation': { type: 'string' },
        compare: { type: 'string' },
        save: { type: 'boolean' },
        name: { type: 'string' },
        to: { type: 'string' },
        'expect-fail': { type: 'boolean' },
        out: { type: 'string' },
      },
      true,
    );
    if (
      (values.name !== undefined || values.to !== undefined || values['expect-fail'] === true) &&
      values.save !== true
    ) {
      throw new UsageError('--name, --to and --expect-fail go with --save');
    }
    if (values.to !== undefined && values.to.trim() === '') throw new UsageError('--to expects a folder');
    if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out expects a folder');
    if (values.name !== undefined && !/^[\w-]+$/.test(values.name))
      throw new UsageError(`--name may only hold letters, digits, '-' and '_', got '${values.name}'`);
    const { source, counterexample } = await replaySource(positionals, values.scenario, io.cwd);
    const client = clientFor(values.client, values.mutation, counterexample?.client, values['sdk-mutation']);
    const compare = compareFor(values.compare, counterexample);
    if (compare !== undefined) parseClients(client.choice, undefined, undefined, compare);

    let result: ReplayResult;
    const startedAt = new Date().toISOString();
    const started = performance.now();
    try {
      result = await replay(source, {
        client: client.choice,
        mutations: client.mutations,
        sdkMutations: client.sdkMutations,
        ...(compare !== undefined ? { compare } : {}),
        cwd: io.cwd,
      });
    } catch (error) {
      io.stderr.write(`syncwright replay: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    const resolved = await resolveClient(client.choice, {
      mutations: client.mutations,
      sdkMutations: client.sdkMutations,
      cwd: io.cwd,
    });
    const hash = historyHash(result.run.history);
    const where =
      result.path !== undefined
        ? ` · seed ${result.seed} · path ${result.path}`
        : ` · world seed ${result.program.seed}`;
    const out: string[] = [
      `replaying ${terminalSafe(result.scenario.file)}${where} · client ${terminalSafe(resolved.name)}${compare !== undefined ? ` vs ${compare}` : ''}`,
      `program: ${plural(result.program.steps.length, 'step')}`,
    ];
    out.push(...formatProgram(result.program as unknown as JsonObject).map((line) => `  ${line}`));
    out.push(`history: ${plural(result.run.history.length, 'event')} · sha256 ${hash}`);
    const comparison = (result.run as Partial<ComparedRun>).comparison;
    if (comparison !== undefined) {
      out.push(
        `${comparison.against} run: ${plural(comparison.reference.history.length, 'event')} · sha256 ${historyHash(comparison.reference.history)} · ${plural(comparison.aligned.length, 'fault')} aligned`,
      );
      if (comparison.excluded !== undefined)
        out.push(`not compared (${comparison.excluded.reason}): ${terminalSafe(comparison.excluded.detail, true)}`);
    }
    let differs = false;
    if (
      counterexample !== undefined &&
      Array.isArray(counterexample.history) &&
      (counterexample.client ?? 'reference') === resolved.name
    ) {
      const saved = historyHash(counterexample.history);
      differs = saved !== hash;
      out.push(
        differs
          ? `the counterexample's history DIFFERS (sha256 ${saved}): the run did not reproduce`
          : "identical to the counterexample's history",
      );
    }
    if (result.run.valid) out.push('verdict: PASS — every check held');
    else {
      out.push('verdict: FAIL');
      if (result.run.stopped !== undefined)
        out.push(`  the run never settled: ${terminalSafe(result.run.stopped, true)}`);
      for (const check of result.run.checks.filter((check) => !check.valid)) {
        out.push(`  ${terminalSafe(check.checker)}: ${terminalSafe(check.explanation, true)}`);
      }
    }
    io.stdout.write(`${out.join('\n')}\n`);

    if (values.out !== undefined) {
      const results = replayResults({
        result,
        client: resolved,
        version: await packageVersion(),
        startedAt,
        durationMs: Math.round(performance.now() - started),
        shrinks: counterexample?.shrinks ?? 0,
      });
      try {
        const file = await writeHtmlReport(results, path.resolve(io.cwd, values.out));
        io.stdout.write(`report: ${shown(file, io.cwd)}\n`);
      } catch (error) {
        io.stderr.write(
          `syncwright replay: cannot write the report: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        return 2;
      }
    }

    if (values.save === true) {
      const found: Counterexample = counterexampleOf(result.scenario, resolved, result.run, {
        seed: result.seed ?? result.program.seed,
        ...(result.path !== undefined ? { path: result.path } : {}),
        shrinks: counterexample?.shrinks ?? 0,
      });
      const name = values.name ?? regressionName(result);
      try {
        const file = await saveRegression(found, {
          name,
          cwd: io.cwd,
          ...(values.to !== undefined ? { directory: values.to } : {}),
          // The known finding is pinned by the signatures this run shows, so a new one still fails.
          ...(values['expect-fail'] === true
            ? { expect: { [resolved.name.split('+')[0]!]: { fails: knownSignatures(result.run) } } }
            : {}),
        });
        io.stdout.write(`saved ${shown(file, io.cwd)}: \`syncwright run\` runs it as a regression case from now on\n`);
      } catch (error) {
        io.stderr.write(`syncwright replay: cannot save: ${error instanceof Error ? error.message : String(error)}\n`);
        return 2;
      }
    }
    return result.run.valid && !differs ? 0 : 1;
  },
};

interface ParsedSource {
  readonly source: ReplaySource;
  readonly counterexample?: Counterexample;
}

async function replaySource(
  positionals: readonly string[],
  scenarioOption: string | undefined,
  cwd: string,
): Promise<ParsedSource> {
  const tokens = positionals.filter((arg) => TOKEN.test(arg));
  const files = positionals.filter((arg) => !TOKEN.test(arg));
  if (positionals.length === 0)
    throw new UsageError('expected what to replay: <scenario file> <seed>:<path>, or a counterexample file');
  if (tokens.length > 1) throw new UsageError(`expected one <seed>:<path>, got ${tokens.join(' and ')}`);
  const token = tokens[0];
  if (token !== undefined) parseReplayToken(token);
  if (files.length > 1 || (files.length === 1 && scenarioOption !== undefined && token !== undefined)) {
    throw new UsageError(
      `expected one scenario or counterexample file, got ${[...files, ...(scenarioOption !== undefined ? [scenarioOption] : [])].join(' and ')}`,
    );
  }
  const file = files[0];
  if (file === undefined) {
    if (scenarioOption === undefined)
      throw new UsageError(
        `${token} needs its scenario: syncwright replay <scenario file> ${token}, or --scenario <file>`,
      );
    await mustExist(scenarioOption, '--scenario', cwd);
    return { source: { scenario: scenarioOption, ...(token !== undefined ? { token } : {}) } };
  }
  await mustExist(file, 'file', cwd);
  const counterexample = file.endsWith('.json') ? await counterexampleIn(file, cwd) : undefined;
  if (counterexample !== undefined) {
    if (token !== undefined)
      throw new UsageError(`${file} is a counterexample: it carries its program, so it takes no <seed>:<path>`);
    if (scenarioOption !== undefined) await mustExist(scenarioOption, '--scenario', cwd);
    return {
      source: { counterexample, file, ...(scenarioOption !== undefined ? { scenario: scenarioOption } : {}) },
      counterexample,
    };
  }
  return { source: { scenario: file, ...(token !== undefined ? { token } : {}) } };
}

async function mustExist(file: string, what: string, cwd: string): Promise<void> {
  try {
    await readFile(path.resolve(cwd, file));
  } catch {
    throw new UsageError(
      `${what === 'file' ? '' : `${what}: `}'${file}' not found (expected a scenario file or a counterexample .json)`,
    );
  }
}

/** The counterexample a JSON file holds (a counterexample, or a scenario result with one), if it is one. */
async function counterexampleIn(file: string, cwd: string): Promise<Counterexample | undefined> {
  const value = await readJsonFile(path.resolve(cwd, file), file, '', MAX_JSON_BYTES.results);
  if (!isObject(value)) throw new UsageError(`${file}: expected a scenario or a counterexample object`);
  if (isObject(value['tool']) && Array.isArray(value['scenarios'])) {
    throw new UsageError(
      `${file} holds the results of a whole run; replay one failure with the command printed under it (or save its "failure" object to a file)`,
    );
  }
  const candidate = isObject(value['failure']) ? value['failure'] : value;
  // A JSON scenario file has no program: it is replayed by its token.
  if (!isObject(candidate['program'])) return undefined;
  try {
    return checkedCounterexample(candidate, file);
  } catch (error) {
    if (error instanceof CounterexampleFileError) throw new UsageError(error.message);
    throw error;
  }
}

/** `--client`/`--mutation`/`--sdk-mutation`, else the client the counterexample failed on, else the reference client. */
function clientFor(
  clientOption: string | undefined,
  mutationOption: string | undefined,
  recorded: string | undefined,
  sdkMutationOption?: string,
): { choice: string; mutations: ClientMutation[]; sdkMutations: SdkHarnessMutation[] } {
  if (
    clientOption !== undefined ||
    mutationOption !== undefined ||
    sdkMutationOption !== undefined ||
    recorded === undefined
  ) {
    const clients = parseClients(clientOption, mutationOption, sdkMutationOption);
    if (clients.length !== 1) throw new UsageError(`--client: replay runs one client, got '${clientOption}'`);
    return {
      choice: clients[0]!.choice,
      mutations: [...clients[0]!.mutations],
      sdkMutations: [...(clients[0]!.sdkMutations ?? [])],
    };
  }
  if (recorded.startsWith('reference+'))
    return {
      choice: 'reference',
      mutations: parseMutations(recorded.slice('reference+'.length).split('+').join(',')),
      sdkMutations: [],
    };
  if (recorded.startsWith('sdk+'))
    return {
      choice: 'sdk',
      mutations: [],
      sdkMutations: parseSdkMutations(recorded.slice('sdk+'.length).split('+').join(',')),
    };
  return { choice: recorded, mutations: [], sdkMutations: [] };
}

/** `--compare`, else the client a counterexample was compared with. */
function compareFor(option: string | undefined, counterexample: Counterexample | undefined): 'reference' | undefined {
  const against = option ?? counterexample?.comparison?.against;
  if (against === undefined) return undefined;
  if (against !== 'reference')
    throw new UsageError(`--compare expects reference (the client the others are judged against), got '${against}'`);
  return against;
}

function regressionName(result: ReplayResult): string {
  const base = path.basename(result.scenario.file).replace(/\.[^.]+$/, '');
  const where =
    result.path !== undefined ? `${result.seed}-${result.path.replace(/:/g, '-')}` : `seed-${result.program.seed}`;
  return `${base}-${where}`.replace(/[^\w-]+/g, '-').slice(0, 120);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The signatures a replayed run shows that the scenario does not allow. */
function knownSignatures(run: RunRecord): string[] {
  return [
    ...new Set(
      run.judgement.violations
        .filter((violation) => violation.disposition !== 'allowed')
        .map((violation) => violation.signature),
    ),
  ];
}
