/**
 * Explorer requests, answered as the hand-written checks answered them before the requests got
 * their zod schemas: bad-request-corpus.jsonl holds 366 bodies sent to the API's parsers
 * (mostly broken, a few per request kind valid), each with the 400 message the old checks gave
 * — or, for a valid one, the typed call they made of it. The cases were drawn by mutating valid
 * requests (one to three changes each), keeping two per kind of message, plus records at the
 * size and nesting limits. The schemas must give the same first message and the same calls.
 * A list of what is allowed grows with the product: the credentials faults added 403 to the
 * link's error statuses (two cases).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as input from '../../src/explorer/input.js';
import type { TableDefinition } from '../../src/protocol/records.js';

type Format =
  | 'clientOperation'
  | 'serverEdit'
  | 'linkFaults'
  | 'time'
  | 'world'
  | 'decision'
  | 'checkMode'
  | 'save'
  | 'newClient'
  | 'offline'
  | 'reset';

interface Case {
  readonly format: Format;
  readonly input: unknown;
  /** The message of the 400, or the call made of a valid body. */
  readonly expected: string | { readonly ok: unknown };
}

const TABLES: TableDefinition[] = [
  { name: 'todoitem', columns: { text: 'string', complete: 'boolean' } },
  { name: 'notes', columns: { title: 'string', n: 'number', at: 'date', data: 'object' } },
];

const parse: Record<Format, (body: unknown) => unknown> = {
  clientOperation: (body) => input.clientOperation(body, TABLES),
  serverEdit: (body) => input.serverEdit(body, TABLES),
  decision: (body) => input.decision(body, TABLES, 'todoitem'),
  linkFaults: input.linkFaults,
  time: input.time,
  world: input.world,
  checkMode: input.checkMode,
  save: input.save,
  newClient: input.newClient,
  offline: input.offline,
  reset: input.reset,
};

const cases = readFileSync(new URL('bad-request-corpus.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Case);

function answer(format: Format, body: unknown): Case['expected'] {
  try {
    return { ok: parse[format](body) };
  } catch (error) {
    if (!(error instanceof input.InputError)) throw error;
    return error.message;
  }
}

describe('explorer requests are answered as before', () => {
  test('the corpus covers every request kind, valid and broken', () => {
    expect(new Set(cases.map((c) => c.format)).size).toBe(Object.keys(parse).length);
    for (const format of Object.keys(parse)) {
      const mine = cases.filter((c) => c.format === format);
      expect(mine.some((c) => typeof c.expected === 'string')).toBe(true);
      expect(mine.some((c) => typeof c.expected !== 'string')).toBe(true);
    }
  });

  test.each(cases.map((c, i) => [i + 1, c.format, c] as const))('case %i (%s)', (_, format, c) => {
    expect(answer(format, c.input)).toEqual(c.expected);
  });
});

describe('where the schemas answer differently on purpose', () => {
  // The hand-written checks looked columns up with `columns[key]`, which finds Object's own
  // methods: a record could carry `toString` or `constructor`, and `__proto__` vanished from it.
  test.each(['toString', 'constructor', 'hasOwnProperty', '__proto__'])('a field named %s is no column', (key) => {
    const body = JSON.parse(`{"type":"insert","record":{"id":"a","${key}":{"x":1}}}`) as unknown;
    expect(answer('clientOperation', body)).toBe(
      `record.${key}: expected a column of todoitem (text, complete), id or version, found "${key}"`,
    );
  });
});
