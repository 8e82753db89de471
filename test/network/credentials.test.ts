/** Credential losses on a link: 401 to everything, or 403 to writes, until the app signs in again. */
import { describe, expect, test } from 'vitest';
import type { HttpRequest, HttpResponse } from '../../src/protocol/http.js';
import type { LinkPlan } from '../../src/network/fault-plan.js';
import { NetworkLink } from '../../src/network/link.js';
import { validateFaultPlan } from '../../src/network/validate.js';
import { SeededRandom } from '../../src/kernel/random.js';
import { HistoryRecorder } from '../../src/kernel/recorder.js';
import { Scheduler } from '../../src/kernel/scheduler.js';
import { VirtualClock } from '../../src/kernel/virtual-clock.js';

function setup(plan: LinkPlan) {
  const clock = new VirtualClock();
  const scheduler = new Scheduler(clock);
  const recorder = new HistoryRecorder(clock);
  const received: string[] = [];
  let ids = 1;
  const link = new NetworkLink({
    name: 'client-1',
    plan: { latency: { kind: 'fixed', ms: 5 }, ...plan },
    clock: clock.lane('link:client-1'),
    startTime: clock.startTime,
    random: new SeededRandom('credentials'),
    recorder,
    nextRequestId: () => ids++,
    server: async (request) => {
      received.push(request.method);
      return { status: 200, headers: {}, body: '{}' } satisfies HttpResponse;
    },
  });
  const send = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE'): Promise<number> => {
    const request: HttpRequest = { method, url: '/tables/todoitem', headers: {}, body: method === 'GET' ? '' : '{}' };
    return (await scheduler.run(link.transport(request))).status;
  };
  return { link, recorder, received, send };
}

describe('credential losses', () => {
  test('an expired token answers every request 401 from its request on, until the app signs in again', async () => {
    const { link, send, received, recorder } = setup({
      credentials: [{ loss: 'token-expired', when: { request: 2 } }],
    });
    expect(await send('GET')).toBe(200);
    expect([await send('GET'), await send('POST'), await send('DELETE')]).toEqual([401, 401, 401]);
    link.signIn();
    expect([await send('GET'), await send('POST')]).toEqual([200, 200]);
    expect(received).toEqual(['GET', 'GET', 'POST']);
    const faults = recorder.events.filter((event) => event.kind === 'fault');
    expect(faults[0]).toMatchObject({ fault: 'token-expired', detail: { request: 2, trigger: 'request', rule: 0 } });
    expect(faults[1]).toMatchObject({ fault: 'http-error', detail: { status: 401, trigger: 'credentials' } });
    expect(faults.at(-1)).toMatchObject({ fault: 'signed-in', detail: { restored: 'token-expired' } });
  });

  test('revoked rights answer writes 403 and let reads through', async () => {
    const { send } = setup({ credentials: [{ loss: 'rights-revoked', when: { request: 1 } }] });
    expect([await send('POST'), await send('PATCH'), await send('DELETE'), await send('GET')]).toEqual([
      403, 403, 403, 200,
    ]);
  });

  test('healing the network signs nobody in; a fault the plan aims at a request still comes first', async () => {
    const { link, send } = setup({
      credentials: [{ loss: 'token-expired', when: { request: 1 } }],
      faults: [{ effect: { kind: 'http-error', status: 503 }, when: { request: 2 } }],
    });
    expect([await send('GET'), await send('GET')]).toEqual([401, 503]);
    link.heal();
    expect(await send('GET')).toBe(401);
  });

  test('a signed-in app without a loss records that nothing was restored', () => {
    const { link, recorder } = setup({});
    link.signIn();
    expect(recorder.events.at(-1)).toMatchObject({ kind: 'fault', fault: 'signed-in', detail: { restored: null } });
  });

  test('a bad credential rule is named by path and what was expected', () => {
    const issues = validateFaultPlan({
      links: {
        'client-1': {
          credentials: [{ loss: 'logged-out', when: { request: 0 } }, { when: { request: 1 } }, 'token-expired'],
        },
      },
    });
    expect(issues).toEqual([
      {
        path: 'links.client-1.credentials[0].loss',
        expected: 'one of "token-expired", "rights-revoked"',
        found: '"logged-out"',
      },
      expect.objectContaining({ path: 'links.client-1.credentials[0].when.request' }),
      expect.objectContaining({ path: 'links.client-1.credentials[1].loss', found: 'nothing' }),
      expect.objectContaining({ path: 'links.client-1.credentials[2]', found: '"token-expired"' }),
    ]);
  });
});
