/** The report part's public API (re-exported from src/index.ts). */
export { writeHtmlReport, renderHtmlReport, reportContentSecurityPolicy, HTML_REPORT_FILE } from './html.js';
export { renderJUnit, writeJUnitReport, failureExplanation, JUNIT_REPORT_FILE } from './junit.js';
export {
  renderJsonReport,
  writeJsonReport,
  parseRunResults,
  readRunResults,
  ResultsFileError,
  JSON_REPORT_FILE,
} from './json.js';
export { renderTerminalSummary, type TerminalSummaryOptions } from './terminal.js';
export { ProgressLine, type ProgressLineOptions, type ProgressState, type ProgressStream } from './progress.js';
export { mergeResults, compareScenarioResults, MergeError } from './merge.js';
export {
  writeReports,
  parseReporters,
  REPORTERS,
  type ReporterName,
  type ReportOutput,
  type WriteReportsOptions,
  type WrittenReports,
} from './write.js';
export { summarize as summarizeResults, isFailingStatus, type ResultsSummary } from './summary.js';
export { buildTimeline, type Timeline, type TimelineLane, type TimelineRow, type Flight } from './timeline.js';
export { diffTable, type TableDiffView, type RowDiff } from './table-diff.js';
