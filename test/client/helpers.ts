/** Shared set-up for the client tests: an in-process backend on a manual clock, and clients over it. */
import { createBackend } from '../../src/backend/backend.js';
import type { Backend } from '../../src/backend/types.js';
import type { ServerProfileName } from '../../src/backend/profiles/profile.js';
import { MobileServiceClient } from '../../src/client/client.js';
import type { ColumnTypeName } from '../../src/client/columns.js';
import type { ClientMutation } from '../../src/client/mutations.js';
import { SqlJsStore } from '../../src/client/sqljs-store.js';
import type { MobileServiceStore } from '../../src/client/store.js';
import type { MobileServiceSyncContext } from '../../src/client/sync-context.js';
import type { MobileServiceSyncTable } from '../../src/client/sync-table.js';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '../../src/protocol/http.js';
import type { TableDefinition } from '../../src/protocol/records.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { SeededRandom } from '../../src/kernel/random.js';

export const TODO_COLUMNS: Record<string, ColumnTypeName> = {
  id: 'string',
  text: 'string',
  complete: 'boolean',
  version: 'string',
  createdAt: 'date',
  updatedAt: 'date',
  deleted: 'boolean',
};

export interface World {
  backend: Backend;
  clock: ManualClock;
}

export async function createWorld(tables?: TableDefinition[], profile?: ServerProfileName): Promise<World> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const backend = await createBackend({
    clock,
    random: new SeededRandom('backend'),
    ...(tables === undefined ? {} : { tables }),
    ...(profile === undefined ? {} : { profile }),
  });
  return { backend, clock };
}

/** A transport to the backend that records every exchange and lets a test step in. */
export class TestLink {
  readonly requests: HttpRequest[] = [];
  readonly responses: HttpResponse[] = [];
  /** When set, requests fail as if the host could not be reached. */
  offline = false;
  /** Called before a request reaches the backend (e.g. to edit the server between pages). */
  beforeRequest: ((request: HttpRequest, index: number) => void) | undefined;
  /** Replaces the backend's answer for a request when it returns one. */
  override: ((request: HttpRequest, index: number) => HttpResponse | TransportError | undefined) | undefined;
  /** Called when a request is sent, before it is answered (to act while the request is in flight). */
  inFlight: ((request: HttpRequest, index: number) => Promise<void>) | undefined;

  constructor(private readonly backend: Backend) {}

  readonly transport: Transport = async (request) => {
    const index = this.requests.length;
    this.requests.push(request);
    if (this.offline) throw new TransportError('network', 'Unexpected connection failure: getaddrinfo ENOTFOUND');
    if (this.inFlight !== undefined) await this.inFlight(request, index);
    this.beforeRequest?.(request, index);
    const replaced = this.override?.(request, index);
    if (replaced instanceof TransportError) throw replaced;
    const response = replaced ?? (await this.backend.handle(request));
    this.responses.push(response);
    return response;
  };

  /** `METHOD path` of each request, query strings decoded. */
  lines(): string[] {
    return this.requests.map((request) => `${request.method} ${decodeURIComponent(request.url)}`);
  }
}

export interface TestClient {
  client: MobileServiceClient;
  context: MobileServiceSyncContext;
  store: MobileServiceStore;
  table: MobileServiceSyncTable;
  link: TestLink;
}

export async function createClient(
  world: World,
  options: {
    name?: string;
    mutations?: ClientMutation[];
    store?: MobileServiceStore;
    columns?: Record<string, ColumnTypeName>;
  } = {},
): Promise<TestClient> {
  const link = new TestLink(world.backend);
  const store: MobileServiceStore = options.store ?? new SqlJsStore();
  await store.defineTable({ name: 'todoitem', columnDefinitions: options.columns ?? TODO_COLUMNS });
  const client = new MobileServiceClient('https://syncwright.test', {
    transport: link.transport,
    clock: world.clock,
    random: new SeededRandom(options.name ?? 'client'),
    ...(options.mutations === undefined ? {} : { mutations: options.mutations }),
  });
  const context = client.getSyncContext();
  await context.initialize(store);
  return { client, context, store, table: client.getSyncTable('todoitem'), link };
}

/** Waits until queued promise callbacks have run (no timers involved). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** A promise with its resolve function outside, to hold a request in flight. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
