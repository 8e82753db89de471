/**
 * What every panel of the explorer page is given: the session as last seen and the one way to
 * change it. The page's boot (`main.ts`) makes it and hands it to each panel.
 */
import type { SessionView } from '../../src/explorer/session.js';
import type { TableDefinition } from '../../src/protocol/records.js';

export interface Explorer {
  /** The session as the page last saw it; null until the first answer. */
  readonly state: SessionView | null;
  /** Sends a change; the session it answers with is drawn, an error goes to the notice line. */
  act(send: () => Promise<SessionView>): Promise<SessionView>;
  /** Draws every panel from the current state again (after a local change such as leaving an editor). */
  renderAll(): void;
}

let chosen: string | null = null;

/** Makes `name` the table the panels show and write. */
export function chooseTable(name: string): void {
  chosen = name;
}

/** The table the panels show and write: the one chosen, else the session's first. */
export function mainTable(view: SessionView): TableDefinition {
  const table = view.tables.find((candidate) => candidate.name === chosen) ?? view.tables[0];
  if (table === undefined) throw new Error('the session has no table');
  return table;
}

/** For a click whose failure the notice line shows already. */
export function quietly(promise: Promise<unknown>): void {
  promise.catch(() => undefined);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
