/**
 * What a hunt writes and a later command reads back — a baseline (`--baseline`), a shard's
 * findings.json (`merge-reports`), a corpus entry (`--corpus`) — worded as the hand-written
 * checks worded it before these files got zod schemas: read-back-corpus.jsonl holds 86 files
 * (mutations of valid ones, two per kind of message, and files that are not JSON), each with the
 * error the old checks gave, or `ok`. Since then a findings.json is checked down to what the merge
 * reads (each finding's order and count, its counterexample file, the summary it adds up): five
 * files the old checks let through — which the merge would crash on or add up wrong — are refused, and three cases
 * were added (a valid file, a counterexample path out of the shard's folder, a finding without `first`).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readHuntResults } from '../../../src/report/hunt.js';
import { parseBaseline } from '../../../src/scenario/hunt/baseline.js';
import { loadCorpus } from '../../../src/scenario/hunt/corpus.js';

type Format = 'baselines' | 'findings' | 'corpusEntries';

interface Case {
  readonly format: Format;
  readonly text: string;
  readonly expected: string;
}

const cases = readFileSync(new URL('read-back-corpus.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Case);

const dir = await mkdtemp(path.join(tmpdir(), 'read-back-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const read: Record<Format, (text: string, at: string) => Promise<unknown>> = {
  baselines: async (text) => parseBaseline(text, 'b.json'),
  findings: async (text, at) => {
    await writeFile(path.join(at, 'f.json'), text, 'utf8');
    return readHuntResults(path.join(at, 'f.json'), 'f.json');
  },
  corpusEntries: async (text, at) => {
    await writeFile(path.join(at, 'e.json'), text, 'utf8');
    return loadCorpus(at);
  },
};

describe('files a hunt reads back are worded as before', () => {
  test('the corpus covers each format, valid and broken', () => {
    for (const format of Object.keys(read)) {
      const mine = cases.filter((c) => c.format === format);
      expect(mine.some((c) => c.expected === 'ok')).toBe(true);
      expect(mine.filter((c) => c.expected !== 'ok').length).toBeGreaterThan(10);
    }
  });

  test.each(cases.map((c, i) => [i + 1, c.format, c] as const))('case %i (%s)', async (i, format, c) => {
    const at = path.join(dir, String(i));
    await mkdir(at, { recursive: true });
    const message = await read[format](c.text, at).then(
      () => 'ok',
      (error: unknown) => (error as Error).message.replaceAll(`${at}${path.sep}`, ''),
    );
    expect(message).toBe(c.expected);
  });
});
