/**
 * docs/sdk-findings.md P7 — the SDK pages a tie group with `$skip` alone — reproduced outside the
 * simulator: the real SDK in Node (syncwright/sdk) against `syncwright serve` on 127.0.0.1 as a
 * less kind server (`--ties shuffled --top-cap 2`, the server of scenarios/generated-unkind-server.ts).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Device, Serve } from './support.js';

/** One statement wrote them all: the Node server's trigger gives every row it touched one updatedAt. */
const TIED = '2026-01-01T00:00:00.000Z';
const IDS = Array.from({ length: 30 }, (_, i) => `r${String(i).padStart(2, '0')}`);

let serve: Serve;
let device: Device | undefined;
afterEach(async () => {
  await device?.close();
  device = undefined;
  await serve.close();
});

async function pullTiedGroup(ties: 'stable' | 'shuffled'): Promise<{ local: string[]; pages: string[] }> {
  serve = await Serve.start({ variants: { ties, topCap: 2 } });
  serve.server.backend.seed(
    'todoitem',
    IDS.map((id) => ({ id, text: id, complete: false, updatedAt: TIED })),
  );
  device = await Device.open(serve.url);
  await device.context.pull(device.query(), null);
  const pages = (await serve.exchanges()).filter((exchange) => exchange.method === 'GET').map((e) => e.url);
  return { local: (await device.rows()).map((row) => String(row['id'])), pages };
}

describe('a tie group longer than a page', () => {
  test('P7: the pull pages a tie group with $skip alone, so a server that orders ties anew on each request makes it miss records', async () => {
    const { local, pages } = await pullTiedGroup('shuffled');
    // updateQueryForNextPage (sdk/src/sync/pull.js): the bound stays at the group's updatedAt and
    // $skip grows by each page's length; nothing orders the group itself (no id after updatedAt).
    const bound = `$filter=(updatedAt%20ge%20datetimeoffset%27${TIED}%27)&$orderby=updatedAt`;
    expect(pages.slice(1, 4)).toEqual([
      `/tables/todoitem?${bound}&$top=50&__includeDeleted=true`,
      `/tables/todoitem?${bound}&$skip=2&$top=50&__includeDeleted=true`,
      `/tables/todoitem?${bound}&$skip=4&$top=50&__includeDeleted=true`,
    ]);
    expect(pages.at(-1)).toBe(`/tables/todoitem?${bound}&$skip=30&$top=50&__includeDeleted=true`);
    // Sixteen pages of two, each cut from a fresh order of the 30: all 30 come in about 1 pull of
    // 4 billion (2.6e-10).
    expect(local.length).toBeLessThan(IDS.length);
    // The pull ended without an error: the app is not told.
    expect(device!.uncaught).toEqual([]);
  });

  test('the same pull brings every record when ties keep one order (the cap alone does no harm)', async () => {
    const { local } = await pullTiedGroup('stable');
    expect(local).toEqual(IDS);
  });
});
