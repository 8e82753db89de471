/**
 * Older scenario files, read as the current format. Format 1 said `expect: 'fail'` (or
 * `{ sdk: 'fail' }`) for "some failure is known" and did not judge handler outcomes. Format 2
 * names known findings by signature and judges every handler outcome unless the scenario allows
 * it. A file that says `version: 1` keeps its old meaning; a file without a version is read as
 * format 2, with format-1 `expect` values (unambiguous) taken over. Either way the loader says
 * what it did, so the author can pin the signatures.
 */
import { SCENARIO_FORMAT_VERSION } from './types.js';

/** Handler outcomes were not judged in format 1: a format-1 file allows them all. */
export const FORMAT_1_ALLOW = 'handler-outcomes';

export interface Migrated {
  readonly value: unknown;
  readonly notes: readonly string[];
}

export function migrateScenario(value: unknown, file: string): Migrated {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { value, notes: [] };
  const source = value as Record<string, unknown>;
  const version = source['version'];
  if (version !== undefined && version !== 1) return { value, notes: [] };
  const notes: string[] = [];
  const migrated: Record<string, unknown> = { ...source };
  const expect = legacyExpect(source['expect']);
  if (expect !== undefined) {
    migrated['expect'] = expect;
    notes.push(
      `${file}: expect: format-1 "fail" became { "fails": ["*"] } (every failure counts as known); name the signatures instead — the report lists the ones seen`,
    );
  }
  if (version === 1) {
    migrated['version'] = SCENARIO_FORMAT_VERSION;
    const allow = Array.isArray(source['allow']) ? (source['allow'] as unknown[]) : [];
    migrated['allow'] = [...allow, FORMAT_1_ALLOW];
    notes.push(
      `${file}: version 1 did not judge handler outcomes, so "allow" gained "${FORMAT_1_ALLOW}"; remove it (and "version": 1) to have thrown handlers, unresolved conflicts and unhandled errors judged`,
    );
  }
  return { value: migrated, notes };
}

/** A format-1 `expect` in format 2, or undefined when it is not format 1. */
function legacyExpect(expect: unknown): Record<string, unknown> | undefined {
  const convert = (outcome: unknown): unknown => (outcome === 'fail' ? { fails: ['*'] } : outcome);
  if (expect === 'fail') return { '*': convert(expect) };
  if (expect === 'pass') return {};
  if (typeof expect !== 'object' || expect === null || Array.isArray(expect)) return undefined;
  const entries = Object.entries(expect as Record<string, unknown>);
  if (!entries.some(([, outcome]) => outcome === 'fail')) return undefined;
  return Object.fromEntries(entries.map(([client, outcome]) => [client, convert(outcome)]));
}
