/**
 * Hand-made results for report tests, shaped like what the runner records: a failing scenario
 * whose shrunk counterexample has two clients and an editor, requests with latency, a lost
 * response, a 412 conflict resolved with cancelAndDiscard, a partition and snapshots; and a
 * variant whose every string is hostile markup.
 */
import type { CheckResult } from '../../src/check/types.js';
import type { JsonObject, ServerRecord } from '../../src/protocol/records.js';
import type { RunResults, ScenarioResult } from '../../src/scenario/results.js';
import type { ClientSnapshot } from '../../src/kernel/driver.js';
import type { HistoryEvent, HistoryEventBody } from '../../src/kernel/history.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];

  /** Appends an event and returns its seq. */
  add(t: number, actor: string, body: HistoryEventBody): number {
    const seq = this.events.length;
    this.events.push({ ...body, seq, t, actor } as HistoryEvent);
    return seq;
  }
}

const TABLE = 'todoitem';

export function serverRow(
  id: string,
  text: string,
  version: string,
  updatedAt: string,
  extra: JsonObject = {},
): ServerRecord {
  return {
    id,
    text,
    complete: false,
    ...extra,
    createdAt: '2026-11-24T06:17:15.000Z',
    updatedAt,
    version,
    deleted: false,
  };
}

function requestHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    accept: 'application/json',
    'content-type': 'application/json',
    'x-zumo-installation-id': '5e2c1b1e-8a0a-4c9e-9b7d-0f3b8f0e6a11',
    'x-zumo-version': 'ZUMO/2.0 (lang=Web; os=--; os_version=--; arch=--; version=2.0.1)',
    'zumo-api-version': '2.0.0',
    ...extra,
  };
}

function responseHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'cache-control': 'no-cache',
    'content-type': 'application/json; charset=utf-8',
    'x-zumo-server-version': 'node-4.0.2',
    ...extra,
  };
}

function clientState(rows: JsonObject[], operations: ClientSnapshot['operations'] = []): ClientSnapshot {
  return { tables: { [TABLE]: rows }, operations };
}

export interface ConflictTexts {
  /** Client-1's local edit (the one that loses the 412). */
  readonly oat: string;
  /** Client-2's edit (applied on the server, answer lost). */
  readonly soy: string;
  readonly note: string;
  readonly snapshotLabel: string;
  readonly headerValue: string;
  readonly actor2: string;
  readonly explanation: string;
  readonly fieldName: string;
}

export const PLAIN_TEXTS: ConflictTexts = {
  oat: 'buy oat milk',
  soy: 'buy soy milk',
  note: 'shrunk from 14 steps',
  snapshotLabel: 'final',
  headerValue: 'node-4.0.2',
  actor2: 'client-2',
  explanation: '',
  fieldName: 'text',
};

/**
 * The story: client-1 and client-2 both edit todoitem/a1. Client-2 pushes first; the server
 * applies its PATCH but the response is lost (#10). Client-1 pushes and gets 412 (#17); its
 * handler chooses cancelAndDiscard (#19). After pulling, client-1 still holds its discarded
 * text: convergence and cancel-and-discard are violated.
 */
export function conflictHistory(texts: ConflictTexts = PLAIN_TEXTS): {
  events: HistoryEvent[];
  seqs: Record<string, number>;
} {
  const h = new HistoryBuilder();
  const c2 = texts.actor2;
  const v1 = 'MQ==';
  const v2 = 'Mg==';
  const a1 = serverRow('a1', 'buy milk', v1, '2026-11-24T06:17:15.000Z');
  const b2 = serverRow('b2', 'call mum', 'MTA=', '2026-11-24T06:17:15.000Z');
  const a1Soy = serverRow('a1', texts.soy, v2, '2026-11-24T06:17:15.047Z', { complete: true });
  const b2Edited = serverRow('b2', 'call mum tonight', 'MTE=', '2026-11-24T06:17:15.002Z');
  const a1Oat = { ...a1, [texts.fieldName]: texts.oat };
  const seqs: Record<string, number> = {};

  seqs['start'] = h.add(0, 'world', {
    kind: 'snapshot',
    label: 'start',
    clients: { 'client-1': clientState([a1, b2]), [c2]: clientState([a1, b2]) },
    server: { [TABLE]: [a1, b2] },
  });
  h.add(0, 'client-1', {
    kind: 'invoke',
    opId: 1,
    op: { type: 'update', table: TABLE, record: { id: 'a1', [texts.fieldName]: texts.oat } },
  });
  h.add(0, 'client-1', { kind: 'ok', opId: 1, value: a1Oat });
  h.add(1, c2, {
    kind: 'invoke',
    opId: 2,
    op: { type: 'update', table: TABLE, record: { id: 'a1', text: texts.soy, complete: true } },
  });
  h.add(1, c2, { kind: 'ok', opId: 2, value: { ...a1, text: texts.soy, complete: true } });
  h.add(2, 'editor-1', {
    kind: 'invoke',
    opId: 3,
    op: { type: 'update', table: TABLE, id: 'b2', changes: { text: 'call mum tonight' } },
  });
  h.add(2, 'editor-1', { kind: 'ok', opId: 3, value: b2Edited });
  h.add(5, c2, { kind: 'invoke', opId: 4, op: { type: 'push' } });
  seqs['lostRequest'] = h.add(5, c2, {
    kind: 'http-request',
    requestId: 1,
    link: c2,
    request: {
      method: 'PATCH',
      url: '/tables/todoitem/a1',
      headers: requestHeaders({ 'if-match': `"${v1}"` }),
      body: JSON.stringify({ id: 'a1', text: texts.soy, complete: true }),
    },
  });
  seqs['fault'] = h.add(5, 'network', {
    kind: 'fault',
    link: c2,
    fault: 'lost-response',
    detail: { requestId: 1, request: 1, trigger: 'nth', rule: 0 },
  });
  seqs['lost'] = h.add(47, c2, {
    kind: 'http-failure',
    requestId: 1,
    link: c2,
    failure: 'lost-response',
    applied: true,
    latencyMs: 42,
  });
  h.add(47, c2, {
    kind: 'handler-call',
    callId: 1,
    handler: 'onError',
    table: TABLE,
    action: 'update',
    itemId: 'a1',
    status: null,
    clientRecord: { id: 'a1', text: texts.soy, complete: true, version: v1 },
    serverRecord: null,
    error: 'TransportError: lost-response: no answer came back',
  });
  h.add(47, c2, { kind: 'handler-decision', callId: 1, decision: 'unhandled', isHandled: false });
  h.add(47, c2, { kind: 'info', opId: 4, error: 'push aborted: the answer to PATCH /tables/todoitem/a1 was lost' });
  seqs['afterLost'] = h.add(47, 'world', {
    kind: 'snapshot',
    label: 'after the lost response',
    clients: {
      'client-1': clientState([a1Oat, b2], [{ id: 1, table: TABLE, action: 'update', itemId: 'a1' }]),
      [c2]: clientState(
        [{ ...a1, text: texts.soy, complete: true }, b2],
        [{ id: 1, table: TABLE, action: 'update', itemId: 'a1' }],
      ),
    },
    server: { [TABLE]: [a1Soy, b2Edited] },
  });
  h.add(60, 'client-1', { kind: 'invoke', opId: 5, op: { type: 'push' } });
  seqs['conflictRequest'] = h.add(60, 'client-1', {
    kind: 'http-request',
    requestId: 2,
    link: 'client-1',
    request: {
      method: 'PATCH',
      url: '/tables/todoitem/a1',
      headers: requestHeaders({ 'if-match': `"${v1}"` }),
      body: JSON.stringify({ id: 'a1', [texts.fieldName]: texts.oat }),
    },
  });
  seqs['412'] = h.add(95, 'client-1', {
    kind: 'http-response',
    requestId: 2,
    link: 'client-1',
    latencyMs: 35,
    response: {
      status: 412,
      headers: responseHeaders({ etag: `"${v2}"`, 'x-zumo-server-version': texts.headerValue }),
      body: JSON.stringify(a1Soy),
    },
  });
  seqs['onConflict'] = h.add(95, 'client-1', {
    kind: 'handler-call',
    callId: 2,
    handler: 'onConflict',
    table: TABLE,
    action: 'update',
    itemId: 'a1',
    status: 412,
    clientRecord: { id: 'a1', [texts.fieldName]: texts.oat, complete: false, version: v1 },
    serverRecord: a1Soy,
    error: 'Precondition Failed',
  });
  seqs['decision'] = h.add(95, 'client-1', {
    kind: 'handler-decision',
    callId: 2,
    decision: 'cancelAndDiscard',
    isHandled: true,
  });
  h.add(96, 'client-1', { kind: 'ok', opId: 5, value: { unhandledConflicts: [] } });
  seqs['pull'] = h.add(100, 'client-1', {
    kind: 'invoke',
    opId: 6,
    op: { type: 'pull', table: TABLE, queryId: 'all-todos' },
  });
  const firstPage =
    "/tables/todoitem?$filter=(updatedAt ge datetimeoffset'1970-01-01T00:00:00.000Z')&$orderby=updatedAt&$top=50&__includeDeleted=true";
  h.add(100, 'client-1', {
    kind: 'http-request',
    requestId: 3,
    link: 'client-1',
    request: { method: 'GET', url: firstPage, headers: requestHeaders({ 'x-zumo-features': 'OL,IP,TR,QS' }) },
  });
  h.add(110, 'network', { kind: 'partition', client: c2, offline: true });
  h.add(128, 'client-1', {
    kind: 'http-response',
    requestId: 3,
    link: 'client-1',
    latencyMs: 28,
    response: { status: 200, headers: responseHeaders(), body: JSON.stringify([b2Edited, a1Soy]) },
  });
  const nextPage =
    "/tables/todoitem?$filter=(updatedAt ge datetimeoffset'2026-11-24T06:17:15.047Z')&$orderby=updatedAt&$top=50&__includeDeleted=true";
  h.add(128, 'client-1', {
    kind: 'http-request',
    requestId: 4,
    link: 'client-1',
    request: { method: 'GET', url: nextPage, headers: requestHeaders({ 'x-zumo-features': 'OL,IP,TR,QS' }) },
  });
  h.add(140, 'network', { kind: 'partition', client: c2, offline: false });
  h.add(150, 'client-1', {
    kind: 'http-response',
    requestId: 4,
    link: 'client-1',
    latencyMs: 22,
    response: { status: 200, headers: responseHeaders(), body: '[]' },
  });
  h.add(150, 'client-1', { kind: 'ok', opId: 6 });
  h.add(160, 'world', { kind: 'heal' });
  h.add(160, 'world', { kind: 'note', text: texts.note });
  seqs['final'] = h.add(200, 'world', {
    kind: 'snapshot',
    label: texts.snapshotLabel,
    clients: {
      'client-1': clientState([a1Oat, b2Edited]),
      [c2]: clientState(
        [{ ...a1, text: texts.soy, complete: true }, b2],
        [{ id: 1, table: TABLE, action: 'update', itemId: 'a1' }],
      ),
    },
    server: { [TABLE]: [a1Soy, b2Edited] },
  });
  return { events: h.events, seqs };
}

export function conflictChecks(seqs: Record<string, number>, texts: ConflictTexts = PLAIN_TEXTS): CheckResult[] {
  return [
    {
      checker: 'convergence',
      valid: false,
      violations: [
        {
          rule: 'convergence.tables-equal',
          at: { op: 'settle', status: 'differs' },
          message: `client-1's todoitem/a1 has text "${texts.oat}", the server has "${texts.soy}"`,
          events: [seqs['final']!],
        },
      ],
      explanation:
        `After the network healed and every client pushed and pulled, client-1's todoitem differs from the server's live rows: ` +
        `a1 still holds "${texts.oat}" (snapshot #${seqs['final']}).${texts.explanation}`,
    },
    {
      checker: 'cancel-and-discard',
      valid: false,
      violations: [
        {
          rule: 'handler.cancel-and-discard',
          at: { op: 'update', status: '412' },
          message: `cancelAndDiscard at #${seqs['decision']} did not remove client-1's local change`,
          events: [seqs['decision']!, seqs['final']!],
        },
      ],
      explanation: `client-1's handler chose cancelAndDiscard for todoitem/a1 at #${seqs['decision']} after the 412 at #${seqs['412']}, but the pull at #${seqs['pull']} did not bring the server's copy back.`,
    },
    {
      checker: 'no-lost-writes',
      valid: true,
      violations: [],
      explanation: 'Every local write reached the server or was dropped by a recorded handler decision.',
    },
    { checker: 'exactly-once', valid: true, violations: [], explanation: 'No write was applied twice.' },
  ];
}

export function failingScenario(texts: ConflictTexts = PLAIN_TEXTS): Mutable<ScenarioResult> {
  const { events, seqs } = conflictHistory(texts);
  const final = events[seqs['final']!];
  const snapshot = final && final.kind === 'snapshot' ? final : undefined;
  const server = snapshot?.server[TABLE] ?? [];
  return {
    name: 'lost response then 412 conflict',
    description: 'Two clients edit the same item; the first push loses its response; the second gets 412 and discards.',
    file: 'scenarios/lost-response-conflict.scenario.ts',
    client: 'reference',
    status: 'failed',
    runs: 37,
    seed: 1234567,
    durationMs: 2140,
    coverage: {
      'conflict-412': 12,
      'lost-response': 9,
      'decision:cancelAndDiscard': 5,
      partition: 3,
      'conflict-409': 0,
    },
    weak: ['conflict-409'],
    timings: { firstFailureMs: 310, shrunkMs: 1720 },
    failure: {
      seed: 1234567,
      path: '36:1:0:0',
      shrinks: 7,
      size: 6,
      scenario: 'scenarios/lost-response-conflict.scenario.ts',
      client: 'reference',
      program: {
        clients: 2,
        steps: [
          { client: 'client-1', op: 'update', id: 'a1', text: texts.oat },
          { client: texts.actor2, op: 'update', id: 'a1', text: texts.soy, complete: true },
          { editor: 'editor-1', op: 'update', id: 'b2', changes: { text: 'call mum tonight' } },
          { client: texts.actor2, op: 'push', fault: 'lost-response' },
          { client: 'client-1', op: 'push', onConflict: 'cancelAndDiscard' },
          { client: 'client-1', op: 'pull', queryId: 'all-todos' },
        ],
      },
      checks: conflictChecks(seqs, texts),
      history: events,
      tableDiff: [
        {
          client: 'client-1',
          table: TABLE,
          expected: server,
          actual: snapshot?.clients['client-1']?.tables[TABLE] ?? [],
        },
        { client: texts.actor2, table: TABLE, expected: server.slice(1), actual: server.slice(1) },
      ],
      replayCommand:
        'npx syncwright replay scenarios/lost-response-conflict.scenario.ts --seed 1234567 --path 36:1:0:0',
    },
  };
}

export function passingScenario(name: string, overrides: Partial<ScenarioResult> = {}): ScenarioResult {
  return {
    name,
    file: `scenarios/${name.replace(/\W+/g, '-')}.scenario.ts`,
    client: 'reference',
    status: 'passed',
    runs: 100,
    seed: 1234567,
    durationMs: 850,
    coverage: { 'conflict-412': 4, 'lost-response': 2 },
    weak: [],
    ...overrides,
  };
}

export function failingResults(): RunResults {
  return {
    tool: { name: 'syncwright', version: '0.1.0' },
    seed: 1234567,
    client: 'reference',
    startedAt: '2026-11-25T09:30:00.000Z',
    durationMs: 12_345,
    scenarios: [
      passingScenario('push then pull converges'),
      failingScenario(),
      passingScenario('offline edits survive a restart', {
        runs: 250,
        durationMs: 3400,
        coverage: { restart: 31, 'conflict-412': 0 },
      }),
      passingScenario('sdk drops conflicting delete (known finding)', {
        status: 'expected-failure',
        runs: 12,
        failure: failingScenario().failure!,
      }),
      passingScenario('scenario that does not load', {
        status: 'error',
        runs: 0,
        coverage: {},
        error: "SyntaxError: Unexpected token '}' in scenarios/broken.scenario.ts:12:3",
      }),
    ],
  };
}

export function passingResults(): RunResults {
  return {
    tool: { name: 'syncwright', version: '0.1.0' },
    seed: 99,
    client: 'reference',
    startedAt: '2026-11-25T09:30:00.000Z',
    durationMs: 900,
    scenarios: [passingScenario('push then pull converges', { seed: 99 })],
  };
}

/** Markup, script breakouts, `javascript:` and control characters in every string a run records. */
export const HOSTILE = {
  script: '<script>window.__pwned=1</script>',
  img: '"><img src=x onerror="window.__pwned=2;alert(2)">',
  closeScript: '</script><script>window.__pwned=3;alert(3)</script>',
  javascriptUrl: 'javascript:window.__pwned=4',
  svg: '<svg onload="window.__pwned=5"></svg>\'-->',
  comment: '<!-- <script>window.__pwned=6</script> -->',
  lineSeparators: 'line\u2028separator\u2029paragraph',
  controls: 'bell\u0007 escape\u001b[31mred\u001b[0m nul\u0000 lone\ud800surrogate',
  ampersand: '&lt;b&gt; &amp; &#x3C;script&#x3E;',
} as const;

export const HOSTILE_TEXTS: ConflictTexts = {
  oat: HOSTILE.closeScript,
  soy: HOSTILE.script,
  note: `${HOSTILE.comment} ${HOSTILE.lineSeparators}`,
  snapshotLabel: HOSTILE.svg,
  headerValue: HOSTILE.img,
  actor2: 'client-2"><img src=x onerror="window.__pwned=7">',
  explanation: ` See <a href="${HOSTILE.javascriptUrl}">details</a> ${HOSTILE.ampersand} ${HOSTILE.controls}`,
  fieldName: '<img src=x onerror="window.__pwned=8">',
};

export function hostileResults(): RunResults {
  const scenario = failingScenario(HOSTILE_TEXTS);
  const failure = scenario.failure!;
  const pollutedRow = JSON.parse('{"id":"__proto__","__proto__":{"polluted":true},"text":"proto"}') as JsonObject;
  return {
    tool: { name: 'syncwright', version: `0.1.0${HOSTILE.script}` },
    seed: 7,
    client: HOSTILE.img,
    startedAt: HOSTILE.closeScript,
    durationMs: 10,
    scenarios: [
      {
        ...scenario,
        name: `${HOSTILE.script} conflict`,
        description: `${HOSTILE.img} ${HOSTILE.lineSeparators}`,
        file: `scenarios/${HOSTILE.closeScript}.ts`,
        client: HOSTILE.javascriptUrl,
        coverage: { [HOSTILE.svg]: 3, __proto__x: 1, ...JSON.parse('{"__proto__": 2}') },
        weak: [HOSTILE.comment],
        failure: {
          ...failure,
          replayCommand: `npx syncwright replay '${HOSTILE.closeScript}' --seed 7; echo $(id) ${HOSTILE.controls}`,
          tableDiff: [
            ...failure.tableDiff,
            { client: HOSTILE.img, table: HOSTILE.script, expected: [pollutedRow], actual: [] },
          ],
        },
      },
      passingScenario('hostile error', {
        status: 'error',
        error: `${HOSTILE.closeScript}\n${HOSTILE.controls}`,
        name: HOSTILE.javascriptUrl,
      }),
    ],
  };
}

/** A failure whose app handler threw, as the handler-outcomes checker words it. */
export const HANDLER_THREW =
  `client-1's onConflict for the 412 to its update of todoitem/a1 (request #7) threw: ` +
  `"TypeError: Cannot read properties of undefined (reading 'text')" (#9); the handler failed instead of resolving it. [rule handler.threw]`;

/**
 * What a real `--client both` run of many scenarios looks like at its widest: both clients, long
 * file names, a dozen coverage counters, weak spots, a fixed-step scenario (a world seed), and a
 * new finding listed last by the run whose handler threw.
 */
export function wideResults(): RunResults {
  const base = failingScenario();
  const threw: ScenarioResult = {
    ...base,
    name: 'handler throws on a 412 conflict',
    file: 'scenarios/regressions/sdk/handler-throws-on-412-conflict-with-lost-response-and-partition.scenario.json',
    client: 'sdk',
    failure: {
      ...base.failure!,
      client: 'sdk',
      checks: [
        {
          checker: 'handler-outcomes',
          valid: false,
          violations: [
            { message: HANDLER_THREW, events: [1], rule: 'handler.threw', at: { op: 'update', status: '412' } },
          ],
          explanation: HANDLER_THREW,
        },
        ...base.failure!.checks,
      ],
    },
  };
  const coverage = Object.fromEntries(
    [
      'conflict-412',
      'conflict-409',
      'lost-response',
      'decision:cancelAndDiscard',
      'decision:cancelAndUpdate',
      'decision:changeAction',
      'partition',
      'restart',
      'purge-forced',
      'pull-incremental',
      'pull-paged',
      'http-error-500',
    ].map((name, i) => [name, (i * 7) % 40]),
  );
  const passing = (name: string, client: string, overrides: Partial<ScenarioResult> = {}): ScenarioResult =>
    passingScenario(name, {
      client,
      file: `scenarios/generated/${name.replace(/\W+/g, '-')}-with-a-rather-long-descriptive-file-name.scenario.json`,
      coverage,
      weak: ['conflict-409', 'decision:changeAction'],
      droppedWrites: [
        {
          kind: 'update by cancelAndDiscard on 412',
          count: 3,
          runs: 2,
          first: { seed: 1234567, path: '4:0' },
          example: 'x',
        },
      ],
      ...overrides,
    });
  return {
    tool: { name: 'syncwright', version: '0.1.0' },
    seed: 1234567,
    client: 'reference,sdk',
    startedAt: '2026-11-25T09:30:00.000Z',
    durationMs: 61_000,
    scenarios: [
      passing('push then pull converges', 'reference'),
      passing('push then pull converges', 'sdk'),
      passing('fixed two-client edit', 'reference', { seed: 7, runs: 1 }),
      passing('offline edits survive a restart', 'sdk'),
      threw,
    ],
  };
}
