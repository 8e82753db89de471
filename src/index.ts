/**
 * `syncwright`: what a scenario file, a test and a CI script need. The parts live in subpaths
 * (`syncwright/backend`, `/client`, `/world`, `/check`, `/scenario`, `/sdk`, `/explorer`, `/express`,
 * `/msw`, `/vitest`; see src/api/). Anything not exported here or there is internal. A change
 * to these names or their types shows in api/*.api.md (`npm run api`), which `npm run check` compares.
 */

// Writing a scenario.
export { defineScenario } from './scenario/define.js';
export { SDK_KNOWN_FINDINGS } from './scenario/known-findings.js';
export type * from './scenario/types.js';
export type * from './network/fault-plan.js';
export { ScenarioError, type ScenarioIssue } from './scenario/validate.js';
export type { ClientChoice } from './scenario/clients.js';
export type { ClientMutation } from './client/mutations.js';
/** An app's declared intent and invariants (judged by the `intent` checker). */
export type {
  ScenarioIntent,
  IntentDeclaration,
  Invariant,
  FieldRule,
  TableRules,
  DroppedPolicy,
} from './check/intent-types.js';
export type { IntentView, ClientView, ConflictView } from './check/intent-view.js';

// A project's defaults for `syncwright run` and `hunt` (syncwright.config.ts).
export { defineConfig, type SyncwrightConfig } from './cli/config.js';

// Running one, replaying a failure and saving it.
export { loadScenario } from './scenario/load.js';
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
  saveRegression,
  type ReplaySource,
  type ReplayOptions,
  type ReplayResult,
  type SaveRegressionOptions,
} from './scenario/replay.js';

// What a run found.
export type * from './scenario/results.js';
export type { CheckResult, Violation } from './check/types.js';
export type { CheckerName } from './check/index.js';
export type { RuleId } from './check/rules.js';
export type * from './kernel/history.js';

// A world built by hand in a test, and the contract a client under test implements.
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
export type * from './kernel/driver.js';

// Reports from a CI script.
export {
  writeReports,
  parseReporters,
  REPORTERS,
  type ReporterName,
  type ReportOutput,
  type WriteReportsOptions,
  type WrittenReports,
} from './report/write.js';
export {
  defineReporter,
  type Reporter,
  type ReporterContext,
  type ReporterFactory,
  type ReporterModule,
} from './report/reporter.js';
export { writeHtmlReport, renderHtmlReport, HTML_REPORT_FILE } from './report/html.js';
export { renderJUnit, writeJUnitReport, JUNIT_REPORT_FILE } from './report/junit.js';
export {
  renderJsonReport,
  writeJsonReport,
  parseRunResults,
  readRunResults,
  ResultsFileError,
  JSON_REPORT_FILE,
} from './report/json.js';
export { renderTerminalSummary, type TerminalSummaryOptions } from './report/terminal.js';
export { ProgressLine, type ProgressLineOptions, type ProgressState, type ProgressStream } from './report/progress.js';
export { mergeResults, MergeError } from './report/merge.js';
export { summarize as summarizeResults, type ResultsSummary } from './report/summary.js';

// `syncwright serve` and `syncwright explore` from code.
export { startServer, type ServeOptions, type RunningServer } from './serve/serve.js';
export type { AppliedFault, ServeFaultChanges, ServeFaults, ServeTraffic } from './serve/serve-faults.js';
export { formatRequestLog, type RequestLogEntry } from './serve/request-log.js';
export { startExplorer, type ExplorerServerOptions, type RunningExplorer } from './explorer/server.js';
