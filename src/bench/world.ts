/**
 * How fast the world runs. (a) Simulated runs per second of a standard scenario: 3 clients,
 * 40 steps, every fault kind on. (b) The same scenario over real HTTP — the express front door
 * on 127.0.0.1, `fetch`, real timers, a small fixed latency — and the wall-time ratio.
 *
 * `benchWorld()` returns the figures (the bench main writes them to reports/bench.json); run
 * this file directly to print them.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createBackend } from '../backend/backend.js';
import { createApp } from '../serve/express.js';
import type { Backend } from '../backend/types.js';
import type { HttpResponse, Transport } from '../protocol/http.js';
import type { FaultPlan, LatencySpec } from '../network/fault-plan.js';
import type { ClientDriverFactory, PushErrorLike, PushHandler } from '../kernel/driver.js';
import { SeededRandom, type RandomSource } from '../kernel/random.js';
import type { Operation } from '../kernel/operation.js';
import { World, type ServeBackend, type WorldOptions } from '../world/world.js';
import { statusOf } from '../scenario/policies.js';

const TABLE = 'todoitem';

/** Every fault kind the link knows, at rates that let most operations through. */
export function standardFaultPlan(latency: LatencySpec, timeoutMs: number): FaultPlan {
  return {
    default: {
      latency,
      timeoutMs,
      faults: [
        { effect: { kind: 'lost-response' }, when: { probability: 0.05 } },
        { effect: { kind: 'network-failure' }, when: { probability: 0.03 } },
        { effect: { kind: 'timeout' }, when: { probability: 0.01 } },
        { effect: { kind: 'timeout', applied: true }, when: { probability: 0.01 } },
        { effect: { kind: 'http-error', status: 500 }, when: { probability: 0.02 } },
        { effect: { kind: 'http-error', status: 502 }, when: { probability: 0.01 } },
        { effect: { kind: 'http-error', status: 503 }, when: { probability: 0.02 } },
        { effect: { kind: 'http-error', status: 429, retryAfterSeconds: 1 }, when: { probability: 0.01 } },
        { effect: { kind: 'http-error', status: 401 }, when: { probability: 0.01 } },
      ],
      restarts: [{ when: { probability: 0.01 } }],
    },
    links: {
      'client-3': { restarts: [{ when: { request: 6 } }] },
    },
  };
}

/** Server wins on a 412; a taken id or a vanished record drops the local change; other errors abort the push. */
export const standardPushHandler: PushHandler = {
  onConflict: (pushError: PushErrorLike) => {
    const server = pushError.getServerRecord();
    return server ? pushError.cancelAndUpdate(server) : pushError.cancelAndDiscard();
  },
  onError: (pushError: PushErrorLike) => {
    // statusOf knows where each client keeps the status (the SDK: getError().request.status).
    if (statusOf(pushError) === 404) return pushError.cancelAndDiscard();
    return undefined;
  },
};

/**
 * The standard workload: `steps` random steps drawn from `random` — local writes, pushes,
 * pulls, reads, server edits, partitions, restarts, and pushes racing local writes — then heal,
 * two sync rounds and a final snapshot.
 */
export async function runStandardWorkload(world: World, random: RandomSource, steps: number): Promise<void> {
  const clients = world.clientNames;
  const ids: string[] = [];
  let next = 1;
  const pick = <T>(items: readonly T[]): T => items[random.int(0, items.length - 1)]!;
  const text = (): string => `t${random.int(0, 999)}`;
  const localWrite = (name: string): Operation<unknown> => {
    const client = world.client(name);
    const roll = random.nextFloat();
    if (roll < 0.5 || ids.length === 0) {
      const id = `item-${next++}`;
      ids.push(id);
      return client.insert(TABLE, { id, text: text(), complete: false });
    }
    if (roll < 0.8) return client.update(TABLE, { id: pick(ids), text: text(), complete: random.chance(0.5) });
    return client.delete(TABLE, pick(ids));
  };

  for (let step = 0; step < steps; step++) {
    const name = pick(clients);
    const client = world.client(name);
    const roll = random.nextFloat();
    if (roll < 0.3) await world.settle(localWrite(name));
    else if (roll < 0.5) await world.settle(client.push());
    else if (roll < 0.65) await world.settle(client.pull(TABLE));
    else if (roll < 0.7) await world.settle(client.read(TABLE));
    else if (roll < 0.8) {
      const editor = world.editor('editor-1');
      const edit = random.nextFloat();
      if (edit < 0.3 || ids.length === 0) {
        const id = `item-${next++}`;
        ids.push(id);
        await world.settle(editor.insert(TABLE, { id, text: text(), complete: false }));
      } else if (edit < 0.8) await world.settle(editor.update(TABLE, pick(ids), { text: text() }));
      else await world.settle(editor.delete(TABLE, pick(ids)));
    } else if (roll < 0.88) world.setOffline(name, !world.isOffline(name));
    else if (roll < 0.93) await world.settle(client.restart());
    else {
      // A push with a local write racing it: the write must not be lost with the push's lock.
      const push = client.push();
      const write = localWrite(name);
      await world.drive(Promise.all([push.outcome, write.outcome]));
    }
  }
  world.heal();
  await world.syncAll({ rounds: 2 });
  await world.snapshot('final');
}

export interface StandardRunOptions {
  readonly seed: number | string;
  readonly steps?: number;
  readonly driver?: ClientDriverFactory;
  /** Extra world options (the real-HTTP run sets time, serve, backend and latency). */
  readonly world?: Partial<WorldOptions>;
}

/** One run of the standard scenario; returns the world (closed) for its history. */
export async function runStandardScenario(options: StandardRunOptions): Promise<World> {
  const world = await World.create({
    seed: options.seed,
    clients: 3,
    pushHandler: standardPushHandler,
    faults: standardFaultPlan(
      { kind: 'long-tail', minMs: 20, maxMs: 120, spikeProbability: 0.03, spikeMinMs: 500, spikeMaxMs: 3000 },
      STANDARD_TIMEOUT_MS,
    ),
    ...(options.driver !== undefined ? { driver: options.driver } : {}),
    ...options.world,
  });
  try {
    await runStandardWorkload(world, new SeededRandom(options.seed).fork('program'), options.steps ?? 40);
  } finally {
    await world.close();
  }
  return world;
}

/** Starts the express front door on 127.0.0.1 and returns a fetch transport to it. */
export function expressFrontDoor(backend: () => Backend): ServeBackend {
  return async () => {
    const server: Server = createServer(createApp(backend()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const transport: Transport = async (request): Promise<HttpResponse> => {
      const response = await fetch(`http://127.0.0.1:${port}${request.url}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => {
        headers[key] = value;
      });
      return { status: response.status, headers, body: await response.text() };
    };
    return {
      transport,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  };
}

/** One way of running the standard scenario over real HTTP, and how it compares. */
export interface RealHttpFigures {
  readonly runs: number;
  readonly wallMs: number;
  readonly msPerRun: number;
  /** Fixed latency each way, ms. */
  readonly latencyMs: number;
  /** How long a request waits before a timeout fault fails it, ms. */
  readonly timeoutMs: number;
  readonly requestsPerRun: number;
  /** Real-HTTP ms per run divided by simulated ms per run. */
  readonly speedup: number;
}

export interface WorldBenchFigures {
  readonly scenario: { readonly clients: 3; readonly steps: number; readonly faults: 'all kinds' };
  readonly simulated: {
    readonly runs: number;
    readonly wallMs: number;
    /** The median of the measuring windows' rates. */
    readonly runsPerSecond: number;
    /** The slowest and the fastest window. */
    readonly runsPerSecondRange: readonly [number, number];
    /** 1000 / runsPerSecond. */
    readonly msPerRun: number;
    /** CPU time per run (user + system): steadier than wall time on a shared machine. */
    readonly cpuMsPerRun: number;
    readonly events: number;
    readonly requestsPerRun: number;
  };
  /**
   * The comparison: the same scenario — the same fault plan, its 5 s timeouts included —
   * over express on 127.0.0.1 with `fetch`, real timers and a small fixed latency.
   */
  readonly realHttp: RealHttpFigures;
  /**
   * A stricter comparison: timeouts cut to 50 ms as well, so that the real run hardly ever
   * waits and the ratio is close to the cost of a request over HTTP against a simulated one.
   */
  readonly realHttpShortTimeouts: RealHttpFigures;
  /** `realHttp.speedup`: the figure the target is about. */
  readonly speedup: number;
  readonly targets: { readonly runsPerSecond: 200; readonly speedup: 100 };
}

export interface WorldBenchOptions {
  /** Simulated runs, in one window (default: five windows sharing `simulatedMs`, at least 10 runs each). */
  readonly simulatedRuns?: number;
  readonly simulatedMs?: number;
  /** Real-HTTP runs of each kind (default 5; one more before them warms express and fetch). */
  readonly realRuns?: number;
  /** The timeout of the main real-HTTP run (default: the scenario's own, 5000 ms). */
  readonly realTimeoutMs?: number;
  /** Runs before measuring (sql.js loading, JIT). Default 300. */
  readonly warmupRuns?: number;
  readonly steps?: number;
  readonly driver?: ClientDriverFactory;
  readonly log?: (line: string) => void;
}

/** The standard scenario's timeout, in virtual ms. */
export const STANDARD_TIMEOUT_MS = 5000;
const REAL_LATENCY_MS = 2;
const SIMULATED_WINDOWS = 5;
const SHORT_TIMEOUT_MS = 50;

const countRequests = (world: World): number =>
  world.history.reduce((count, event) => count + (event.kind === 'http-request' ? 1 : 0), 0);

export async function benchWorld(options: WorldBenchOptions = {}): Promise<WorldBenchFigures> {
  const steps = options.steps ?? 40;
  const log = options.log ?? (() => undefined);
  const driver = options.driver !== undefined ? { driver: options.driver } : {};

  // Warm-up: load sql.js, JIT the hot paths.
  // The JIT needs a few hundred runs before the hot paths are fast; fewer would measure warm-up.
  for (let i = 0; i < (options.warmupRuns ?? 300); i++)
    await runStandardScenario({ seed: `warm-${i}`, steps, ...driver });

  // Several short windows, and their median: on a shared machine one window can fall into a
  // slow spell of the host, and the median is the figure a second run of the bench repeats.
  const windows = options.simulatedRuns !== undefined ? 1 : SIMULATED_WINDOWS;
  const windowMs = (options.simulatedMs ?? 3000) / windows;
  const rates: number[] = [];
  let runs = 0;
  let events = 0;
  let requests = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let window = 0; window < windows; window++) {
    const windowStart = performance.now();
    let windowRuns = 0;
    const enough = (): boolean =>
      options.simulatedRuns !== undefined
        ? windowRuns >= options.simulatedRuns
        : windowRuns >= 10 && performance.now() - windowStart >= windowMs;
    while (!enough()) {
      const world = await runStandardScenario({ seed: runs, steps, ...driver });
      events += world.history.length;
      requests += countRequests(world);
      runs++;
      windowRuns++;
    }
    rates.push((windowRuns * 1000) / (performance.now() - windowStart));
  }
  const simulatedWall = performance.now() - started;
  const cpuUsed = process.cpuUsage(cpu);
  const cpuMsPerRun = (cpuUsed.user + cpuUsed.system) / 1000 / runs;
  const sortedRates = [...rates].sort((a, b) => a - b);
  const medianRate = sortedRates[Math.floor(sortedRates.length / 2)]!;
  const simulatedMsPerRun = 1000 / medianRate;
  log(
    `simulated: ${runs} runs in ${simulatedWall.toFixed(0)} ms — ${medianRate.toFixed(0)} runs/s, the median of ${windows} window(s) ` +
      `(${sortedRates[0]!.toFixed(0)}–${sortedRates.at(-1)!.toFixed(0)}; ${cpuMsPerRun.toFixed(1)} CPU ms per run, ${(events / runs).toFixed(0)} events and ${(requests / runs).toFixed(0)} requests per run)`,
  );

  const realRuns = options.realRuns ?? 5;
  const realRun = async (seed: number | string, timeoutMs: number): Promise<World> => {
    let backend: Backend | undefined;
    return runStandardScenario({
      seed,
      steps,
      ...driver,
      world: {
        time: 'real',
        faults: standardFaultPlan({ kind: 'fixed', ms: REAL_LATENCY_MS }, timeoutMs),
        backend: async (env) =>
          (backend = await createBackend({ tables: [...env.tables], clock: env.clock, random: env.random })),
        serve: expressFrontDoor(() => backend!),
      },
    });
  };
  // The first request over a new server and fetch pays for their start-up: not part of a run.
  await realRun('warm-real', SHORT_TIMEOUT_MS);
  const measureReal = async (timeoutMs: number): Promise<RealHttpFigures> => {
    let realRequests = 0;
    const realStarted = performance.now();
    for (let i = 0; i < realRuns; i++) realRequests += countRequests(await realRun(i, timeoutMs));
    const wallMs = performance.now() - realStarted;
    const msPerRun = wallMs / realRuns;
    const figures: RealHttpFigures = {
      runs: realRuns,
      wallMs: round(wallMs),
      msPerRun: round(msPerRun, 1),
      latencyMs: REAL_LATENCY_MS,
      timeoutMs,
      requestsPerRun: round(realRequests / realRuns, 1),
      speedup: round(msPerRun / simulatedMsPerRun),
    };
    log(
      `real HTTP (${REAL_LATENCY_MS} ms latency each way, ${timeoutMs} ms timeouts): ${realRuns} runs in ${wallMs.toFixed(0)} ms — ` +
        `${msPerRun.toFixed(0)} ms per run, ${figures.requestsPerRun} requests per run; simulated is ${figures.speedup}× faster`,
    );
    return figures;
  };
  const realHttp = await measureReal(options.realTimeoutMs ?? STANDARD_TIMEOUT_MS);
  const realHttpShortTimeouts = await measureReal(SHORT_TIMEOUT_MS);
  log(
    `speedup: ${realHttp.speedup}× over the same scenario on real HTTP; ${realHttpShortTimeouts.speedup}× with its timeouts cut to ${SHORT_TIMEOUT_MS} ms (targets: ≥200 runs/s, ≥100×)`,
  );

  return {
    scenario: { clients: 3, steps, faults: 'all kinds' },
    simulated: {
      runs,
      wallMs: round(simulatedWall),
      runsPerSecond: round(medianRate),
      runsPerSecondRange: [round(sortedRates[0]!), round(sortedRates.at(-1)!)],
      msPerRun: round(simulatedMsPerRun, 2),
      cpuMsPerRun: round(cpuMsPerRun, 2),
      events: Math.round(events / runs),
      requestsPerRun: round(requests / runs, 1),
    },
    realHttp,
    realHttpShortTimeouts,
    speedup: realHttp.speedup,
    targets: { runsPerSecond: 200, speedup: 100 },
  };
}

function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await benchWorld({ log: (line) => console.log(line) });
  console.log(JSON.stringify(figures, null, 2));
}
