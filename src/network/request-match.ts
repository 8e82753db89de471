/**
 * What a request means, rather than where it falls in a link's count: the method, the table, the
 * record a write names and the operation a query belongs to. Two clients that send different
 * numbers of requests for one program (the SDK pages, retries and pushes at other moments than
 * the reference client) still send "the second PATCH of r1" or "the first page of pull #17";
 * fault decisions aimed at those land on the same moment of both runs.
 */
import type { HttpRequest } from '../protocol/http.js';

/** A request as a fault trigger names it: every field given must match. */
export interface RequestMatch {
  /** Upper case: `GET`, `POST`, `PATCH`, `DELETE`. */
  readonly method: string;
  readonly table: string;
  /** The record a write is about: the URL's id, or the `id` of an insert's body. */
  readonly itemId?: string;
  /** The id of the operation that sent the request (the world numbers operations as the program starts them). */
  readonly op?: number;
}

/** What the link knows of one request it carries. */
export interface RequestTarget {
  readonly method: string;
  readonly table: string | null;
  readonly itemId: string | null;
  /** The operation it belongs to, when the sender knows (a pull's page queries). */
  readonly op: number | null;
}

export const MATCH_METHODS = ['GET', 'POST', 'PATCH', 'DELETE'] as const;

/**
 * `readBody: false` leaves an insert's `itemId` null rather than parse its body: for a link none
 * of whose rules names a record (parsing every insert's body for nobody cost more than the rest
 * of this function).
 */
export function requestTarget(request: HttpRequest, op: number | null = null, readBody = true): RequestTarget {
  const method = request.method.toUpperCase();
  const url = request.url;
  const queryAt = url.indexOf('?');
  const segments = (queryAt < 0 ? url : url.slice(0, queryAt)).split('/');
  // The two non-empty segments after the first `tables` (any case): every request a link carries passes here.
  let table: string | null = null;
  let itemId: string | null = null;
  let found = 0;
  for (let i = 0; i < segments.length && found < 3; i++) {
    const segment = segments[i]!;
    if (segment === '') continue;
    if (found === 0) {
      if (segment.length === 6 && segment.toLowerCase() === 'tables') found = 1;
    } else if (found === 1) {
      table = decode(segment);
      found = 2;
    } else {
      itemId = decode(segment);
      found = 3;
    }
  }
  if (itemId === null && method === 'POST' && readBody) itemId = bodyId(request.body);
  return { method, table, itemId, op };
}

export function targetMatches(match: RequestMatch, target: RequestTarget): boolean {
  return (
    match.method === target.method &&
    match.table === target.table &&
    (match.itemId === undefined || match.itemId === target.itemId) &&
    (match.op === undefined || match.op === target.op)
  );
}

/** `PATCH todoitem/r1`, `GET todoitem (op #17)`: how a report names a request it aligned. */
export function describeMatch(match: RequestMatch): string {
  const item = match.itemId === undefined ? '' : `/${match.itemId}`;
  const op = match.op === undefined ? '' : ` (op #${match.op})`;
  return `${match.method} ${match.table}${item}${op}`;
}

function decode(segment: string | undefined): string | null {
  if (segment === undefined || segment === '') return null;
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function bodyId(body: string | undefined): string | null {
  if (body === undefined || body === '') return null;
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const id = (value as Record<string, unknown>)['id'];
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
