/**
 * Globs in scenario arguments (`scenarios/*.json`, `'scenarios/**\/*.ts'`), by tinyglobby: `*`
 * and `?` within a segment, `**` across segments, `{a,b}` alternatives and `[…]` classes.
 * `node_modules` and dot-directories are not walked into.
 */
import { glob, isDynamicPattern } from 'tinyglobby';

export function hasGlobMagic(pattern: string): boolean {
  return isDynamicPattern(pattern);
}

/** The files (absolute paths, sorted) matching a glob relative to `cwd` (or absolute). */
export async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const files = await glob(pattern, {
    cwd,
    absolute: true,
    onlyFiles: true,
    dot: false,
    expandDirectories: false,
    ignore: ['**/node_modules/**'],
  });
  return files.sort();
}
