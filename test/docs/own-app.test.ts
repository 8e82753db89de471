/**
 * docs/guides/your-own-app.md's handler for both clients and command-line.md's reporter module,
 * run as the pages show them: the code on the page is the example's file, the example passes on
 * the reference client and on the SDK, and the obvious handler it replaces fails on the SDK alone.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunResults } from '../../src/scenario/results.js';
import { cli, SMALL_FIXED, workspace } from '../cli/helpers.js';
import { readPage, ROOT } from './markdown.js';

const EXAMPLE = 'examples/own-app';

function jsBlocks(page: string): string[] {
  return [...readPage(page).matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const scenario = JSON.parse(await readFile(path.join(ROOT, EXAMPLE, 'scenarios/orders.json'), 'utf8')) as object;
  ({ dir, cleanup } = await workspace({
    'naive/orders.json': { ...scenario, policy: { module: '../handlers/naive.mjs' } },
    'handlers/naive.mjs':
      'export function onConflict(pushError) {\n  return pushError.cancelAndUpdate(pushError.getServerRecord());\n}\n',
    'scenarios/fixed.json': SMALL_FIXED,
    'reporter.mjs': jsBlocks('docs/guides/command-line.md').find((block) => block.includes('onScenarioEnd'))!,
  }));
});
afterAll(() => cleanup());

async function statuses(out: string): Promise<[string, string, string[]][]> {
  const results = JSON.parse(await readFile(path.join(dir, out, 'results.json'), 'utf8')) as RunResults;
  return results.scenarios.map((scenario) => [
    scenario.client,
    scenario.status,
    (scenario.findings ?? []).filter((finding) => finding.disposition === 'new').map((finding) => finding.signature),
  ]);
}

describe('your-own-app.md: one handler for both clients', () => {
  test('the handler on the page is examples/own-app/handlers/orders.mjs, whole', async () => {
    const file = await readFile(path.join(ROOT, EXAMPLE, 'handlers/orders.mjs'), 'utf8');
    expect(jsBlocks('docs/guides/your-own-app.md')).toContain(file);
  });

  test('the example passes on the reference client and on the SDK', async () => {
    const outcome = await cli(
      [
        'run',
        path.join(ROOT, EXAMPLE, 'scenarios'),
        '--client',
        'both',
        '--workers',
        '1',
        '--reporter',
        'json',
        '--out',
        'own',
      ],
      dir,
    );
    expect(outcome.code, outcome.stdout).toBe(0);
    expect(await statuses('own')).toEqual([
      ['reference', 'passed', []],
      ['sdk', 'passed', []],
    ]);
  });

  test('cancelAndUpdate(getServerRecord()) passes on the reference client and throws on the SDK (finding 7)', async () => {
    const outcome = await cli(
      ['run', 'naive', '--client', 'both', '--workers', '1', '--reporter', 'json', '--out', 'naive-out'],
      dir,
    );
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain(
      'Converting value \\"2026-03-02T09:00:00.000Z\\" of type string to type date is not supported.',
    );
    expect(await statuses('naive-out')).toEqual([
      ['reference', 'passed', []],
      ['sdk', 'failed', ['handler-outcomes/handler.threw/update/412']],
    ]);
  });
});

test("command-line.md's reporter module runs as shown", async () => {
  const outcome = await cli(['run', 'scenarios', '--workers', '1', '--reporter', 'list,./reporter.mjs'], dir);
  expect(outcome.code, outcome.stderr).toBe(0);
  expect(outcome.stdout).toContain('\n1 scenarios\n');
  expect(outcome.stdout).not.toContain('FAILED');
});
