/**
 * docs/sdk-findings.md P7 — the SDK pages a tie group with `$skip` alone — reproduced outside the
 * simulator: the real SDK in Node (syncwright/sdk) against `syncwright serve` on 127.0.0.1 as a
 * less kind server (`--ties shuffled --top-cap 2`, the server of scenarios/generated-unkind-server.ts),
 * and against the plain server (ties in one order), where an edit between two pages shifts the
 * group instead.
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

/**
 * r1–r3 seeded with one updatedAt on the plain server, and an incremental pull (query id 'all')
 * with pages of two: the first page moves the bound to the group's updatedAt, the second reads the
 * group from there and its answer is held, so the editor writes between it and the third.
 */
async function pullHeldInGroup(): Promise<{ app: Device; held: number; pulling: PromiseLike<void> }> {
  serve = await Serve.start();
  serve.server.backend.seed(
    'todoitem',
    ['r1', 'r2', 'r3'].map((id) => ({ id, text: id, complete: false, updatedAt: TIED })),
  );
  const app = await Device.open(serve.url);
  device = app;
  const held = await serve.arm({ action: 'hold', method: 'GET', path: '/tables/todoitem', occurrence: 2 });
  const pulling = app.context.pull(app.query(), 'all', { pageSize: 2 });
  await serve.until(held, 'held');
  return { app, held, pulling };
}

describe('a tie group edited between two pages of an incremental pull', () => {
  test('P7: a record edited out of the group between pages is skipped by $skip, and the saved mark keeps it from every later pull of the query id', async () => {
    const { app, held, pulling } = await pullHeldInGroup();
    const before = (await serve.row('todoitem', 'r1'))!;
    const edited = await serve.update('todoitem', 'r1', { text: 'edited' });
    // r3 leaves the group after r1, at a later millisecond: the third page serves it past r1's new place.
    let later = await serve.update('todoitem', 'r3', { text: 'later' });
    while (later.updatedAt! <= edited.updatedAt!) later = await serve.update('todoitem', 'r3', { text: 'later' });
    await serve.release(held);
    await pulling;
    const pages = (await serve.exchanges()).filter((exchange) => exchange.method === 'GET').map((e) => e.url);
    // updateQueryForNextPage: after the held page (r1, r2 at the bound) $skip=2 jumps over r2 and
    // r1's new place, serves r3 and moves the bound — and the saved mark — to r3's updatedAt.
    const bound = `$filter=(updatedAt%20ge%20datetimeoffset%27${TIED}%27)&$orderby=updatedAt`;
    expect(pages[2]).toBe(`/tables/todoitem?${bound}&$skip=2&$top=2&__includeDeleted=true`);
    expect(await app.lookup('r1')).toMatchObject({ text: 'r1', version: before.version });
    // The next incremental pull of the query id asks from that mark: r1's version is never asked for.
    await app.context.pull(app.query(), 'all', { pageSize: 2 });
    const next = (await serve.exchanges()).filter((exchange) => exchange.method === 'GET')[pages.length]!;
    expect(decodeURIComponent(next.url)).toContain(`updatedAt ge datetimeoffset'${later.updatedAt}'`);
    expect(await app.lookup('r1')).toMatchObject({ text: 'r1', version: before.version });
    // A pull without a query id starts from the beginning and brings it.
    await app.context.pull(app.query(), null, { pageSize: 2 });
    expect(await app.lookup('r1')).toMatchObject({ text: 'edited', version: edited.version });
    expect(app.uncaught).toEqual([]);
  });

  test('P7: members edited out of the group between pages give their places to a record in between, which $skip then jumps over', async () => {
    const { app, held, pulling } = await pullHeldInGroup();
    const between = await serve.insert('todoitem', { id: 'r4', text: 'new', complete: false });
    // r2 and r3 leave the group to a later millisecond than r4's: r1 and r4 now hold the two places skipped.
    let moved = await serve.update('todoitem', 'r2', { text: 'moved' });
    while (moved.updatedAt! <= between.updatedAt!) moved = await serve.update('todoitem', 'r2', { text: 'moved' });
    await serve.update('todoitem', 'r3', { text: 'moved' });
    await serve.release(held);
    await pulling;
    expect(await app.lookup('r4')).toBeUndefined();
    // The mark is past r4: the next pull of the query id never asks for it.
    await app.context.pull(app.query(), 'all', { pageSize: 2 });
    expect(await app.lookup('r4')).toBeUndefined();
    await app.context.pull(app.query(), null, { pageSize: 2 });
    expect(await app.lookup('r4')).toMatchObject({ text: 'new', version: between.version });
    expect(app.uncaught).toEqual([]);
  });
});
