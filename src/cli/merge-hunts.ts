/**
 * `merge-reports` for hunts: the shards' findings.json joined (dedup by signature, first
 * occurrence in hunt order), their counterexample files carried over and renumbered, and the
 * programs each shard added to its corpus (`<shard>/corpus/`) joined into one corpus folder.
 */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HUNT_RESULTS_FILE, readHuntResults, renderHuntSummary, writeHuntReports } from '../report/hunt.js';
import { mergeHuntResults } from '../report/hunt-merge.js';
import { HuntMergeError } from '../report/hunt-merge.js';
import { checkedCounterexample } from '../scenario/counterexample-schema.js';
import { parseJson } from '../scenario/load.js';
import { MAX_JSON_BYTES } from '../protocol/limits.js';
import type { Counterexample } from '../scenario/results.js';
import type { HuntFinding, HuntResults } from '../scenario/hunt/types.js';
import { replayCommand } from '../scenario/run.js';
import type { CommandIO } from './command.js';
import { shown } from './commands/run.js';

/** The findings.json of a shard folder or the file itself, if the input is a hunt's. */
export async function huntResultsFile(input: string): Promise<string | undefined> {
  const candidate = input.endsWith('.json') ? input : path.join(input, HUNT_RESULTS_FILE);
  const text = await readFile(candidate, 'utf8').catch(() => undefined);
  return text !== undefined && /"kind":\s*"hunt"/.test(text.slice(0, 4096)) ? candidate : undefined;
}

export async function mergeHunts(
  files: readonly string[],
  options: { outDir: string; corpusDir: string },
  io: CommandIO,
): Promise<number> {
  const inputs: HuntResults[] = [];
  for (const file of files) inputs.push(await readHuntResults(file, shown(file, io.cwd)));
  const { results, from } = mergeHuntResults(inputs);
  const counterexamples = new Map<string, Counterexample>();
  const findingsDir = path.join(options.outDir, 'findings');
  const findings: HuntFinding[] = [];
  for (const [i, { finding, input }] of from.entries()) {
    const shrunk = finding.shrunk;
    if (shrunk === undefined) {
      findings.push(finding);
      continue;
    }
    const source = path.join(path.dirname(files[input]!), shrunk.file);
    const name = `${String(i + 1).padStart(3, '0')}-${path.basename(shrunk.file).replace(/^\d+-/, '')}`;
    const target = path.join(findingsDir, name);
    await mkdir(findingsDir, { recursive: true });
    const text = await readFile(source, 'utf8');
    counterexamples.set(finding.signature, counterexampleFile(text, shown(source, io.cwd)));
    await writeFile(target, text, 'utf8');
    findings.push({
      ...finding,
      shrunk: {
        ...shrunk,
        file: `findings/${name}`,
        replayCommand: replayCommand(shown(target, io.cwd), 'reference'),
      },
    });
  }
  const merged: HuntResults = { ...results, findings };
  const written = await writeHuntReports(merged, counterexamples, options.outDir);
  let corpusFiles = 0;
  for (const file of files) {
    const shardCorpus = path.join(path.dirname(file), 'corpus');
    const names = (await readdir(shardCorpus).catch(() => [] as string[])).filter((name) => name.endsWith('.json'));
    if (names.length === 0) continue;
    await mkdir(options.corpusDir, { recursive: true });
    // Entries are named by their content's hash: the same program from two shards is one file.
    for (const name of names) await copyFile(path.join(shardCorpus, name), path.join(options.corpusDir, name));
    corpusFiles += names.length;
  }
  io.stdout.write(
    `merged ${files.length} hunt shard${files.length === 1 ? '' : 's'} · ${merged.findings.length} distinct findings · ${corpusFiles} corpus entries into ${shown(options.corpusDir, io.cwd)}\n`,
  );
  io.stdout.write(renderHuntSummary(merged, { reports: written.files.map((file) => shown(file, io.cwd)) }));
  return merged.findings.some((finding) => finding.status === 'new') ? 1 : 0;
}

/** A shard's counterexample file, checked as `replay` checks one: a broken one stops the merge (exit 2). */
function counterexampleFile(text: string, shownFile: string): Counterexample {
  try {
    return checkedCounterexample(parseJson(text, shownFile, MAX_JSON_BYTES.results), shownFile);
  } catch (error) {
    throw new HuntMergeError(error instanceof Error ? error.message : String(error));
  }
}
