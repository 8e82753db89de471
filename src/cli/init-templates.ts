/**
 * The files `syncwright init` writes: a starting point a team edits into its own app's
 * tables and handler. Each is text, so that the user gets it formatted the way it reads.
 */
import { INSTALLED_SCENARIO_SCHEMA_PATH } from '../scenario/json-schema.js';

interface InitFile {
  /** Relative to the folder init runs in, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

interface InitOptions {
  /** The user's table (a valid identifier). */
  readonly table: string;
  /** Shards of the CI workflow's matrix. */
  readonly shards: number;
}

export function initFiles(options: InitOptions): InitFile[] {
  return [
    { path: 'syncwright.config.ts', text: config() },
    { path: 'scenarios/my-table.json', text: scenario(options.table) },
    { path: 'handlers/my-handler.mjs', text: handler() },
    { path: 'test/syncwright.test.ts', text: vitestFile() },
    { path: '.github/workflows/syncwright.yml', text: workflow(options.shards) },
  ];
}

function config(): string {
  return `import { defineConfig } from 'syncwright';

// Defaults for \`syncwright run\` and \`syncwright hunt\`; flags on the command line override them.
export default defineConfig({
  scenarios: ['scenarios'],
  client: 'reference',
  reporters: ['html', 'junit', 'json', 'list'],
  outDir: 'reports',
  seed: 42,
});
`;
}

function scenario(table: string): string {
  const record = (text: string, done: boolean) => ({ id: 'item-1', text, done });
  const value = {
    $schema: `../${INSTALLED_SCENARIO_SCHEMA_PATH}`,
    version: 2,
    name: `${table}: the device's edit wins a conflict`,
    description: `Two devices share the ${table} table. Someone changes an item on the server while device 1 edits it offline; device 1's push meets a 412 and handlers/my-handler.mjs pushes the device's copy again over the server's version. Every client must end with the server's rows. Replace the table, the records and the steps with your app's own.`,
    tables: [{ name: table, columns: { text: 'string', done: 'boolean' } }],
    clients: 2,
    editors: 1,
    policy: { module: '../handlers/my-handler.mjs' },
    faults: { default: { latency: { kind: 'fixed', ms: 15 } } },
    steps: [
      { actor: 'editor-1', op: { type: 'insert', record: record('first item', false) } },
      { actor: 'world', op: { type: 'sync' } },
      {
        actor: 'editor-1',
        op: { type: 'update', id: 'item-1', changes: { text: 'changed on the server' } },
        after: 20,
      },
      { actor: 'client-1', op: { type: 'update', record: record('changed on device 1', true) } },
      { actor: 'client-1', op: { type: 'push' }, after: 10 },
      { actor: 'world', op: { type: 'sync' } },
      { actor: 'client-1', op: { type: 'read' } },
      { actor: 'client-2', op: { type: 'read' } },
    ],
  };
  return `${JSON.stringify(value, null, 2)}\n`;
}

function handler(): string {
  return `// The push handler of the app, as it registers it with azure-mobile-apps-client:
//   client.getSyncContext().pushHandler = { onConflict, onError };
// An ES module (export, not module.exports): syncwright imports it on the reference client and
// on the real SDK alike. Scenarios name it with "policy": { "module": "../handlers/my-handler.mjs" }.

export async function onConflict(pushError) {
  const serverRecord = pushError.getServerRecord();
  const clientRecord = pushError.getClientRecord();
  if (!serverRecord || !clientRecord) {
    // One side is gone (a delete met an edit): keep the server's state.
    return pushError.cancelAndDiscard();
  }
  // The device's edit wins: send it again, over the version the server holds now.
  await pushError.update({ ...clientRecord, version: serverRecord.version });
  // azure-mobile-apps-client 2.0.1's update() leaves isHandled set to something other than true
  // (syncwright's docs/sdk-findings.md, P4); say it plainly so the SDK treats it as handled.
  pushError.isHandled = true;
}

export function onError(pushError) {
  // Anything but a conflict stays unhandled: the push stops and the next sync tries again.
  void pushError;
}
`;
}

function vitestFile(): string {
  return `import { test } from 'vitest';
import { expectScenario } from 'syncwright/vitest';

// A failure shows the seed, the shrunk program, the check it broke and the command that replays it.
test('my table converges with my handler', () => expectScenario('scenarios/my-table.json').toPass(), 60_000);
`;
}

function workflow(shards: number): string {
  const list = Array.from({ length: shards }, (_, index) => index + 1).join(', ');
  return `# Runs the syncwright scenarios on every push and pull request, split into ${shards} shards, and
# joins the shards' results into one report.
name: syncwright

on:
  push:
  pull_request:

jobs:
  run:
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        shard: [${list}]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npx syncwright run --shard \${{ matrix.shard }}/${shards} --reporter json,list,github --out reports/shard-\${{ matrix.shard }}
      - uses: actions/upload-artifact@v4
        if: \${{ !cancelled() }}
        with:
          name: syncwright-shard-\${{ matrix.shard }}
          path: reports/shard-\${{ matrix.shard }}

  merge-reports:
    if: \${{ !cancelled() }}
    needs: run
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - uses: actions/download-artifact@v4
        with:
          pattern: syncwright-shard-*
          path: reports
      - run: npx syncwright merge-reports reports/syncwright-shard-* --out reports/merged
      - uses: actions/upload-artifact@v4
        if: \${{ !cancelled() }}
        with:
          name: syncwright-report
          path: reports/merged
`;
}
