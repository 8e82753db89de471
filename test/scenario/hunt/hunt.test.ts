import { describe, expect, test } from 'vitest';
import { newControl, requestStop } from '../../../src/scenario/hunt/budget.js';
import { Corpus } from '../../../src/scenario/hunt/corpus.js';
import { hunt, localExecutor, type HuntOptions } from '../../../src/scenario/hunt/hunt.js';
import type { HuntBudget } from '../../../src/scenario/hunt/budget.js';
import { loadScenario } from '../../../src/scenario/load.js';
import { replay } from '../../../src/scenario/replay.js';
import type { Counterexample } from '../../../src/scenario/results.js';
import { smallWorkspace } from './support.js';

const MUTANT = {
  choice: 'reference',
  mutations: ['drop-if-match'] as const,
  label: 'reference+drop-if-match',
  version: '0.1.0',
};

async function runHunt(
  dir: string,
  file: string,
  overrides: Partial<HuntOptions> & { budget?: HuntBudget } = {},
): Promise<{ outcome: Awaited<ReturnType<typeof hunt>>; saved: Map<string, Counterexample> }> {
  const scenario = await loadScenario(file, { cwd: dir });
  const saved = new Map<string, Counterexample>();
  const budget = overrides.budget ?? { kind: 'runs', runs: 60 };
  const outcome = await hunt({
    scenarios: [{ file, scenario }],
    cwd: dir,
    client: { ...MUTANT, mutations: [...MUTANT.mutations] },
    seed: 42,
    budget,
    workers: 1,
    guidance: true,
    corpus: new Corpus([], 'empty'),
    control: newControl(budget),
    execute: localExecutor(),
    triageVariations: 2,
    save: async (index, finding, counterexample) => {
      saved.set(finding.signature, counterexample);
      return { file: `findings/${index}.json`, replayCommand: `replay ${index}` };
    },
    ...overrides,
  });
  return { outcome, saved };
}

describe('hunt', () => {
  test('keeps going past failures, shrinks each distinct signature once, and every counterexample replays to its signature', async () => {
    const ws = await smallWorkspace();
    try {
      // Two rounds: the second mutates what the first kept.
      const { outcome, saved } = await runHunt(ws.dir, ws.file, { budget: { kind: 'runs', runs: 80 } });
      expect(outcome.summary.runs).toBe(80);
      expect(outcome.summary.end).toBe('runs');
      const findings = outcome.findings;
      expect(findings.length).toBeGreaterThan(0);
      // Never stopped at the first failure: occurrences are counted beyond the first.
      expect(findings.some((finding) => finding.occurrences > 1)).toBe(true);
      expect(new Set(findings.map((f) => f.signature)).size).toBe(findings.length);
      for (const finding of findings) {
        expect(finding.status).toBe('new');
        expect(finding.shrunk).toBeDefined();
        const counterexample = saved.get(finding.signature)!;
        expect(counterexample.client).toBe('reference+drop-if-match');
        const replayed = await replay(
          { counterexample },
          { cwd: ws.dir, client: 'reference', mutations: ['drop-if-match'] },
        );
        expect(replayed.run.judgement.violations.map((v) => v.signature)).toContain(finding.signature);
        // A generated first occurrence keeps its token: the shrunk program is fast-check's.
        if (finding.first.source.kind === 'generated') expect(finding.shrunk!.token).toMatch(/^\d+:\d+(:\d+)*$/);
        const triage = finding.triage!;
        expect(triage.core.length).toBeGreaterThan(0);
        expect(triage.core.some((element) => element.necessary)).toBe(true);
        expect(triage.failureRate.length).toBeGreaterThan(0);
      }
      // The guidance kept programs that reached something new, and mutated them.
      expect(outcome.summary.corpus.added).toBeGreaterThan(0);
      expect(outcome.summary.mutantRuns).toBeGreaterThan(0);
      expect(outcome.summary.growth.length).toBeGreaterThan(0);
    } finally {
      await ws.cleanup();
    }
  });

  test('same seed, runs and corpus give the same findings, byte for byte', async () => {
    const ws = await smallWorkspace();
    try {
      const first = await runHunt(ws.dir, ws.file, { budget: { kind: 'runs', runs: 40 } });
      const second = await runHunt(ws.dir, ws.file, { budget: { kind: 'runs', runs: 40 } });
      expect(JSON.stringify(second.outcome.findings)).toBe(JSON.stringify(first.outcome.findings));
      expect(JSON.stringify([...second.saved])).toBe(JSON.stringify([...first.saved]));
      const { growth: _a, ...one } = first.outcome.summary;
      const { growth: _b, ...two } = second.outcome.summary;
      expect(two).toEqual(one);
    } finally {
      await ws.cleanup();
    }
  });

  test('a stop ends the hunt between runs and still shrinks (partial) what it found', async () => {
    const ws = await smallWorkspace();
    try {
      const budget: HuntBudget = { kind: 'time', ms: 60_000 };
      const control = newControl(budget);
      const { outcome } = await runHunt(ws.dir, ws.file, {
        budget,
        control,
        onFinding: () => requestStop(control),
      });
      expect(outcome.summary.end).toBe('interrupted');
      expect(outcome.summary.runs).toBeLessThanOrEqual(80);
      expect(outcome.findings.length).toBeGreaterThan(0);
      for (const finding of outcome.findings) {
        expect(finding.shrunk?.partial).toBe(true);
        // Not triaged: the budget was spent.
        expect(finding.triage).toBeUndefined();
      }
    } finally {
      await ws.cleanup();
    }
  });

  test('a deadline ends the hunt by itself', async () => {
    const ws = await smallWorkspace();
    try {
      const started = performance.now();
      const { outcome } = await runHunt(ws.dir, ws.file, { budget: { kind: 'time', ms: 3_000 }, triageVariations: 0 });
      expect(outcome.summary.end).toBe('deadline');
      // Generous: the machine is shared; the point is that it ends, close to its deadline.
      expect(performance.now() - started).toBeLessThan(30_000);
    } finally {
      await ws.cleanup();
    }
  });
});
