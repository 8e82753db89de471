import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, workspace } from './helpers.js';

// A team's merge handler that throws on every 412: it used to pass green (only a coverage chip
// showed it). It is a failure now, on both clients, and the thrown text is shown.
const HANDLER = `export function onConflict(pushError) {
  const server = pushError.getServerRecord();
  throw new Error('merge failed: no qty on ' + (server ? server.id : 'nothing'));
}
export function onError() {}
`;

const SCENARIO = {
  name: 'throwing merge handler',
  clients: 2,
  policy: { module: './merge.js' },
  steps: [
    { actor: 'client-1', op: { type: 'insert', record: { id: 'a', text: 'one', complete: false } } },
    { actor: 'client-1', op: { type: 'push' } },
    { actor: 'client-2', op: { type: 'pull' } },
    { actor: 'client-1', op: { type: 'update', record: { id: 'a', text: 'from 1', complete: false } } },
    { actor: 'client-2', op: { type: 'update', record: { id: 'a', text: 'from 2', complete: true } } },
    { actor: 'client-1', op: { type: 'push' } },
    { actor: 'client-2', op: { type: 'push' } },
  ],
};

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await workspace({ 'merge.js': HANDLER, 'scenario.json': SCENARIO }));
});
afterAll(() => cleanup());

describe('a handler that throws on every 412', () => {
  test.each(['reference', 'sdk'])(
    'fails on the %s client, and the terminal and the report show what it threw',
    async (client) => {
      const outcome = await cli(
        ['run', 'scenario.json', '--client', client, '--reporter', 'list,html', '--out', client],
        dir,
      );
      expect(outcome.code).toBe(1);
      expect(outcome.stdout).toContain('new finding handler-outcomes/handler.threw/update/412');
      expect(outcome.stdout).toContain('merge failed: no qty on a');
      const html = await readFile(path.join(dir, client, 'index.html'), 'utf8');
      expect(html).toContain('merge failed: no qty on a');
    },
  );
});
