/** `defineScenario`: what a TypeScript scenario file default-exports. */
import type { ScenarioDefinition } from './types.js';

/**
 * Declares a scenario. It returns the definition unchanged; its use is the type check in the
 * editor and a clear place for the loader to look (the file's default export).
 */
export function defineScenario<const T extends ScenarioDefinition>(definition: T): T {
  return definition;
}
