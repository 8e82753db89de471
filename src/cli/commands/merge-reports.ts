import { stat } from 'node:fs/promises';
import path from 'node:path';
import { terminalSafe } from '../../report/escape.js';
import { JSON_REPORT_FILE, readRunResults, ResultsFileError } from '../../report/json.js';
import { MergeError, mergeResults } from '../../report/merge.js';
import { plural } from '../../report/summary.js';
import { useColor } from '../../report/color.js';
import type { RunResults } from '../../scenario/results.js';
import { UsageError, type Command } from '../command.js';
import { parseOptions } from '../options.js';
import { finish, loadReporterModules, reportDirectory, reportersOption, shown } from './run.js';
import { huntResultsFile, mergeHunts } from '../merge-hunts.js';
import { HuntResultsError } from '../../report/hunt.js';
import { HuntMergeError } from '../../report/hunt-merge.js';

export const mergeReportsCommand: Command = {
  name: 'merge-reports',
  summary: 'Join the results of shards (their results.json) into one report',
  usage: `Usage: syncwright merge-reports <directories or results.json files…> [options]

Reads the results.json of each shard (\`syncwright run --shard i/n --out <dir>\`) and writes one
set of reports, with the same totals an unsharded run with the same seed gives. Hunt shards
(\`syncwright hunt --shard i/n --out <dir>\`, a findings.json each) merge into one findings
report (one finding per signature, its earliest occurrence) and their corpora into --corpus.

Options:
  --out <dir>            where the merged reports go (default reports/)
  --reporter <list>      any of html, junit, json, list, github (default html,junit,json,list), or
                         the path of a reporter module (see \`syncwright run --help\`)
  --corpus <dir>         hunts: the corpus folder the shards' new programs join
                         (default .syncwright/corpus)
  -h, --help             show this help

Exit code: 0 when every scenario passed, 1 when one failed, 2 when an input is missing,
broken, or from a different run (another seed or client).

Example:
  syncwright run --shard 1/2 --out reports/shard-1
  syncwright run --shard 2/2 --out reports/shard-2
  syncwright merge-reports reports/shard-1 reports/shard-2 --out reports`,

  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      { out: { type: 'string' }, reporter: { type: 'string' }, corpus: { type: 'string' } },
      true,
    );
    const reporters = reportersOption(values.reporter);
    if (positionals.length === 0)
      throw new UsageError('expected the directories (or results.json files) of the shards to merge');
    const files: string[] = [];
    for (const input of positionals) {
      const absolute = path.resolve(io.cwd, input);
      const info = await stat(absolute).catch(() => undefined);
      if (info === undefined)
        throw new UsageError(`'${input}' not found (expected a report directory or a results.json file)`);
      files.push(info.isDirectory() ? path.join(absolute, JSON_REPORT_FILE) : absolute);
    }
    const hunts = await Promise.all(positionals.map((input) => huntResultsFile(path.resolve(io.cwd, input))));
    if (hunts.some((file) => file !== undefined)) {
      const missing = positionals.filter((_, i) => hunts[i] === undefined);
      if (missing.length > 0)
        throw new UsageError(
          `expected the folders of one hunt's shards (a findings.json each); not a hunt's: ${missing.join(', ')}`,
        );
      try {
        return await mergeHunts(
          hunts as string[],
          {
            outDir: path.resolve(io.cwd, values.out ?? 'reports/hunt'),
            corpusDir: path.resolve(io.cwd, values.corpus ?? '.syncwright/corpus'),
          },
          io,
        );
      } catch (error) {
        if (error instanceof HuntResultsError || error instanceof HuntMergeError) {
          io.stderr.write(`syncwright merge-reports: ${error.message}\n`);
          return 2;
        }
        throw error;
      }
    }
    if (values.corpus !== undefined)
      throw new UsageError('--corpus goes with hunt shards (folders with a findings.json)');
    let merged: RunResults;
    try {
      const inputs: RunResults[] = [];
      for (const file of files) inputs.push(await readRunResults(file));
      merged = mergeResults(inputs);
      const shards = inputs.filter((input) => input.shard !== undefined).map((input) => input.shard!);
      const total = shards[0]?.total;
      if (total !== undefined) {
        const missing = Array.from({ length: total }, (_, i) => i + 1).filter(
          (index) => !shards.some((shard) => shard.index === index),
        );
        if (missing.length > 0)
          io.stderr.write(
            `syncwright merge-reports: warning: ${plural(missing.length, 'shard')} missing (${missing.map((index) => `${index}/${total}`).join(', ')}); the totals are partial\n`,
          );
      }
    } catch (error) {
      if (error instanceof ResultsFileError || error instanceof MergeError) {
        io.stderr.write(`syncwright merge-reports: ${error.message}\n`);
        return 2;
      }
      throw error;
    }
    io.stdout.write(
      `merged ${plural(files.length, 'result file')} (${files.map((file) => shown(file, io.cwd)).join(', ')}) · seed ${merged.seed} · client ${terminalSafe(merged.client)}\n`,
    );
    const outDir = reportDirectory(values.out, io.cwd);
    const color = useColor(io.stdout, io.env);
    const modules = await loadReporterModules(reporters, io, outDir, color);
    return finish(
      merged,
      { outDir, reporters: reporters.builtIn, color, ...(modules !== undefined ? { modules } : {}) },
      io,
    );
  },
};
