/** Messages between `syncwright run` and its worker threads (plain data only). */
import type { ScenarioResult } from '../scenario/results.js';
import type { RunEvent, UnitTask } from './run-unit.js';

export interface UnitRequest {
  readonly type: 'unit';
  readonly id: number;
  readonly task: UnitTask;
}

export type WorkerMessage =
  | { readonly type: 'run'; readonly id: number; readonly event: RunEvent }
  | { readonly type: 'done'; readonly id: number; readonly result: ScenarioResult }
  | { readonly type: 'crashed'; readonly id: number; readonly message: string };
