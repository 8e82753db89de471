import { executeProgram } from '../../src/scenario/execute.js';
import { resolveDefinition } from '../../src/scenario/resolve.js';
import { createReferenceDriver } from '../../src/client/driver.js';
import type { ExplorerSession } from '../../src/explorer/session.js';

export const T = 'todoitem';

/** Rows of a client's table as `id=text` strings. */
export function texts(session: ExplorerSession, client: string): string[] {
  const view = session.view.clients.find((c) => c.name === client)!;
  return (view.tables[T] ?? []).map((row) => `${String(row['id'])}=${String(row['text'])}`);
}

export function serverTexts(session: ExplorerSession): string[] {
  return (session.view.server[T] ?? [])
    .filter((row) => row.deleted !== true)
    .map((row) => `${row.id}=${String(row['text'])}`);
}

/** Saves the session, runs it with the scenario runner and returns both histories as JSON. */
export async function replayOf(session: ExplorerSession) {
  const definition = JSON.parse(JSON.stringify(session.toScenario('replay-check')));
  const scenario = resolveDefinition(definition, '<test>', process.cwd());
  const run = await executeProgram(scenario, scenario.program!, { driver: createReferenceDriver });
  const own = session.history;
  return { own: JSON.stringify(own), replayed: JSON.stringify(run.history.slice(0, own.length)), run, definition };
}
