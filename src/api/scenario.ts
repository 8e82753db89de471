/**
 * `syncwright/scenario`: scenarios beyond writing and running one — validation, the generators of
 * programs, conflict policies, exhaustive enumeration, the mutation self-test, the program executor.
 */
export { defineScenario } from '../scenario/define.js';
export type * from '../scenario/types.js';
export {
  STEP_KINDS,
  FAULT_DECISION_KINDS,
  BUILT_IN_POLICIES,
  SCENARIO_FORMAT_VERSION,
  expectationFor,
} from '../scenario/types.js';
export type * from '../scenario/results.js';
export { loadScenario, listScenarioFiles, BUILT_IN_SCENARIOS_DIR } from '../scenario/load.js';
export { validateScenario, scenarioIssues, ScenarioError, type ScenarioIssue } from '../scenario/validate.js';
export {
  runScenario,
  runScenarioDetailed,
  DEFAULT_SEED,
  type RunScenarioOptions,
  type ScenarioInput,
  type ScenarioRun,
} from '../scenario/run.js';
export {
  replay,
  parseReplayToken,
  programAt,
  saveRegression,
  type ReplaySource,
  type ReplayOptions,
  type ReplayResult,
  type SaveRegressionOptions,
} from '../scenario/replay.js';
export { programArbitrary, faultPlanOf, DEFAULT_MIX, type FaultDecision } from '../scenario/arbitraries.js';
export {
  createPushHandler,
  tutorialPolicy,
  serverWinsPolicy,
  clientWinsPolicy,
  mergePolicy,
  mergeRecords,
  policyName,
  PolicyError,
} from '../scenario/policies.js';
export {
  scriptedPolicy,
  applyResolution,
  SCRIPTED_DECISIONS,
  type ScriptedResolution,
  type ScriptedDecision,
} from '../scenario/scripted.js';
export {
  generatedPolicy,
  applyAnswer,
  answersArbitrary,
  GENERATED_ACTIONS,
  RECORD_CHOICES,
  GeneratedHandlerError,
  type GeneratedAnswer,
  type GeneratedAnswers,
  type GeneratedAction,
  type GeneratedPolicyOptions,
  type RecordChoice,
  type ReentrantCalls,
} from '../scenario/generated.js';
export { executeProgram, FINAL_SNAPSHOT, type RunRecord, type ExecuteOptions } from '../scenario/execute.js';
export {
  resolveClient,
  type ClientChoice,
  type ResolvedClient,
  type ResolveClientOptions,
} from '../scenario/clients.js';
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
} from '../scenario/exhaustive.js';
export {
  selftest,
  selftestSuite,
  harnessSuite,
  formatSelftest,
  type SelftestOptions,
  type SelftestReport,
  type BaselineResult,
  type Mutant,
  type MutantOutcome,
  type MutantReport,
} from '../scenario/selftest.js';
