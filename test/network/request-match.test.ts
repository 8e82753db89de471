/**
 * Faults aimed at a request by what it is: `{ match, occurrence }` hits the n-th request the
 * match names on its link, however many other requests come between, and its validator refuses
 * what cannot name a request.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { HttpRequest, HttpResponse } from '../../src/protocol/http.js';
import type { LinkPlan } from '../../src/network/fault-plan.js';
import { NetworkLink } from '../../src/network/link.js';
import { requestTarget, targetMatches } from '../../src/network/request-match.js';
import { validateFaultPlan } from '../../src/network/validate.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { HistoryRecorder } from '../../src/kernel/recorder.js';
import { Scheduler } from '../../src/kernel/scheduler.js';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';

function setup(plan: LinkPlan, operationOf?: (request: HttpRequest) => number | null) {
  const clock = new VirtualClock();
  const scheduler = new Scheduler(clock);
  const recorder = new HistoryRecorder(clock);
  let ids = 1;
  const link = new NetworkLink({
    name: 'client-1',
    plan,
    clock: clock.lane('link:client-1'),
    startTime: clock.startTime,
    random: new SeededRandom('match'),
    recorder,
    nextRequestId: () => ids++,
    server: async () => ({ status: 200, headers: {}, body: '{}' }) satisfies HttpResponse,
    ...(operationOf !== undefined ? { operationOf } : {}),
  });
  const send = (request: HttpRequest): Promise<string> =>
    scheduler.run(
      link.transport(request).then(
        (response) => String(response.status),
        (error: { kind?: string }) => String(error.kind),
      ),
    );
  return { send, recorder };
}

const patch = (id: string): HttpRequest => ({
  method: 'PATCH',
  url: `/tables/todoitem/${id}`,
  headers: { 'if-match': '"v"' },
  body: JSON.stringify({ id, text: 'x' }),
});
const get: HttpRequest = {
  method: 'GET',
  url: "/tables/todoitem?$filter=(updatedAt ge datetimeoffset'1970')",
  headers: {},
};

describe('a fault aimed at a request by meaning', () => {
  test('hits the 2nd PATCH of r1, whatever other requests come before it', async () => {
    const { send, recorder } = setup({
      faults: [
        {
          effect: { kind: 'lost-response' },
          when: { match: { method: 'PATCH', table: 'todoitem', itemId: 'r1' }, occurrence: 2 },
        },
      ],
    });
    const outcomes = [];
    for (const request of [patch('r1'), get, patch('r2'), get, patch('r1'), patch('r1')])
      outcomes.push(await send(request));
    expect(outcomes).toEqual(['200', '200', '200', '200', 'lost-response', '200']);
    const fault = recorder.events.find((event) => event.kind === 'fault');
    expect(fault).toMatchObject({ fault: 'lost-response', detail: { request: 5, trigger: 'match', rule: 0 } });
  });

  test('pages are named by the pull that sends them: the 2nd page of op #7', async () => {
    let op = 3;
    const { send } = setup(
      {
        faults: [
          {
            effect: { kind: 'http-error', status: 503 },
            when: { match: { method: 'GET', table: 'todoitem', op: 7 }, occurrence: 2 },
          },
        ],
      },
      (request) => (request.method === 'GET' ? op : null),
    );
    expect([await send(get), await send(get), await send(get)]).toEqual(['200', '200', '200']);
    op = 7;
    expect([await send(get), await send(get), await send(get)]).toEqual(['200', '503', '200']);
  });

  test('an insert is named by the id in its body; an explicit request number still wins over a match', async () => {
    const post: HttpRequest = { method: 'POST', url: '/tables/todoitem', headers: {}, body: '{"id":"r9"}' };
    expect(requestTarget(post)).toEqual({ method: 'POST', table: 'todoitem', itemId: 'r9', op: null });
    // A link whose rules name no record does not read the body; a URL's id is read all the same.
    expect(requestTarget(post, null, false)).toEqual({ method: 'POST', table: 'todoitem', itemId: null, op: null });
    expect(requestTarget({ ...post, url: '/tables/todoitem/r1' }, null, false).itemId).toBe('r1');
    expect(targetMatches({ method: 'POST', table: 'todoitem', itemId: 'r9' }, requestTarget(post))).toBe(true);
    expect(targetMatches({ method: 'POST', table: 'todoitem', itemId: 'r1' }, requestTarget(post))).toBe(false);
    const { send } = setup({
      faults: [
        { effect: { kind: 'network-failure' }, when: { match: { method: 'POST', table: 'todoitem' }, occurrence: 1 } },
        { effect: { kind: 'http-error', status: 500 }, when: { request: 1 } },
      ],
    });
    expect(await send(post)).toBe('500');
    // The match counted the first POST even though another rule won it: its occurrence is spent.
    expect(await send(post)).toBe('200');
  });

  test('the validator names what is wrong with a match', () => {
    const issues = validateFaultPlan({
      default: {
        faults: [
          {
            effect: { kind: 'lost-response' },
            when: { match: { method: 'PUT', table: '', op: 0, extra: 1 }, occurrence: 0 },
          },
          { effect: { kind: 'lost-response' }, when: { match: 'PATCH r1', occurrence: 1 } },
        ],
      },
    });
    expect(issues.map((issue) => `${issue.path}: expected ${issue.expected}`)).toEqual([
      'default.faults[0].when.match.extra: expected no such property (allowed: method, table, itemId, op)',
      'default.faults[0].when.match.method: expected one of GET, POST, PATCH, DELETE',
      'default.faults[0].when.match.table: expected a non-empty string of at most 256 characters',
      'default.faults[0].when.match.op: expected an integer >= 1',
      'default.faults[0].when.occurrence: expected an integer >= 1',
      'default.faults[1].when.match: expected an object',
    ]);
    expect(
      validateFaultPlan({
        links: {
          'client-1': {
            restarts: [
              { when: { match: { method: 'DELETE', table: 't', itemId: 'a' }, occurrence: 3 }, phase: 'before-server' },
            ],
          },
        },
      }),
    ).toEqual([]);
  });
});

describe('requestTarget', () => {
  /** The rule as first written: the two non-empty segments after the first `tables`, in any case. */
  function reference(url: string): { table: string | null; itemId: string | null } {
    const path = url.split('?', 1)[0] ?? '';
    const segments = path.split('/').filter((segment) => segment !== '');
    const at = segments.findIndex((segment) => segment.toLowerCase() === 'tables');
    const decode = (segment: string | undefined): string | null => {
      if (segment === undefined || segment === '') return null;
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    };
    return { table: at < 0 ? null : decode(segments[at + 1]), itemId: at < 0 ? null : decode(segments[at + 2]) };
  }

  test('reads the table and record of any URL as the rule says', () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'tables',
        'TABLES',
        'Tables',
        '',
        'todoitem',
        'r%201',
        '%E0%A4%A',
        'İ',
        'tablesx',
        'api',
        '?',
        'a?b',
      ),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (segments, leadingSlash) => {
        const url = (leadingSlash ? '/' : '') + segments.join('/');
        const target = requestTarget({ method: 'get', url, headers: {} });
        expect({ table: target.table, itemId: target.itemId }).toEqual(reference(url));
        expect(target.method).toBe('GET');
      }),
      { numRuns: 2000 },
    );
  });
});
