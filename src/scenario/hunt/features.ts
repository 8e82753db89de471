/**
 * What a run reached, as fine-grained features: the guidance keeps a program when it reaches a
 * feature no earlier run reached. Coarse counters saturate within a hundred runs, so features
 * are pairs and shapes:
 *
 * - `count:<counter>:<bucket>` — each coverage counter by power-of-two bucket (AFL's hit counts);
 * - `handler:<handler>:<action>:<status>:<decision>` — a handler call, what it answered;
 * - `fault:<kind>:<step kind>` — a fault and the operation its client was running;
 * - `queue:<shape>` — the operation queue's actions when a push started;
 * - `pages:<pattern>` — the sizes of a pull's pages;
 * - `sdk:<file>:<block>` — for the real SDK, a block of its own source that ran.
 *
 * Features travel as 32-bit hashes (FNV-1a): cheap to send between threads and to keep.
 */
import { indexHistory } from '../../check/history-index.js';
import type { History } from '../../kernel/history.js';

export function runFeatures(
  history: History,
  coverage: Readonly<Record<string, number>>,
  extra: readonly string[] = [],
): number[] {
  return [...new Set([...featureNames(history, coverage), ...extra].map(featureHash))];
}

/** The named features of a run (before hashing), for tests and for reading. */
export function featureNames(history: History, coverage: Readonly<Record<string, number>>): string[] {
  const names = new Set<string>();
  for (const [counter, count] of Object.entries(coverage)) {
    if (count > 0) names.add(`count:${counter}:${bucket(count)}`);
  }
  const index = indexHistory(history);
  for (const call of index.handlerCalls) {
    const event = call.call;
    names.add(
      `handler:${event.handler}:${event.action}:${event.status ?? 'none'}:${call.decision?.decision ?? 'none'}`,
    );
  }
  // The operation each client is running, to pair with the faults on its link.
  const running = new Map<string, string>();
  let lastSnapshot: (typeof index.snapshots)[number] | undefined;
  for (const event of history) {
    if (event.kind === 'snapshot') lastSnapshot = event;
    else if (event.kind === 'invoke') {
      running.set(event.actor, event.op.type);
      if (event.op.type === 'push' && lastSnapshot !== undefined) {
        const queue = lastSnapshot.clients[event.actor]?.operations ?? [];
        names.add(`queue:${queue.map((op) => op.action[0]).join('') || 'empty'}`);
      }
    } else if (event.kind === 'fault') names.add(`fault:${event.fault}:${running.get(event.link) ?? 'idle'}`);
    else if (event.kind === 'restart') names.add(`restart:${event.midOperation ? running.get(event.client) : 'idle'}`);
  }
  for (const pull of index.pulls) {
    const pages: string[] = [];
    for (const exchange of pull.exchanges) {
      const rows = exchange.action === 'query' ? rowsIn(exchange.response?.body) : undefined;
      pages.push(rows === undefined ? (exchange.failure ?? String(exchange.response?.status ?? '?')) : String(rows));
      if (pages.length >= 8) break;
    }
    names.add(`pages:${pages.join(',')}`);
  }
  return [...names];
}

/** The rows of a page: a JSON array, or `{ results: [...] }` with a count. */
function rowsIn(body: string | undefined): number | undefined {
  if (body === undefined || body === '') return undefined;
  try {
    const value: unknown = JSON.parse(body);
    if (Array.isArray(value)) return value.length;
    const results = (value as { results?: unknown } | null)?.results;
    return Array.isArray(results) ? results.length : undefined;
  } catch {
    return undefined;
  }
}

/** 1, 2, 3, 4-7, 8-15…: AFL's buckets, so that "twice as often" is new and "one more" is not. */
function bucket(count: number): number {
  return count <= 3 ? count : 2 ** Math.floor(Math.log2(count));
}

/** FNV-1a, 32 bits. */
export function featureHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
