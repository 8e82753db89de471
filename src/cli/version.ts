import { readFile } from 'node:fs/promises';

let cached: string | undefined;

/** The version in syncwright's package.json (two levels up from src/cli and dist/cli alike). */
export async function packageVersion(): Promise<string> {
  if (cached !== undefined) return cached;
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  cached = (JSON.parse(text) as { version: string }).version;
  return cached;
}
