/**
 * Turns a counterexample's history into a swimlane timeline: a lane per client, one for the
 * network, one for the server and one per editor; a row per event. Pure and deterministic, so
 * what the HTML report draws can be pinned by unit tests; the browser only lays it out.
 */
import type { CheckResult } from '../check/types.js';
import type { JsonObject, JsonValue } from '../protocol/records.js';
import type { ClientOperation, History, HistoryEvent, ServerEdit } from '../kernel/history.js';
import { describeLocalQuery } from '../kernel/local-query.js';
import { reasonPhrase } from '../protocol/http.js';

export type LaneKind = 'client' | 'network' | 'server' | 'editor' | 'actor';

export interface TimelineLane {
  readonly id: string;
  readonly kind: LaneKind;
}

export type Tone = 'neutral' | 'ok' | 'fail' | 'unknown' | 'conflict' | 'decision' | 'fault' | 'snapshot' | 'note';

/** Where a row's event sits: on one lane, as an arrow between two lanes, or across all lanes. */
export type TimelineShape =
  | { readonly shape: 'box'; readonly lane: number }
  | { readonly shape: 'arrow'; readonly from: number; readonly to: number; readonly lost: boolean }
  | { readonly shape: 'band' };

export type Marker = 'conflict' | 'fault' | 'decision' | 'error-handler' | 'restart';

export interface TimelineRow {
  readonly seq: number;
  readonly t: number;
  readonly actor: string;
  readonly kind: string;
  readonly shape: TimelineShape;
  readonly tone: Tone;
  readonly label: string;
  readonly markers: readonly Marker[];
  /** Checkers whose violations cite this event. */
  readonly citedBy: readonly string[];
  /** The client whose state the event concerns, if any. */
  readonly client: string | null;
  /** The snapshot to show the state "at that moment": the latest one before, else the first after. */
  readonly snapshot: { readonly seq: number; readonly relation: 'before' | 'at' | 'after' } | null;
  /** Events that belong with this one: request and response, handler call and decision, invoke and outcome. */
  readonly related: readonly number[];
}

/** A request in flight on the network lane, from its request row to its answer's row. */
export interface Flight {
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly latencyMs: number;
  readonly lost: boolean;
  /** Side-by-side position so overlapping flights do not hide each other. */
  readonly slot: number;
}

export interface Timeline {
  readonly lanes: readonly TimelineLane[];
  readonly rows: readonly TimelineRow[];
  readonly flights: readonly Flight[];
}

const NETWORK = 'network';
const SERVER = 'server';
const WORLD = 'world';

/** A URL with its percent-escapes decoded, for a label (the details keep the raw one). */
export function readableUrl(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/** `client-2` before `client-10`. */
export function compareNatural(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (x === y) continue;
    if (i % 2 === 1) {
      const diff = Number(x) - Number(y);
      if (diff !== 0) return diff;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function isClientName(name: string): boolean {
  return /^client\b/i.test(name);
}

function isEditorName(name: string): boolean {
  return /^editor\b/i.test(name);
}

const SYSTEM_FIELDS = new Set(['id', 'createdAt', 'updatedAt', 'version', 'deleted']);

function shortValue(value: JsonValue | undefined): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(value) ?? 'undefined';
}

/** `text="buy milk", complete=true`, cut to a label's length. */
function summarizeFields(record: JsonObject | null | undefined, max = 48): string {
  if (!record || typeof record !== 'object') return '';
  const parts = Object.entries(record)
    .filter(([key]) => !SYSTEM_FIELDS.has(key))
    .map(([key, value]) => `${key}=${shortValue(value)}`);
  const text = parts.join(', ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function recordId(record: JsonObject | null | undefined): string {
  const id = record?.['id'];
  return typeof id === 'string' || typeof id === 'number' ? String(id) : '';
}

function withId(table: string, id: string): string {
  return id ? `${table}/${id}` : table;
}

/** A one-line description of a client operation or a server edit. */
export function describeOperation(op: ClientOperation | ServerEdit): string {
  switch (op.type) {
    case 'insert':
    case 'update': {
      if ('changes' in op) return join(`update ${withId(op.table, op.id)}`, summarizeFields(op.changes));
      return join(`${op.type} ${withId(op.table, recordId(op.record))}`, summarizeFields(op.record));
    }
    case 'delete':
      return `delete ${withId(op.table, op.id)}`;
    case 'read':
      return `read ${op.table}`;
    case 'lookup':
      return `lookup ${withId(op.table, op.id)}`;
    case 'query': {
      const text = describeLocalQuery(op.query);
      return `query ${op.table}${text === '' ? '' : ` ${text}`}${op.via === undefined ? '' : ` (via ${op.via})`}`;
    }
    case 'push':
      return 'push()';
    case 'pull':
      return `pull ${op.table}${op.queryId ? ` [${op.queryId}]` : ''}${op.filter ? ` where ${op.filter}` : ''}`;
    case 'purge':
      return `purge ${op.table}${op.force ? ' (force)' : ''}`;
    case 'restart':
    case 'upgrade':
      return op.type;
    default:
      return String((op as { type?: unknown }).type ?? 'operation');
  }
}

function join(head: string, fields: string): string {
  return fields ? `${head} {${fields}}` : head;
}

interface RowDraft {
  readonly event: HistoryEvent;
  readonly place:
    { shape: 'box'; lane: string } | { shape: 'arrow'; from: string; to: string; lost: boolean } | { shape: 'band' };
  readonly tone: Tone;
  readonly label: string;
  readonly markers: Marker[];
  readonly client: string | null;
}

function collectClients(history: History): Set<string> {
  const clients = new Set<string>();
  for (const event of history) {
    if (isClientName(event.actor)) clients.add(event.actor);
    switch (event.kind) {
      case 'snapshot':
        for (const name of Object.keys(event.clients ?? {})) clients.add(name);
        break;
      case 'restart':
      case 'partition':
        if (typeof event.client === 'string') clients.add(event.client);
        break;
      case 'http-request':
      case 'http-response':
      case 'http-failure':
      case 'fault':
        if (typeof event.link === 'string' && isClientName(event.link)) clients.add(event.link);
        break;
      default:
        break;
    }
  }
  return clients;
}

/** Which client a link belongs to: the link itself, the acting client, or a client the name contains. */
function clientOfLink(link: string, actor: string, clients: Set<string>): string {
  if (clients.has(link)) return link;
  if (clients.has(actor)) return actor;
  const named = [...clients].sort((a, b) => b.length - a.length).find((client) => link.includes(client));
  return named ?? link;
}

function draftRow(
  event: HistoryEvent,
  clients: Set<string>,
  operations: Map<string, ClientOperation | ServerEdit>,
  calls: Map<number, string>,
): RowDraft {
  const actorLane = event.actor === WORLD ? null : event.actor;
  const box = (
    lane: string | null,
    tone: Tone,
    label: string,
    markers: Marker[] = [],
    client: string | null = null,
  ): RowDraft => ({
    event,
    place: lane === null ? { shape: 'band' } : { shape: 'box', lane },
    tone,
    label,
    markers,
    client: client ?? (lane !== null && clients.has(lane) ? lane : null),
  });

  switch (event.kind) {
    case 'invoke': {
      const op = event.op;
      if (op && isServerEdit(op, event.actor, clients)) {
        return {
          event,
          place: { shape: 'arrow', from: event.actor, to: SERVER, lost: false },
          tone: 'neutral',
          label: describeOperation(op),
          markers: [],
          client: null,
        };
      }
      return box(actorLane, 'neutral', `▶ ${op ? describeOperation(op) : 'operation'}`);
    }
    case 'ok':
    case 'fail':
    case 'info': {
      const op = operations.get(opKey(event.actor, event.opId)) ?? operations.get(opKey('', event.opId));
      const name = op ? operationName(op) : `operation ${event.opId}`;
      if (event.kind === 'ok') return box(actorLane, 'ok', `✓ ${name}`);
      if (event.kind === 'fail') return box(actorLane, 'fail', `✗ ${name}: ${event.error}`);
      return box(actorLane, 'unknown', `? ${name}: outcome unknown — ${event.error}`);
    }
    case 'http-request': {
      const client = clientOfLink(event.link, event.actor, clients);
      const ifMatch = event.request?.headers?.['if-match'];
      const label = `${event.request?.method ?? '?'} ${readableUrl(event.request?.url ?? '')}${ifMatch ? `  If-Match: ${ifMatch}` : ''}`;
      return {
        event,
        place: { shape: 'arrow', from: client, to: SERVER, lost: false },
        tone: 'neutral',
        label,
        markers: [],
        client,
      };
    }
    case 'http-response': {
      const client = clientOfLink(event.link, event.actor, clients);
      const status = event.response?.status ?? 0;
      const conflict = status === 409 || status === 412;
      const tone: Tone = conflict ? 'conflict' : status >= 200 && status < 400 ? 'ok' : 'fail';
      const label = `${status} ${reasonPhrase(status)}`.trim() + ` · ${event.latencyMs} ms`;
      return {
        event,
        place: { shape: 'arrow', from: SERVER, to: client, lost: false },
        tone,
        label,
        markers: conflict ? ['conflict'] : [],
        client,
      };
    }
    case 'http-failure': {
      const client = clientOfLink(event.link, event.actor, clients);
      const label = `✕ ${event.failure} (${event.applied ? 'applied on the server' : 'not applied'}) · ${event.latencyMs} ms`;
      const place = event.applied
        ? ({ shape: 'arrow', from: SERVER, to: NETWORK, lost: true } as const)
        : ({ shape: 'arrow', from: NETWORK, to: client, lost: false } as const);
      return { event, place, tone: 'fault', label, markers: ['fault'], client };
    }
    case 'fault': {
      const requestId = event.detail?.['requestId'];
      const about = typeof requestId === 'number' ? ` (request ${requestId})` : '';
      return box(
        NETWORK,
        'fault',
        `⚡ ${event.fault} on ${event.link}${about}`,
        ['fault'],
        clientOfLink(event.link, event.actor, clients),
      );
    }
    case 'server-read': {
      // Compact: which rows the page held, and how many rows the pull's query held then.
      const rows = Array.isArray(event.served) ? event.served : [];
      const shown = rows.slice(0, 6).map((row) => `${row.id}${row.deleted ? ' (deleted)' : ''}`);
      const page =
        rows.length === 0
          ? 'served nothing'
          : `served ${shown.join(', ')}${rows.length > 6 ? ` +${rows.length - 6}` : ''}`;
      const held = (event.held ?? []).map((entry) =>
        'rows' in entry
          ? `query${entry.filter !== undefined ? ` '${entry.filter}'` : ''} holds ${entry.rows.length}`
          : `query '${entry.filter ?? ''}' unreadable`,
      );
      return box(SERVER, 'neutral', [page, ...held].join(' · '), [], clientOfLink(event.link, event.actor, clients));
    }
    case 'handler-call': {
      const head = [event.handler, event.status === null ? '' : String(event.status)].filter(Boolean).join(' ');
      const target = `${event.action} ${withId(event.table, event.itemId ?? '')}`;
      if (event.handler === 'onConflict') return box(actorLane, 'conflict', `${head} · ${target}`, ['conflict']);
      return box(actorLane, 'fail', `${head} · ${target}: ${event.error}`, ['error-handler']);
    }
    case 'handler-decision': {
      const lane = calls.get(event.callId) ?? actorLane;
      const extra = [event.action ? `as ${event.action}` : '', event.record ? summarizeFields(event.record, 36) : '']
        .filter(Boolean)
        .join(' ');
      const tone: Tone = event.decision === 'threw' || event.decision === 'unhandled' ? 'fail' : 'decision';
      return box(lane, tone, `→ ${event.decision}${extra ? ` ${extra}` : ''}${event.error ? `: ${event.error}` : ''}`, [
        'decision',
      ]);
    }
    case 'restart':
      return box(
        event.client,
        'fault',
        `⟲ restart${event.midOperation ? ' mid-operation' : ''}`,
        ['restart'],
        event.client,
      );
    case 'partition':
      return box(
        NETWORK,
        event.offline ? 'fault' : 'ok',
        `${event.client} ${event.offline ? 'offline (partitioned)' : 'back online'}`,
        event.offline ? ['fault'] : [],
        event.client,
      );
    case 'heal':
      return box(NETWORK, 'ok', 'network healed — no more faults', [], null);
    case 'users':
      return box(
        NETWORK,
        'neutral',
        `signed in: ${Object.entries(event.users)
          .map(([actor, user]) => `${actor} as ${user}`)
          .join(', ')}`,
        [],
        null,
      );
    case 'store-write': {
      const what = event.statements.map((one) => (one.table ? `${one.statement} ${one.table}` : one.statement));
      const shown = what.length > 3 ? `${what.slice(0, 3).join(', ')} +${what.length - 3}` : what.join(', ');
      const writes = event.first === event.last ? `write ${event.last}` : `writes ${event.first}–${event.last}`;
      return box(event.client, 'neutral', `store commit · ${writes} · ${shown}`, [], event.client);
    }
    case 'stuck': {
      const first = event.waiting[0];
      const label = first
        ? `stuck: ${first.op} #${first.opId} of ${first.client} — waits on ${first.waitsOn}`
        : `stuck (${event.reason})`;
      return { event, place: { shape: 'band' }, tone: 'fail', label, markers: [], client: first?.client ?? null };
    }
    case 'snapshot':
      return {
        event,
        place: { shape: 'band' },
        tone: 'snapshot',
        label: `snapshot · ${event.label}`,
        markers: [],
        client: null,
      };
    case 'note':
      return { event, place: { shape: 'band' }, tone: 'note', label: event.text, markers: [], client: null };
    default: {
      const kind = String((event as { kind?: unknown }).kind);
      return box(actorLane, 'neutral', kind);
    }
  }
}

/** A write by an editor goes straight to the backend, so it is drawn as an arrow to the server. */
function isServerEdit(op: ClientOperation | ServerEdit, actor: string, clients: Set<string>): boolean {
  if ('changes' in op) return true;
  return (
    isEditorName(actor) && !clients.has(actor) && (op.type === 'insert' || op.type === 'update' || op.type === 'delete')
  );
}

function operationName(op: ClientOperation | ServerEdit): string {
  switch (op.type) {
    case 'push':
      return 'push()';
    case 'restart':
    case 'upgrade':
      return op.type;
    case 'read':
    case 'query':
    case 'pull':
    case 'purge':
      return `${op.type} ${op.table}`;
    case 'delete':
    case 'lookup':
      return `${op.type} ${withId(op.table, op.id)}`;
    default:
      return 'changes' in op
        ? `update ${withId(op.table, op.id)}`
        : `${op.type} ${withId(op.table, recordId(op.record))}`;
  }
}

function opKey(actor: string, opId: number): string {
  return `${actor}\u0000${opId}`;
}

function citations(checks: readonly CheckResult[]): Map<number, string[]> {
  const cited = new Map<number, string[]>();
  const add = (seq: number, checker: string): void => {
    const list = cited.get(seq) ?? [];
    if (!list.includes(checker)) list.push(checker);
    cited.set(seq, list);
  };
  for (const check of checks) {
    if (check.valid) continue;
    for (const violation of check.violations ?? []) for (const seq of violation.events ?? []) add(seq, check.checker);
    for (const match of String(check.explanation ?? '').matchAll(/#(\d+)/g)) add(Number(match[1]), check.checker);
  }
  return cited;
}

function assignSlots(intervals: { from: number; to: number }[]): number[] {
  const slotEnds: number[] = [];
  return intervals.map(({ from, to }) => {
    let slot = slotEnds.findIndex((end) => end < from);
    if (slot === -1) slot = slotEnds.length;
    slotEnds[slot] = to;
    return slot;
  });
}

function laneOrder(kind: LaneKind): number {
  return { client: 0, network: 1, server: 2, editor: 3, actor: 4 }[kind];
}

export function buildTimeline(history: History, checks: readonly CheckResult[] = []): Timeline {
  const events = [...history].sort((a, b) => a.seq - b.seq);
  const clients = collectClients(events);
  const operations = new Map<string, ClientOperation | ServerEdit>();
  const calls = new Map<number, string>();
  const drafts: RowDraft[] = [];
  for (const event of events) {
    if (event.kind === 'invoke' && event.op) {
      operations.set(opKey(event.actor, event.opId), event.op);
      if (!operations.has(opKey('', event.opId))) operations.set(opKey('', event.opId), event.op);
    }
    if (event.kind === 'handler-call') calls.set(event.callId, event.actor);
    drafts.push(draftRow(event, clients, operations, calls));
  }

  // Lanes: every client (even a quiet one), the network, the server, then editors and others.
  const laneKinds = new Map<string, LaneKind>();
  for (const client of clients) laneKinds.set(client, 'client');
  laneKinds.set(NETWORK, 'network');
  laneKinds.set(SERVER, 'server');
  const touch = (id: string): void => {
    if (!laneKinds.has(id)) laneKinds.set(id, isEditorName(id) ? 'editor' : isClientName(id) ? 'client' : 'actor');
  };
  for (const draft of drafts) {
    if (draft.place.shape === 'box') touch(draft.place.lane);
    if (draft.place.shape === 'arrow') {
      touch(draft.place.from);
      touch(draft.place.to);
    }
  }
  const lanes: TimelineLane[] = [...laneKinds]
    .map(([id, kind]) => ({ id, kind }))
    .sort((a, b) => laneOrder(a.kind) - laneOrder(b.kind) || compareNatural(a.id, b.id));
  const laneIndex = new Map(lanes.map((lane, index) => [lane.id, index]));
  const indexOf = (id: string): number => laneIndex.get(id) ?? 0;

  // Pairs: invoke ↔ outcome, request ↔ answer, handler call ↔ decision.
  const related = new Map<number, number[]>();
  const relate = (a: number, b: number): void => {
    related.set(a, [...(related.get(a) ?? []), b]);
    related.set(b, [...(related.get(b) ?? []), a]);
  };
  const invokes = new Map<string, number>();
  const requests = new Map<string, { seq: number; row: number }>();
  const callSeqs = new Map<number, number>();
  const flightDrafts: { fromSeq: number; toSeq: number; from: number; to: number; latencyMs: number; lost: boolean }[] =
    [];
  events.forEach((event, row) => {
    switch (event.kind) {
      case 'invoke':
        invokes.set(opKey(event.actor, event.opId), event.seq);
        break;
      case 'ok':
      case 'fail':
      case 'info': {
        const start = invokes.get(opKey(event.actor, event.opId));
        if (start !== undefined) relate(start, event.seq);
        break;
      }
      case 'http-request':
        requests.set(`${event.link}\u0000${event.requestId}`, { seq: event.seq, row });
        break;
      case 'server-read': {
        const start = requests.get(`${event.link}\u0000${event.requestId}`);
        if (start) relate(start.seq, event.seq);
        break;
      }
      case 'http-response':
      case 'http-failure': {
        const start = requests.get(`${event.link}\u0000${event.requestId}`);
        if (start) {
          relate(start.seq, event.seq);
          flightDrafts.push({
            fromSeq: start.seq,
            toSeq: event.seq,
            from: start.row,
            to: row,
            latencyMs: event.latencyMs,
            lost: event.kind === 'http-failure',
          });
        }
        break;
      }
      case 'handler-call':
        callSeqs.set(event.callId, event.seq);
        break;
      case 'handler-decision': {
        const call = callSeqs.get(event.callId);
        if (call !== undefined) relate(call, event.seq);
        break;
      }
      default:
        break;
    }
  });
  const slots = assignSlots(flightDrafts);
  const flights: Flight[] = flightDrafts.map((flight, i) => ({
    fromSeq: flight.fromSeq,
    toSeq: flight.toSeq,
    latencyMs: flight.latencyMs,
    lost: flight.lost,
    slot: slots[i] ?? 0,
  }));

  const snapshotSeqs = events.filter((event) => event.kind === 'snapshot').map((event) => event.seq);
  const nearestSnapshot = (seq: number): TimelineRow['snapshot'] => {
    let before: number | undefined;
    for (const s of snapshotSeqs) if (s <= seq) before = s;
    if (before !== undefined) return { seq: before, relation: before === seq ? 'at' : 'before' };
    const after = snapshotSeqs.find((s) => s > seq);
    return after === undefined ? null : { seq: after, relation: 'after' };
  };

  const cited = citations(checks);
  const rows: TimelineRow[] = drafts.map((draft) => {
    const { event, place } = draft;
    const shape: TimelineShape =
      place.shape === 'box'
        ? { shape: 'box', lane: indexOf(place.lane) }
        : place.shape === 'arrow'
          ? { shape: 'arrow', from: indexOf(place.from), to: indexOf(place.to), lost: place.lost }
          : { shape: 'band' };
    return {
      seq: event.seq,
      t: event.t,
      actor: event.actor,
      kind: String(event.kind),
      shape,
      tone: draft.tone,
      label: draft.label,
      markers: draft.markers,
      citedBy: cited.get(event.seq) ?? [],
      client: draft.client,
      snapshot: nearestSnapshot(event.seq),
      related: related.get(event.seq) ?? [],
    };
  });
  return { lanes, rows, flights };
}
