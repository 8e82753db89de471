/**
 * `syncwright serve` as a less kind server (backend/server-variants.ts): the options of
 * startServer and the flags of the command that set them, and their refusals.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { cli } from '../cli/helpers.js';
import { ADMIN_PREFIX } from '../../src/serve/admin.js';
import { startServer, type RunningServer } from '../../src/serve/serve.js';

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const HEADERS = { 'ZUMO-API-VERSION': '2.0.0' };
const TIED = '2026-01-01T00:00:00.000Z';

/** The ids of one page of `updatedAt`-ordered rows, as a client pages them. */
async function page(skip: number, top: number): Promise<string[]> {
  const response = await fetch(`${server!.url}/tables/todoitem?$orderby=updatedAt&$skip=${skip}&$top=${top}`, {
    headers: HEADERS,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }[]).map((row) => row.id);
}

describe('startServer({ variants })', () => {
  test('topCap serves at most that many records a page, whatever $top asks', async () => {
    server = await startServer({ port: 0, variants: { topCap: 2 } });
    server.backend.seed(
      'todoitem',
      ['a', 'b', 'c'].map((id) => ({ id, text: id })),
    );
    expect(await page(0, 50)).toHaveLength(2);
  });

  test("ties: 'shuffled' gives a tie group a new order on each request; stable keeps one", async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    const orders = async (): Promise<Set<string>> => {
      server!.backend.seed(
        'todoitem',
        ids.map((id) => ({ id, text: id, updatedAt: TIED })),
      );
      const seen = new Set<string>();
      for (let i = 0; i < 5; i++) seen.add((await page(0, 50)).join(','));
      return seen;
    };
    server = await startServer({ port: 0 });
    expect((await orders()).size).toBe(1);
    await server.close();
    // Five orders of twelve rows all equal by chance: 1 in 12!^4 (about 5e34).
    server = await startServer({ port: 0, variants: { ties: 'shuffled' } });
    expect((await orders()).size).toBeGreaterThan(1);
  });

  test('nullUpdatedAt: a row the admin API inserts has no updatedAt, and a pull bound does not match it', async () => {
    server = await startServer({ port: 0, variants: { nullUpdatedAt: true } });
    const inserted = await fetch(`${server.url}${ADMIN_PREFIX}/tables/todoitem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ record: { id: 'legacy', text: 'old' } }),
    });
    expect(inserted.status).toBeLessThan(300);
    expect(server.backend.get('todoitem', 'legacy')?.updatedAt).toBe(null);
    const bound = encodeURIComponent("updatedAt ge datetimeoffset'1970-01-01T00:00:00.000Z'");
    const pulled = await fetch(`${server.url}/tables/todoitem?$filter=${bound}`, { headers: HEADERS });
    expect(await pulled.json()).toEqual([]);
  });

  test('a variant out of range is refused before listening', async () => {
    await expect(startServer({ port: 0, variants: { topCap: 0 } })).rejects.toThrow(
      'topCap: expected a whole number from 1 to 1000, found 0',
    );
  });
});

describe('syncwright serve --ties, --top-cap, --deletes', () => {
  test('--dry-run names the less kind server it would be', async () => {
    const result = await cli(
      [
        'serve',
        '--dry-run',
        '--ties',
        'shuffled',
        '--top-cap',
        '2',
        '--deletes',
        'hard',
        '--null-updated-at',
        '--per-user',
      ],
      process.cwd(),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'less kind server: ties shuffled on every request, at most 2 records a page, hard deletes, imported rows without updatedAt, rows per user (X-ZUMO-AUTH names the user)',
    );
    const plain = await cli(['serve', '--dry-run', '--ties', 'stable', '--deletes', 'soft'], process.cwd());
    expect(plain.stdout).not.toContain('less kind server');
  });

  test.each([
    [['--ties', 'random'], "--ties expects stable or shuffled, got 'random'"],
    [['--deletes', 'never'], "--deletes expects soft or hard, got 'never'"],
    [['--top-cap', '0'], '--top-cap expects a number from 1 to 1000, got 0'],
    [['--top-cap', 'two'], "--top-cap expects a whole number, got 'two'"],
  ])('%j is refused with exit code 2', async (args, message) => {
    const result = await cli(['serve', '--dry-run', ...args], process.cwd());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
