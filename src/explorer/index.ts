/** The explorer part's public API (re-exported from src/index.ts). */
export { startExplorer, createExplorerApp, type ExplorerServerOptions, type RunningExplorer } from './server.js';
export {
  ExplorerSession,
  ExplorerError,
  EXPLORER_POLICIES,
  type ExplorerPolicy,
  type ExplorerClient,
  type ExplorerSessionOptions,
  type SessionView,
  type ClientView,
  type LinkView,
  type CheckReport,
  type SessionAction,
} from './session.js';
export { type ConflictView } from './conflicts.js';
export { DEFAULT_LINK_FAULTS, type LinkFaults, type FaultChange } from './link-faults.js';
export { counterexamplesOf, type CounterexampleView } from './counterexamples.js';
export { InputError } from './input.js';
