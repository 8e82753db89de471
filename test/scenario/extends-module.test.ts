import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';

describe('extends', () => {
  test('a handler module inherited from a scenario in another folder is found relative to the file that names it', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'syncwright-extends-'));
    await mkdir(path.join(root, 'base', 'handlers'), { recursive: true });
    await mkdir(path.join(root, 'elsewhere'), { recursive: true });
    await writeFile(
      path.join(root, 'base', 'handlers', 'discard.js'),
      'export async function onConflict(pushError) { await pushError.cancelAndDiscard(); }\n',
    );
    await writeFile(
      path.join(root, 'base', 'scenario.json'),
      JSON.stringify({
        name: 'base',
        clients: 1,
        policy: { module: './handlers/discard.js' },
        steps: [
          {
            actor: 'client-1',
            op: { type: 'insert', table: 'todoitem', record: { id: 'a', text: 'one', complete: false } },
          },
          { actor: 'client-1', op: { type: 'push' } },
        ],
      }),
    );
    await writeFile(
      path.join(root, 'elsewhere', 'child.json'),
      JSON.stringify({ name: 'child', extends: '../base/scenario.json' }),
    );

    const scenario = await loadScenario(path.join(root, 'elsewhere', 'child.json'));
    expect(scenario.clients[0]?.policy).toEqual({ module: path.join(root, 'base', 'handlers', 'discard.js') });
    const result = await runScenario(path.join(root, 'elsewhere', 'child.json'));
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('passed');
  });
});
