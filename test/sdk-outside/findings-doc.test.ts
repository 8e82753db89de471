/**
 * docs/sdk-findings.md names, for every finding, the test that reproduces it outside the
 * simulator (or says why none can): the named file exists and holds a test of that exact name.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FINDINGS = readFileSync(path.join(ROOT, 'docs/sdk-findings.md'), 'utf8');

/** Sections `### 1.` … `### 16.` and `### P1.` … `### P11.`, by their number. */
function sections(): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of FINDINGS.split(/^(?=#{2,3} )/m)) {
    const heading = /^### (P?\d+)\. /.exec(part);
    if (heading !== null) found.set(heading[1]!, part);
  }
  return found;
}

test('every finding, 1–16 and P1–P11, is there', () => {
  const numbers = [
    ...Array.from({ length: 16 }, (_, i) => String(i + 1)),
    'P1',
    'P2',
    'P3',
    'P4',
    'P5',
    'P6',
    'P7',
    'P8',
    'P9',
    'P10',
    'P11',
  ];
  expect([...sections().keys()].sort()).toEqual(numbers.sort());
});

test.each([...sections()])('finding %s names its reproduction outside the simulator', (_number, text) => {
  const reproduced = /^Reproduced outside the simulator: `(test\/sdk-outside\/[\w-]+\.test\.ts)` \((.+)\) — /m.exec(
    text,
  );
  const not = /^Not reproduced outside: \S/m.test(text);
  expect(reproduced !== null || not, 'a "Reproduced outside the simulator" or "Not reproduced outside" line').toBe(
    true,
  );
  if (reproduced === null) return;
  const file = path.join(ROOT, reproduced[1]!);
  expect(existsSync(file), reproduced[1]).toBe(true);
  expect(readFileSync(file, 'utf8')).toContain(reproduced[2]!);
});
