/**
 * The corpus: programs that reached something no earlier run had, one JSON file each in a
 * folder (default `.syncwright/corpus/`), named by the hash of their content so that shards'
 * corpora merge by copying. It is an input of a hunt like its seed: loaded in file-name order,
 * its sha256 recorded in the results. Each entry keeps the features its run reached, so a hunt
 * knows what is not new without running the corpus again.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../../protocol/canonical-json.js';
import type { Program } from '../types.js';
import type { CorpusEntry } from './types.js';
import { schemaIssues } from '../../protocol/schema.js';
import { corpusEntrySchema } from './schema.js';

export const DEFAULT_CORPUS_DIR = '.syncwright/corpus';
/** Entries kept per scenario: past it, new programs are not added (the hunt still runs). */
export const CORPUS_LIMIT = 2_000;

export class CorpusError extends Error {
  override readonly name = 'CorpusError';
}

export function entryId(scenario: string, program: Program): string {
  return createHash('sha256').update(canonicalJson({ scenario, program })).digest('hex').slice(0, 20);
}

export class Corpus {
  private readonly byScenario = new Map<string, CorpusEntry[]>();
  private readonly ids = new Set<string>();
  private readonly added: CorpusEntry[] = [];

  constructor(
    entries: readonly CorpusEntry[],
    /** sha256 of the files the corpus was loaded from (`empty` for none). */
    readonly inputHash: string,
  ) {
    for (const entry of entries) this.insert(entry);
  }

  get size(): number {
    return this.ids.size;
  }

  get addedEntries(): readonly CorpusEntry[] {
    return this.added;
  }

  of(scenario: string): readonly CorpusEntry[] {
    return this.byScenario.get(scenario) ?? [];
  }

  /** Adds a program (once); false when it is known or the scenario's share is full. */
  add(scenario: string, program: Program, features: readonly number[]): boolean {
    const entry: CorpusEntry = { id: entryId(scenario, program), scenario, program, features };
    if (this.ids.has(entry.id) || this.of(scenario).length >= CORPUS_LIMIT) return false;
    this.insert(entry);
    this.added.push(entry);
    return true;
  }

  private insert(entry: CorpusEntry): void {
    if (this.ids.has(entry.id)) return;
    this.ids.add(entry.id);
    const list = this.byScenario.get(entry.scenario) ?? [];
    list.push(entry);
    this.byScenario.set(entry.scenario, list);
  }
}

/** Loads a corpus folder (missing: empty). A file that is not an entry is an error naming it. */
export async function loadCorpus(directory: string): Promise<Corpus> {
  const names = (await readdir(directory).catch(() => [] as string[])).filter((name) => name.endsWith('.json')).sort();
  if (names.length === 0) return new Corpus([], 'empty');
  const hash = createHash('sha256');
  const entries: CorpusEntry[] = [];
  for (const name of names) {
    const file = path.join(directory, name);
    const text = await readFile(file, 'utf8');
    hash.update(`${name}\n${text}\n`);
    entries.push(parseEntry(text, file));
  }
  return new Corpus(entries, hash.digest('hex'));
}

/** Writes the entries a hunt added (each its own file; existing files are left alone). */
export async function saveCorpus(directory: string, entries: readonly CorpusEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await mkdir(directory, { recursive: true });
  for (const entry of entries) {
    await writeFile(path.join(directory, `${entry.id}.json`), `${JSON.stringify(entry)}\n`, { flag: 'w' });
  }
}

const MAX_ENTRY_BYTES = 1_000_000;

function parseEntry(text: string, file: string): CorpusEntry {
  if (text.length > MAX_ENTRY_BYTES)
    throw new CorpusError(`${file}: expected a corpus entry under 1 MB, found ${text.length} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorpusError(`${file}: expected JSON, found ${error instanceof Error ? error.message : String(error)}`);
  }
  const problem = entryProblem(value);
  if (problem !== undefined) throw new CorpusError(`${file}: ${problem}`);
  return value as CorpusEntry;
}

function entryProblem(value: unknown): string | undefined {
  const [first] = schemaIssues(corpusEntrySchema, value, String);
  if (first === undefined) return undefined;
  // A field's problem names the field; the entry's own says what it is instead.
  return first.path.length === 0
    ? `expected ${first.expected}, found ${first.found}`
    : `${first.path.join('.')}: expected ${first.expected}`;
}
