/**
 * The `github` reporter: GitHub Actions workflow commands that show a run's findings on the
 * pull request (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).
 * A new finding is an `::error`, a known finding that no longer occurs (a stale expectation)
 * a `::warning`; everything else a run produced needs no one's attention and is left out.
 */
import type { RunResults, ScenarioResult } from '../scenario/results.js';

/** The annotation lines for a run, one per line, ending in a newline (empty when there is nothing to say). */
export function renderGithubAnnotations(results: RunResults): string {
  const lines: string[] = [];
  for (const scenario of results.scenarios) {
    const where = `file=${property(scenario.file)}`;
    const who = `${scenario.name} (${scenario.client})`;
    if (scenario.status === 'error') {
      lines.push(
        `::error ${where},title=${property(`syncwright: error in ${who}`)}::${message(scenario.error ?? 'the scenario errored')}`,
      );
    }
    for (const finding of newFindings(scenario)) {
      const run =
        finding.first.path !== undefined ? `${finding.first.seed}:${finding.first.path}` : `${finding.first.seed}`;
      lines.push(
        `::error ${where},title=${property(`syncwright: new finding in ${who}`)}::${message(`${finding.signature}: ${finding.example} (${finding.count} run${finding.count === 1 ? '' : 's'}); first in run ${run}`)}`,
      );
    }
    if (scenario.status === 'failed' && newFindings(scenario).length === 0) {
      lines.push(
        `::error ${where},title=${property(`syncwright: failure in ${who}`)}::${message(failureText(scenario))}`,
      );
    }
    if (scenario.status === 'unexpected-pass' && (scenario.staleExpectations ?? []).length === 0) {
      lines.push(
        `::warning ${where},title=${property(`syncwright: stale expectation in ${who}`)}::${message('passed, though marked as expected to fail: remove the expectation if the finding is fixed')}`,
      );
    }
    for (const pattern of scenario.staleExpectations ?? []) {
      lines.push(
        `::warning ${where},title=${property(`syncwright: stale expectation in ${who}`)}::${message(`expected finding ${pattern} no longer occurs: remove it from the scenario's expectations or the baseline`)}`,
      );
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function newFindings(scenario: ScenarioResult) {
  return (scenario.findings ?? []).filter((finding) => finding.disposition === 'new');
}

function failureText(scenario: ScenarioResult): string {
  const violated = scenario.failure?.checks.filter((check) => !check.valid).map((check) => check.checker) ?? [];
  return violated.length > 0 ? `violated: ${violated.join(', ')}` : 'the scenario failed';
}

// Workflow-command escaping (as @actions/core does it): a message may not break the line, a
// property may not end itself with `,` or `:`. Control characters other than CR/LF are dropped
// so that a hostile scenario name cannot smuggle a second command into the log.
function message(text: string): string {
  return stripControls(text).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(text: string): string {
  return message(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function stripControls(text: string): string {
  return text.replace(/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '');
}
