/**
 * A failure in plain text for a terminal or a test runner: the scenario, the seed, the minimal
 * program, the violated checks with their explanations, and the command that replays it. Run
 * data goes through `terminalSafe`, so record text cannot move the cursor.
 */
import type { JsonObject, JsonValue } from '../protocol/records.js';
import { terminalSafe } from '../report/escape.js';
import { failedChecks, findingLines, plural } from '../report/summary.js';
import type { ScenarioResult } from '../scenario/results.js';

/** The steps (and faults) of a program, one line each. */
export function formatProgram(program: JsonObject): string[] {
  const steps = Array.isArray(program['steps']) ? program['steps'] : [];
  const width = String(steps.length).length;
  const lines = steps.map((step, i) => {
    const number = `${String(i + 1).padStart(width)}.`;
    if (!isObject(step)) return `${number} ${terminalSafe(JSON.stringify(step))}`;
    const after = typeof step['after'] === 'number' && step['after'] > 0 ? ` (after ${step['after']} ms)` : '';
    const background = step['background'] === true ? ' [background]' : '';
    return `${number} ${terminalSafe(String(step['actor']))}: ${terminalSafe(JSON.stringify(step['op']))}${after}${background}`;
  });
  const faults = program['faults'];
  if (isObject(faults) && Object.keys(faults).length > 0) lines.push(`faults: ${terminalSafe(JSON.stringify(faults))}`);
  if (typeof program['seed'] === 'number') lines.push(`world seed: ${program['seed']}`);
  return lines;
}

/** Everything needed to understand and reproduce a failing (or erroring) scenario. */
export function describeFailure(result: ScenarioResult): string {
  const lines: string[] = [];
  const verdict =
    result.status === 'error'
      ? 'could not run'
      : result.status === 'unexpected-pass'
        ? 'passed, but is marked as expected to fail'
        : result.status === 'expected-failure'
          ? 'failed as expected'
          : 'failed';
  lines.push(
    `Scenario "${terminalSafe(result.name)}" (${terminalSafe(result.file)}, client ${terminalSafe(result.client)}) ${verdict} after ${plural(result.runs, 'run')} (seed ${result.seed}).`,
  );
  if (result.error !== undefined) lines.push(terminalSafe(result.error, true));
  for (const line of findingLines(result)) lines.push(terminalSafe(line.text, true));
  const failure = result.failure;
  if (failure !== undefined) {
    lines.push(
      `Shrunk in ${plural(failure.shrinks, 'step')}${failure.path !== undefined ? ` · seed ${failure.seed} · path ${terminalSafe(failure.path)}` : ''}.`,
    );
    lines.push('Minimal program:');
    lines.push(...formatProgram(failure.program).map((line) => `  ${line}`));
    if (failure.stopped !== undefined) lines.push(`The run never settled: ${terminalSafe(failure.stopped, true)}`);
    for (const check of failedChecks(result))
      lines.push(`${terminalSafe(check.checker)}: ${terminalSafe(check.explanation, true)}`);
    lines.push(`Replay: ${terminalSafe(failure.replayCommand)}`);
  }
  return lines.join('\n');
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
