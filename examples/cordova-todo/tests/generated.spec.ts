/**
 * The generated UI-level scenario: fast-check programs of what a user does (add, rename,
 * complete, delete, refresh, offline, online, reopen), each run through the page on a fresh
 * backend and a fresh device, settled, and judged by the oracles the simulator uses.
 *
 * Budget: {@link BUDGET}.programs programs of at most {@link BUDGET}.maxLength actions on the app
 * as shipped, from a fixed seed, must all hold; on the app with the planted bug the search stops
 * at the first failing program and shrinks it within {@link BUDGET}.shrinkMs. The saved
 * counterexample (counterexamples/) replays to the same verdict and signature.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { test, expect } from 'syncwright/playwright';
import { cordovaApp, PULL_WITHOUT_PUSH } from './todo-app.js';
import { runUiProgram, uiProgram, type UiProgram, type UiVerdict } from './ui-program.js';

const BUDGET = { programs: 20, maxLength: 6, seed: 2121, shrinkMs: 90_000 } as const;

const PLANTED = { ...cordovaApp, replace: { 'js/index.js': PULL_WITHOUT_PUSH } };

interface SavedCounterexample {
  readonly app: 'pull-without-push';
  readonly program: UiProgram;
  readonly verdict: { readonly valid: boolean; readonly signatures: readonly string[] };
}

const SAVED = JSON.parse(
  readFileSync(new URL('./counterexamples/pull-without-push.json', import.meta.url), 'utf8'),
) as SavedCounterexample;

test.describe.configure({ mode: 'parallel' });

test(`${BUDGET.programs} generated programs on the app as shipped break no oracle`, async ({ browser }, testInfo) => {
  test.setTimeout(20 * 60_000);
  let ran = 0;
  let failing: UiVerdict | undefined;
  const result = await fc.check(
    fc.asyncProperty(uiProgram(BUDGET.maxLength), async (program) => {
      ran++;
      const verdict = await runUiProgram(browser, cordovaApp, program);
      if (!verdict.valid) failing ??= verdict;
      return verdict.valid;
    }),
    { numRuns: BUDGET.programs, seed: BUDGET.seed, endOnFailure: true },
  );
  if (failing !== undefined)
    await testInfo.attach('syncwright timeline', { body: failing.report, contentType: 'text/html' });
  expect(result.failed ? JSON.stringify(result.counterexample) : 'none').toBe('none');
  expect(ran).toBe(BUDGET.programs);
});

test('on the app that pulls without pushing, generated programs find the bug and shrink it', async ({
  browser,
}, testInfo) => {
  test.setTimeout(10 * 60_000);
  const result = await fc.check(
    fc.asyncProperty(uiProgram(BUDGET.maxLength), async (program) => {
      const verdict = await runUiProgram(browser, PLANTED, program);
      return verdict.valid;
    }),
    { numRuns: BUDGET.programs, seed: BUDGET.seed, interruptAfterTimeLimit: BUDGET.shrinkMs },
  );
  expect(result.failed).toBe(true);
  const [shrunk] = result.counterexample ?? [];
  expect(shrunk).toBeDefined();
  const verdict = await runUiProgram(browser, PLANTED, shrunk!);
  await testInfo.attach('syncwright timeline', { body: verdict.report, contentType: 'text/html' });
  await testInfo.attach('counterexample', {
    body: JSON.stringify({ app: 'pull-without-push', program: shrunk, verdict: pick(verdict) }, null, 2),
    contentType: 'application/json',
  });
  expect(verdict.valid).toBe(false);
  expect(verdict.signatures).toContain('convergence/convergence.queue-drains/insert/queued');
  expect(shrunk!.length).toBeLessThanOrEqual(BUDGET.maxLength);
});

test('the saved counterexample replays to the same verdict and signature, and the same history shape', async ({
  browser,
}, testInfo) => {
  test.setTimeout(5 * 60_000);
  const first = await runUiProgram(browser, PLANTED, SAVED.program, 'saved counterexample');
  const second = await runUiProgram(browser, PLANTED, SAVED.program, 'saved counterexample');
  await testInfo.attach('syncwright timeline', { body: first.report, contentType: 'text/html' });
  expect(pick(first)).toEqual(SAVED.verdict);
  expect(pick(second)).toEqual(SAVED.verdict);
  expect(second.shape).toEqual(first.shape);
});

function pick(verdict: UiVerdict): SavedCounterexample['verdict'] {
  return { valid: verdict.valid, signatures: verdict.signatures };
}
