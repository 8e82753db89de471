/**
 * Which client a run tests: the reference client (optionally built with deliberate bugs, for
 * the self-test), the real SDK, or a team's own driver module.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClientMutation } from '../client/mutations.js';
import type { SdkHarnessMutation } from '../sdk/mutations.js';
import type { ClientDriverFactory } from '../kernel/driver.js';
import { loadTypeScriptModule } from './load.js';

export type ClientChoice =
  | 'reference'
  | 'sdk'
  /** A module (path relative to the working directory) whose default export, or `createDriver`, is a ClientDriverFactory. */
  | (string & {})
  | { readonly name: string; readonly driver: ClientDriverFactory };

export interface ResolvedClient {
  /** As results show it: `reference`, `sdk`, a module path, `reference+drop-if-match`. */
  readonly name: string;
  readonly driver: ClientDriverFactory;
}

export interface ResolveClientOptions {
  readonly mutations?: readonly ClientMutation[];
  /** Deliberate bugs of the SDK harness (the real SDK's shims), for `sdk` only. */
  readonly sdkMutations?: readonly SdkHarnessMutation[];
  readonly cwd?: string;
  /** The app's pull page size, for the clients that take one (reference, sdk). */
  readonly pageSize?: number;
}

export async function resolveClient(
  choice: ClientChoice = 'reference',
  options: ResolveClientOptions = {},
): Promise<ResolvedClient> {
  const mutations = options.mutations ?? [];
  const sdkMutations = options.sdkMutations ?? [];
  if (typeof choice === 'object') return { name: choice.name, driver: choice.driver };
  if (sdkMutations.length > 0 && choice !== 'sdk')
    throw new Error(`SDK harness mutations apply to the sdk client only, not to '${choice}'`);
  if (choice === 'reference') {
    const { createReferenceDriverWith } = await import('../client/driver.js');
    return {
      name: mutations.length === 0 ? 'reference' : `reference+${mutations.join('+')}`,
      driver: createReferenceDriverWith({
        mutations,
        ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      }),
    };
  }
  if (mutations.length > 0) throw new Error(`mutations apply to the reference client only, not to '${choice}'`);
  if (choice === 'sdk') {
    const { createSdkDriverFactory } = await import('../sdk/driver.js');
    return {
      name: sdkMutations.length === 0 ? 'sdk' : `sdk+${sdkMutations.join('+')}`,
      driver: createSdkDriverFactory({
        ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
        ...(sdkMutations.length > 0 ? { mutations: sdkMutations } : {}),
      }),
    };
  }
  const absolute = path.resolve(options.cwd ?? process.cwd(), choice);
  const exports = (
    /\.m?ts$/.test(absolute) ? await loadTypeScriptModule(absolute, choice) : await import(pathToFileURL(absolute).href)
  ) as Record<string, unknown>;
  const factory = exports['default'] ?? exports['createDriver'];
  if (typeof factory !== 'function') {
    throw new Error(
      `client module ${choice} must export a ClientDriverFactory as its default export or as 'createDriver'`,
    );
  }
  return { name: choice, driver: factory as ClientDriverFactory };
}
