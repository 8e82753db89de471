/**
 * `syncwright/world`: a World built by hand, and what it is made of — the virtual clock and the
 * scheduler that runs everything on it, seeded randomness, the history recorder, fault plans.
 */
export {
  World,
  type WorldOptions,
  type WorldClientSpec,
  type WorldBackend,
  type WorldBackendFactory,
  type WorldBackendEnvironment,
  type ServeBackend,
  type ClientHandle,
  type EditorHandle,
  type SnapshotEvent,
  type SyncAllOptions,
} from '../world/world.js';
export { recordingPushHandler, type RecordingHandlerOptions } from '../world/recording-handler.js';
export type { HoldRequest } from '../network/hold.js';

export type { Clock, TimerHandle } from '../kernel/clock.js';
export { RealClock, ManualClock } from '../kernel/clock.js';
export type { RandomSource } from '../kernel/random.js';
export { SeededRandom } from '../kernel/random.js';
export type * from '../kernel/driver.js';
export { OPERATION_ACTIONS, promiseOnlyFactory } from '../kernel/driver.js';
export type * from '../kernel/history.js';
export { CLIENT_OPERATION_TYPES } from '../kernel/history.js';
export { VirtualClock, DEFAULT_START_TIME, type VirtualClockOptions, type LaneClock } from '../kernel/virtual-clock.js';
export {
  Scheduler,
  SchedulerStuckError,
  type SchedulerLimits,
  type SchedulerOptions,
  type DrainMode,
  type StuckReason,
} from '../kernel/scheduler.js';
export {
  createTieBreaker,
  parseTieBreakPolicy,
  type TieBreakPolicy,
  type TieChoice,
  type TieBreaker,
} from '../kernel/tie-break.js';
export { createTimerFunctions, createVirtualDate, type VirtualTimerFunctions } from '../kernel/timers.js';
export { HistoryRecorder, type HistoryListener, type RecorderOptions } from '../kernel/recorder.js';
export { DEFAULT_HISTORY_LIMIT, type HistoryLimit, type HistoryDrops } from '../kernel/history-limit.js';
export type { Operation, OperationOutcome, OperationStatus } from '../kernel/operation.js';
export { VirtualTime, RealTime, type WorldTime } from '../kernel/world-time.js';
export { promiseActivity, type PromiseActivity } from '../kernel/promise-activity.js';

export type * from '../network/fault-plan.js';
export { LINK_ERROR_STATUSES, DEFAULT_TIMEOUT_MS, linkPlanFor } from '../network/fault-plan.js';
export { parseFaultPlan, validateFaultPlan, FaultPlanError, type FaultPlanIssue } from '../network/validate.js';
