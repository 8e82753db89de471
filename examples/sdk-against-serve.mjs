// The tutorial's story with the real azure-mobile-apps-client 2.0.1 in Node, against a running
// `syncwright serve` — real HTTP, the real clock, the SDK's own files unchanged.
//
//   npx syncwright serve --port 4123 --lost-response-rate 0.3     # in another terminal
//   node examples/sdk-against-serve.mjs http://127.0.0.1:4123      # or SYNCWRIGHT_URL=…
//
// It starts nothing itself. With lost answers on, any request may be applied by the server and
// still fail on the device ("Unexpected connection failure."), so every sync step is retried,
// and a re-sent insert the server already has comes back as 409 (the handler below deals with
// it). Exits 0 when the device and the server end with the same todo items.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRealSdk } from 'syncwright/sdk';

const url = (process.argv[2] ?? process.env.SYNCWRIGHT_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const admin = `${url}/__syncwright`;
const ATTEMPTS = 30;
const storeDir = mkdtempSync(path.join(tmpdir(), 'syncwright-example-'));
const say = (text) => console.log(text);

// 1. The app starts: the SDK, its SQLite store (a file in storeDir), the todoitem table.
const { WindowsAzure, close } = await loadRealSdk({ storeDir });
const client = new WindowsAzure.MobileServiceClient(url);
const store = new WindowsAzure.MobileServiceSqliteStore('todo.db');
await store.defineTable({
  name: 'todoitem',
  columnDefinitions: { id: 'string', text: 'string', complete: 'boolean', version: 'string' },
});
const syncContext = client.getSyncContext();
await syncContext.initialize(store);
const todoitems = new WindowsAzure.Query('todoitem');

syncContext.pushHandler = {
  async onConflict(pushError) {
    const status = pushError.getError().request.status;
    const mine = pushError.getClientRecord();
    if (status === 409 && pushError.getAction() === 'insert') {
      // The insert was applied and its answer lost; the server has this very record. 409
      // carries no server record (docs/sdk-findings.md, 13): drop ours, the pull brings it back.
      say(
        `  409 on insert of ${mine.id}: the server already has it (an earlier answer was lost); the pull will bring it`,
      );
      await pushError.cancelAndDiscard();
      return;
    }
    // 412: someone else changed the record. Keep their text, keep my `complete`, send it again.
    const theirs = pushError.getServerRecord();
    say(`  412 on ${mine.id}: the server has "${theirs.text}", this device has complete=${mine.complete} → merged`);
    await pushError.update({ ...theirs, complete: mine.complete });
  },
};

/** Runs a sync step until no request of it goes unanswered. */
async function retried(what, step) {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      return await step();
    } catch (error) {
      say(`  ${what}: attempt ${attempt} failed (${String(error.message).split('\n')[0].slice(0, 120)}), again`);
    }
  }
  throw new Error(`${what} failed ${ATTEMPTS} times`);
}

async function push() {
  const unhandled = await retried('push', () => syncContext.push());
  if (unhandled.length > 0) throw new Error(`push left ${unhandled.length} conflict(s) unhandled`);
}

const pull = () => retried('pull', () => syncContext.pull(todoitems, 'todoitems'));

async function adminCall(method, pathname, body) {
  const response = await fetch(`${admin}${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${pathname}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

const show = (rows) =>
  rows.map((row) => ({ id: row.id, text: row.text, complete: row.complete })).sort((a, b) => a.id.localeCompare(b.id));

try {
  say(`syncwright serve at ${url}; the device's database is in ${storeDir}`);

  // 2. Two items written on the device, before it syncs: they wait in the operation queue.
  await syncContext.insert('todoitem', { id: 'milk', text: 'Buy milk', complete: false });
  await syncContext.insert('todoitem', { id: 'dog', text: 'Walk the dog', complete: false });
  say('inserted "Buy milk" and "Walk the dog" locally; pushing');
  await push();
  await pull();
  say(`pushed and pulled: the device has ${JSON.stringify(show(await syncContext.read(todoitems)))}`);

  // 3. Someone edits "milk" on the server (the admin API writes as editor-1).
  await adminCall('PATCH', '/tables/todoitem/milk', { changes: { text: 'Buy oat milk' } });
  say('on the server, editor-1 changed "Buy milk" to "Buy oat milk"');

  // 4. The device, not knowing, ticks "milk" off and pushes: a 412 conflict for the handler.
  const milk = await syncContext.lookup('todoitem', 'milk');
  await syncContext.update('todoitem', { ...milk, complete: true });
  say('on the device, "Buy milk" is ticked off; pushing');
  await push();

  // 5. An incremental pull with the query id brings the server's state back.
  await pull();
  const device = show(await syncContext.read(todoitems));
  const server = show((await adminCall('GET', '/tables/todoitem')).rows.filter((row) => !row.deleted));
  say(`device: ${JSON.stringify(device)}`);
  say(`server: ${JSON.stringify(server)}`);
  const same = JSON.stringify(device) === JSON.stringify(server);
  say(same ? 'the device and the server agree' : 'the device and the server DIFFER');
  process.exitCode = same ? 0 : 1;
} finally {
  await close();
  rmSync(storeDir, { recursive: true, force: true });
}
