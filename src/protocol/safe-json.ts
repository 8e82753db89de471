/**
 * The one way JSON text from outside is read: scenario files, counterexamples, results files,
 * fault plans, tables files and the API requests of `serve` and the explorer. The text is
 * measured and its nesting counted (one pass, no recursion) before `JSON.parse` sees it, so JSON
 * nested 10,000 deep is refused with one clear message instead of exhausting the stack in the
 * first recursive function that walks it.
 */
import { jsonErrorOffset } from './json-position.js';
import { MAX_JSON_DEPTH } from './limits.js';

export interface JsonReadLimits {
  /** Bytes of UTF-8. */
  readonly maxBytes: number;
  /** Default {@link MAX_JSON_DEPTH}. */
  readonly maxDepth?: number;
}

/** JSON text that cannot be read, in the words of the "expected …, found …" messages. */
export class JsonTextError extends Error {
  override readonly name = 'JsonTextError';
  constructor(
    readonly reason: 'too-large' | 'too-deep' | 'syntax',
    readonly expected: string,
    readonly found: string,
  ) {
    super(`expected ${expected}, found ${found}`);
  }
}

/** Parses `text` within the limits. @throws JsonTextError */
export function readJson(text: string, limits: JsonReadLimits): unknown {
  // A UTF-16 unit is at most 3 bytes of UTF-8: text that short needs no counting (a request body under a
  // limit of MAX_SAFE_INTEGER never does).
  if (text.length * 3 > limits.maxBytes) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > limits.maxBytes)
      throw new JsonTextError('too-large', `JSON of at most ${formatBytes(limits.maxBytes)}`, formatBytes(bytes));
  }
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  const tooDeep = offsetDeeperThan(text, maxDepth);
  if (tooDeep !== undefined)
    throw new JsonTextError(
      'too-deep',
      `JSON nested at most ${maxDepth} levels deep`,
      `deeper nesting at ${lineAndColumn(text, tooDeep)}`,
    );
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = jsonErrorOffset(text) ?? Number(/position (\d+)/.exec(message)?.[1] ?? Number.NaN);
    const where = Number.isNaN(offset) ? '' : ` at ${lineAndColumn(text, offset)}`;
    throw new JsonTextError('syntax', 'valid JSON', `a syntax error${where}: ${message}`);
  }
}

/**
 * The offset of the first `[` or `{` that opens level `limit + 1`, outside strings; undefined
 * when the text never nests that deep. Brackets are counted, not matched: text that is not JSON
 * is left to `JSON.parse` to name.
 */
function offsetDeeperThan(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > limit) return i;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return undefined;
}

/**
 * How many levels arrays and objects nest in `value` (a scalar is 0, `{}` is 1), counting no
 * further than `cap + 1`. No recursion, and a cycle counts as too deep instead of looping: it
 * works on any value, a TypeScript scenario's as much as parsed JSON.
 */
export function jsonDepth(value: unknown, cap: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > cap) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** True when arrays and objects nest more than `limit` levels in `value`. @see jsonDepth */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  return jsonDepth(value, limit) > limit;
}

export function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/** `1 MiB`, `900 KiB`, `12 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}
