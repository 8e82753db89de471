/**
 * docs/sdk-findings.md P11 reproduced outside the simulator: the real SDK in Node
 * (syncwright/sdk), its store a database file, reading its own table with a `ne` filter. No
 * request is needed — the read is local — but the device is opened against `syncwright serve`
 * like every other reproduction here, so the setup is the one an app has.
 */
import { expect, test } from 'vitest';
import type { SdkTableDefinition } from '../../src/sdk/sdk-types.js';
import { Device, plain, serveSession } from './support.js';

const session = serveSession();

const NOTE: SdkTableDefinition = {
  name: 'note',
  columnDefinitions: { id: 'string', title: 'string', version: 'string' },
};

/** The ids a local read of `note` returned, sorted (the read has no order of its own). */
async function idsOf(device: Device, build: (query: ReturnType<Device['query']>) => ReturnType<Device['query']>) {
  const read = await device.context.read(build(device.query('note')));
  return plain(Array.isArray(read) ? read : read.result)
    .map((row) => String(row['id']))
    .sort();
}

test("P11: the store compiles ne to SQL's !=, so a local read where(title ne 'milk') leaves out the row whose title is null", async () => {
  session.device = await Device.open(session.serve.url, { tables: [NOTE] });
  const { context } = session.device;
  await context.insert('note', { id: 'a', title: 'milk' });
  await context.insert('note', { id: 'b', title: 'bread' });
  await context.insert('note', { id: 'c', title: null });
  expect(await session.device.rows('note')).toEqual([
    { id: 'a', title: 'milk', version: null },
    { id: 'b', title: 'bread', version: null },
    { id: 'c', title: null, version: null },
  ]);

  // The app's query, as OData has it: `c` (title null) is not 'milk', so OData — and the
  // reference client — return b and c.
  const query = session.device.query('note').where('title ne ?', 'milk');
  expect(query.toOData()).toContain("$filter=(title ne 'milk')");
  expect(await idsOf(session.device, (q) => q.where('title ne ?', 'milk'))).toEqual(['b']);

  // The null row is there and a null literal finds it (azure-odata-sql writes IS NULL for that
  // one case); only the comparison with a value drops it.
  expect(await idsOf(session.device, (q) => q.where('title eq ?', null))).toEqual(['c']);
  expect(await idsOf(session.device, (q) => q.where('title ne ?', null))).toEqual(['a', 'b']);
});
