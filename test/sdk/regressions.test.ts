import { describe, test, expect } from 'vitest';
import path from 'node:path';
import { historyHash } from '../../src/cli/history-hash.js';
import { resolveScenarioFiles } from '../../src/cli/scenario-files.js';
import { listScenarioFiles } from '../../src/scenario/load.js';
import { replay } from '../../src/scenario/replay.js';
import { runScenario } from '../../src/scenario/run.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIRECTORY = path.join(ROOT, 'scenarios', 'regressions', 'sdk');

// The checker each saved counterexample must trip on the SDK (docs/sdk-findings.md, "Findings
// from the property suite"). A new file here must be added to this table, with its finding.
const EXPECTED_CHECKER: Record<string, string> = {
  'conflict-handling-isHandled-after-update.json': 'conflict-callbacks',
  'edit-during-push-insert.json': 'no-lost-writes',
  'generated-defer-to-pull-delete-during-update-push.json': 'no-resurrection',
  'generated-defer-to-pull-read-after-update-during-push.json': 'session-guarantees',
  'generated-client-wins-update-during-push.json': 'no-lost-writes',
  'generated-merge-update-during-push.json': 'no-lost-writes',
  'generated-none-update-during-push.json': 'no-lost-writes',
  'generated-server-wins-update-during-push.json': 'no-lost-writes',
  'generated-tutorial-update-during-push.json': 'no-lost-writes',
  'generated-tutorial-skipped-record-never-repulled.json': 'pull-completeness',
  'generated-tutorial-date-looking-string.json': 'convergence',
  'generated-unkind-server-tie-group-skipped.json': 'pull-completeness',
  'generated-handlers-handler-awaits-own-push.json': 'liveness',
  'generated-tutorial-update-during-discard-unconditional.json': 'no-lost-writes',
  'generated-handlers-unawaited-discard-stops-push.json': 'cancel-and-discard',
  'generated-tutorial-conflict-date-looking-server-record.json': 'conflict-callbacks',
  'generated-tutorial-conflict-date-looking-server-record-update.json': 'conflict-callbacks',
  'generated-tutorial-tie-group-member-edited-between-pages.json': 'pull-completeness',
  'generated-tutorial-tie-group-shift-skips-record-between.json': 'pull-completeness',
  'generated-credentials-tie-group-member-stays-skipped.json': 'pull-completeness',
  'generated-family-upgrade-string-column-blocks-push.json': 'convergence',
  'generated-family-upgrade-string-column-stops-push-after-discard.json': 'cancel-and-discard',
  'generated-queries-ne-leaves-out-null.json': 'local-query',
};

const files = await listScenarioFiles(DIRECTORY);
const cases = files.map((file) => [path.basename(file), file] as const);

describe('SDK regression cases (scenarios/regressions/sdk)', () => {
  test('every saved counterexample has its expected checker listed', () => {
    expect(files.map((file) => path.basename(file)).sort()).toEqual(Object.keys(EXPECTED_CHECKER).sort());
  });

  test('a plain `syncwright run` picks them up from the regressions/ subfolder', async () => {
    const found = await resolveScenarioFiles([], ROOT);
    for (const file of files) expect(found).toContain(file);
  });

  test.each(cases)('%s passes on the reference client', async (_name, file) => {
    const result = await runScenario(file, { cwd: ROOT });
    expect(result.error).toBeUndefined();
    expect(result.failure?.checks.filter((check) => !check.valid).map((check) => check.explanation)).toBeUndefined();
    expect(result.status).toBe('passed');
  });

  test.each(cases)('%s fails on the SDK as expected, by its checker', async (name, file) => {
    const result = await runScenario(file, { cwd: ROOT, client: 'sdk' });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('expected-failure');
    const violated = result.failure?.checks.filter((check) => !check.valid).map((check) => check.checker);
    expect(violated).toContain(EXPECTED_CHECKER[name]);
  });

  test.each(cases)('%s replays on the SDK to the same history twice', async (_name, file) => {
    const first = await replay({ scenario: file }, { cwd: ROOT, client: 'sdk' });
    const second = await replay({ scenario: file }, { cwd: ROOT, client: 'sdk' });
    expect(first.run.valid).toBe(false);
    expect(first.run.history.length).toBeGreaterThan(0);
    expect(historyHash(second.run.history)).toBe(historyHash(first.run.history));
  });
});
