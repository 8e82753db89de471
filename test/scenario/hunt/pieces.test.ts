import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createReferenceDriverWith } from '../../../src/client/driver.js';
import { SeededRandom } from '../../../src/kernel/random.js';
import { executeProgram } from '../../../src/scenario/execute.js';
import { BaselineError, parseBaseline, updatedBaseline, emptyBaseline } from '../../../src/scenario/hunt/baseline.js';
import { Corpus, CorpusError, loadCorpus, saveCorpus } from '../../../src/scenario/hunt/corpus.js';
import { openingLength, programElements, withoutElement } from '../../../src/scenario/hunt/elements.js';
import { featureNames } from '../../../src/scenario/hunt/features.js';
import { mutate } from '../../../src/scenario/hunt/mutation.js';
import { batchRuns, batchSeed, inShard } from '../../../src/scenario/hunt/seed-stream.js';
import { samplePrograms, tutorialScenario } from './support.js';

const reference = createReferenceDriverWith({ pageSize: 2 });

describe('seed stream', () => {
  test('batches get distinct seeds from the hunt seed, and shards split the batches between them', () => {
    const seeds = new Set(Array.from({ length: 50 }, (_, b) => batchSeed(42, b)));
    expect(seeds.size).toBe(50);
    expect(batchSeed(42, 3)).toBe(batchSeed(42, 3));
    expect(batchSeed(7, 3)).not.toBe(batchSeed(42, 3));
    expect(batchRuns(2, { kind: 'runs', runs: 25 })).toBe(5);
    expect(batchRuns(3, { kind: 'runs', runs: 25 })).toBe(0);
    const owners = Array.from({ length: 9 }, (_, b) => [1, 2, 3].filter((i) => inShard(b, { index: i, total: 3 })));
    expect(owners.every((list) => list.length === 1)).toBe(true);
  });
});

describe('program elements and mutation', () => {
  test('the opening is never an element; removing an element removes exactly it', async () => {
    const scenario = await tutorialScenario();
    const opening = openingLength(scenario);
    expect(opening).toBe(4);
    const program = samplePrograms(scenario, 5, 20).find(
      (p) => p.steps.length > opening + 2 && Object.keys(p.faults.links ?? {}).length > 0,
    )!;
    const elements = programElements(program, opening);
    expect(elements.every((e) => e.kind === 'fault' || e.index >= opening)).toBe(true);
    const fault = elements.find((e) => e.kind === 'fault')!;
    const without = withoutElement(program, fault);
    expect(programElements(without, opening)).toHaveLength(elements.length - 1);
    expect(without.steps).toEqual(program.steps);
    const step = withoutElement(program, { kind: 'step', index: opening });
    expect(step.steps).toEqual([...program.steps.slice(0, opening), ...program.steps.slice(opening + 1)]);
  });

  test('mutants are deterministic for a seed, keep the opening, and run as valid programs', async () => {
    const scenario = await tutorialScenario();
    const opening = openingLength(scenario);
    const donors = samplePrograms(scenario, 11, 6);
    const make = () => {
      const random = new SeededRandom('mutate-test');
      return donors.map((parent) => mutate(parent, { scenario, opening, donors }, random));
    };
    const mutants = make();
    expect(make()).toEqual(mutants);
    expect(new Set(mutants.flatMap((m) => m.mutations)).size).toBeGreaterThan(2);
    for (const [i, mutant] of mutants.entries()) {
      expect(mutant.program.steps.slice(0, opening)).toEqual(donors[i]!.steps.slice(0, opening));
      // The world validates the fault plan: a malformed mutant would throw here.
      const record = await executeProgram(scenario, mutant.program, { driver: reference });
      expect(record.stopped ?? '').not.toMatch(/crashed/);
    }
  });
});

describe('features', () => {
  test('pairs and shapes of a run, not only counters', async () => {
    const scenario = await tutorialScenario();
    const names = new Set<string>();
    for (const program of samplePrograms(scenario, 3, 12)) {
      const record = await executeProgram(scenario, program, { driver: reference });
      for (const name of featureNames(record.history, record.coverage)) names.add(name);
    }
    const kinds = new Set([...names].map((name) => name.split(':')[0]));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['count', 'handler', 'pages', 'queue']));
    expect([...names].some((name) => /^handler:onConflict:(update|delete):412:/.test(name))).toBe(true);
    expect([...names].some((name) => /^pages:\d+(,\d+)*$/.test(name))).toBe(true);
  });
});

describe('corpus', () => {
  test('entries round-trip through a folder, the hash names the input, bad files are refused by name', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'syncwright-corpus-'));
    try {
      const scenario = await tutorialScenario();
      const [a, b] = samplePrograms(scenario, 1, 2);
      const corpus = new Corpus([], 'empty');
      expect(corpus.add('s.ts', a!, [1, 2])).toBe(true);
      expect(corpus.add('s.ts', a!, [3])).toBe(false);
      expect(corpus.add('s.ts', b!, [4])).toBe(true);
      await saveCorpus(dir, corpus.addedEntries);
      expect(await readdir(dir)).toHaveLength(2);
      const loaded = await loadCorpus(dir);
      expect(loaded.size).toBe(2);
      expect(loaded.of('s.ts').map((entry) => entry.program)).toEqual(expect.arrayContaining([a, b]));
      expect((await loadCorpus(dir)).inputHash).toBe(loaded.inputHash);
      expect(loaded.inputHash).toMatch(/^[0-9a-f]{64}$/);
      await writeFile(path.join(dir, 'zz.json'), JSON.stringify({ id: 'x', scenario: 's', program: { seed: 1 } }));
      await expect(loadCorpus(dir)).rejects.toThrow(CorpusError);
      await expect(loadCorpus(dir)).rejects.toThrow(/zz\.json: program\.steps: expected an array/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('baseline', () => {
  test('malformed baselines are refused with where and what; an update keeps notes of entries that stay', () => {
    expect(() => parseBaseline('{', 'b.json')).toThrow(BaselineError);
    expect(() => parseBaseline('{"format":1,"signatureVersion":1,"clients":{"sdk":[]}}', 'b.json')).toThrow(
      /b\.json: clients\.sdk: expected a key <client>@<version>/,
    );
    expect(() =>
      parseBaseline(
        '{"format":1,"signatureVersion":1,"clients":{"sdk@2.0.1":[{"signature":"a/b","note":""}]}}',
        'b.json',
      ),
    ).toThrow(/signature: expected a signature checker\/rule\/op\/status/);
    const base = updatedBaseline(emptyBaseline(), 'sdk@2.0.1', ['a/b/c/d'], () => 'first note');
    const next = updatedBaseline(base, 'sdk@2.0.1', ['e/f/g/h', 'a/b/c/d'], () => 'new note');
    expect(next.clients['sdk@2.0.1']).toEqual([
      { signature: 'a/b/c/d', note: 'first note' },
      { signature: 'e/f/g/h', note: 'new note' },
    ]);
    expect(parseBaseline(JSON.stringify(next), 'b.json')).toEqual(next);
  });
});
