import { describe, test, expect } from 'vitest';
import path from 'node:path';
import { BUILT_IN_SCENARIOS_DIR, listScenarioFiles, loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';
import { FAULT_DECISION_KINDS } from '../../src/scenario/types.js';

const files = await listScenarioFiles(BUILT_IN_SCENARIOS_DIR);

describe('built-in scenarios', () => {
  test('include the tutorial, the samples, the fault cases and one generated scenario per policy', () => {
    const names = files.map((file) => path.basename(file));
    for (const expected of [
      'tutorial.ts',
      'conflict-handling.json',
      'cancel-and-discard-412.json',
      'lost-insert-response.json',
      'delete-races-update.json',
      'edit-during-push.json',
      'hold-push-in-flight.json',
      'paging-ties.ts',
      'restart-mid-push.json',
      'incremental-mark-ties.json',
      'generated-tutorial.ts',
      'generated-server-wins.ts',
      'generated-client-wins.ts',
      'generated-merge.ts',
      'generated-none.ts',
    ]) {
      expect(names).toContain(expected);
    }
  });

  test('generated scenarios turn every fault kind on', async () => {
    for (const file of files.filter((candidate) => path.basename(candidate).startsWith('generated-'))) {
      const kinds = (await loadScenario(file)).generate?.faults?.kinds;
      // `all` is every network kind; a scenario of credential or store faults names them all besides its own.
      const on = kinds === 'all' ? FAULT_DECISION_KINDS : kinds;
      expect(on, file).toEqual(expect.arrayContaining([...FAULT_DECISION_KINDS]));
    }
  });

  // Generated scenarios run a few programs here (the CLI runs 100); fixed ones run whole.
  test.each(files.map((file) => [path.basename(file), file]))(
    '%s passes on the reference client and reaches its coverage',
    async (_name, file) => {
      const result = await runScenario(file, { runs: 12, seed: 7 });
      expect(result.error).toBeUndefined();
      expect(result.failure?.checks.filter((check) => !check.valid).map((check) => check.explanation)).toBeUndefined();
      expect(result.status).toBe('passed');
      if (!path.basename(file).startsWith('generated-')) expect(result.weak).toEqual([]);
    },
  );
});
