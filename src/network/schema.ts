/**
 * The fault plan format as a zod schema: what `validateFaultPlan` judges, and what the scenario
 * schema (and its JSON Schema) holds under `faults`. The messages are the plan's own words.
 */
import { z } from 'zod';
import {
  across,
  aBoolean,
  anArray,
  dispatch,
  integerIn,
  numberIn,
  oneOf,
  recordOf,
  strict,
  type Problem,
} from '../protocol/schema.js';
import { MAX_VIRTUAL_MS } from '../protocol/limits.js';
import { STORE_FAULTS } from '../kernel/driver.js';
import { CREDENTIAL_LOSSES, LINK_ERROR_STATUSES, linkPlanFor, type FaultPlan } from './fault-plan.js';
import { MATCH_METHODS } from './request-match.js';

/** Every time in a plan is virtual ms in [0, MAX_VIRTUAL_MS]; a larger one could not be shown as a date. */
const T = MAX_VIRTUAL_MS;

export function showPlanValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const valid = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;

const time = () => numberIn(0, T);
const count = () => integerIn(1);

/** `high` after `low` once both are whole ms in range. */
function ordered(low: string, high: string) {
  return (value: unknown): Problem[] =>
    isObject(value) &&
    valid(value[low], 0, T) &&
    valid(value[high], 0, T) &&
    Number.isInteger(value[low]) &&
    Number.isInteger(value[high]) &&
    value[low] > value[high]
      ? [{ path: [high], expected: `a number >= ${low} (${String(value[low])})` }]
      : [];
}

/** `until` after `from` (0 when absent) once `until` is a time. */
function untilAfterFrom(value: unknown): Problem[] {
  if (!isObject(value) || !valid(value['until'], 0, T)) return [];
  const from = typeof value['from'] === 'number' ? value['from'] : 0;
  return value['until'] <= from ? [{ path: ['until'], expected: `a time after from (${from})` }] : [];
}

const fixed = strict({ kind: z.literal('fixed'), ms: integerIn(0, T) }).describe('Always `ms`.');
const uniform = across(
  strict({ kind: z.literal('uniform'), minMs: integerIn(0, T), maxMs: integerIn(0, T) }),
  ordered('minMs', 'maxMs'),
).describe('A whole number of ms, uniform in [minMs, maxMs].');
const longTail = across(
  strict({
    kind: z.literal('long-tail'),
    minMs: integerIn(0, T),
    maxMs: integerIn(0, T),
    spikeProbability: numberIn(0, 1),
    spikeMinMs: integerIn(0, T),
    spikeMaxMs: integerIn(0, T),
  }),
  (value) => [...ordered('minMs', 'maxMs')(value), ...ordered('spikeMinMs', 'spikeMaxMs')(value)],
).describe('Uniform in [minMs, maxMs]; with `spikeProbability` a spike in [spikeMinMs, spikeMaxMs] instead.');

const latencyModel = dispatch([fixed, uniform, longTail], (value) => {
  if (!isObject(value)) return { expected: 'an object' };
  switch (value['kind']) {
    case 'fixed':
      return fixed;
    case 'uniform':
      return uniform;
    case 'long-tail':
      return longTail;
    default:
      return { path: ['kind'], expected: '"fixed", "uniform" or "long-tail" (or an object with "up" and "down")' };
  }
});

const upDown = strict({ up: latencyModel, down: latencyModel }).describe('One latency model per way.');
const latency = dispatch([latencyModel, upDown], (value) => {
  if (!isObject(value)) return { expected: 'an object' };
  return 'up' in value || 'down' in value ? upDown : latencyModel;
}).describe('Latency per request: one model for both ways, or `up` and `down`.');

const httpError = strict({
  kind: z.literal('http-error'),
  status: oneOf(LINK_ERROR_STATUSES, `one of ${LINK_ERROR_STATUSES.join(', ')}`),
  retryAfterSeconds: integerIn(0, T / 1000)
    .optional()
    .describe('429 only: the Retry-After header, in seconds.'),
}).describe('The link answers `status` itself; the server never sees the request.');
const httpErrorNot429 = strict({
  kind: z.literal('http-error'),
  status: oneOf(LINK_ERROR_STATUSES, `one of ${LINK_ERROR_STATUSES.join(', ')}`),
  retryAfterSeconds: z.never({ error: 'no Retry-After except with status 429' }).optional(),
});
const networkFailure = strict({ kind: z.literal('network-failure') }).describe(
  'The connection fails before the request reaches the server.',
);
const lostResponse = strict({ kind: z.literal('lost-response') }).describe(
  'The server handles the request; the answer is lost on the way back.',
);
const timeout = strict({ kind: z.literal('timeout'), applied: aBoolean().optional() }).describe(
  'No answer within the timeout; with `applied` the server handled the request.',
);

const effect = dispatch([httpError, httpErrorNot429, networkFailure, lostResponse, timeout], (value) => {
  if (!isObject(value)) return { expected: 'an object' };
  switch (value['kind']) {
    case 'http-error':
      return value['status'] === 429 ? httpError : httpErrorNot429;
    case 'network-failure':
      return networkFailure;
    case 'lost-response':
      return lostResponse;
    case 'timeout':
      return timeout;
    default:
      return { path: ['kind'], expected: '"http-error", "network-failure", "timeout" or "lost-response"' };
  }
});

const name = () =>
  z
    .string({ error: 'a non-empty string of at most 256 characters' })
    .min(1, { error: 'a non-empty string of at most 256 characters' })
    .max(256, { error: 'a non-empty string of at most 256 characters' });

const requestMatch = strict({
  method: oneOf(MATCH_METHODS, `one of ${MATCH_METHODS.join(', ')}`),
  table: name(),
  itemId: name().optional(),
  op: count().optional(),
}).describe('A request by what it means: its method, table, item and (1-based) operation.');

const atTrigger = strict({ at: time() }).describe('The first request sent at or after `at` (virtual ms).');
const requestTrigger = strict({ request: count() }).describe('The n-th request on this link (1-based).');
const matchTrigger = strict({ match: requestMatch, occurrence: count() }).describe(
  'The `occurrence`-th request on this link that `match` names.',
);
const probabilityTrigger = across(
  strict({ probability: numberIn(0, 1), from: time().optional(), until: time().optional() }),
  untilAfterFrom,
).describe('Each request with this probability, optionally only within [from, until).');
const windowTrigger = across(strict({ from: time(), until: time() }), untilAfterFrom).describe(
  'Every request sent in [from, until).',
);
/** `until` is judged once `from` is right. */
const fromFirst = strict({ from: time(), until: z.unknown().optional() });

const trigger = dispatch([atTrigger, windowTrigger, requestTrigger, matchTrigger, probabilityTrigger], (value) => {
  if (!isObject(value)) return { expected: 'an object' };
  if ('at' in value) return atTrigger;
  if ('request' in value) return requestTrigger;
  if ('match' in value) return matchTrigger;
  if ('probability' in value) return probabilityTrigger;
  if ('from' in value) return valid(value['from'], 0, T) ? windowTrigger : fromFirst;
  return { expected: 'one of {at}, {from, until}, {request}, {match, occurrence}, {probability}' };
});

const partitionRule = across(strict({ from: time(), until: time().optional() }), untilAfterFrom).describe(
  'Offline in [from, until); without `until`, until the world is told otherwise.',
);
const partition = dispatch([partitionRule], (value) =>
  isObject(value) && !valid(value['from'], 0, T) ? fromFirst : partitionRule,
);

const linkPlan = strict({
  latency: latency.optional(),
  latencyChanges: anArray(strict({ fromRequest: count(), latency }))
    .optional()
    .describe('From the `fromRequest`-th request on, `latency` replaces the link’s latency.'),
  timeoutMs: numberIn(1, T).optional().describe('How long a client waits for an answer. Default 30,000 ms.'),
  faults: anArray(strict({ effect, when: trigger })).optional(),
  partitions: anArray(partition).optional(),
  restarts: anArray(
    strict({
      when: trigger,
      phase: oneOf(['before-server', 'after-server'], '"before-server" or "after-server"').optional(),
    }).describe('The app is killed and reopened from its last committed store.'),
  ).optional(),
  crashes: anArray(
    strict({ afterWrite: count() }).describe('The app is killed right after its `afterWrite`-th store write.'),
  ).optional(),
  store: anArray(
    strict({
      fault: oneOf(STORE_FAULTS, `one of ${STORE_FAULTS.map((fault) => `"${fault}"`).join(', ')}`),
      write: count(),
    }).describe(
      'The device’s store fails the first statement of a transaction from the app’s `write`-th store write on (disk full, database locked); the transaction rolls back.',
    ),
  ).optional(),
  credentials: anArray(
    strict({
      loss: oneOf(CREDENTIAL_LOSSES, `one of ${CREDENTIAL_LOSSES.map((loss) => `"${loss}"`).join(', ')}`),
      when: trigger,
    }).describe(
      'The app’s user loses its token (every request answered 401) or its write rights (writes answered 403) from the request `when` hits on, until the app signs in again.',
    ),
  ).optional(),
});

/** Partitions may come from the default and from a link's own entry: checked merged, once the rest is valid. */
function partitionOverlaps(value: unknown): Problem[] {
  const plan = value as FaultPlan;
  const problems: Problem[] = [];
  const names = Object.keys(plan.links ?? {});
  for (const name of names.length > 0 ? names : ['*']) {
    const sorted = [...(linkPlanFor(plan, name).partitions ?? [])].sort((a, b) => a.from - b.from);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1]!;
      const current = sorted[i]!;
      if (previous.until === undefined || previous.until > current.from)
        problems.push({
          path: name === '*' ? ['default', 'partitions'] : ['links', name, 'partitions'],
          expected: 'partitions that do not overlap (on this link, counting the default ones)',
          found: showPlanValue([previous, current]),
        });
    }
  }
  return problems;
}

export const faultPlanSchema = across(
  strict({
    default: linkPlan.optional().describe('Applies to every link.'),
    links: recordOf(linkPlan)
      .optional()
      .describe(
        'Per link, keyed by client name: its own latency and timeoutMs replace the default’s; its faults, partitions and restarts add to them.',
      ),
  }),
  partitionOverlaps,
  true,
).describe('How each client’s link to the backend misbehaves (virtual ms, requests counted per link from 1).');

/** A fault plan path as the plan's messages write it: `links.client-1.faults[0].effect`. */
export function planPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (at, key) => (typeof key === 'number' ? `${at}[${key}]` : at === '' ? String(key) : `${at}.${String(key)}`),
    '',
  );
}
