/** The package's entry points: package.json "exports", the loader's table and what each one leaves out. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ENTRY_POINTS } from '../../src/entry-points.js';
import { loadScenario, loadTypeScriptModule } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/validate.js';
import * as root from '../../src/index.js';
import { SERVER_PROFILE_NAMES } from '../../src/api/backend.js';
import { runCheckers } from '../../src/api/check.js';
import { World } from '../../src/api/world.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'syncwright-entries-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, lines: string[]): Promise<string> {
  const target = path.join(dir, name);
  await writeFile(target, lines.join('\n'));
  return target;
}

describe('entry points', () => {
  test('the loader knows exactly the entry points package.json exports, each built from src/', async () => {
    const manifest = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, string | { types: string; default: string }>;
    };
    const exported = Object.entries(manifest.exports).filter(([subpath]) => subpath !== './package.json');
    expect(
      exported.map(([subpath]) => (subpath === '.' ? 'syncwright' : `syncwright/${subpath.slice(2)}`)).sort(),
    ).toEqual(Object.keys(ENTRY_POINTS).sort());
    for (const [subpath, target] of exported) {
      if (typeof target === 'string') throw new Error(`exports["${subpath}"]: expected { types, default }`);
      expect(target.types.replace(/\.d\.ts$/, '.js')).toBe(target.default);
      const source = target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
      await expect(readFile(path.join(ROOT, source), 'utf8')).resolves.toContain('export');
    }
  });

  test('the root leaves the internals out and keeps what a scenario file and a test need', () => {
    const names = Object.keys(root);
    for (const internal of ['drainPromiseJobs', 'drainMicrotasks', 'SERVE_LINK', 'ServeTraffic', 'NetworkLink']) {
      expect(names).not.toContain(internal);
    }
    for (const needed of ['defineScenario', 'runScenario', 'replay', 'saveRegression', 'World', 'writeReports']) {
      expect(names).toContain(needed);
    }
  });

  test('a .ts scenario gets the subpaths from the running copy, through its own helpers too', async () => {
    await file('helpers.ts', [
      "import { SERVER_PROFILE_NAMES } from 'syncwright/backend';",
      'export const profiles = SERVER_PROFILE_NAMES;',
    ]);
    const scenario = await file('subpaths.ts', [
      "import { defineScenario } from 'syncwright/scenario';",
      "import { runCheckers } from 'syncwright/check';",
      `import { World } from ${JSON.stringify(path.join(ROOT, 'src/api/world.js'))};`,
      "import { profiles } from './helpers.js';",
      'export const pieces = { runCheckers, World, profiles };',
      "export default defineScenario({ name: 'subpaths', steps: [] });",
    ]);
    const loaded = (await loadTypeScriptModule(scenario)) as { pieces: Record<string, unknown> };
    expect(loaded.pieces).toEqual({ runCheckers, World, profiles: SERVER_PROFILE_NAMES });
    expect(loaded.pieces['World']).toBe(World);
    expect((await loadScenario(scenario)).name).toBe('subpaths');
  });

  test('a subpath the package does not have is a clear error naming the ones it has', async () => {
    const scenario = await file('unknown.ts', [
      "import { internals } from 'syncwright/kernel';",
      "export default { name: 'unknown', steps: [], internals };",
    ]);
    const error = await loadScenario(scenario).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as Error).message).toContain('unknown.ts');
    expect((error as Error).message).toContain(
      "expected imports of syncwright's entry points (syncwright, syncwright/backend",
    );
    expect((error as Error).message).toContain('found "syncwright/kernel"');
  });
});
