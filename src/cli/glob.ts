/**
 * A small glob matcher for scenario arguments (`scenarios/*.json`, `test/**\/*.ts`): `*` and `?`
 * within one path segment, `**` across segments, `{a,b}` alternatives and `[…]` classes.
 * (`fs.glob` is still experimental in Node 20.) Directories named `node_modules` or starting
 * with a dot are not walked into.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export function hasGlobMagic(pattern: string): boolean {
  return /[*?[\]{}]/.test(pattern);
}

/** A RegExp matching whole `/`-separated relative paths. */
export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.split('/').filter((segment, i, all) => segment !== '' || i === all.length - 1);
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      source += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    source += segmentSource(segment) + (last ? '' : '/');
  });
  return new RegExp(`^${source}$`);
}

function segmentSource(segment: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]!;
    if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else if (char === '{') {
      out += '(?:';
      depth++;
    } else if (char === '}' && depth > 0) {
      out += ')';
      depth--;
    } else if (char === ',' && depth > 0) out += '|';
    else if (char === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        const body = segment
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else out += char.replace(/[.+^$()|\\\]]/g, '\\$&');
  }
  if (depth > 0) throw new Error(`unbalanced '{' in glob '${segment}'`);
  return out;
}

/**
 * The files (absolute paths, sorted) matching a glob relative to `cwd` (or absolute). The
 * walk starts at the pattern's longest literal prefix.
 */
export async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const posix = pattern.split(path.sep).join('/');
  const segments = posix.split('/');
  const literal: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (hasGlobMagic(segment)) break;
    literal.push(segment);
  }
  const rest = segments.slice(literal.length).join('/');
  const base = path.resolve(cwd, literal.join('/') || '.');
  const matcher = globToRegExp(rest);
  const maxDepth = rest.split('/').includes('**') ? Number.POSITIVE_INFINITY : rest.split('/').length;
  const found: string[] = [];
  await walk(base, '', 1, maxDepth, (relative, absolute) => {
    if (matcher.test(relative)) found.push(absolute);
  });
  return found.sort();
}

async function walk(
  directory: string,
  prefix: string,
  depth: number,
  maxDepth: number,
  visit: (relative: string, absolute: string) => void,
): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    const absolute = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (depth < maxDepth && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
        await walk(absolute, relative, depth + 1, maxDepth, visit);
    } else if (entry.isFile()) visit(relative, absolute);
  }
}
