import { test, expect } from '@playwright/test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeHuntReports } from '../../src/report/hunt.js';
import { newControl } from '../../src/scenario/hunt/budget.js';
import { Corpus } from '../../src/scenario/hunt/corpus.js';
import { hunt, localExecutor } from '../../src/scenario/hunt/hunt.js';
import type { HuntResults } from '../../src/scenario/hunt/types.js';
import { loadScenario } from '../../src/scenario/load.js';

const SMALL = {
  version: 2,
  name: 'small generated',
  clients: 2,
  editors: 1,
  policy: 'server-wins',
  allow: ['handler-outcomes/handler.error-unhandled'],
  generate: { steps: { min: 1, max: 6 }, records: 2, faults: { kinds: ['lost-response', 'http-error'], max: 2 } },
};

test('a hunt finding opens to its timeline with the causal core and the moment of inevitability marked', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const dir = await mkdtemp(path.join(tmpdir(), 'syncwright-hunt-page-'));
  try {
    const file = path.join(dir, 'small.json');
    await writeFile(file, JSON.stringify(SMALL), 'utf8');
    const scenario = await loadScenario(file, { cwd: dir });
    const budget = { kind: 'runs', runs: 40 } as const;
    const outcome = await hunt({
      scenarios: [{ file, scenario }],
      cwd: dir,
      client: { choice: 'reference', mutations: ['drop-if-match'], label: 'reference+drop-if-match', version: 'test' },
      seed: 42,
      budget,
      workers: 1,
      guidance: true,
      corpus: new Corpus([], 'empty'),
      control: newControl(budget),
      execute: localExecutor(),
      triageVariations: 2,
      save: async (index) => ({
        file: `findings/${index}.json`,
        replayCommand: `npx syncwright replay findings/${index}.json`,
      }),
    });
    const results: HuntResults = {
      tool: { name: 'syncwright', version: 'test', signatureVersion: 1 },
      kind: 'hunt',
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 1000,
      hunt: outcome.summary,
      findings: outcome.findings,
    };
    const index = results.findings.findIndex(
      (finding) => finding.triage?.inevitableEvent != null && finding.triage.core.some((element) => element.necessary),
    );
    expect(index).toBeGreaterThanOrEqual(0);
    const triage = results.findings[index]!.triage!;
    const written = await writeHuntReports(results, outcome.counterexamples, path.join(dir, 'out'));
    const html = written.files.find((f) => f.endsWith('index.html'))!;
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(pathToFileURL(html).href);
    await expect(page.locator('html')).toHaveAttribute('data-ready', 'yes');
    await expect(page.getByTestId('hunt')).toContainText('reference+drop-if-match@test');
    await expect(page.getByTestId('coverage-growth').locator('.growth-bar')).toHaveCount(results.hunt.growth.length);
    await expect(page.getByTestId('findings').locator('tr[data-testid^="finding-"]')).toHaveCount(
      results.findings.length,
    );

    await page.getByTestId(`finding-${index}`).click();
    const card = page.getByTestId(`counterexample-${index}`);
    const timeline = card.getByTestId('timeline');
    await expect(timeline).toBeVisible();
    // Every event of a necessary element carries the causal-core mark, and only those.
    const coreEvents = new Set(triage.core.filter((element) => element.necessary).flatMap((element) => element.events));
    await expect(timeline.getByTestId('causal-marker')).toHaveCount(coreEvents.size);
    for (const seq of coreEvents) {
      await expect(timeline.locator('.causal').filter({ has: page.getByTestId(`event-${seq}`) })).toHaveCount(1);
    }
    await expect(timeline.getByTestId('inevitable-marker')).toHaveCount(1);
    await expect(
      timeline.locator('.inevitable').filter({ has: page.getByTestId(`event-${triage.inevitableEvent}`) }),
    ).toHaveCount(1);
    await expect(card.getByTestId('causal-core').getByTestId('core-needed')).toHaveCount(
      triage.core.filter((element) => element.necessary).length,
    );
    await expect(card.getByTestId('failure-rate-chart').locator('.rate-bar')).toHaveCount(triage.failureRate.length);
    await expect(card.getByTestId('inevitable-text')).toContainText(/Inevitable/);
    expect(problems).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
