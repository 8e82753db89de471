/**
 * The ASP.NET profile's case table: Microsoft.Azure.Mobile.Server 2.0.4 with the quickstart's
 * TodoItemController and soft delete on. Sources are files of Azure/azure-mobile-apps-net-server
 * (`src/…`), of the quickstart (Azure-Samples/azure-mobile-apps-aspnet-server-quickstart), or
 * official documentation; docs/server-profiles.md lists every row.
 */
import { emptyBody, jsonBody, jsonWith, recordIds } from './expect.js';
import type { CaseContext, ConformanceCase } from './types.js';

const NET = 'Azure/azure-mobile-apps-net-server';
const QUICKSTART =
  'Azure-Samples/azure-mobile-apps-aspnet-server-quickstart TaskList/ASPNETBackend/Controllers/TodoItemController.cs';
const API_LINK = 'http://go.microsoft.com/fwlink/?LinkId=690568#2.0.0';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{0,2}[1-9])?Z$/;
const ROWVERSION = /^[A-Za-z0-9+/]{11}=$/;

const collection = (c: CaseContext, query = '') => `/tables/${c.table}${query}`;
const item = (c: CaseContext, name: string, query = '') =>
  `/tables/${c.table}/${encodeURIComponent(c.id(name))}${query}`;
const insert = (c: CaseContext, name: string, fields: Record<string, unknown> = {}) => ({
  method: 'POST',
  path: collection(c),
  json: { id: c.id(name), ...fields },
});
const filter = (text: string) => `?$filter=${encodeURIComponent(text)}`;
const ofRun = (c: CaseContext, ...names: string[]) => `(${names.map((name) => `id eq '${c.id(name)}'`).join(' or ')})`;
const notFoundMessage = (uri: string) => ({
  message: `No HTTP resource was found that matches the request URI '${uri}'.`,
});

export const ASPNET_CASES: readonly ConformanceCase[] = [
  {
    id: 'A-api-version-missing',
    title: 'a request without ZUMO-API-VERSION is refused, without the server version header',
    source: `${NET} src/Microsoft.Azure.Mobile.Server/Config/MobileAppControllerAttribute.cs, Properties/RResources.resx (Version_Required)`,
    readOnly: true,
    request: (c) => ({ method: 'GET', path: collection(c), headers: { 'zumo-api-version': undefined } }),
    expect: () => ({
      status: 400,
      headers: { 'x-zumo-server-version': { absent: true } },
      body: jsonBody({
        message: `No API version was specified in the request, this request needs to specify a ZUMO-API-VERSION of '2.0.0'.  For more information and supported clients see: ${API_LINK}`,
      }),
    }),
  },
  {
    id: 'A-api-version-invalid',
    title: 'an unsupported ZUMO-API-VERSION has its own message; the query string wins over the header',
    source: `${NET} src/Microsoft.Azure.Mobile.Server/Config/MobileAppControllerAttribute.cs, Properties/RResources.resx (Version_Unsupported)`,
    readOnly: true,
    request: (c) => ({ method: 'GET', path: collection(c, '?zumo-api-version=3.0.0') }),
    expect: () => ({
      status: 400,
      body: jsonBody({
        message: `An invalid API version was specified in the request, this request needs to specify a ZUMO-API-VERSION of '2.0.0'.  For more information and supported clients see: ${API_LINK}`,
      }),
    }),
  },
  {
    id: 'A-unknown-table',
    title: 'an unknown table is a 404 naming the request URI',
    source: `${NET} src/Microsoft.Azure.Mobile.Server/Properties/RResources.resx (HttpNotFound: Web API's wording)`,
    readOnly: true,
    request: (c) => ({ method: 'GET', path: `/tables/${c.table}_missing` }),
    expect: (c) => ({ status: 404, body: jsonBody(notFoundMessage(`${c.baseUrl}/tables/${c.table}_missing`)) }),
  },
  {
    id: 'A-read-headers',
    title: 'a read carries net-2.0.4 and is not to be cached',
    source: `${NET} src/Microsoft.Azure.Mobile.Server/Config/MobileAppControllerAttribute.cs (SetVersionHeader, SetCachePolicy), src/Common/CommonAssemblyInfo.cs, src/Microsoft.Azure.Mobile.Server/Cache/CachePolicyProvider.cs`,
    readOnly: true,
    request: (c) => ({ method: 'GET', path: collection(c, '?$top=1') }),
    expect: () => ({
      status: 200,
      headers: { 'x-zumo-server-version': 'net-2.0.4', 'cache-control': 'no-cache', pragma: 'no-cache' },
    }),
  },
  {
    id: 'A-top-no-link',
    title: '$top under the page size is served whole, with no next link',
    source: `${NET} src/Microsoft.Azure.Mobile.Server.Tables/Tables/TableUtils.cs (PageSize 50), Tables/TableFilterProvider.cs (EnableQuery PageSize)`,
    readOnly: true,
    request: (c) => ({ method: 'GET', path: collection(c, '?$top=1') }),
    expect: () => ({ status: 200, headers: { link: { absent: true } } }),
  },
  {
    id: 'A-datetime-literal',
    title: "a datetime'…' literal beside a DateTimeOffset column is a type error (clients must send datetimeoffset'…')",
    source: `${NET} src/Microsoft.Azure.Mobile.Server.Entity/EntityData.cs (DateTimeOffset UpdatedAt); OData Version 3.0 Core Protocol, Edm.DateTime vs Edm.DateTimeOffset (https://www.odata.org/documentation/odata-version-3-0/common-schema-definition-language-csdl/); azure-mobile-apps-client 2.0.1 sdk/src/sync/pull.js rewrites datetime' to datetimeoffset' for this server`,
    readOnly: true,
    request: (c) => ({ method: 'GET', path: collection(c, filter("updatedAt ge datetime'2020-01-01T00:00:00'")) }),
    expect: () => ({
      status: 400,
      body: jsonWith({
        message: /^The query specified in the URI is not valid\. .*'Edm\.DateTimeOffset' and 'Edm\.DateTime'/,
      }),
    }),
  },
  {
    id: 'A-options',
    title: 'OPTIONS has no action: 405',
    source: `${QUICKSTART} (no action takes OPTIONS); ASP.NET Web API action selection, https://learn.microsoft.com/en-us/aspnet/web-api/overview/web-api-routing-and-actions/routing-and-action-selection`,
    readOnly: true,
    request: (c) => ({ method: 'OPTIONS', path: collection(c) }),
    expect: () => ({
      status: 405,
      body: jsonBody({ message: "The requested resource does not support http method 'OPTIONS'." }),
    }),
  },
  {
    id: 'A-insert',
    title: 'an insert answers 201 with Location, the rowversion as ETag and timestamps as .FFF',
    source: `${QUICKSTART} (CreatedAtRoute); ${NET} src/Microsoft.Azure.Mobile.Server/Config/MobileAppControllerConfigProvider.cs (DateTimeFormat ss.FFFZ), src/Microsoft.Azure.Mobile.Server.Tables/Tables/TableQueryFilter.cs (ETag from Version)`,
    readOnly: false,
    request: (c) => insert(c, 'insert', { text: 'milk', complete: false }),
    expect: (c) => ({
      status: 201,
      headers: {
        location: `${c.baseUrl}/tables/${c.table}/${encodeURIComponent(c.id('insert'))}`,
        etag: /^"[A-Za-z0-9+/]{11}="$/,
      },
      body: jsonWith({
        id: c.id('insert'),
        text: 'milk',
        createdAt: TIMESTAMP,
        updatedAt: TIMESTAMP,
        version: ROWVERSION,
      }),
    }),
  },
  {
    id: 'A-insert-taken',
    title: "an insert of a taken id is a 409 carrying SQL Server's error",
    source: `${NET} src/Microsoft.Azure.Mobile.Server.Entity/Tables/EntityUtils.cs (error 2627), src/Common/CommonResources.resx (DomainManager_Conflict)`,
    readOnly: false,
    setup: (c) => [insert(c, 'taken', { text: 'first' })],
    request: (c) => insert(c, 'taken', { text: 'second' }),
    expect: () => ({ status: 409, body: jsonWith({ message: /^The operation failed due to a conflict: '/ }) }),
  },
  {
    id: 'A-patch-stale-if-match',
    title: 'a stale If-Match answers 412 with the current record and its ETag',
    source: `${NET} src/Microsoft.Azure.Mobile.Server.Entity/Tables/EntityUtils.cs (GetConflictStatusCode), src/Microsoft.Azure.Mobile.Server.Entity/EntityDomainManager.cs (GetOriginalValue)`,
    readOnly: false,
    setup: (c) => [insert(c, 'stale', { text: 'milk' })],
    request: (c) => ({
      method: 'PATCH',
      path: item(c, 'stale'),
      headers: { 'if-match': '"AAAAAAAAAAE="' },
      json: { text: 'x' },
    }),
    expect: (c) => ({
      status: 412,
      headers: { etag: /^"[^"]+"$/ },
      body: jsonWith({ id: c.id('stale'), text: 'milk' }),
    }),
  },
  {
    id: 'A-if-match-weak',
    title: 'a weak If-Match is a 400',
    source: `${NET} src/Microsoft.Azure.Mobile.Server.Tables/Extensions/TableHttpRequestMessageExtensions.cs (GetVersionFromIfMatch), Properties/TResources.resx (TableController_InvalidIfMatch)`,
    readOnly: false,
    setup: (c) => [insert(c, 'weak')],
    request: (c) => ({
      method: 'PATCH',
      path: item(c, 'weak'),
      headers: { 'if-match': 'W/"AAAAAAAAAAE="' },
      json: { text: 'x' },
    }),
    expect: () => ({
      status: 400,
      body: jsonBody({
        message:
          'The HTTP If-Match header is invalid: \'W/"AAAAAAAAAAE="\'. Updating an existing resource requires a single, strong ETag, or a wildcard ETag.',
      }),
    }),
  },
  {
    id: 'A-if-match-star',
    title: "If-Match '*' is no condition",
    source: `${NET} src/Microsoft.Azure.Mobile.Server.Tables/Extensions/TableHttpRequestMessageExtensions.cs (EntityTagHeaderValue.Any)`,
    readOnly: false,
    setup: (c) => [insert(c, 'star')],
    request: (c) => ({ method: 'PATCH', path: item(c, 'star'), headers: { 'if-match': '*' }, json: { text: 'x' } }),
    expect: (c) => ({ status: 200, body: jsonWith({ id: c.id('star'), text: 'x' }) }),
  },
  {
    id: 'A-patch-id-mismatch',
    title: 'a body id other than the URL id is a 400',
    source: `${NET} src/Microsoft.Azure.Mobile.Server.Entity/EntityDomainManager.cs (VerifyUpdatedKey), Properties/EFResources.resx (TableController_KeyMismatch)`,
    readOnly: false,
    setup: (c) => [insert(c, 'mismatch')],
    request: (c) => ({ method: 'PATCH', path: item(c, 'mismatch'), json: { id: c.id('other') } }),
    expect: (c) => ({
      status: 400,
      body: jsonBody({
        message: `The 'Id' field in the HTTP request body must match the values used in the request URI. Expected a value of '${c.id('mismatch')}' but received '${c.id('other')}'.`,
      }),
    }),
  },
  {
    id: 'A-patch-missing',
    title: 'a PATCH of a record that is not there is a 404 naming the URI',
    source: `${NET} src/Microsoft.Azure.Mobile.Server.Entity/EntityDomainManager.cs (UpdateAsync), src/Microsoft.Azure.Mobile.Server/Extensions/HttpRequestMessageExtensions.cs (CreateNotFoundResponse)`,
    readOnly: false,
    request: (c) => ({ method: 'PATCH', path: item(c, 'never-made'), json: { text: 'x' } }),
    expect: (c) => ({ status: 404, body: jsonBody(notFoundMessage(`${c.baseUrl}${item(c, 'never-made')}`)) }),
  },
  {
    id: 'A-delete',
    title: 'DELETE answers 204 with no body',
    source: `${QUICKSTART} (DeleteTodoItem returns Task); ${NET} src/Microsoft.Azure.Mobile.Server.Tables/TableControllerOfData.cs (DeleteAsync)`,
    readOnly: false,
    setup: (c) => [insert(c, 'delete')],
    request: (c) => ({ method: 'DELETE', path: item(c, 'delete') }),
    expect: () => ({ status: 204, body: emptyBody() }),
  },
  {
    id: 'A-delete-missing',
    title: 'a DELETE of a record that is not there is a 404 with no body',
    source: `${NET} src/Microsoft.Azure.Mobile.Server.Tables/TableControllerOfData.cs (DeleteAsync: CreateResponse(NotFound))`,
    readOnly: false,
    request: (c) => ({ method: 'DELETE', path: item(c, 'never-made') }),
    expect: () => ({ status: 404, body: emptyBody() }),
  },
  {
    id: 'A-get-soft-deleted',
    title: '__includedeleted=true lets a GET see a soft-deleted record',
    source: `${NET} src/Microsoft.Azure.Mobile.Server.Tables/Tables/DomainManager.cs (IncludeDeleted), Extensions/TableHttpRequestMessageExtensions.cs (AreDeletedRowsRequested)`,
    readOnly: false,
    setup: (c) => [insert(c, 'gone'), { method: 'DELETE', path: item(c, 'gone') }],
    request: (c) => ({ method: 'GET', path: item(c, 'gone', '?__includedeleted=true') }),
    expect: (c) => ({ status: 200, body: jsonWith({ id: c.id('gone'), deleted: true }) }),
  },
  {
    id: 'A-case-insensitive',
    title: "text comparisons ignore case (SQL Server's default collation)",
    source:
      'SQL_Latin1_General_CP1_CI_AS, the default collation of Azure SQL Database: https://learn.microsoft.com/en-us/sql/relational-databases/collations/collation-and-unicode-support',
    readOnly: false,
    setup: (c) => [insert(c, 'milk', { text: 'Milk' })],
    request: (c) => ({ method: 'GET', path: collection(c, filter(`${ofRun(c, 'milk')} and text eq 'MILK'`)) }),
    expect: (c) => ({ status: 200, body: recordIds([c.id('milk')]) }),
  },
  {
    id: 'A-null-semantics',
    title: "ne keeps rows whose value is null (Entity Framework's C# null semantics)",
    source:
      'Entity Framework 6 DbContextConfiguration.UseDatabaseNullSemantics, false by default: https://learn.microsoft.com/en-us/dotnet/api/system.data.entity.infrastructure.dbcontextconfiguration.usedatabasenullsemantics',
    readOnly: false,
    setup: (c) => [insert(c, 'null-a', { text: 'a' }), insert(c, 'null-n', { text: null })],
    request: (c) => ({
      method: 'GET',
      path: collection(c, `${filter(`${ofRun(c, 'null-a', 'null-n')} and text ne 'a'`)}`),
    }),
    expect: (c) => ({ status: 200, body: recordIds([c.id('null-n')]) }),
  },
];
