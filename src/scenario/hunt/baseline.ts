/**
 * The known-findings baseline (snapshot testing's convention): a JSON file of signatures keyed
 * by client and its version, each with a note (what it is, where docs/sdk-findings.md says so).
 * Known signatures do not fail a hunt; a new one does; `--update-baseline` rewrites the file
 * with what the hunt found (keeping the notes of entries that stay).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { SIGNATURE_VERSION } from '../../check/signature.js';
import { schemaIssues } from '../../protocol/schema.js';
import {
  BASELINE_FORMAT,
  baselinePath,
  baselineSchema,
  showBaselineValue,
  type Baseline,
  type BaselineEntry,
} from './schema.js';

export { BASELINE_FORMAT, type Baseline, type BaselineEntry };

export class BaselineError extends Error {
  override readonly name = 'BaselineError';
}

export function clientKey(client: string, version: string): string {
  return `${client}@${version}`;
}

export function emptyBaseline(): Baseline {
  return { format: BASELINE_FORMAT, signatureVersion: SIGNATURE_VERSION, clients: {} };
}

export async function readBaseline(file: string, shown = file): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new BaselineError(`${shown}: expected a baseline file, found none`);
  }
  return parseBaseline(text, shown);
}

export function parseBaseline(text: string, shown: string): Baseline {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`${shown}: expected JSON, found ${error instanceof Error ? error.message : String(error)}`);
  }
  const [first] = schemaIssues(baselineSchema, value, showBaselineValue);
  if (first !== undefined)
    throw new BaselineError(`${shown}: ${baselinePath(first.path)}: expected ${first.expected}, found ${first.found}`);
  return value as Baseline;
}

export function knownEntry(baseline: Baseline | undefined, key: string, signature: string): BaselineEntry | undefined {
  return baseline?.clients[key]?.find((entry) => entry.signature === signature);
}

/** The baseline with this client's entries replaced by `signatures` (old notes kept, new ones given `note`). */
export function updatedBaseline(
  baseline: Baseline | undefined,
  key: string,
  signatures: readonly string[],
  note: (signature: string) => string,
): Baseline {
  const base = baseline ?? emptyBaseline();
  const entries = [...new Set(signatures)].sort().map((signature) => ({
    signature,
    note: knownEntry(base, key, signature)?.note ?? note(signature),
  }));
  return { ...base, signatureVersion: SIGNATURE_VERSION, clients: { ...base.clients, [key]: entries } };
}

export async function writeBaseline(file: string, baseline: Baseline): Promise<void> {
  await writeFile(file, `${JSON.stringify(baseline, null, 2)}\n`, 'utf8');
}
