import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseRunResults, readRunResults, ResultsFileError, writeJsonReport } from '../../src/report/json.js';
import { failingResults, hostileResults } from './fixtures.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syncwright-json-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeJsonReport', () => {
  test('writes the results as they are, counterexample history included', async () => {
    const results = failingResults();
    const file = await writeJsonReport(results, dir);
    expect(file).toBe(join(dir, 'results.json'));
    const written = JSON.parse(await readFile(file, 'utf8'));
    expect(written).toEqual(JSON.parse(JSON.stringify(results)));
    expect(written.scenarios[1].failure.history).toHaveLength(32);
  });

  test('what it writes reads back through readRunResults, hostile strings included', async () => {
    const results = hostileResults();
    const back = await readRunResults(await writeJsonReport(results, dir));
    expect(back).toEqual(JSON.parse(JSON.stringify(results)));
  });
});

describe('parseRunResults', () => {
  const valid = (): Record<string, unknown> => JSON.parse(JSON.stringify(failingResults()));

  test('rejects text that is not JSON, naming the source', () => {
    expect(() => parseRunResults('{nope', 'shard-1/results.json')).toThrow(
      /^shard-1\/results\.json: expected valid JSON, found a syntax error at line 1, column 2/,
    );
  });

  test('rejects JSON that is not syncwright results', () => {
    expect(() => parseRunResults('[]', 'x.json')).toThrow(
      new ResultsFileError('x.json: expected a results object, found an array'),
    );
    expect(() => parseRunResults('{"tool":{"name":"jest"}}', 'x.json')).toThrow(
      'x.json: not a syncwright results file (tool.name is not "syncwright")',
    );
  });

  test('names the field that is wrong', () => {
    const data = valid();
    (data['scenarios'] as Record<string, unknown>[])[1]!['status'] = '<script>';
    expect(() => parseRunResults(JSON.stringify(data), 'r.json')).toThrow(
      'r.json: scenarios[1].status should be one of passed, failed, expected-failure, unexpected-pass, error, found the string "<script>"',
    );
    const broken = valid();
    ((broken['scenarios'] as Record<string, unknown>[])[1]!['failure'] as Record<string, unknown>)['history'] = [
      { seq: 'x' },
    ];
    expect(() => parseRunResults(JSON.stringify(broken), 'r.json')).toThrow(
      'r.json: scenarios[1].failure.history should be an array of history events, found an array',
    );
  });

  test('a missing file is a ResultsFileError, not a crash', async () => {
    await expect(readRunResults(join(dir, 'missing.json'))).rejects.toThrow(ResultsFileError);
    await writeFile(join(dir, 'empty.json'), '');
    await expect(readRunResults(join(dir, 'empty.json'))).rejects.toThrow(/empty\.json: expected valid JSON/);
  });
});
