/**
 * Loading sql.js must never leave Node's event loop empty: Node 20 then blocks its main thread
 * until every background V8 task is done, and one that waits for a garbage collection deadlocks
 * the process (src/kernel/event-loop-hold.ts). The loop is empty when it holds no
 * referenced timer, socket or request — what process.getActiveResourcesInfo() lists. A process
 * of its own (the built module, as `npm test` builds first), since a test worker holds handles
 * of its own that come and go.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODULE = pathToFileURL(path.join(ROOT, 'dist/sqlite/sqljs.js')).href;

const PROGRAM = `
import { loadSqlJs } from ${JSON.stringify(MODULE)};
const held = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
const seen = { before: held() };
const loading = loadSqlJs();
seen.loading = held();
const SQL = await loading;
seen.loaded = held();
seen.answer = new SQL.Database().exec('SELECT 1 + 1')[0].values[0][0];
seen.again = (await loadSqlJs()) === SQL;
seen.after = held();
console.log(JSON.stringify(seen));
`;

test('while the WebAssembly compiles the event loop holds a timer, and lets it go once sql.js is loaded', () => {
  // spawnSync blocks the test worker, where vitest's own timeout cannot reach: a child caught
  // in Node's exit deadlock is killed here instead (status null, and the assertion says so).
  const { status, stdout, stderr } = spawnSync(process.execPath, ['--input-type=module', '-e', PROGRAM], {
    encoding: 'utf8',
    timeout: 40_000,
  });
  expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
  expect(JSON.parse(stdout)).toEqual({ before: 0, loading: 1, loaded: 0, answer: 2, again: true, after: 0 });
});
