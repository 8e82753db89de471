import { describe, test, expect } from 'vitest';
import { checkPullCompleteness } from '../../src/check/pull-completeness.js';
import type { JsonObject, ServerRecord } from '../../src/protocol/records.js';
import type { ClientSnapshot } from '../../src/kernel/driver.js';
import { HistoryBuilder, local, pending, record, state } from './history-builder.js';

const firstPage =
  "/tables/todoitem?$filter=(updatedAt%20ge%20datetimeoffset'1969-12-31T00:00:00.000Z')&$orderby=updatedAt&$top=50&__includeDeleted=true";

function pull(
  server: ServerRecord[],
  before: ClientSnapshot,
  after: ClientSnapshot,
  url = firstPage,
  answer: JsonObject[] = server,
) {
  const h = new HistoryBuilder();
  const start = h.snapshot('before pull', { 'client-1': before }, server);
  const op = h.invoke('client-1', { type: 'pull', table: 'todoitem' });
  h.exchange('client-1', 'GET', url, 200, { answer });
  h.ok('client-1', op.opId);
  const end = h.snapshot('after pull', { 'client-1': after }, server);
  return { history: h.build(), start, end };
}

describe('pull completeness', () => {
  test('passes when every matching server record is local at its version afterwards', () => {
    const server = [record('a', 'milk', 'v1'), record('b', 'dog', 'v1')];
    const result = checkPullCompleteness(
      pull(server, state([]), state([local('a', 'milk', 'v1'), local('b', 'dog', 'v1')])).history,
    );
    expect(result.valid).toBe(true);
    expect(result.explanation).toContain('All 1 judged pull(s)');
  });

  test('reports a record the pull missed, citing the snapshots around it', () => {
    const server = [record('a', 'milk', 'v1'), record('b', 'dog', 'v1')];
    const { history, start, end } = pull(server, state([]), state([local('a', 'milk', 'v1')]));
    const result = checkPullCompleteness(history);
    expect(result.valid).toBe(false);
    expect(result.violations[0]!.message).toContain('missed todoitem/b');
    expect(result.violations[0]!.events).toContain(start);
    expect(result.violations[0]!.events).toContain(end);
  });

  test('reports a pull that overwrote a record with a pending local operation', () => {
    const server = [record('a', 'theirs', 'v2')];
    const result = checkPullCompleteness(
      pull(
        server,
        state([local('a', 'mine', 'v1')], [pending(1, 'update', 'a')]),
        state([local('a', 'theirs', 'v2')], [pending(1, 'update', 'a')]),
      ).history,
    );
    expect(result.violations[0]!.message).toContain('which had a pending local operation');
  });

  test('reports a record deleted on the server that the pull left in place', () => {
    const server = [record('a', 'milk', 'v2', { deleted: true })];
    const result = checkPullCompleteness(
      pull(server, state([local('a', 'milk', 'v1')]), state([local('a', 'milk', 'v1')])).history,
    );
    expect(result.violations[0]!.message).toContain('had deleted it before the pull');
  });

  test('does not require records older than the lower bound of an incremental pull', () => {
    const url =
      "/tables/todoitem?$filter=(updatedAt%20ge%20datetimeoffset'2026-06-01T00:00:00.000Z')&$orderby=updatedAt&$top=50&__includeDeleted=true";
    const result = checkPullCompleteness(pull([record('a', 'milk', 'v1')], state([]), state([]), url, []).history);
    expect(result.valid).toBe(true);
  });

  test('leaves a pull without bracketing snapshots unjudged', () => {
    const h = new HistoryBuilder();
    const op = h.invoke('client-1', { type: 'pull', table: 'todoitem' });
    h.exchange('client-1', 'GET', firstPage, 200, { answer: [] });
    h.ok('client-1', op.opId);
    const result = checkPullCompleteness(h.build());
    expect(result.valid).toBe(true);
    expect(result.explanation).toContain('not judged');
  });
});
