import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FOLDERS = ['src', 'test', 'ui', 'scripts', 'docs', 'scenarios', 'examples', 'baselines', 'api', '.ci'];
const SKIP = new Set(['node_modules', 'generated', 'dist']);
const MARKER = /^(<{7}|>{7}) /m;

async function* files(folder: string): AsyncGenerator<string> {
  for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (/\.(ts|mts|mjs|cjs|js|json|md|css|html|yml|sh)$/.test(entry.name) || entry.name === 'run') yield full;
  }
}

/** Finds the files holding a line that starts a merge-conflict side. */
async function withMarkers(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const folder of FOLDERS)
    for await (const file of files(path.join(root, folder)))
      if (MARKER.test(await readFile(file, 'utf8'))) found.push(path.relative(root, file));
  for (const file of ['README.md', 'package.json'])
    if (MARKER.test(await readFile(path.join(root, file), 'utf8').catch(() => ''))) found.push(file);
  return found;
}

describe('hygiene', () => {
  test('no file holds a merge-conflict marker (one compiled unnoticed inside a comment once)', async () => {
    expect(await withMarkers(ROOT)).toEqual([]);
  });

  test('the scan finds a planted marker', () => {
    expect(MARKER.test(['/**', ' * text', `${'<'.repeat(7)} HEAD`, ' */'].join('\n'))).toBe(true);
    expect(MARKER.test('a = b <<<<<<< c')).toBe(false);
  });
});
