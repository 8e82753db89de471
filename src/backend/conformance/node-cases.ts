/**
 * The Node profile's case table: azure-mobile-apps 4.0.2. Sources are files of
 * azure/azure-mobile-apps-node at 4.0.2 (`src/…`), of azure-odata-sql 0.2.0, or answers observed
 * on a running 4.0.2 server (express 4.22.3, sqlite3 5.1.7 / SQLite 3.44.2) on 2026-12-02.
 */
import { jsonArray, jsonBody, jsonWith, recordIds, textBody } from './expect.js';
import type { CaseContext, ConformanceCase } from './types.js';

const OBSERVED = 'observed on a running azure-mobile-apps 4.0.2 server, 2026-12-02';
const API_VERSION_MESSAGE =
  'An invalid API version was specified in the request, this request needs to specify a ZUMO-API-VERSION of 2.0.0.';
const WEAK_ETAG = /^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/;
const NOT_FOUND = { error: 'The item does not exist' };
const uncached = { 'cache-control': 'no-cache', expires: '0', pragma: 'no-cache' } as const;

const collection = (c: CaseContext, query = '') => `/tables/${c.table}${query}`;
const item = (c: CaseContext, name: string, query = '') =>
  `/tables/${c.table}/${encodeURIComponent(c.id(name))}${query}`;
const insert = (c: CaseContext, name: string, fields: Record<string, unknown> = {}) => ({
  method: 'POST',
  path: collection(c),
  json: { id: c.id(name), ...fields },
});
const filter = (text: string) => `?$filter=${encodeURIComponent(text)}`;
/** `(id eq '<run>-x' or id eq '<run>-y')`: this run's records, in words every server reads alike. */
const ofRun = (c: CaseContext, ...names: string[]) => `(${names.map((name) => `id eq '${c.id(name)}'`).join(' or ')})`;

export const NODE_CASES: readonly ConformanceCase[] = [
  {
    id: 'N-api-version',
    title: 'a request without ZUMO-API-VERSION is refused',
    source: 'src/express/middleware/apiVersionCheck.js',
    readOnly: true,
    request: (c) => ({ method: 'GET', path: collection(c), headers: { 'zumo-api-version': undefined } }),
    expect: () => ({
      status: 400,
      headers: { 'x-zumo-server-version': 'node-4.0.2', etag: WEAK_ETAG },
      body: jsonBody({ error: API_VERSION_MESSAGE }),
    }),
  },
  {
    id: 'N-unknown-table',
    title: "an unknown table gets express's HTML 404 page",
    source: `${OBSERVED} (express 4's finalhandler; src/express/index.js mounts no other route)`,
    readOnly: true,
    request: (c) => ({ method: 'GET', path: `/tables/${c.table}_missing` }),
    expect: (c) => ({
      status: 404,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'x-zumo-server-version': 'node-4.0.2',
        'content-security-policy': "default-src 'none'",
      },
      body: textBody(
        `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot GET /tables/${c.table}_missing</pre>\n</body>\n</html>\n`,
      ),
    }),
  },
  {
    id: 'N-options',
    title: "OPTIONS is answered by express's router: 200 with the routes' methods",
    source: `${OBSERVED} (src/express/tables/tableRouter.js registers GET, POST, PATCH, DELETE)`,
    readOnly: true,
    request: (c) => ({ method: 'OPTIONS', path: collection(c), headers: { 'zumo-api-version': undefined } }),
    expect: () => ({
      status: 200,
      headers: { allow: 'GET,HEAD,POST,PATCH,DELETE', 'content-type': 'text/html; charset=utf-8' },
      body: textBody('GET,HEAD,POST,PATCH,DELETE'),
    }),
  },
  {
    id: 'N-read-headers',
    title: "a collection read carries node-4.0.2, express's weak ETag and no-cache headers",
    source: 'src/configuration/defaults.js (version), src/express/middleware/renderResults.js (preventCaching)',
    readOnly: true,
    request: (c) => ({ method: 'GET', path: collection(c, '?$top=1') }),
    expect: () => ({
      status: 200,
      headers: { 'x-zumo-server-version': 'node-4.0.2', etag: WEAK_ETAG, ...uncached },
      body: jsonArray(),
    }),
  },
  {
    id: 'N-top-limit',
    title: '$top above the table maximum is a 400',
    source: 'src/express/middleware/tables/parseQuery.js',
    readOnly: true,
    request: (c) => ({ method: 'GET', path: collection(c, '?$top=1001') }),
    expect: () => ({ status: 400, body: jsonBody({ error: 'You cannot request more than 1000 records' }) }),
  },
  {
    id: 'N-bad-filter',
    title: 'a $filter that does not parse: 500 from the parser (syncwright: a 400 pointing at the problem)',
    source: `${OBSERVED}: {"error":"Syntax error ';' (at index 12)"}`,
    readOnly: true,
    request: (c) => ({ method: 'GET', path: collection(c, filter("text eq 'x'; DROP")) }),
    expect: (c) => ({
      status: c.compatibility === 'exact' ? 500 : 400,
      body: jsonWith({ error: /./ }),
    }),
  },
  {
    id: 'N-unknown-column',
    title: "an unknown property in $filter: SQLite's 500 (syncwright: a 400 naming it)",
    source: OBSERVED,
    readOnly: true,
    request: (c) => ({ method: 'GET', path: collection(c, filter("colour eq 'x'")) }),
    expect: (c) =>
      c.compatibility === 'exact'
        ? { status: 500, body: jsonBody({ error: 'SQLITE_ERROR: no such column: colour' }) }
        : { status: 400, body: jsonBody({ error: "Invalid $filter: unknown property 'colour'" }) },
  },
  {
    id: 'N-negative-top',
    title: 'a negative $top returns every row (syncwright: a 400)',
    source: 'src/express/middleware/tables/parseQuery.js (parseInt, then a negative SQLite LIMIT)',
    readOnly: true,
    request: (c) => ({ method: 'GET', path: collection(c, '?$top=-1') }),
    expect: (c) => (c.compatibility === 'exact' ? { status: 200, body: jsonArray() } : { status: 400 }),
  },
  {
    id: 'N-insert',
    title: 'an insert answers 201 with the record and its version as ETag',
    source:
      'src/express/tables/tableRouter.js, src/express/middleware/tables/eTag.js, src/express/middleware/renderResults.js',
    readOnly: false,
    request: (c) => insert(c, 'insert', { text: 'milk', complete: false }),
    expect: (c) => ({
      status: 201,
      headers: { etag: /^"[^"]+"$/, ...uncached },
      body: jsonWith({ id: c.id('insert'), text: 'milk', complete: false, deleted: false }),
    }),
  },
  {
    id: 'N-insert-integer-id',
    title: 'a whole-number id is accepted and stored as its text',
    source: `${OBSERVED} (src/data/sqlite/statements/insert.js into a TEXT id column)`,
    readOnly: false,
    request: (c) => ({ method: 'POST', path: collection(c), json: { id: c.number, text: 'number' } }),
    expect: (c) => ({ status: 201, body: jsonWith({ id: String(c.number), text: 'number' }) }),
  },
  {
    id: 'N-insert-no-content-type',
    title: 'a body without Content-Type is read as JSON',
    source: 'src/express/middleware/tables/parseItem.js',
    readOnly: false,
    request: (c) => ({
      method: 'POST',
      path: collection(c),
      text: JSON.stringify({ id: c.id('plain'), text: 'plain' }),
    }),
    expect: (c) => ({ status: 201, body: jsonWith({ id: c.id('plain'), text: 'plain' }) }),
  },
  {
    id: 'N-insert-taken',
    title: 'an insert of a taken id answers 409 echoing the request item',
    source: 'src/express/middleware/handleError.js (err.duplicate)',
    readOnly: false,
    setup: (c) => [insert(c, 'taken', { text: 'first' })],
    request: (c) => insert(c, 'taken', { text: 'second' }),
    expect: (c) => ({
      status: 409,
      headers: { etag: WEAK_ETAG },
      body: jsonBody({ id: c.id('taken'), text: 'second' }),
    }),
  },
  {
    id: 'N-reserved',
    title: 'a system property in a body is refused, whatever its case',
    source: 'src/express/middleware/tables/checkReservedProperties.js',
    readOnly: false,
    request: (c) => insert(c, 'reserved', { UpdatedAt: '2020-01-01T00:00:00.000Z' }),
    expect: () => ({
      status: 400,
      body: jsonBody({ error: "Cannot update item with property 'UpdatedAt' as it is reserved" }),
    }),
  },
  {
    id: 'N-patch-collection',
    title: 'PATCH /tables/{table} takes the id from the body',
    source: 'src/express/tables/tableRouter.js (PATCH on "/"), src/express/middleware/tables/parseItem.js',
    readOnly: false,
    setup: (c) => [insert(c, 'patch', { text: 'milk' })],
    request: (c) => ({ method: 'PATCH', path: collection(c), json: { id: c.id('patch'), text: 'eggs' } }),
    expect: (c) => ({
      status: 200,
      headers: { etag: /^"[^"]+"$/ },
      body: jsonWith({ id: c.id('patch'), text: 'eggs' }),
    }),
  },
  {
    id: 'N-patch-id-mismatch',
    title: 'an id in the path and another in the body are a 400',
    source: 'src/express/middleware/tables/parseItem.js',
    readOnly: false,
    setup: (c) => [insert(c, 'mismatch')],
    request: (c) => ({ method: 'PATCH', path: item(c, 'mismatch'), json: { id: c.id('other'), text: 'x' } }),
    expect: () => ({ status: 400, body: jsonBody({ error: 'The item ID and querystring ID did not match' }) }),
  },
  {
    id: 'N-patch-stale-if-match',
    title: 'a stale If-Match answers 412 with the current record and its ETag',
    source: 'src/express/middleware/handleError.js (err.concurrency with if-match)',
    readOnly: false,
    setup: (c) => [insert(c, 'stale', { text: 'milk' })],
    request: (c) => ({
      method: 'PATCH',
      path: item(c, 'stale'),
      headers: { 'if-match': '"c3RhbGU="' },
      json: { text: 'x' },
    }),
    expect: (c) => ({
      status: 412,
      headers: { etag: /^"[^"]+"$/ },
      body: jsonWith({ id: c.id('stale'), text: 'milk' }),
    }),
  },
  {
    id: 'N-patch-stale-body-version',
    title: 'a stale version in the body (no If-Match) answers 409 with the current record',
    source: 'src/express/middleware/handleError.js, src/data/sqlite/statements/update.js',
    readOnly: false,
    setup: (c) => [insert(c, 'body-version', { text: 'milk' })],
    request: (c) => ({ method: 'PATCH', path: item(c, 'body-version'), json: { text: 'x', version: 'c3RhbGU=' } }),
    expect: (c) => ({ status: 409, body: jsonWith({ id: c.id('body-version'), text: 'milk' }) }),
  },
  {
    id: 'N-get-soft-deleted',
    title: 'GET of a soft-deleted record is a 404, even with __includeDeleted=true',
    source: `src/express/middleware/tables/parseQuery.js (an id query drops __includeDeleted); ${OBSERVED}`,
    readOnly: false,
    setup: (c) => [insert(c, 'gone'), { method: 'DELETE', path: item(c, 'gone') }],
    request: (c) => ({ method: 'GET', path: item(c, 'gone', '?__includeDeleted=true') }),
    expect: () => ({ status: 404, body: jsonBody(NOT_FOUND) }),
  },
  {
    id: 'N-link',
    title: 'a full page links to the next: no angle brackets, $ encoded, $top always present',
    source: 'src/express/middleware/tables/nextLink.js (url.format of req.query)',
    readOnly: false,
    setup: (c) => [insert(c, 'page-1'), insert(c, 'page-2')],
    request: (c) => ({ method: 'GET', path: collection(c, `${filter(ofRun(c, 'page-1', 'page-2'))}&$top=1`) }),
    expect: (c) => {
      const query = `%24filter=${encodeURIComponent(ofRun(c, 'page-1', 'page-2'))}&%24top=1&%24skip=1; rel=next`;
      // The real link keeps only the host's name and loses the table's path; syncwright keeps both.
      const link =
        c.compatibility === 'exact'
          ? `${new URL(c.baseUrl).protocol}//${c.hostname}/?${query}`
          : `${c.baseUrl}/tables/${c.table}?${query}`;
      return { status: 200, headers: { link } };
    },
  },
  {
    id: 'N-three-valued-null',
    title: 'not (complete eq true) leaves out rows whose complete is null',
    source: `azure-odata-sql 0.2.0 src/format.js (eq is '=', not is NOT); ${OBSERVED}`,
    readOnly: false,
    setup: (c) => [
      insert(c, 'null-t', { complete: true }),
      insert(c, 'null-f', { complete: false }),
      insert(c, 'null-n', { complete: null }),
    ],
    request: (c) => ({
      method: 'GET',
      path: collection(c, filter(`${ofRun(c, 'null-t', 'null-f', 'null-n')} and not (complete eq true)`)),
    }),
    expect: (c) => ({ status: 200, body: recordIds([c.id('null-f')]) }),
  },
  {
    id: 'N-startswith',
    title: "startswith builds its LIKE pattern with SQL Server's '+', which SQLite adds as numbers: nothing matches",
    source: `azure-odata-sql 0.2.0 src/format.js (_formatMappedStringMember); ${OBSERVED}`,
    readOnly: false,
    setup: (c) => [insert(c, 'starts', { text: 'apple' })],
    request: (c) => ({
      method: 'GET',
      path: collection(c, filter(`id eq '${c.id('starts')}' and startswith(text,'ap')`)),
    }),
    expect: (c) => ({ status: 200, body: recordIds(c.compatibility === 'exact' ? [] : [c.id('starts')]) }),
  },
  {
    id: 'N-delete-collection-body',
    title:
      'DELETE /tables/{table} reads no id from the body: its SQL fails without a $filter (syncwright: a 400 saying so)',
    source: `src/express/middleware/tables/parseQuery.js, src/data/sqlite/statements/delete.js; ${OBSERVED}`,
    readOnly: false,
    setup: (c) => [insert(c, 'keep')],
    request: (c) => ({ method: 'DELETE', path: collection(c), json: { id: c.id('keep') } }),
    expect: (c) =>
      c.compatibility === 'exact'
        ? { status: 500, body: jsonBody({ error: 'SQLITE_ERROR: near "AND": syntax error' }) }
        : { status: 400, body: jsonWith({ error: /\$filter/ }) },
  },
  {
    id: 'N-delete',
    title: 'DELETE answers 200 with the soft-deleted record',
    source: 'src/data/sqlite/statements/delete.js, src/express/middleware/renderResults.js',
    readOnly: false,
    setup: (c) => [insert(c, 'delete')],
    request: (c) => ({ method: 'DELETE', path: item(c, 'delete') }),
    expect: (c) => ({ status: 200, body: jsonWith({ id: c.id('delete'), deleted: true }) }),
  },
  {
    id: 'N-undelete',
    title: 'POST /tables/{table}/{id} undeletes and answers 201',
    source: `src/express/tables/tableRouter.js (undelete), src/express/middleware/renderResults.js (POST: 201); ${OBSERVED}`,
    readOnly: false,
    setup: (c) => [insert(c, 'undelete'), { method: 'DELETE', path: item(c, 'undelete') }],
    request: (c) => ({ method: 'POST', path: item(c, 'undelete') }),
    expect: (c) => ({ status: 201, body: jsonWith({ id: c.id('undelete'), deleted: false }) }),
  },
  {
    id: 'N-patch-missing',
    title: 'a PATCH of a record that is not there is a 404',
    source: 'src/express/middleware/handleError.js (err.concurrency without item)',
    readOnly: false,
    request: (c) => ({ method: 'PATCH', path: item(c, 'never-made'), json: { text: 'x' } }),
    expect: () => ({ status: 404, headers: { etag: WEAK_ETAG }, body: jsonBody(NOT_FOUND) }),
  },
  {
    id: 'N-delete-missing',
    title: 'a DELETE of a record that is not there is a 404 with a body',
    source: 'src/data/sqlite/statements/delete.js (notFound), src/express/middleware/handleError.js',
    readOnly: false,
    request: (c) => ({ method: 'DELETE', path: item(c, 'never-made') }),
    expect: () => ({ status: 404, body: jsonBody(NOT_FOUND) }),
  },
];
