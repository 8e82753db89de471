import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { commands } from '../../src/cli/commands/index.js';

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly needs?: string | string[];
  readonly if?: string;
  readonly strategy?: { readonly matrix?: Record<string, unknown> };
  readonly steps: Step[];
}
interface Workflow {
  readonly name: string;
  readonly on: Record<string, unknown>;
  readonly jobs: Record<string, Job>;
}

async function workflows(): Promise<Workflow[]> {
  const text = await readFile('docs/ci.md', 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => parse(match[1]!) as Workflow);
}

/** Every `npx syncwright <command> …` line of a job, as its words. */
function syncwrightCalls(job: Job): string[][] {
  return (
    job.steps
      .filter((step) => step.run?.includes('npx syncwright') === true)
      // An expression `${{ a.b }}` is one word: `${{a.b}}`.
      .map((step) =>
        step
          .run!.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => `\${{${expression}}}`)
          .trim()
          .split(/\s+/)
          .slice(2),
      )
  );
}

describe('docs/ci.md', () => {
  test('the per-commit workflow runs the scenarios and keeps the reports', async () => {
    const [commit] = await workflows();
    expect(commit!.on).toHaveProperty('push');
    const calls = Object.values(commit!.jobs).flatMap(syncwrightCalls);
    expect(calls.some((words) => words[0] === 'run')).toBe(true);
  });

  test('the nightly hunt: a matrix of shards, each hunting its share, then one merge that carries the corpus', async () => {
    const nightly = (await workflows()).find((workflow) => 'schedule' in workflow.on)!;
    expect(nightly).toBeDefined();
    const hunt = nightly.jobs['hunt']!;
    const shards = hunt.strategy!.matrix!['shard'] as number[];
    expect(shards.length).toBeGreaterThan(1);
    expect(shards).toEqual(shards.map((_, i) => i + 1));
    const [huntCall] = syncwrightCalls(hunt);
    expect(huntCall![0]).toBe('hunt');
    expect(huntCall![huntCall!.indexOf('--shard') + 1]).toBe(`\${{matrix.shard}}/${shards.length}`);
    expect(huntCall![huntCall!.indexOf('--out') + 1]).toBe('reports/hunt-${{matrix.shard}}');
    expect(huntCall).toContain('--baseline');

    const merge = nightly.jobs['merge']!;
    expect(merge.needs).toBe('hunt');
    expect(merge.if).toBe('always()');
    const [mergeCall] = syncwrightCalls(merge);
    expect(mergeCall![0]).toBe('merge-reports');
    // Every shard's folder is merged, and nothing else.
    const inputs = mergeCall!.slice(
      1,
      mergeCall!.findIndex((word) => word.startsWith('--')),
    );
    expect(inputs).toEqual(shards.map((shard) => `reports/hunt-${shard}`));
    const corpus = mergeCall![mergeCall!.indexOf('--corpus') + 1];

    // The corpus: restored by both jobs from the same path the commands use, saved after the merge even when it fails.
    const cachePath = (job: Job, action: string) =>
      job.steps.find((step) => step.uses?.startsWith(action) === true)?.with?.['path'];
    expect(cachePath(hunt, 'actions/cache/restore')).toBe(corpus);
    expect(huntCall![huntCall!.indexOf('--corpus') + 1]).toBe(corpus);
    expect(cachePath(merge, 'actions/cache/restore')).toBe(corpus);
    const save = merge.steps.find((step) => step.uses?.startsWith('actions/cache/save') === true)!;
    expect(save.with!['path']).toBe(corpus);
    expect(save.if).toBe('always()');
    expect(merge.steps.indexOf(save)).toBeGreaterThan(
      merge.steps.findIndex((step) => step.run?.includes('merge-reports') === true),
    );
    // The shards' artifacts are what the merge downloads.
    const upload = hunt.steps.find((step) => step.uses?.startsWith('actions/upload-artifact') === true)!;
    const download = merge.steps.find((step) => step.uses?.startsWith('actions/download-artifact') === true)!;
    expect(upload.with!['name']).toBe('hunt-${{ matrix.shard }}');
    expect(download.with!['pattern']).toBe('hunt-*');
  });

  test('every option the workflows pass exists on its command, and the baseline they name ships', async () => {
    for (const workflow of await workflows()) {
      for (const job of Object.values(workflow.jobs)) {
        for (const [name, ...words] of syncwrightCalls(job)) {
          const command = commands.find((candidate) => candidate.name === name);
          expect(command, name).toBeDefined();
          for (const option of words.filter((word) => word.startsWith('--'))) expect(command!.usage).toContain(option);
          const baseline = words[words.indexOf('--baseline') + 1];
          if (words.includes('--baseline')) await expect(readFile(baseline!, 'utf8')).resolves.toContain('sdk@2.0.1');
        }
      }
    }
  });
});
