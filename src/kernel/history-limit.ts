/**
 * How much history a long-running server keeps (`syncwright serve`): the newest events up to a
 * count and a size, with long bodies kept as their length and digest. A simulated run keeps
 * everything (its history is its result); a server that runs for days cannot.
 */
import { createHash } from 'node:crypto';
import type { ElidedBody, HistoryEventBody } from './history.js';

export interface HistoryLimit {
  /** Events kept; the oldest go first. */
  readonly maxEvents: number;
  /** Bytes of the kept events' JSON text. */
  readonly maxBytes: number;
  /** Request and response bodies longer than this (bytes of UTF-8) are kept as their length and SHA-256. */
  readonly maxBodyBytes: number;
}

const MIB = 1024 * 1024;

/**
 * 20,000 events or 16 MiB of JSON, whichever comes first, and bodies up to 4 KiB (a page of
 * records is kept; a megabyte of hostile text is not). Parsed events take about twice their
 * JSON size in memory, so the default stays well under the 32 MiB the issue allows.
 */
export const DEFAULT_HISTORY_LIMIT: HistoryLimit = { maxEvents: 20_000, maxBytes: 16 * MIB, maxBodyBytes: 4096 };

/** @throws RangeError for a limit that is not whole numbers of at least 1. */
export function checkHistoryLimit(limit: HistoryLimit): void {
  for (const key of ['maxEvents', 'maxBytes', 'maxBodyBytes'] as const) {
    if (!Number.isSafeInteger(limit[key]) || limit[key] < 1)
      throw new RangeError(`history limit: ${key} must be a whole number >= 1, got ${String(limit[key])}`);
  }
}

/** What a bounded history left out since it began. */
export interface HistoryDrops {
  /** Events dropped from the front, and the bytes of their JSON. */
  readonly events: number;
  readonly bytes: number;
  /** Bodies kept as their length and digest only. */
  readonly elidedBodies: number;
}

/** `body` with any request or response body over `maxBodyBytes` replaced by its length and digest. */
export function elideLongBodies(body: HistoryEventBody, maxBodyBytes: number): HistoryEventBody {
  if (body.kind === 'http-request') {
    const elided = elide(body.request.body, maxBodyBytes);
    if (elided === undefined) return body;
    const { body: _dropped, ...request } = body.request;
    return { ...body, request, bodyElided: elided };
  }
  if (body.kind === 'http-response') {
    const elided = elide(body.response.body, maxBodyBytes);
    if (elided === undefined) return body;
    return { ...body, response: { ...body.response, body: '' }, bodyElided: elided };
  }
  return body;
}

function elide(text: string | undefined, maxBodyBytes: number): ElidedBody | undefined {
  // A UTF-16 unit takes at most three bytes of UTF-8: short texts need no byte count.
  if (text === undefined || text.length <= maxBodyBytes / 3) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBodyBytes) return undefined;
  return { bytes, sha256: sha256Of(text) };
}

/** Hashing slices of the text keeps the UTF-8 copy small: a large body is never encoded at once. */
const HASH_SLICE = 16 * 1024;

function sha256Of(text: string): string {
  const hash = createHash('sha256');
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + HASH_SLICE);
    // Never between the two halves of a surrogate pair: each half alone would encode as U+FFFD.
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    hash.update(text.slice(start, end), 'utf8');
    start = end;
  }
  return hash.digest('hex');
}
