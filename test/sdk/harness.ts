/**
 * A small world for the SDK driver's tests: virtual time, the simulated backend, and a network
 * the test controls (offline, or holding answers until released). Every request is logged.
 */
import { createBackend } from '../../src/backend/backend.js';
import type { Backend } from '../../src/backend/types.js';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '../../src/protocol/http.js';
import { TODOITEM_TABLE, type TableDefinition } from '../../src/protocol/records.js';
import { createSdkDriverFactory, type SdkDriver, type SdkDriverOptions } from '../../src/sdk/driver.js';
import { loadSqlJs } from '../../src/sqlite/sqljs.js';
import type { ClientEnvironment, PushHandler } from '../../src/kernel/driver.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { Scheduler } from '../../src/kernel/scheduler.js';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';

export interface Exchange {
  readonly client: string;
  readonly request: HttpRequest;
  response?: HttpResponse;
  failed?: boolean;
}

/** One client's network: online, offline, or holding answers (the request reached the server). */
export class TestNetwork {
  offline = false;
  holding = false;
  private readonly held: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly backend: Backend,
    private readonly log: Exchange[],
  ) {}

  readonly transport: Transport = async (request) => {
    const exchange: Exchange = { client: this.name, request };
    this.log.push(exchange);
    if (this.offline) {
      exchange.failed = true;
      throw new TransportError('offline', 'the device is offline');
    }
    const response = await this.backend.handle(request);
    exchange.response = response;
    if (this.holding) await new Promise<void>((resolve) => this.held.push(resolve));
    return response;
  };

  /** Lets the held answers through. */
  release(): void {
    this.holding = false;
    for (const resolve of this.held.splice(0)) resolve();
  }

  get heldCount(): number {
    return this.held.length;
  }
}

export interface TestWorld {
  readonly clock: VirtualClock;
  readonly scheduler: Scheduler;
  readonly backend: Backend;
  readonly log: Exchange[];
  /** Drives virtual time until the promise settles. */
  run<T>(promise: Promise<T>): Promise<T>;
  client(
    name: string,
    options?: ClientOptions,
  ): Promise<{ driver: SdkDriver; network: TestNetwork; environment: ClientEnvironment }>;
}

export interface ClientOptions {
  readonly pushHandler?: PushHandler;
  readonly seed?: string | number;
  readonly tables?: readonly TableDefinition[];
  readonly driver?: SdkDriverOptions;
}

export async function createTestWorld(tables: readonly TableDefinition[] = [TODOITEM_TABLE]): Promise<TestWorld> {
  // sql.js compiles WebAssembly: real async work the scheduler cannot drive, so it happens first.
  await loadSqlJs();
  const clock = new VirtualClock({ ties: { kind: 'fifo' } });
  const scheduler = new Scheduler(clock);
  const backend = await createBackend({
    tables: [...tables],
    clock: clock.lane('server'),
    random: new SeededRandom('backend'),
  });
  const log: Exchange[] = [];
  const run = <T>(promise: Promise<T>): Promise<T> => scheduler.run(promise);
  return {
    clock,
    scheduler,
    backend,
    log,
    run,
    async client(name, options = {}) {
      const network = new TestNetwork(name, backend, log);
      const environment: ClientEnvironment = {
        name,
        url: 'https://backend.test',
        transport: network.transport,
        clock: clock.lane(name),
        random: new SeededRandom(options.seed ?? name),
        tables: options.tables ?? tables,
        pushHandler: options.pushHandler ?? {},
      };
      const driver = (await run(createSdkDriverFactory(options.driver)(environment))) as SdkDriver;
      return { driver, network, environment };
    },
  };
}

/** The header the SDK sends with every request, case-insensitively. */
export function header(request: HttpRequest, name: string): string | undefined {
  return request.headers[name.toLowerCase()];
}
