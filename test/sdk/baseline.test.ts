import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseBaseline } from '../../src/scenario/hunt/baseline.js';
import { loadScenario } from '../../src/scenario/load.js';
import { expectationFor } from '../../src/scenario/types.js';
import { replay } from '../../src/scenario/replay.js';
import { signatureMatches } from '../../src/check/signature.js';
import { SDK_KNOWN_FINDINGS } from '../../src/scenario/known-findings.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FILE = 'baselines/azure-mobile-apps-client-2.0.1.json';

const baseline = parseBaseline(await readFile(path.join(ROOT, FILE), 'utf8'), FILE);
const entries = baseline.clients['sdk@2.0.1'] ?? [];
const doc = await readFile(path.join(ROOT, 'docs/sdk-findings.md'), 'utf8');

/** The hunt section of docs/sdk-findings.md: one line per baseline entry with its replay command. */
const huntSection = doc.slice(doc.indexOf('## Findings of `syncwright hunt`'));

describe(`the shipped baseline (${FILE})`, () => {
  test('is keyed by the SDK version the package depends on, and names the signature version', async () => {
    const sdk = JSON.parse(
      await readFile(path.join(ROOT, 'node_modules/azure-mobile-apps-client/package.json'), 'utf8'),
    );
    expect(Object.keys(baseline.clients)).toEqual([`sdk@${sdk.version}`]);
    expect(entries.length).toBeGreaterThan(0);
    // One replay line of the hunt section per entry, naming it.
    for (const entry of entries)
      expect(huntSection).toMatch(
        new RegExp(`--client sdk +# ${entry.signature.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
      );
  });

  test('the shipped scenarios expect exactly its findings of the SDK (and the reads of P1)', async () => {
    // P10's signatures (a queue that never drains, a push stopped early) would hide other defects
    // in every scenario: only generated-family.ts, whose app upgrades reach P10, declares them.
    const family = await loadScenario(path.join(ROOT, 'scenarios/generated-family.ts'), { cwd: ROOT });
    const familyOnly = expectationFor(family.expect, 'sdk');
    for (const entry of entries) {
      const declared = entry.note.startsWith('P10 in docs/sdk-findings.md') ? familyOnly : SDK_KNOWN_FINDINGS;
      expect(
        declared.some((pattern) => signatureMatches(pattern, entry.signature)),
        entry.signature,
      ).toBe(true);
    }
    for (const pattern of SDK_KNOWN_FINDINGS)
      expect(
        pattern.startsWith('session-guarantees/session.read-your-writes/') ||
          entries.some((entry) => signatureMatches(pattern, entry.signature)),
        pattern,
      ).toBe(true);
  });

  test.each(entries.map((entry) => [entry.signature, entry] as const))(
    '%s is documented, and its regression case reproduces it on the SDK',
    async (signature, entry) => {
      // The note names a numbered finding of docs/sdk-findings.md and a saved regression case.
      const section = /\b(P?\d+) in docs\/sdk-findings\.md/.exec(entry.note)?.[1];
      expect(section, entry.note).toBeDefined();
      expect(doc).toMatch(new RegExp(`^### ${section}\\. `, 'm'));
      expect(huntSection).toContain(signature);
      const regression = /scenarios\/regressions\/sdk\/[\w.-]+\.json/.exec(entry.note)?.[0];
      expect(regression, entry.note).toBeDefined();
      const replayed = await replay({ scenario: regression! }, { cwd: ROOT, client: 'sdk' });
      expect(replayed.run.judgement.violations.map((violation) => violation.signature)).toContain(signature);
    },
    120_000,
  );

  test.each(
    [
      ...huntSection.matchAll(
        /npx syncwright replay (scenarios\/[\w/.-]+\.(?:ts|json))(?: (\d+:[\d:]+))? --client sdk\s+# (\S+)/g,
      ),
    ].map((match) => [match[3]!, match[1]!, match[2]] as const),
  )(
    'the documented replay of %s reproduces it',
    async (signature, scenario, token) => {
      const replayed = await replay(token === undefined ? { scenario } : { scenario, token }, {
        cwd: ROOT,
        client: 'sdk',
      });
      expect(replayed.run.judgement.violations.map((violation) => violation.signature)).toContain(signature);
    },
    120_000,
  );
});
