import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { HuntResults } from '../../src/scenario/hunt/types.js';
import { cli, workspace } from './helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const SMALL = {
  version: 2,
  name: 'small generated',
  clients: 2,
  editors: 1,
  policy: 'server-wins',
  allow: ['handler-outcomes/handler.error-unhandled'],
  generate: { steps: { min: 1, max: 6 }, records: 2, faults: { kinds: ['lost-response', 'http-error'], max: 2 } },
};

async function findings(dir: string, out: string): Promise<HuntResults> {
  return JSON.parse(await readFile(path.join(dir, out, 'findings.json'), 'utf8')) as HuntResults;
}

const HUNT = ['hunt', 'small.json', '--mutation', 'drop-if-match', '--workers', '1', '--triage', '0'];

describe('syncwright hunt', () => {
  test('a baseline: new findings fail the hunt, --update-baseline records them, known ones pass, an emptied baseline fails again', async () => {
    const ws = await workspace({ 'small.json': SMALL });
    // No guidance: each hunt would otherwise mutate the corpus the one before it left, and so
    // explore other programs; the baseline's verdicts are judged on the same findings.
    const fresh = [...HUNT, '--no-guidance'];
    try {
      const first = await cli([...fresh, '--runs', '40', '--out', 'out-1'], ws.dir);
      expect(first.code).toBe(1);
      expect(first.stdout).toMatch(/✗ NEW/);
      const results = await findings(ws.dir, 'out-1');
      expect(results.findings.length).toBeGreaterThan(0);
      expect(results.findings.every((finding) => finding.status === 'new')).toBe(true);
      const junit = await readFile(path.join(ws.dir, 'out-1', 'junit.xml'), 'utf8');
      expect(junit.match(/<testcase /g)).toHaveLength(results.findings.length);
      expect(junit.match(/<failure /g)).toHaveLength(results.findings.length);
      expect(await readFile(path.join(ws.dir, 'out-1', 'index.html'), 'utf8')).toContain('report-data');

      const update = await cli(
        [...fresh, '--runs', '40', '--out', 'out-2', '--baseline', 'known.json', '--update-baseline'],
        ws.dir,
      );
      expect(update.code).toBe(0);
      const baseline = JSON.parse(await readFile(path.join(ws.dir, 'known.json'), 'utf8'));
      const key = Object.keys(baseline.clients)[0]!;
      expect(key).toMatch(/^reference\+drop-if-match@\d+\.\d+\.\d+$/);
      expect(baseline.clients[key].map((entry: { signature: string }) => entry.signature).sort()).toEqual(
        results.findings.map((finding) => finding.signature).sort(),
      );

      const known = await cli([...fresh, '--runs', '40', '--out', 'out-3', '--baseline', 'known.json'], ws.dir);
      expect(known.code).toBe(0);
      expect(known.stdout).toMatch(/○ known/);
      expect(known.stdout).toMatch(/PASSED — no new findings/);
      const skipped = await readFile(path.join(ws.dir, 'out-3', 'junit.xml'), 'utf8');
      expect(skipped.match(/<skipped /g)).toHaveLength(results.findings.length);

      await writeFile(path.join(ws.dir, 'known.json'), JSON.stringify({ ...baseline, clients: {} }), 'utf8');
      const emptied = await cli([...fresh, '--runs', '40', '--out', 'out-4', '--baseline', 'known.json'], ws.dir);
      expect(emptied.code).toBe(1);
      expect(emptied.stdout).toMatch(/FAILED — \d+ new finding/);
    } finally {
      await ws.cleanup();
    }
  }, 180_000);

  test('mistakes in the arguments, the baseline or the corpus are exit 2 with the file and what was wrong', async () => {
    const ws = await workspace({
      'small.json': SMALL,
      'bad-baseline.json': '{"format":1,"signatureVersion":1,"clients":{"reference":[]}}',
      'corpus/x.json': '[1,2]',
    });
    try {
      expect((await cli([...HUNT, '--runs', '10', '--time', '1m'], ws.dir)).code).toBe(2);
      expect((await cli([...HUNT, '--update-baseline'], ws.dir)).stderr).toMatch(/--update-baseline needs --baseline/);
      const bad = await cli([...HUNT, '--runs', '10', '--baseline', 'bad-baseline.json'], ws.dir);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/bad-baseline\.json: clients\.reference: expected a key <client>@<version>/);
      const missing = await cli([...HUNT, '--runs', '10', '--baseline', 'nope.json'], ws.dir);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/nope\.json: expected a baseline file, found none/);
      const corpus = await cli([...HUNT, '--runs', '10', '--corpus', 'corpus'], ws.dir);
      expect(corpus.code).toBe(2);
      expect(corpus.stderr).toMatch(/x\.json: expected a corpus entry object, found an array/);
    } finally {
      await ws.cleanup();
    }
  });

  test("merge-reports refuses a shard's counterexample file that is not one (exit 2, naming the file and field)", async () => {
    const ws = await workspace({ 'small.json': SMALL });
    try {
      await cli([...HUNT, '--runs', '40', '--no-guidance', '--shard', '1/1', '--out', 'shard-1'], ws.dir);
      const shard = await findings(ws.dir, 'shard-1');
      const file = shard.findings.find((finding) => finding.shrunk !== undefined)!.shrunk!.file;
      await writeFile(path.join(ws.dir, 'shard-1', file), JSON.stringify({ program: { steps: [] }, history: 'lost' }));
      const merged = await cli(['merge-reports', 'shard-1', '--out', 'merged'], ws.dir);
      expect(merged.code).toBe(2);
      expect(merged.stderr).toContain(`${file}: history should be an array of history events, found the string "lost"`);
    } finally {
      await ws.cleanup();
    }
  }, 180_000);

  test('shards joined by merge-reports list the signatures of one unsharded hunt (guidance off)', async () => {
    const ws = await workspace({ 'small.json': SMALL });
    try {
      const args = [...HUNT, '--runs', '80', '--no-guidance'];
      await cli([...args, '--out', 'whole'], ws.dir);
      await cli([...args, '--shard', '1/2', '--out', 'shard-1'], ws.dir);
      await cli([...args, '--shard', '2/2', '--out', 'shard-2'], ws.dir);
      const merged = await cli(['merge-reports', 'shard-1', 'shard-2', '--out', 'merged'], ws.dir);
      expect(merged.code).toBe(1);
      const whole = await findings(ws.dir, 'whole');
      const joined = await findings(ws.dir, 'merged');
      const key = (results: HuntResults) =>
        results.findings.map((finding) => [
          finding.signature,
          finding.first.batch,
          finding.first.run,
          finding.occurrences,
        ]);
      expect(key(joined)).toEqual(key(whole));
      expect(joined.hunt.runs).toBe(whole.hunt.runs);
      // The merged counterexamples are carried over and replay.
      const file = joined.findings[0]!.shrunk!.file;
      const replayed = await cli(['replay', path.join('merged', file)], ws.dir);
      expect(replayed.stdout).toContain("identical to the counterexample's history");
    } finally {
      await ws.cleanup();
    }
  }, 180_000);
});

describe('syncwright hunt as a process (needs npm run build)', () => {
  test('the same seed, runs, worker count and corpus give the same findings.json findings, byte for byte', async () => {
    const one = await workspace({ 'small.json': SMALL });
    const two = await workspace({ 'small.json': SMALL });
    try {
      const run = (cwd: string) =>
        new Promise<number>((resolve) => {
          const child = spawn(
            process.execPath,
            [
              path.join(ROOT, 'bin/syncwright.js'),
              ...['hunt', 'small.json', '--mutation', 'drop-if-match', '--runs', '60', '--workers', '2'],
              ...['--triage', '2', '--out', 'out', '--corpus', 'corpus'],
            ],
            { cwd, stdio: 'ignore' },
          );
          child.on('exit', (code) => resolve(code ?? -1));
        });
      expect(await Promise.all([run(one.dir), run(two.dir)])).toEqual([1, 1]);
      const a = await findings(one.dir, 'out');
      const b = await findings(two.dir, 'out');
      expect(JSON.stringify(b.findings)).toBe(JSON.stringify(a.findings));
      expect(b.hunt.corpus).toEqual(a.hunt.corpus);
      expect(b.hunt.mutantRuns).toBeGreaterThan(0);
      for (const finding of a.findings) {
        const file = path.join('out', finding.shrunk!.file);
        expect(await readFile(path.join(two.dir, file), 'utf8')).toBe(await readFile(path.join(one.dir, file), 'utf8'));
      }
    } finally {
      await one.cleanup();
      await two.cleanup();
    }
  }, 180_000);

  test('SIGINT ends the hunt cleanly and still writes what was found', async () => {
    const ws = await workspace({ 'small.json': SMALL });
    try {
      const child = spawn(
        process.execPath,
        [path.join(ROOT, 'bin/syncwright.js'), ...HUNT, '--time', '5m', '--out', 'out'],
        { cwd: ws.dir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('✗ new')) resolve();
        });
      });
      child.kill('SIGINT');
      const code = await exited;
      expect(stderr).toMatch(/interrupted/);
      expect(code).toBe(1);
      const results = await findings(ws.dir, 'out');
      expect(results.hunt.end).toBe('interrupted');
      expect(results.findings.length).toBeGreaterThan(0);
      expect(results.findings[0]!.shrunk?.file).toMatch(/^findings\//);
      expect(stdout).toMatch(/ended by an interrupt/);
    } finally {
      await ws.cleanup();
    }
  }, 120_000);
});
