/** The depth-guarded JSON reader every input goes through, and the iterative depth of values. */
import { describe, expect, test } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/protocol/limits.js';
import { JsonTextError, formatBytes, jsonDepth, nestsDeeperThan, readJson } from '../../src/protocol/safe-json.js';

const deep = (levels: number, open = '[', close = ']') => `${open.repeat(levels)}${close.repeat(levels)}`;

function refusal(text: string, maxBytes = 1024 * 1024): JsonTextError {
  try {
    readJson(text, { maxBytes });
  } catch (error) {
    if (error instanceof JsonTextError) return error;
    throw error;
  }
  throw new Error('readJson accepted the text');
}

describe('readJson', () => {
  test('JSON nested 10,000 deep is refused with one message naming where, before anything walks it', () => {
    const error = refusal(`{"steps":${deep(10_000)}}`);
    expect(error.reason).toBe('too-deep');
    expect(error.message).toBe(
      `expected JSON nested at most ${MAX_JSON_DEPTH} levels deep, found deeper nesting at line 1, column ${9 + MAX_JSON_DEPTH}`,
    );
    const objects = refusal(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
    expect(objects.reason).toBe('too-deep');
  });

  test('nesting up to the limit is read; brackets inside strings do not count', () => {
    expect(readJson(deep(MAX_JSON_DEPTH), { maxBytes: 10_000 })).toBeInstanceOf(Array);
    expect(refusal(deep(MAX_JSON_DEPTH + 1)).reason).toBe('too-deep');
    const text = JSON.stringify({ text: '['.repeat(5000), escaped: '\\"[[[[' });
    expect(readJson(text, { maxBytes: 100_000 })).toEqual({ text: '['.repeat(5000), escaped: '\\"[[[[' });
    expect(readJson('[[1]]', { maxBytes: 100, maxDepth: 2 })).toEqual([[1]]);
    expect(() => readJson('{"a":[[1]]}', { maxBytes: 100, maxDepth: 2 })).toThrow(/at line 1, column 7/);
  });

  test('text over the size limit is refused by its size in UTF-8 bytes', () => {
    const error = refusal(`"${'é'.repeat(600)}"`, 1024);
    expect(error.reason).toBe('too-large');
    expect(error.message).toBe('expected JSON of at most 1 KiB, found 1.2 KiB');
  });

  test('the size limit is exact in bytes, for text of three-byte characters as for ASCII', () => {
    expect(readJson('"€€"', { maxBytes: 8 })).toBe('€€');
    expect(refusal('"€€€"', 10).reason).toBe('too-large');
    expect(readJson('"ab"', { maxBytes: 4 })).toBe('ab');
    expect(refusal('"abc"', 4).reason).toBe('too-large');
  });

  test('a syntax error is named with its line and column', () => {
    const error = refusal('{\n  "a": 1,\n  oops\n}');
    expect(error.reason).toBe('syntax');
    expect(error.message).toMatch(/^expected valid JSON, found a syntax error at line 3, column 3: /);
  });
});

describe('jsonDepth and nestsDeeperThan', () => {
  test('count levels without recursion, 100,000 deep included', () => {
    expect(jsonDepth(1, 10)).toBe(0);
    expect(jsonDepth({}, 10)).toBe(1);
    expect(jsonDepth({ a: [1, { b: [] }] }, 10)).toBe(4);
    let value: unknown = [];
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(nestsDeeperThan(value, 64)).toBe(true);
    expect(jsonDepth(value, 64)).toBe(65);
  });

  test('a cycle counts as too deep instead of looping', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(nestsDeeperThan(cyclic, 64)).toBe(true);
  });

  test('formatBytes', () => {
    expect([1, 12, 1024, 1536, 1024 * 1024, 3 * 1024 * 1024 + 1].map(formatBytes)).toEqual([
      '1 byte',
      '12 bytes',
      '1 KiB',
      '1.5 KiB',
      '1 MiB',
      '3.0 MiB',
    ]);
  });
});
