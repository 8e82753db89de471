/**
 * Runs work units in the main thread (one worker) or in worker threads, in unit order, and
 * hands back each unit's result. Which thread ran a unit never changes its result; only what
 * is shrunk is skipped when an earlier unit of the same scenario has already failed, and that
 * counterexample is never the one reported.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ScenarioResult } from '../scenario/results.js';
import { runUnit, type RunEvent, type ScenarioCache, type UnitTask } from './run-unit.js';
import { scenarioKey, type WorkUnit } from './units.js';
import type { UnitRequest, WorkerMessage } from './worker-protocol.js';

export interface ExecuteUnitsOptions {
  /** 1 runs in this thread. */
  readonly workers: number;
  readonly seed: number;
  readonly cwd: string;
  /** Wall-clock ms since the epoch: no unit starts after it, and running units stop their runs. */
  readonly deadline?: number;
  /** Stop at the first unit that fails (or errors). */
  readonly bail?: boolean;
  /** Tally every signature and never stop at one (see `UnitTask.countAll`). */
  readonly countAll?: boolean;
  /** Scenarios loaded already (used in this thread). */
  readonly cache?: ScenarioCache;
  readonly onStart?: (unit: WorkUnit) => void;
  readonly onRun?: (unit: WorkUnit, event: RunEvent) => void;
  readonly onDone?: (unit: WorkUnit, result: ScenarioResult) => void;
}

export interface ExecuteUnitsOutcome {
  /** Results of the units that ran, in unit order. */
  readonly results: readonly { readonly unit: WorkUnit; readonly result: ScenarioResult }[];
  /** Why units were left out, if any were. */
  readonly stopped?: 'bail' | 'time-limit';
  readonly skipped: readonly WorkUnit[];
}

/** The compiled worker entry: next to this file in dist/, or dist/ of the checkout when running from src/. */
export function workerEntry(): URL | undefined {
  const candidates = [new URL('./worker.js', import.meta.url), new URL('../../dist/cli/worker.js', import.meta.url)];
  return candidates.find((url) => existsSync(fileURLToPath(url)));
}

const FAILING = new Set(['failed', 'error']);

export async function executeUnits(
  units: readonly WorkUnit[],
  options: ExecuteUnitsOptions,
): Promise<ExecuteUnitsOutcome> {
  const results = new Map<WorkUnit, ScenarioResult>();
  const failedScenarios = new Set<string>();
  let next = 0;
  let stopped: ExecuteUnitsOutcome['stopped'];
  const take = (): WorkUnit | undefined => {
    if (stopped !== undefined || next >= units.length) return undefined;
    if (options.deadline !== undefined && Date.now() >= options.deadline) {
      stopped = 'time-limit';
      return undefined;
    }
    return units[next++];
  };
  const taskOf = (unit: WorkUnit): UnitTask => ({
    file: unit.file,
    client: unit.client,
    ...(unit.range !== undefined ? { range: unit.range } : {}),
    seed: options.seed,
    cwd: options.cwd,
    shrink: !failedScenarios.has(scenarioKey(unit)),
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.countAll === true ? { countAll: true } : {}),
  });
  const finish = (unit: WorkUnit, result: ScenarioResult): void => {
    results.set(unit, result);
    if (result.failure !== undefined) failedScenarios.add(scenarioKey(unit));
    options.onDone?.(unit, result);
    if (options.bail === true && FAILING.has(result.status)) stopped ??= 'bail';
  };

  const entry = options.workers > 1 ? workerEntry() : undefined;
  if (options.workers > 1 && entry === undefined)
    throw new Error('worker threads need the compiled CLI (dist/cli/worker.js): run `npm run build` first');
  if (entry === undefined) {
    const cache = options.cache ?? new Map();
    for (let unit = take(); unit !== undefined; unit = take()) {
      const current = unit;
      options.onStart?.(current);
      finish(current, await runUnit(taskOf(current), cache, (event) => options.onRun?.(current, event)));
    }
  } else {
    const slots = Array.from({ length: Math.min(options.workers, units.length) }, () => new WorkerSlot(entry));
    try {
      await Promise.all(
        slots.map(async (slot) => {
          for (let unit = take(); unit !== undefined; unit = take()) {
            const current = unit;
            options.onStart?.(current);
            const result = await slot.run(current, taskOf(current), (event) => options.onRun?.(current, event));
            if (result === undefined) return;
            finish(current, result);
            if (stopped === 'bail') await Promise.all(slots.map((other) => other.stop()));
          }
        }),
      );
    } finally {
      await Promise.all(slots.map((slot) => slot.stop()));
    }
  }
  const ordered = units.filter((unit) => results.has(unit)).map((unit) => ({ unit, result: results.get(unit)! }));
  const skipped = units.filter((unit) => !results.has(unit));
  return { results: ordered, ...(stopped !== undefined ? { stopped } : {}), skipped };
}

/** One worker thread, restarted if it dies; `run` resolves undefined once the slot is stopped. */
class WorkerSlot {
  private worker: Worker | undefined;
  private ids = 0;
  private pending:
    | {
        id: number;
        unit: WorkUnit;
        seed: number;
        onRun: (event: RunEvent) => void;
        resolve: (result: ScenarioResult | undefined) => void;
      }
    | undefined;
  private stopped = false;

  constructor(private readonly entry: URL) {}

  run(unit: WorkUnit, task: UnitTask, onRun: (event: RunEvent) => void): Promise<ScenarioResult | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    const worker = this.ensureWorker();
    const id = ++this.ids;
    return new Promise((resolve) => {
      this.pending = { id, unit, seed: task.seed, onRun, resolve };
      const request: UnitRequest = { type: 'unit', id, task };
      worker.postMessage(request);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = undefined;
    this.settle(undefined);
    if (worker !== undefined) await worker.terminate();
  }

  private settle(result: ScenarioResult | undefined): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(result);
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(this.entry);
    worker.on('message', (message: WorkerMessage) => {
      const pending = this.pending;
      if (pending === undefined || message.id !== pending.id) return;
      if (message.type === 'run') pending.onRun(message.event);
      else if (message.type === 'done') this.settle(message.result);
      else this.settle(crashResult(pending.unit, pending.seed, message.message));
    });
    const lost = (reason: string): void => {
      if (this.worker === worker) this.worker = undefined;
      const pending = this.pending;
      if (pending !== undefined && !this.stopped) this.settle(crashResult(pending.unit, pending.seed, reason));
    };
    worker.on('error', (error) =>
      lost(`the worker thread crashed: ${error instanceof Error ? error.message : String(error)}`),
    );
    worker.on('exit', (code) => lost(`the worker thread exited with code ${code}`));
    this.worker = worker;
    return worker;
  }
}

function crashResult(unit: WorkUnit, seed: number, message: string): ScenarioResult {
  return {
    name: unit.name,
    file: unit.shownFile,
    client: unit.client.label,
    status: 'error',
    runs: 0,
    seed,
    durationMs: 0,
    coverage: {},
    weak: [],
    error: message,
  };
}
