/**
 * The explorer's JSON API, one typed function per endpoint. The server (`src/explorer/server.ts`)
 * answers with the types imported here; what the page sends is checked there (`input.ts`).
 */
import type { CheckReport, SessionView } from '../../src/explorer/session.js';
import type { TimeInput, WorldInput } from '../../src/explorer/input.js';
import type { LinkFaults } from '../../src/explorer/link-faults.js';
import type { CounterexamplesAnswer, ErrorAnswer, SaveAnswer, TimelineAnswer } from '../../src/explorer/server.js';
import type { ClientOperation, ServerEdit } from '../../src/kernel/history.js';
import type { JsonValue } from '../../src/protocol/records.js';
import type { ScriptedResolution } from '../../src/scenario/scripted.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A client operation as the page asks for one (reads and lookups are the runner's, not the page's). */
export type PageOperation = Exclude<ClientOperation, { type: 'read' | 'lookup' }>;

/** In the background, the operation starts and time is left to the user. */
export type OperationBody = PageOperation & { readonly background: boolean };

/** A change by another user; the server names the editor `editor-1` unless told otherwise. */
export type ServerEditBody = ServerEdit & { readonly editor: string };

/** The fault panel as typed: the server checks the status is one a link can answer with. */
export type LinkFaultsBody = Omit<LinkFaults, 'errorStatus'> & { readonly errorStatus: number };

/** An answer to the waiting conflict; the record comes from the merge editor as the user typed it. */
export interface DecisionBody {
  readonly conflict: number;
  readonly decision: ScriptedResolution['decision'];
  readonly record?: JsonValue;
  readonly action?: NonNullable<ScriptedResolution['action']>;
}

/**
 * One request. A body that is a string goes as it is (a results.json the user opened); every
 * change is sent as JSON, an empty object when it has nothing to say, since the server takes
 * nothing else from a page (a cross-site form cannot send JSON).
 */
async function call<T>(method: Method, path: string, body?: object | string): Promise<T> {
  const options: RequestInit & { headers: Record<string, string> } = { method, headers: {} };
  const sent = body === undefined && method !== 'GET' ? {} : body;
  if (sent !== undefined) {
    options.headers['content-type'] = 'application/json';
    options.body = typeof sent === 'string' ? sent : JSON.stringify(sent);
  }
  const response = await fetch(`/api${path}`, options);
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { error: text } satisfies ErrorAnswer;
  }
  if (!response.ok) throw new Error(errorOf(data) || `HTTP ${response.status}`);
  // The server built this answer as a T (its handlers say so with `satisfies`).
  return data as T;
}

function errorOf(data: unknown): string {
  if (data === null || typeof data !== 'object' || !('error' in data)) return '';
  return typeof data.error === 'string' ? data.error : '';
}

const client = (name: string): string => `/clients/${encodeURIComponent(name)}`;

export const api = {
  state: () => call<SessionView>('GET', '/state'),
  timeline: () => call<TimelineAnswer>('GET', '/timeline'),
  counterexamples: () => call<CounterexamplesAnswer>('GET', '/counterexamples'),
  openResults: (text: string) => call<CounterexamplesAnswer>('POST', '/counterexamples', text),
  operation: (name: string, body: OperationBody) => call<SessionView>('POST', `${client(name)}/operations`, body),
  offline: (name: string, offline: boolean) => call<SessionView>('POST', `${client(name)}/offline`, { offline }),
  /** The server checks the policy is one of its own (the page's select offers only those). */
  addClient: (policy: string) => call<SessionView>('POST', '/clients', { policy }),
  removeClient: (name: string) => call<SessionView>('DELETE', client(name)),
  linkFaults: (name: string, faults: LinkFaultsBody) =>
    call<SessionView>('PUT', `/links/${encodeURIComponent(name)}/faults`, faults),
  serverEdit: (body: ServerEditBody) => call<SessionView>('POST', '/server/edits', body),
  world: (body: WorldInput) => call<SessionView>('POST', '/world', body),
  time: (body: TimeInput) => call<SessionView>('POST', '/time', body),
  decide: (body: DecisionBody) => call<SessionView>('POST', '/conflict', body),
  check: (mode: CheckReport['mode']) => call<CheckReport>('POST', '/check', { mode }),
  save: (name: string) => call<SaveAnswer>('POST', '/save', { name, overwrite: true }),
  undo: () => call<SessionView>('POST', '/undo', {}),
  reset: () => call<SessionView>('POST', '/reset', {}),
};
