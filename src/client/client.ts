/**
 * The entry point, as in the JS SDK: `new MobileServiceClient(url)`. It reaches the server only
 * through its transport (fetch to `url` unless one is given) and reads time only from its clock.
 */
import type { Transport } from '../protocol/http.js';
import { RealClock, type Clock } from '../kernel/clock.js';
import type { RandomSource } from '../kernel/random.js';
import { createFetchTransport, RequestSender } from './http.js';
import { Mutations, type ClientMutation } from './mutations.js';
import { MobileServiceTable } from './online-table.js';
import { MobileServiceSyncContext } from './sync-context.js';
import { MobileServiceSyncTable } from './sync-table.js';

export interface MobileServiceClientOptions {
  /** How requests reach the server. Default: `fetch` to the client's URL. */
  transport?: Transport;
  /** Where time comes from (request timeouts). Default: the real clock. */
  clock?: Clock;
  /** Where new record ids and the installation id come from. Default: `crypto.randomUUID()`. */
  random?: Pick<RandomSource, 'uuid'>;
  /** Abandon a request after this many ms of the clock. Default: never. */
  requestTimeoutMs?: number;
  /**
   * Deliberate bugs, for the self-test that shows the checkers catch them. Internal: never
   * set it in an app.
   */
  mutations?: readonly ClientMutation[];
}

const cryptoRandom: Pick<RandomSource, 'uuid'> = {
  uuid: () => globalThis.crypto.randomUUID(),
};

export class MobileServiceClient {
  readonly applicationUrl: string;
  private readonly sender: RequestSender;
  private readonly syncContext: MobileServiceSyncContext;

  constructor(applicationUrl: string, options: MobileServiceClientOptions = {}) {
    if (typeof applicationUrl !== 'string' || applicationUrl === '')
      throw new TypeError('A MobileServiceClient needs the URL of its backend');
    this.applicationUrl = applicationUrl;
    const random = options.random ?? cryptoRandom;
    this.sender = new RequestSender(
      options.transport ?? createFetchTransport(applicationUrl),
      options.clock ?? new RealClock(),
      random.uuid(),
      options.requestTimeoutMs,
    );
    this.syncContext = new MobileServiceSyncContext({
      sender: this.sender,
      mutations: new Mutations(options.mutations),
      newId: () => random.uuid(),
    });
  }

  getSyncContext(): MobileServiceSyncContext {
    return this.syncContext;
  }

  /** A local table; it exists once the store defines it. */
  getSyncTable(tableName: string): MobileServiceSyncTable {
    return new MobileServiceSyncTable(tableName, () => this.syncContext);
  }

  /** A server table, used online. */
  getTable(tableName: string): MobileServiceTable {
    return new MobileServiceTable(tableName, this.sender);
  }
}
