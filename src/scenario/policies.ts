/**
 * Conflict policies: the push handlers a scenario's clients run. Six are built in; a team's
 * own module exporting `{ onConflict, onError }` is loaded from a path and run unchanged.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { JsonObject, JsonValue } from '../protocol/records.js';
import type { PushErrorLike, PushHandler } from '../kernel/driver.js';
import { loadTypeScriptModule } from './load.js';
import { generatedPolicy, type GeneratedPolicyOptions } from './generated.js';
import { scriptedPolicy } from './scripted.js';
import { BUILT_IN_POLICIES, type MergeField, type PolicySpec } from './types.js';

export interface PolicyEnvironment {
  /** Relative module paths start here (the scenario file's directory). */
  readonly baseDir: string;
  /** Where a policy's log lines go (the runner writes them to the history as notes). */
  readonly log?: (text: string) => void;
  /**
   * A `generated` policy's answers (from the program) and its client's push, pull and purge
   * (asked for at call time; the client exists once the world does). Without them it has no answers.
   */
  readonly generated?: GeneratedPolicyOptions;
}

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

/** Builds the push handler a policy describes. */
export async function createPushHandler(spec: PolicySpec, environment: PolicyEnvironment): Promise<PushHandler> {
  const log = environment.log ?? (() => undefined);
  if (spec === 'generated')
    return generatedPolicy(environment.generated ?? { answers: [], calls: () => undefined, settling: () => false });
  if (typeof spec === 'string') return builtIn(spec, log, {});
  if ('module' in spec) {
    const handler = await loadHandlerModule(path.resolve(environment.baseDir, spec.module), spec.module);
    return spec.conflicts === undefined ? handler : thenForLeftovers(handler, scriptedPolicy(spec.conflicts, {}));
  }
  if ('handler' in spec) return spec.handler;
  if (spec.name === 'scripted') return scriptedPolicy(spec.conflicts, builtIn(spec.then ?? 'tutorial', log, {}));
  return builtIn(spec.name, log, spec.name === 'merge' ? spec : {});
}

/**
 * A handler whose conflicts `first` leaves unhandled (it resolved none and left `isHandled`
 * false) go on to `next`: a module's script of answers when run, the user in the explorer.
 * Errors stay `first`'s.
 */
export function thenForLeftovers(first: PushHandler, next: PushHandler): PushHandler {
  return {
    onConflict: async (pushError) => {
      const result = await first.onConflict?.(pushError);
      if (pushError.isHandled) return result;
      return next.onConflict?.(pushError);
    },
    ...(first.onError !== undefined ? { onError: first.onError } : {}),
  };
}

/** The policy's name as reports show it. */
export function policyName(spec: PolicySpec): string {
  if (typeof spec === 'string') return spec;
  if ('module' in spec) return `module:${spec.module}`;
  if ('handler' in spec) return 'custom handler';
  return spec.name;
}

interface MergeOptions {
  readonly prefer?: 'client' | 'server';
  readonly fields?: Readonly<Record<string, 'client' | 'server'>>;
  readonly mergeField?: MergeField;
}

function builtIn(name: string, log: (text: string) => void, merge: MergeOptions): PushHandler {
  switch (name) {
    case 'tutorial':
      return tutorialPolicy(log);
    case 'server-wins':
      return serverWinsPolicy();
    case 'client-wins':
      return clientWinsPolicy();
    case 'merge':
      return mergePolicy(merge);
    case 'defer-to-pull':
      return deferToPullPolicy();
    case 'none':
      return {};
    default:
      throw new PolicyError(`unknown conflict policy '${name}' (built in: ${BUILT_IN_POLICIES.join(', ')})`);
  }
}

/** The Azure offline-sync tutorial's handler, as published. */
export function tutorialPolicy(log: (text: string) => void = () => undefined): PushHandler {
  return {
    onConflict: (pushError) => {
      log(`Sync conflict! ${errorMessage(pushError)}`);
      return pushError.cancelAndDiscard();
    },
    onError: (pushError) => {
      log(`Sync error! ${errorMessage(pushError)}`);
    },
  };
}

/** The server's record replaces the local one; with no server record, the local change goes. */
export function serverWinsPolicy(): PushHandler {
  return {
    onConflict: (pushError) => {
      const server = pushError.getServerRecord();
      if (pushError.getAction() !== 'delete' && isRecord(server)) return pushError.cancelAndUpdate(server);
      return pushError.cancelAndDiscard();
    },
    onError: (pushError) => {
      if (statusOf(pushError) === 404) return pushError.cancelAndDiscard();
      return undefined;
    },
  };
}

/**
 * The conflicting change leaves the queue (`cancel()`) and the local record keeps it: the app
 * shows its own value until the next pull brings the server's. A 404 drops the change.
 */
export function deferToPullPolicy(): PushHandler {
  return {
    onConflict: (pushError) => pushError.cancel(),
    onError: (pushError) => {
      if (statusOf(pushError) === 404) return pushError.cancelAndDiscard();
      return undefined;
    },
  };
}

/** The local change is pushed again over the server's version; transient errors are retried. */
export function clientWinsPolicy(): PushHandler {
  return {
    onConflict: (pushError) => {
      const server = pushError.getServerRecord();
      const client = pushError.getClientRecord();
      const action = pushError.getAction();
      if (isRecord(server) && typeof server['version'] === 'string') {
        if (action === 'delete')
          return pushError.changeAction('delete', { id: server['id'] ?? null, version: server['version'] });
        if (isRecord(client)) {
          const winning = { ...client, version: server['version'] };
          return action === 'insert' ? pushError.changeAction('update', winning) : pushError.update(winning);
        }
      }
      // A 409 on insert: the id is taken (often by this very insert, whose answer was lost).
      if (action === 'insert' && isRecord(client)) return pushError.changeAction('update', withoutVersion(client));
      return pushError.cancelAndDiscard();
    },
    onError: (pushError) => {
      const status = statusOf(pushError);
      if (status === 404) return pushError.cancelAndDiscard();
      if (isTransient(status)) pushError.isHandled = true;
      return undefined;
    },
  };
}

/** Field by field: each field from the side `fields` names, else `prefer`, or as `mergeField` says. */
export function mergePolicy(options: MergeOptions = {}): PushHandler {
  const prefer = options.prefer ?? 'client';
  return {
    onConflict: (pushError) => {
      const server = pushError.getServerRecord();
      const client = pushError.getClientRecord();
      const action = pushError.getAction();
      if (isRecord(server) && typeof server['version'] === 'string') {
        if (action === 'delete') {
          return prefer === 'server'
            ? pushError.cancelAndDiscard()
            : pushError.changeAction('delete', { id: server['id'] ?? null, version: server['version'] });
        }
        if (isRecord(client)) {
          const merged = {
            ...mergeRecords(client, server, options),
            id: client['id'] ?? server['id'] ?? null,
            version: server['version'],
          };
          return action === 'insert' ? pushError.changeAction('update', merged) : pushError.update(merged);
        }
      }
      if (action === 'insert' && isRecord(client) && prefer === 'client')
        return pushError.changeAction('update', withoutVersion(client));
      return pushError.cancelAndDiscard();
    },
    onError: (pushError) => {
      if (statusOf(pushError) === 404) return pushError.cancelAndDiscard();
      return undefined;
    },
  };
}

const SYSTEM = new Set(['id', 'createdAt', 'updatedAt', 'version', 'deleted']);

export function mergeRecords(client: JsonObject, server: JsonObject, options: MergeOptions = {}): JsonObject {
  const prefer = options.prefer ?? 'client';
  const merged: JsonObject = {};
  const fields = [...new Set([...Object.keys(server), ...Object.keys(client)])]
    .filter((field) => !SYSTEM.has(field))
    .sort();
  for (const field of fields) {
    let value: JsonValue | undefined;
    if (options.mergeField !== undefined) value = options.mergeField(field, client[field], server[field]);
    else {
      const side = options.fields?.[field] ?? prefer;
      const first = side === 'client' ? client : server;
      const second = side === 'client' ? server : client;
      value = field in first ? first[field] : second[field];
    }
    if (value !== undefined) merged[field] = value;
  }
  return merged;
}

function withoutVersion(record: JsonObject): JsonObject {
  const copy: JsonObject = { ...record };
  delete copy['version'];
  return copy;
}

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Network failures (no status), timeouts, throttling and server errors may pass if retried. */
function isTransient(status: number | null): boolean {
  return status === null || status === 0 || status === 408 || status === 429 || status >= 500;
}

/** The HTTP status behind a push error, wherever the client keeps it. */
export function statusOf(pushError: PushErrorLike): number | null {
  let error: unknown;
  try {
    error = pushError.getError();
  } catch {
    return null;
  }
  if (typeof error !== 'object' || error === null) return null;
  const e = error as Record<string, unknown>;
  const nested = (value: unknown, key: string): unknown =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  for (const candidate of [
    e['status'],
    e['statusCode'],
    nested(e['response'], 'status'),
    nested(e['request'], 'status'),
  ]) {
    if (typeof candidate === 'number' && Number.isInteger(candidate) && candidate > 0) return candidate;
  }
  return null;
}

function errorMessage(pushError: PushErrorLike): string {
  try {
    const error = pushError.getError();
    return error instanceof Error
      ? error.message
      : typeof error === 'object' && error !== null && 'message' in error
        ? String((error as { message: unknown }).message)
        : String(error);
  } catch {
    return 'unknown error';
  }
}

async function loadHandlerModule(absolute: string, shown: string): Promise<PushHandler> {
  let exports: unknown;
  try {
    exports = /\.m?ts$/.test(absolute)
      ? await loadTypeScriptModule(absolute, shown)
      : await import(pathToFileURL(absolute).href);
  } catch (error) {
    throw new PolicyError(
      `conflict policy module ${shown} could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const candidates = [exports, (exports as { default?: unknown }).default];
  for (const candidate of candidates) {
    if (typeof candidate !== 'object' || candidate === null) continue;
    const handler = candidate as Record<string, unknown>;
    const onConflict = handler['onConflict'];
    const onError = handler['onError'];
    if (typeof onConflict === 'function' || typeof onError === 'function') {
      // Keep `this` bound to the module's object, as the app would call it.
      return {
        ...(typeof onConflict === 'function'
          ? {
              onConflict: (pushError: PushErrorLike) =>
                (onConflict as (e: PushErrorLike) => unknown).call(candidate, pushError),
            }
          : {}),
        ...(typeof onError === 'function'
          ? {
              onError: (pushError: PushErrorLike) =>
                (onError as (e: PushErrorLike) => unknown).call(candidate, pushError),
            }
          : {}),
      };
    }
  }
  throw new PolicyError(
    `conflict policy module ${shown} exports neither onConflict nor onError (as named exports or on its default export)`,
  );
}
