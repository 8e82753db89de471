// The public API of syncwright. Each part adds its exports in its own block.

// protocol
export * from './protocol/http.js';
export * from './protocol/records.js';
export * from './protocol/etag.js';
export * from './protocol/errors.js';
export * from './protocol/datetime.js';
export type * from './protocol/odata/ast.js';
export type { QueryParameterName } from './protocol/odata/errors.js';
export { ODataQueryError, ODataParseError, UnknownColumnError, InvalidFilterError } from './protocol/odata/errors.js';
export { parseFilter } from './protocol/odata/parser.js';
export { formatFilter } from './protocol/odata/format.js';
export type { TableQuery, OrderByClause, SortDirection } from './protocol/odata/query.js';
export { parseTableQuery, formatTableQuery, emptyTableQuery } from './protocol/odata/query.js';
export type { ColumnMap, ColumnInfo, CompiledSql, SqlValue } from './protocol/odata/sql.js';
export { compileFilter, compileOrderBy, quoteIdentifier } from './protocol/odata/sql.js';
/** The whole query model, filter builders (`odata.and`, `odata.compare`, …) included. */
export * as odata from './protocol/odata/index.js';

// backend
export { createBackend, DEFAULT_MAX_BODY_BYTES, MAX_ID_LENGTH } from './backend/backend.js';
export type {
  Backend,
  BackendOptions,
  BackendSnapshot,
  HandleOptions,
  QueryResult,
  WriteOptions,
  WriteOutcome,
} from './backend/types.js';
export { BackendError, UnknownTableError, TableDefinitionError } from './backend/errors.js';
export { validateTableDefinition, type ResolvedTableDefinition } from './backend/table-definition.js';
export { SERVER_VERSION } from './backend/http-handler.js';
export {
  COMPATIBILITY_MODES,
  SERVER_PROFILE_NAMES,
  type Compatibility,
  type ServerProfileName,
} from './backend/profiles/profile.js';
export {
  CONFORMANCE_CASES,
  CONFORMANCE_TABLE,
  runConformance,
  type ConformanceCase,
  type ConformanceOptions,
  type ConformanceReport,
  type Difference,
} from './backend/conformance/index.js';
export { loadSqlJs } from './sqlite/sqljs.js';

// client
export { MobileServiceClient, type MobileServiceClientOptions } from './client/client.js';
export { MobileServiceSyncContext, type PendingOperationInfo } from './client/sync-context.js';
export { MobileServiceSyncTable } from './client/sync-table.js';
export { MobileServiceTable } from './client/online-table.js';
export { SqlJsStore, type SqlJsStoreOptions } from './client/sqljs-store.js';
export {
  StoreClosedError,
  type MobileServiceStore,
  type StoreTableDefinition,
  type StoreOperation,
  type StoreId,
} from './client/store.js';
export { Query, type QueryComponents, type FilterValue, type ReadResult } from './client/query.js';
export { PushError, type PushResolution, type PushErrorJsonView } from './client/push-error.js';
export {
  PushFailedError,
  ReentrantCallError,
  MAX_HANDLER_CALLS,
  type PushHandler as SyncPushHandler,
} from './client/push.js';
export { PULL_START, type PullSettings } from './client/pull.js';
export {
  ColumnType as StoreColumnType,
  ColumnTypeError,
  type ColumnTypeName,
  type LocalRecord,
  type LocalValue,
} from './client/columns.js';
export { MobileServiceHttpError, createFetchTransport } from './client/http.js';
export { collapse, CollapseError, type CollapseDecision } from './client/collapse.js';
export { CLIENT_MUTATIONS, type ClientMutation } from './client/mutations.js';
export {
  createReferenceDriver,
  createReferenceDriverWith,
  localColumnsFor,
  type ReferenceDriverOptions,
} from './client/driver.js';

// sim
export type { Clock, TimerHandle } from './kernel/clock.js';
export { RealClock, ManualClock } from './kernel/clock.js';
export type { RandomSource } from './kernel/random.js';
export { SeededRandom } from './kernel/random.js';
export type * from './kernel/driver.js';
export { promiseOnlyFactory } from './kernel/driver.js';
export type * from './kernel/history.js';
export { VirtualClock, DEFAULT_START_TIME, type VirtualClockOptions, type LaneClock } from './kernel/virtual-clock.js';
export {
  Scheduler,
  SchedulerStuckError,
  drainMicrotasks,
  drainPromiseJobs,
  type SchedulerLimits,
  type SchedulerOptions,
  type DrainMode,
  type StuckReason,
} from './kernel/scheduler.js';
export {
  createTieBreaker,
  parseTieBreakPolicy,
  type TieBreakPolicy,
  type TieChoice,
  type TieBreaker,
} from './kernel/tie-break.js';
export { createTimerFunctions, createVirtualDate, type VirtualTimerFunctions } from './kernel/timers.js';
export { HistoryRecorder, type HistoryListener, type RecorderOptions } from './kernel/recorder.js';
export { DEFAULT_HISTORY_LIMIT, type HistoryLimit, type HistoryDrops } from './kernel/history-limit.js';
export { toJsonSafe, describeError } from './kernel/json-safe.js';
export { recordingPushHandler, type RecordingHandlerOptions } from './world/recording-handler.js';
export type { Operation, OperationOutcome, OperationStatus } from './kernel/operation.js';
export { VirtualTime, RealTime, type WorldTime } from './kernel/world-time.js';
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
} from './world/world.js';

// network
export type * from './network/fault-plan.js';
export { LINK_ERROR_STATUSES, DEFAULT_TIMEOUT_MS, linkPlanFor } from './network/fault-plan.js';
export { parseFaultPlan, validateFaultPlan, FaultPlanError, type FaultPlanIssue } from './network/validate.js';
export { NetworkLink, type LinkOptions } from './network/link.js';
export { createLatency, drawLatency, type Latency } from './network/latency.js';

// check
export {
  CHECKERS,
  CHECKER_NAMES,
  isCheckerName,
  runCheckers,
  checkConvergence,
  checkNoLostWrites,
  checkConflictCallbacks,
  checkCancelAndDiscard,
  checkNoResurrection,
  checkPullCompleteness,
  checkExactlyOnce,
  checkQueueCollapse,
  checkSessionGuarantees,
  checkIntent,
  coverageCounters,
  COVERAGE_COUNTERS,
  historyGaps,
  type HistoryGaps,
  type CheckerName,
  type Checker,
  type CheckContext,
  type CoverageCounter,
} from './check/index.js';
export type { CheckResult, Violation } from './check/types.js';
export type {
  ScenarioIntent,
  IntentDeclaration,
  Invariant,
  FieldRule,
  TableRules,
  DroppedPolicy,
} from './check/intent-types.js';
export type { IntentView, ClientView, ConflictView } from './check/intent-view.js';
export type { DroppedWrite, DropCause } from './check/dropped-writes.js';
export { RULES, RULES_DOC, type Rule, type RuleId } from './check/rules.js';

// scenario
export { defineScenario } from './scenario/define.js';
export type * from './scenario/types.js';
export { STEP_KINDS, FAULT_DECISION_KINDS, expectationFor } from './scenario/types.js';
export type * from './scenario/results.js';
export { loadScenario, listScenarioFiles, BUILT_IN_SCENARIOS_DIR } from './scenario/load.js';
export { validateScenario, scenarioIssues, ScenarioError, type ScenarioIssue } from './scenario/validate.js';
export {
  runScenario,
  runScenarioDetailed,
  DEFAULT_SEED,
  type RunScenarioOptions,
  type ScenarioInput,
  type ScenarioRun,
} from './scenario/run.js';
export {
  replay,
  parseReplayToken,
  programAt,
  saveRegression,
  type ReplaySource,
  type ReplayOptions,
  type ReplayResult,
  type SaveRegressionOptions,
} from './scenario/replay.js';
export { programArbitrary, faultPlanOf, DEFAULT_MIX, type FaultDecision } from './scenario/arbitraries.js';
export {
  createPushHandler,
  tutorialPolicy,
  serverWinsPolicy,
  clientWinsPolicy,
  mergePolicy,
  mergeRecords,
  policyName,
  PolicyError,
} from './scenario/policies.js';
export { executeProgram, FINAL_SNAPSHOT, type RunRecord, type ExecuteOptions } from './scenario/execute.js';
export {
  resolveClient,
  type ClientChoice,
  type ResolvedClient,
  type ResolveClientOptions,
} from './scenario/clients.js';
export {
  countExhaustive,
  enumerateExhaustive,
  exhaustiveScenario,
  runExhaustive,
  type ExhaustiveOptions,
  type RunExhaustiveOptions,
  type ExhaustiveResult,
  type ExhaustiveFailure,
  type ExhaustiveClientStep,
  type ExhaustiveEdit,
} from './scenario/exhaustive.js';
export {
  selftest,
  selftestSuite,
  formatSelftest,
  type SelftestOptions,
  type SelftestReport,
  type MutantReport,
} from './scenario/selftest.js';

// report
export * from './report/index.js';

// sdk
export { createSdkDriver, createSdkDriverFactory, SdkDriver, type SdkDriverOptions } from './sdk/driver.js';
export { SdkApp, AbandonedOperationError, SdkError, type SdkAppOptions } from './sdk/app.js';
export {
  SqlitePlugin,
  SqlErrorCode,
  type SqlitePluginOptions,
  type SqlError,
  type SqliteDatabase,
  type SqliteTransaction,
  type SqliteResultSet,
  type SqliteRow,
} from './sdk/sqlite-plugin.js';
export { createXMLHttpRequestClass, type XhrOptions, type SimXMLHttpRequest } from './sdk/xhr.js';
export { AppTimers, type AppTimersOptions } from './sdk/app-timers.js';
export { DEFAULT_SYSTEM_COLUMNS, type SystemColumn } from './sdk/records.js';

// explorer (and serve-mode faults)
export * from './explorer/index.js';
export {
  scriptedPolicy,
  applyResolution,
  SCRIPTED_DECISIONS,
  type ScriptedResolution,
  type ScriptedDecision,
} from './scenario/scripted.js';
export { startServer, type ServeOptions, type RunningServer } from './serve/serve.js';
export { ServeTraffic, servePlanOf, SERVE_LINK, type ServeFaults } from './serve/serve-faults.js';
export { ADMIN_PREFIX } from './serve/admin.js';
