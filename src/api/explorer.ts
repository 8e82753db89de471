/** `syncwright/explorer`: the explorer's page server and the session API the page drives, for code that drives it too. */
export {
  startExplorer,
  createExplorerApp,
  type ExplorerServerOptions,
  type RunningExplorer,
} from '../explorer/server.js';
export {
  ExplorerSession,
  ExplorerError,
  EXPLORER_POLICIES,
  type ExplorerPolicy,
  type ExplorerClient,
  type ExplorerClientPolicy,
  type ExplorerModulePolicy,
  type ExplorerFixedPolicy,
  type ExplorerScenarioBase,
  type ExplorerSessionOptions,
  type SessionView,
  type ClientView,
  type LinkView,
  type CheckReport,
  type SessionAction,
} from '../explorer/session.js';
export type { ConflictView } from '../explorer/conflicts.js';
export { sessionOptionsOf } from '../explorer/scenario-options.js';
export { DEFAULT_LINK_FAULTS, type LinkFaults, type FaultChange } from '../explorer/link-faults.js';
export type { CounterexampleView } from '../explorer/counterexamples.js';
export { InputError } from '../explorer/input.js';
