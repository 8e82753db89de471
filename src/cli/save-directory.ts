/**
 * Where `syncwright explore <scenario>` saves sessions: the folder `syncwright run` reads when it
 * is given no file — the first folder the config's `scenarios` names, else `./scenarios` (which
 * run prefers over the built-in scenarios once it exists).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from './config.js';

export async function defaultSaveDirectory(cwd: string, configOption?: string): Promise<string> {
  const config = await loadConfig(configOption, cwd);
  for (const entry of config?.scenarios ?? []) {
    const info = await stat(entry).catch(() => undefined);
    if (info?.isDirectory() === true) return entry;
  }
  return path.join(cwd, 'scenarios');
}
