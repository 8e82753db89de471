import { describe, expect, test } from 'vitest';
import { renderTerminalSummary } from '../../src/report/terminal.js';
import { failingResults, HOSTILE, hostileResults, passingResults } from './fixtures.js';

const ESC = '\u001b';

describe('renderTerminalSummary', () => {
  test('lists every scenario with its status, runs and duration', () => {
    const text = renderTerminalSummary(failingResults(), { color: false });
    expect(text).toContain('✓ pass  push then pull converges');
    expect(text).toContain('✗ FAIL  lost response then 412 conflict');
    expect(text).toContain('○ xfail sdk drops conflicting delete (known finding)');
    expect(text).toContain('! ERROR scenario that does not load');
    expect(text).toMatch(/lost response then 412 conflict\s+37 runs\s+2\.1 s/);
  });

  test('a failure shows its violated checks, seed and replay command', () => {
    const results = failingResults();
    const text = renderTerminalSummary(results, { color: false });
    expect(text).toContain(`      convergence: ${results.scenarios[1]!.failure!.checks[0]!.explanation}`);
    expect(text).toContain('      seed 1234567 · path 36:1:0:0 · 7 shrinks · 32 events');
    expect(text).toContain(`      replay: ${results.scenarios[1]!.failure!.replayCommand}`);
    expect(text).toContain('      weak coverage: never reached conflict-409');
    expect(text).toContain("      SyntaxError: Unexpected token '}'");
  });

  test('a run that never settled says so', () => {
    const results = failingResults();
    const scenario = results.scenarios[1]!;
    const stuck = { ...scenario, failure: { ...scenario.failure!, stopped: 'deadlock: every actor waits' } };
    expect(renderTerminalSummary({ ...results, scenarios: [stuck] }, { color: false })).toContain(
      '      never settled: deadlock: every actor waits\n',
    );
  });

  test('ends with coverage totals and a verdict', () => {
    const text = renderTerminalSummary(failingResults(), {
      color: false,
      reports: ['reports/index.html', 'reports/junit.xml'],
    });
    expect(text).toContain(
      'Coverage  conflict-409 0 · conflict-412 20 · decision:cancelAndDiscard 5 · lost-response 13 · partition 3 · restart 31',
    );
    expect(text).toContain(
      'Result    FAILED — 1 failed, 1 error, 2 passed, 1 failed as expected · 5 scenarios · 399 runs · 12.3 s',
    );
    expect(text.trimEnd().split('\n').at(-1)).toBe('Reports   reports/index.html  reports/junit.xml');
  });

  test('a passing run says PASSED', () => {
    expect(renderTerminalSummary(passingResults(), { color: false })).toContain(
      'Result    PASSED — 1 passed · 1 scenario · 100 runs · 900 ms',
    );
  });

  test('colour is ANSI codes only when asked for', () => {
    expect(renderTerminalSummary(failingResults(), { color: false })).not.toContain(ESC);
    const coloured = renderTerminalSummary(failingResults(), { color: true });
    expect(coloured).toContain(`${ESC}[31m✗ FAIL `);
    expect(coloured).toContain(`${ESC}[32m✓ pass `);
  });

  test('escape sequences in run data are printed as text, never sent to the terminal', () => {
    const text = renderTerminalSummary(hostileResults(), { color: false });
    expect(text).not.toContain(ESC);
    expect(text).not.toContain('\u0000');
    expect(text).toContain('escape\\x1b[31mred\\x1b[0m');
    expect(text).toContain(HOSTILE.script);
  });

  test('long explanations are cut to a few lines', () => {
    const results = failingResults();
    const scenario = results.scenarios[1]!;
    const long = {
      ...scenario.failure!.checks[0]!,
      explanation: Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n'),
    };
    const text = renderTerminalSummary(
      { ...results, scenarios: [{ ...scenario, failure: { ...scenario.failure!, checks: [long] } }] },
      { color: false, maxExplanationLines: 3 },
    );
    expect(text).toContain('line 2\n      … (17 more lines in the HTML report)');
    expect(text).not.toContain('line 3');
  });
});
