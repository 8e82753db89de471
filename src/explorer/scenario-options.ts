/**
 * A session opened on a team's own scenario: its tables, clients and their policies (a handler
 * module too), editors, seed and server. What the scenario does (its steps or generator) is not
 * taken: the user plays the world from its start.
 */
import type { PolicySpec, ResolvedScenario } from '../scenario/types.js';
import {
  ExplorerError,
  type ExplorerClientPolicy,
  type ExplorerPolicy,
  type ExplorerSessionOptions,
} from './session.js';

/**
 * The session options a scenario describes. `policy` overrides every client's (`ask` answers
 * every conflict by clicking). A client whose policy is recorded answers (`scripted`, a saved
 * session's) asks the user again, since the session starts over without the steps they answered.
 */
export function sessionOptionsOf(scenario: ResolvedScenario, policy?: ExplorerPolicy): ExplorerSessionOptions {
  const definition = scenario.definition;
  return {
    seed: scenario.program?.seed ?? 1,
    tables: scenario.tables,
    clients: scenario.clients.map((client) => ({
      name: client.name,
      policy: policy ?? explorerPolicyOf(client.policy, `${scenario.file}: client ${client.name}`),
    })),
    ...(scenario.editors.length > 0 ? { editors: scenario.editors } : {}),
    baseDir: scenario.baseDir,
    base: {
      ...(definition.server !== undefined ? { server: definition.server } : {}),
      ...(definition.pullPageSize !== undefined ? { pullPageSize: definition.pullPageSize } : {}),
      ...(definition.checks !== undefined ? { checks: definition.checks } : {}),
      ...(scenario.allow.length > 0 ? { allow: scenario.allow } : {}),
      ...(definition.expect !== undefined ? { expect: definition.expect } : {}),
      ...(definition.intent !== undefined ? { intent: definition.intent } : {}),
      ...(definition.dropped !== undefined ? { dropped: definition.dropped } : {}),
      ...(definition.settleRounds !== undefined ? { settleRounds: definition.settleRounds } : {}),
    },
  };
}

function explorerPolicyOf(spec: PolicySpec, where: string): ExplorerClientPolicy {
  if (spec === 'generated')
    throw new ExplorerError(
      `${where}: its policy is "generated", whose answers belong to a generated program; in the explorer you answer the conflicts yourself (choose policy "none")`,
    );
  if (typeof spec === 'string') return spec;
  if ('handler' in spec)
    throw new ExplorerError(
      `${where}: its policy is a handler written in the scenario, which a saved session cannot name; export it from a module and name that ({ "module": "./handlers/mine.js" })`,
    );
  // Answers the module was given belong to steps the session does not replay.
  if ('module' in spec) return { module: spec.module };
  if (spec.name === 'scripted') return 'ask';
  if (spec.name === 'merge') {
    if (spec.mergeField !== undefined)
      throw new ExplorerError(
        `${where}: its merge policy decides in a function (mergeField), which a saved session cannot name; export the handler from a module instead`,
      );
    return spec;
  }
  return spec.name;
}
