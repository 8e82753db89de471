import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { renderJUnit } from '../../src/report/junit.js';
import { parseReporters, writeReports } from '../../src/report/write.js';
import { failingResults } from './fixtures.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syncwright-write-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeReports', () => {
  test('writes only the reporters asked for', async () => {
    const written = await writeReports(failingResults(), { outDir: dir, reporters: ['junit', 'json'] });
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'results.json']);
    expect(written).toEqual({
      junit: join(dir, 'junit.xml'),
      json: join(dir, 'results.json'),
      files: [join(dir, 'junit.xml'), join(dir, 'results.json')],
    });
    expect(await readFile(join(dir, 'junit.xml'), 'utf8')).toBe(renderJUnit(failingResults()));
  });

  test('list prints the summary with the reports written, in colour only when asked', async () => {
    const chunks: string[] = [];
    await writeReports(failingResults(), {
      outDir: dir,
      reporters: ['html', 'list'],
      output: { write: (c: string) => chunks.push(c), isTTY: true },
      color: false,
    });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toContain('Result    FAILED');
    expect(chunks[0]).toContain(`Reports   ${join(dir, 'index.html')}`);
    expect(chunks[0]).not.toContain('\u001b');
  });

  test('an unknown reporter is an error before anything is written', async () => {
    await expect(writeReports(failingResults(), { outDir: dir, reporters: ['html', 'pdf' as 'html'] })).rejects.toThrow(
      'unknown reporter "pdf"; use html, junit, json, list',
    );
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('parseReporters', () => {
  test('splits a comma list and drops repeats', () => {
    expect(parseReporters('html, junit,html,list')).toEqual(['html', 'junit', 'list']);
  });

  test('names every unknown reporter', () => {
    expect(() => parseReporters('html,pdf,<b>')).toThrow('unknown reporters "pdf", "<b>"; use html, junit, json, list');
  });
});
