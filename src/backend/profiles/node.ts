/**
 * The Node.js server: azure-mobile-apps 4.0.2 on express 4 with its sqlite data provider. Every
 * answer here was read in the package's source (azure/azure-mobile-apps-node, `src/express/…`,
 * `src/data/sqlite/…`) and checked against a running copy (see docs/server-profiles.md).
 */
import * as crypto from 'node:crypto';
import { formatTimestamp, parseIsoTimestamp } from '../../protocol/datetime.js';
import { parseIfMatch } from '../../protocol/etag.js';
import type { HttpHeaders, HttpResponse } from '../../protocol/http.js';
import { EPOCH_MS_DATES, type SqlDialect } from '../../protocol/odata/sql.js';
import type { RandomSource } from '../../kernel/random.js';
import { RecentMemo } from '../../kernel/recent-memo.js';
import type {
  Compatibility,
  NextPage,
  ProfileAnswers,
  RequestContext,
  ServerProfile,
  TimestampCodec,
  VersionSource,
} from './profile.js';
import { processCaches } from '../../kernel/process-caches.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
/** What the table routes answer to OPTIONS: express's router lists the methods of the matched routes. */
const ROUTE_METHODS = 'GET,HEAD,POST,PATCH,DELETE';
/** JavaScript dates reach ±8.64e15 ms; beyond that toISOString throws. */
const LARGEST_DATE_MS = 8.64e15;

export const NODE_SERVER_VERSION = 'node-4.0.2';

/**
 * Stored stamps' wire text. A backend formats the same few hundred stamps over and over (every
 * pull serves them again), and a Map lookup is a tenth of the formatting. Shared by every
 * backend: the text of a number never changes, and a run's first backend warms it for the next.
 */
const formatted = new RecentMemo(formatTimestamp, 1024);
processCaches.register('backend timestamp texts', formatted);

/** Timestamps as epoch milliseconds; the wire shows three fractional digits. */
export function epochMsTimestamps(): TimestampCodec {
  return {
    affinity: 'INTEGER',
    stamp: (ms) => Math.floor(ms),
    parse: (text) => {
      const ms = parseIsoTimestamp(text);
      return ms === undefined || Math.abs(ms) > LARGEST_DATE_MS ? undefined : ms;
    },
    format: (stored) => formatted.get(Number(stored)),
  };
}

/** Eight random bytes in base64, never equal to the version they replace: unique across rows and time. */
export function randomVersions(random: RandomSource): VersionSource {
  return {
    next(previous) {
      for (;;) {
        const words = [random.nextUint32(), random.nextUint32()];
        let bytes = '';
        for (const word of words)
          bytes += String.fromCharCode(word >>> 24, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff);
        const version = btoa(bytes);
        if (version !== previous) return version;
      }
    },
  };
}

/**
 * The sqlite provider's versions: a per-row counter (`version = OLD.version + 1` in its update
 * trigger) sent as the base64 of its decimal text — `MQ==`, `Mg==`… A re-created row starts at
 * `MQ==` again, so an old `If-Match` can match a different record.
 */
function rowCounterVersions(): VersionSource {
  return {
    next(previous) {
      let count = 0;
      if (previous !== undefined) {
        try {
          // SQLite's `+ 1` reads the text's leading number, 0 when there is none.
          count = Number.parseInt(atob(previous), 10) || 0;
        } catch {
          count = 0;
        }
      }
      return btoa(String(count + 1));
    },
  };
}

/** `crypto.hash` (Node 20.12+): a one-shot digest, cheaper than a Hash object per answer. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64') => string }).hash;

/** Bodies longer than this are hashed every time: a memo must not hold large texts. */
const MEMO_BODY_CHARS = 4096;

/**
 * ETags of recent bodies. Four answers in five repeat one of the last few hundred (an empty
 * page, the same record read again, the same error), and hashing the text as a key costs far
 * less than SHA-1 over its UTF-8 bytes.
 */
const RECENT_ETAGS = new RecentMemo<string, string>(computeWeakETag, 512);
processCaches.register('backend etags', RECENT_ETAGS);

/** Express's default weak ETag (the `etag` package): body length and SHA-1, on bodies that set none. */
export function weakETag(body: string): string {
  return body.length <= MEMO_BODY_CHARS ? RECENT_ETAGS.get(body) : computeWeakETag(body);
}

function computeWeakETag(body: string): string {
  const digest =
    oneShotHash !== undefined
      ? oneShotHash('sha1', body, 'base64')
      : crypto.createHash('sha1').update(body, 'utf8').digest('base64');
  return `W/"${Buffer.byteLength(body, 'utf8').toString(16)}-${digest.slice(0, 27)}"`;
}

/** finalhandler's page for a request no route took (express 4). */
function cannotPage(method: string, path: string): string {
  const message = `Cannot ${method} ${encodeUrl(path)}`;
  return (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n' +
    `<pre>${escapeHtml(message)}</pre>\n</body>\n</html>\n`
  );
}

/**
 * As the encodeurl package does for finalhandler: characters a URL may not hold are
 * percent-encoded, valid escapes are kept, a lone surrogate becomes U+FFFD.
 */
function encodeUrl(text: string): string {
  const wellFormed = text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return wellFormed.replace(/%(?![0-9A-Fa-f]{2})|[^\x21\x23-\x3B\x3D\x3F-\x5F\x61-\x7A\x7C\x7E%]/gu, (ch) =>
    ch === '%' ? '%25' : encodeURI(ch),
  );
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '"': '&quot;',
  '&': '&amp;',
  "'": '&#39;',
  '<': '&lt;',
  '>': '&gt;',
};

function escapeHtml(text: string): string {
  return text.replace(/["&'<>]/g, (ch) => HTML_ESCAPES[ch]!);
}

function nodeAnswers(compatibility: Compatibility): ProfileAnswers {
  // Built key by key: this runs for every answer of every simulated run.
  const json = (status: number, body: string, headers?: HttpHeaders, uncached = false): HttpResponse => {
    const all: HttpHeaders = { 'x-zumo-server-version': NODE_SERVER_VERSION, 'content-type': JSON_TYPE };
    if (headers !== undefined) for (const name in headers) all[name] = headers[name]!;
    if (all.etag === undefined) all.etag = weakETag(body);
    if (uncached) {
      // renderResults' preventCaching: every answer it renders (and the 404 of a GET it finds nothing for).
      all['cache-control'] = 'no-cache';
      all.expires = '0';
      all.pragma = 'no-cache';
    }
    return { status, headers: all, body };
  };
  const error = (status: number, message: string) => json(status, JSON.stringify({ error: message }));
  const noRoute = (request: RequestContext): HttpResponse => ({
    status: 404,
    headers: {
      'x-zumo-server-version': NODE_SERVER_VERSION,
      'content-security-policy': "default-src 'none'",
      'x-content-type-options': 'nosniff',
      'content-type': HTML_TYPE,
    },
    body: cannotPage(request.method, request.path),
  });
  return {
    noRoute,
    apiVersion: () =>
      error(
        400,
        'An invalid API version was specified in the request, this request needs to specify a ZUMO-API-VERSION of 2.0.0.',
      ),
    options: () => ({
      status: 200,
      headers: {
        'x-zumo-server-version': NODE_SERVER_VERSION,
        allow: ROUTE_METHODS,
        'content-type': HTML_TYPE,
        etag: weakETag(ROUTE_METHODS),
      },
      body: ROUTE_METHODS,
    }),
    methodNotAllowed: (request, allowed) =>
      compatibility === 'exact'
        ? noRoute(request)
        : {
            ...error(405, `The method ${abbreviate(request.method)} is not allowed on ${abbreviate(request.path)}`),
            headers: { ...error(405, '').headers, allow: allowed },
          },
    error,
    result: (status, body, headers) => json(status, body, headers, true),
    json: (status, body, headers) => json(status, body, headers),
    notFound: (_request, operation) =>
      operation === 'read'
        ? json(404, JSON.stringify({ error: 'The item does not exist' }), undefined, true)
        : error(404, 'The item does not exist'),
    idTaken: (_table, _id, itemJson) => json(409, itemJson),
    noContent: () => ({ status: 204, headers: { 'x-zumo-server-version': NODE_SERVER_VERSION }, body: '' }),
  };
}

/**
 * nextLink.js: `url.format({ protocol, hostname, pathname: req.path, query })`, the query being
 * the request's with `$top` (the page's take) and `$skip` (grown by the page) set in place or
 * appended, encoded by querystring (`$` as `%24`), then `; rel=next` — no angle brackets. The
 * real link loses the port (`req.hostname`) and the table's path (`req.path` inside the table's
 * router is `/`); by default syncwright keeps both, so that a client following it gets the page.
 */
function nodeLink(compatibility: Compatibility) {
  return (page: NextPage): string => {
    const params = page.params.map(([name, value]) => [name, value] as [string, string]);
    const set = (name: string, value: string) => {
      const index = params.findIndex(([existing]) => existing === name);
      if (index < 0) params.push([name, value]);
      else {
        params[index] = [name, value];
        for (let i = params.length - 1; i > index; i--) if (params[i]![0] === name) params.splice(i, 1);
      }
    };
    set('$top', String(page.limit));
    set('$skip', String(page.skip + page.count));
    const query = params.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');
    if (compatibility === 'exact') {
      const url = new URL(page.request.baseUrl);
      return `${url.protocol}//${url.hostname}/?${query}; rel=next`;
    }
    return `${page.request.baseUrl}/tables/${page.tablePath}?${query}; rel=next`;
  };
}

function abbreviate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export const NODE_PROFILE: ServerProfile = {
  name: 'node',
  imitates: 'azure-mobile-apps 4.0.2 (Node.js, express 4, sqlite provider)',
  serverVersion: NODE_SERVER_VERSION,
  sqlDialect: (compatibility): SqlDialect => ({
    nulls: 'three-valued',
    strings: { kind: 'binary' },
    dates: EPOCH_MS_DATES,
    functions: compatibility === 'exact' ? 'azure-odata-sql' : 'standard',
  }),
  createTimestamps: () => epochMsTimestamps(),
  createVersions: (compatibility, random) =>
    compatibility === 'exact' ? rowCounterVersions() : randomVersions(random),
  newId: (random) => random.uuid(),
  tieBreak: 'insertion',
  recordOrder: 'columns-first',
  systemPropertiesInBody: 'reserved',
  // `*`, weak and empty values never match: the server compares the text with the stored version.
  readIfMatch: parseIfMatch,
  integerIds: 'number',
  includeDeleted: 'any-value',
  singleRecordSeesDeleted: false,
  statuses: { delete: 200, undelete: 201 },
  idMismatch: () => 'The item ID and querystring ID did not match',
  reservedProperty: (property) => `Cannot update item with property '${property}' as it is reserved`,
  notFoundMessage: 'The item does not exist',
  errorWording: 'plain',
  timestampDigits: 3,
  locationOnInsert: false,
  paging: (compatibility) => ({
    enforceMaxTop: true,
    topBeyondPageSize: 'returned',
    linkWhen: 'full-page',
    link: nodeLink(compatibility),
  }),
  answers: nodeAnswers,
  quirks: (compatibility) =>
    compatibility === 'exact'
      ? {
          queryErrors: 'server-error',
          counts: 'parse-int',
          nonJsonBody: 'missing-item',
          unknownProperty: 'server-error',
          head: 'server-error',
          emptyInsert: 'empty-item',
          collectionDelete: 'sql-error',
        }
      : {
          queryErrors: 'client-error',
          counts: 'strict',
          nonJsonBody: 'unsupported-media-type',
          unknownProperty: 'client-error',
          head: 'like-get',
          emptyInsert: 'refused',
          collectionDelete: 'explained',
        },
  apiVersionFirst: 'header',
  apiVersionBeforeRouting: true,
  collectionWrites: true,
  sqlFunctions: [],
};
